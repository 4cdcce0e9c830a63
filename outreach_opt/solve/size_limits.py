"""Instances too large to solve here are refused before building, with what to narrow."""

from __future__ import annotations

from outreach_opt.domain.prepared import Prepared
from outreach_opt.domain.problems import InputError, Problem

MAX_CANDIDATES = 2_000_000
"""Demand sessions the model may weigh (specialist x demand x day x period that fit), after
the shortlist of an instance too large to model whole (solve/shortlist.py): the benchmark's
largest size (1000 specialists x 60 sites x 4 weeks: 4.2M fitting, 128k shortlisted)
stays well below; above it the build alone would take minutes and gigabytes, so the
instance is refused before building."""
MAX_DAY_OPTIONS = 200_000
"""Ways one specialist-day could go before pruning (product of the options per period)."""


def check_size(prep: Prepared) -> None:
    """Refuse, before building, an instance whose model would be too large to solve here."""
    problems = []
    if len(prep.candidates) > MAX_CANDIDATES:
        problems.append(
            f"the instance asks the model to weigh {len(prep.candidates):,} possible demand sessions, over the "
            f"limit of {MAX_CANDIDATES:,}; split the horizon into shorter runs or narrow demands' days and periods"
        )
    for (spec, t), cands in prep.candidates_by_day.items():
        # ways[k]: ways to fill the day with k sessions, up to max_sessions_per_day (the
        # enumeration never grows a day past it: one shift a day over 18 shift types is 19
        # ways, not 2**18)
        most = prep.specialists[spec].max_sessions_per_day
        most = prep.n_periods if most is None else min(most, prep.n_periods)
        ways = [1] + [0] * most
        for p in range(prep.n_periods):
            sites = len({c.site for c in cands if c.period == p})
            for k in range(most, 0, -1):
                ways[k] += ways[k - 1] * sites
        options = sum(ways)
        if options > MAX_DAY_OPTIONS:
            problems.append(
                f"{spec} could be at so many sites on {prep.dates[t]} ({options:,} ways to fill the day, over "
                f"{MAX_DAY_OPTIONS:,}); narrow the demands' days or periods"
            )
            break
    if problems:
        raise InputError([Problem((), message) for message in problems])
