"""Pins taken from a roster: `solve --pin ROSTER` keeps every demand session of ROSTER.

A department head who has already announced part of the week passes that roster in; each of
its demand sessions inside the horizon becomes a pin (rule `pins`). Commitments are fixed by
the instance anyway. A roster naming an unknown specialist, demand or period is bad input,
reported at the assignment, not a silently dropped pin.
"""

from __future__ import annotations

from outreach_opt.domain.instance import Instance, Pin
from outreach_opt.domain.problems import InputError, Problem, suggest
from outreach_opt.domain.roster import Roster


def with_roster_pins(instance: Instance, roster: Roster, source: str) -> Instance:
    """`instance` with a pin for each demand session of `roster` dated inside the horizon."""
    known = {
        "specialist": [s.id for s in instance.specialists],
        "demand": [d.id for d in instance.demands],
        "period": [p.id for p in instance.periods],
    }
    first = instance.horizon.start
    problems = []
    pins = list(instance.pins)
    for i, a in enumerate(roster.assignments):
        if a.demand is None or not 0 <= (a.date - first).days < instance.horizon.days:
            continue
        bad = [
            (key, value)
            for key, value in (("specialist", a.specialist), ("demand", a.demand), ("period", a.period))
            if value not in known[key]
        ]
        for key, value in bad:
            message = f"unknown {key} {value!r}{suggest(value, known[key])}: it cannot be pinned in {instance.name!r}"
            problems.append(Problem(("assignments", i, key), message, source))
        if not bad:
            pins.append(Pin(specialist=a.specialist, date=a.date, period=a.period, demand=a.demand))
    if problems:
        raise InputError(problems)
    return instance.model_copy(update={"pins": pins})
