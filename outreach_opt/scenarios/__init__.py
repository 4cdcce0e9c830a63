"""What-if scenarios: named variants of a base instance, sweeps over a parameter, and KPIs.

A scenario never edits the base file: its operations patch a copy of the base's plain data,
and the result is validated again as a whole instance, so a scenario can only produce
instances the loader itself would accept.
"""
