"""Which weekends each person works, chosen for everyone at once before the first lines
(issue 8: Curtois & Qu Instances 13-19).

Why: the first lines (solve/line_start.py) are built one person at a time, each the best
reply to the lines before it. Where `max_weekends` is about what the weekend cover needs
(Instance13: 2 of 4 weekends each, 500 weekend person-days for 482 weekend sessions), a best
reply often works one day of a weekend only (the other is already covered by someone before
it), which spends an allowed weekend for half its capacity: Instance13's first-lines roster
had 77 such half weekends and 99 of its 101 uncovered sessions on Saturdays and Sundays.

So, before any line, in plain Python: round by round, least flexible person first, each person
whose `max_weekends` binds takes a whole weekend (every open day of it, both Saturday and
Sunday where both are open) and a period for each day, where the weekend cover left is
shortest by the demands' weights, keeping their skills, hard days off,
`max_sessions_by_period` and the forbidden successions between Saturday and Sunday, up to
`max_weekends` weekends. (A CP-SAT model of the same choice took 12 s on Instance13 and found
nothing; dropped.) Each such person then has their line built with exactly those weekends
open and their days preferred (solve/first_line.py, choice `plan`); the passes of better
replies after it are free to leave the plan wherever a line is worth more without it.

The plan decides nothing about validity: every line is still built by the exact rules of
first_line and judged by the independent checker. It is made only for instances shaped like
Curtois & Qu's cover: each weekend (date, period) asked for by one demand, on that one date,
in one period, with no team (`_weekend_need`); else no plan.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise, product

from outreach_opt.domain.instance import Instance
from outreach_opt.solve.by_specialist import Lines, sub_instance
from outreach_opt.solve.first_line import Builder
from outreach_opt.solve.line_scope import declines

logger = logging.getLogger(__name__)


def weekend_plan(instance: Instance, until: float) -> dict[str, dict[int, str]]:
    """Per specialist whose `max_weekends` binds, the days (indices into the horizon) of the
    weekends chosen for them, each with its period (module docstring); empty when no plan
    is made, or `until` (perf_counter) comes first (a year of 150 people, Instance24, is
    the most it is asked to plan)."""
    need = _weekend_need(instance)
    if not need:
        return {}
    lines = Lines(instance)
    people: list[_Person] = []
    for spec in instance.specialists:
        if time.perf_counter() >= until:
            logger.info("weekend plan: out of time")
            return {}
        sub = sub_instance(instance, spec.id, lines)
        if declines(sub):
            return {}
        builder = Builder(sub)
        weekends = builder.weekends()
        limit = spec.max_weekends if spec.max_weekends is not None else len(weekends)
        people.append(_Person(spec.id, builder, weekends, limit, limit < len(weekends)))
    people.sort(key=lambda person: sum(len(person.builder.slots[t]) for ts in person.weekends for t in ts))
    cover = _Cover(need, {key: minimum for key, (minimum, _, _) in need.items()})
    for _ in range(max((person.limit for person in people), default=0)):
        for person in people:  # a round: each person their best weekend left, least flexible first
            if time.perf_counter() >= until:
                logger.info("weekend plan: out of time")
                return {}
            if not person.done and sum(ts[0] in person.chosen for ts in person.weekends) < person.limit:
                _choose(person, cover)
    need, left = cover.need, cover.left
    short = sum(left[key] * need[key][1] for key in need if left[key] > 0)
    logger.info("weekend plan: weekend cover short by %d (weighted) before the lines", short)
    return {person.spec: dict(sorted(person.chosen.items())) for person in people if person.binds}


@dataclass
class _Person:
    """One specialist's weekends open to the plan and those chosen so far."""

    spec: str
    builder: Builder
    weekends: list[list[int]]
    limit: int
    binds: bool
    chosen: dict[int, str] = field(default_factory=dict)
    used: Counter[str] = field(default_factory=Counter)
    done: bool = False
    """No weekend left takes anything off (it cannot again: the cover left only falls)."""
    known: dict[int, tuple[tuple[int, ...], tuple[float, list[str]] | None]] = field(default_factory=dict)
    """Per weekend (its first day), the best periods found and the cover's `changed` stamps
    of its days then: still the best while those stamps and `used` are unchanged."""


@dataclass
class _Cover:
    """The weekend sessions asked (`_weekend_need`), those still short, and per day a stamp
    bumped whenever one of its sessions stops being short (the only change to a gain)."""

    need: dict[tuple[int, str], tuple[int, int, int]]
    left: dict[tuple[int, str], int]
    changed: Counter[int] = field(default_factory=Counter)


def _choose(person: _Person, cover: _Cover) -> None:
    """Give `person` the weekend not yet theirs whose days' best periods (no forbidden
    succession from Saturday to Sunday, the period limits kept) take most off the weekend
    cover's cost, if any takes something off; its sessions leave `cover.left`."""
    best: tuple[float, list[int], list[str]] | None = None
    for ts in person.weekends:
        if ts[0] in person.chosen:
            continue
        stamps = tuple(cover.changed[t] for t in ts)
        cached = person.known.get(ts[0])
        if cached is None or cached[0] != stamps:
            cached = person.known[ts[0]] = (stamps, _best_periods(person, ts, cover.need, cover.left))
        found = cached[1]
        if found is not None and found[0] > 0 and (best is None or found[0] > best[0]):
            best = (found[0], ts, found[1])
    if best is None:
        person.done = True
        return
    _, ts, periods = best
    person.known.clear()  # `used` changes
    for t, p in zip(ts, periods, strict=True):
        person.chosen[t] = p
        person.used[p] += 1
        if (t, p) in cover.left:
            cover.left[(t, p)] -= 1
            if cover.left[(t, p)] == 0:
                cover.changed[t] += 1


def _best_periods(
    person: _Person, ts: list[int], need: dict[tuple[int, str], tuple[int, int, int]], left: dict[tuple[int, str], int]
) -> tuple[float, list[str]] | None:
    """The periods on the days `ts` of one weekend of greatest gain to the weekend cover."""
    builder = person.builder

    def gain(t: int, p: str) -> float:
        if (t, p) not in need:
            return 0.0
        return need[(t, p)][1] if left[(t, p)] > 0 else -need[(t, p)][2]

    best: tuple[float, list[str]] | None = None
    for periods in product(*(list(builder.slots[t]) for t in ts)):
        if any((p, q) in builder.forbidden for p, q in pairwise(periods)):
            continue
        count = Counter(periods)
        if any(person.used[p] + n > builder.limits.get(p, len(builder.slots)) for p, n in count.items()):
            continue
        value = sum(gain(t, p) for t, p in zip(ts, periods, strict=True))
        if best is None or value > best[0]:
            best = (value, list(periods))
    return best


def _weekend_need(instance: Instance) -> dict[tuple[int, str], tuple[int, int, int]] | None:
    """(day, period) of each weekend session asked for -> (minimum, weight per session short,
    weight per session over); None when some (day, period) is asked for by more than one
    demand, or a weekend demand asks on more than one date, in more than one period (its
    minimum would count at each) or for a team (no plan: module docstring)."""
    start, days = instance.horizon.start, instance.horizon.days
    every = [p.id for p in instance.periods]
    need: dict[tuple[int, str], tuple[int, int, int]] = {}
    for dem in instance.demands:
        inside = [d for d in dem.dates or [] if 0 <= (d - start).days < days]
        if dem.dates is None or len(inside) > 1:
            return None
        if not inside or inside[0].weekday() < 5:
            continue
        if len(dem.periods or every) > 1 or dem.team:
            return None
        t = (inside[0] - start).days
        for p in dem.periods or every:
            if (t, p) in need:
                return None
            weight = instance.weights.uncovered_session * dem.priority
            need[(t, p)] = (dem.sessions.min, weight, dem.surplus_weight)
    return need
