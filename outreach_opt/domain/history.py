"""What already happened before the horizon, as the model needs it (issue: rules, item 8).

Earlier published rosters are read as plain assignments; only those of known specialists,
at known sites and periods, dated before the horizon, count. From them the model takes, per
specialist: the days worked just before (runs across the boundary), the time they got home
on the last day (rest into day 0), that day's sessions (forbidden successions), the burden
points so far (fairness) and the demands already served (continuity). The checker derives
the same facts from the same assignments on its own (check/history.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.domain.travel import TravelMatrix

LOOKBACK_DAYS = 28
"""History older than this does not change any rule (runs, rest and successions look back a
few days); fairness and continuity still count every assignment given."""


def past_assignments(instance: Instance, rosters: Iterable[Roster]) -> list[Assignment]:
    """The assignments of earlier rosters that count here, once each, in date order."""
    specialists = {s.id for s in instance.specialists}
    sites = {s.id for s in instance.sites}
    periods = {p.id for p in instance.periods}
    seen: dict[tuple[str, dt.date, str], Assignment] = {}
    for roster in rosters:
        for a in roster.assignments:
            if (
                a.date < instance.horizon.start
                and a.specialist in specialists
                and a.site in sites
                and a.period in periods
            ):
                seen.setdefault((a.specialist, a.date, a.period), a)
    return sorted(seen.values(), key=lambda a: (a.date, a.specialist, a.period))


@dataclass(frozen=True)
class HistoryFacts:
    worked: dict[str, set[int]] = field(default_factory=dict)
    """Day offsets (-1 is the day before the horizon) with any session, within LOOKBACK_DAYS."""
    back: dict[str, int] = field(default_factory=dict)
    """Minute (from day -1's midnight) the specialist got home on day -1, if they worked."""
    yesterday: dict[str, list[Assignment]] = field(default_factory=dict)
    burden: dict[str, int] = field(default_factory=dict)
    """Burden points (unscaled) of all past assignments."""
    servers: set[tuple[str, str]] = field(default_factory=set)
    """(specialist, demand) pairs served before."""


def history_facts(instance: Instance, travel: TravelMatrix, past: Sequence[Assignment]) -> HistoryFacts:
    start = instance.horizon.start
    homes = {s.id: s.home for s in instance.specialists}
    period = {p.id: p for p in instance.periods}
    order = {p.id: i for i, p in enumerate(instance.periods)}
    by_day: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in past:
        by_day[(a.specialist, a.date)].append(a)
    facts = HistoryFacts()
    b = instance.fairness.burden
    for (spec, day), todays in sorted(by_day.items()):
        todays.sort(key=lambda a: order[a.period])
        offset = (day - start).days
        if offset >= -LOOKBACK_DAYS:
            facts.worked.setdefault(spec, set()).add(offset)
        home = homes[spec]
        stops = [home, *(a.site for a in todays), home]
        driven = sum(travel.get((x, y), 0) for x, y in itertools.pairwise(stops))
        points = b.outreach_session * sum(1 for a in todays if a.site != home)
        points += b.evening_session * sum(1 for a in todays if period[a.period].is_evening)
        points += b.weekend_day * (day.weekday() >= 5) + b.travel_minute * driven
        facts.burden[spec] = facts.burden.get(spec, 0) + points
        if offset == -1:
            last = todays[-1]
            facts.back[spec] = period[last.period].end_minute + travel.get((last.site, home), 0)
            facts.yesterday[spec] = list(todays)
        for a in todays:
            if a.demand is not None:
                facts.servers.add((spec, a.demand))
    return facts
