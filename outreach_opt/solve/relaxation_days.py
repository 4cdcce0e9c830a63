"""Away days for the relaxation (solve/relaxation.py): what a specialist's days away can hold.

The counts of the relaxation know nothing of days, so its travel was a share of a round trip
per session (the trip over the most sessions a day can hold): a single evening list at a
county hospital was charged a third of the drive every roster pays whole. Here each
specialist's possible days away are enumerated once, without dates: per period a site away
from home where they could serve some demand in that period, or none; kept when consecutive
stops leave time for the drive between them and the shortest tour (from home or a stay,
back to home or a stay) fits the daily travel limit. Days are grouped by their farthest away
site and how many sites away they visit (a `DayType`; grouping by the set of sites visited
gave M seed 3 2.6 times the types for 45 more of its bound), with the least tour of any of its
days, and per site and set of periods the most sessions one such day holds there in those
periods (and in all, away).

The relaxation then counts, per specialist and week, days of each type (`z_k`), with
sessions at a site in periods `Q` at most `Σ_k most_k(a, Q) z_k` and the week's drive at
least `Σ_k drive_k z_k` (models/BOUNDS.md, "Away days": why every roster's days are such a point).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach_opt.domain.travel import TravelMatrix

if TYPE_CHECKING:
    from outreach_opt.domain.instance import Specialist
    from outreach_opt.domain.prepared import Prepared
    from outreach_opt.solve.relaxation import Relaxation, _Column
    from outreach_opt.solve.relaxation_bound import _Rows

logger = logging.getLogger(__name__)

MOST_DAYS = 20_000
"""Days enumerated per specialist at most; beyond, the specialist keeps the shares alone (a
weaker relaxation, still valid)."""


@dataclass
class DayType:
    """Days away whose farthest stop away from home (by the least round trip) is one site,
    visiting a given number of away sites."""

    sites: frozenset[str]
    """Every away site some such day visits."""
    drive: float
    """The least tour of any such day: no roster's day with these stops drives less."""
    most: dict[tuple[str, int], int] = field(default_factory=dict)
    """(site, periods as a bit mask) -> the most sessions one such day holds there in them;
    ("", 0) -> the most sessions away from home it holds in all."""


def day_types(
    stops: Sequence[set[str]],
    start: Sequence[int],
    end: Sequence[int],
    routes: TravelMatrix,
    ends: Sequence[str],
    limit: int | None,
    per_day: int,
    masks: dict[str, set[int]],
) -> list[DayType] | None:
    """The types of a specialist's days away. `stops[p]`: the away sites they could serve a
    demand at in period `p`; `ends`: home and the stay sites (where a day may start and end);
    `masks`: per site, the period masks whose most sessions are wanted. None when more than
    `MOST_DAYS` days would be enumerated.

    A roster's day, read as its demand sessions away from home only, is one of the days
    enumerated: dropping stops (home sessions, commitments) never lengthens a route of
    shortest legs, so its consecutive away stops still leave time for the drive and its tour
    over them is at most its drive, within the limit; at most `per_day` sessions."""
    n = len(stops)
    types: dict[tuple[str, int], DayType] = {}
    into = {a: min(routes.get((e, a), math.inf) for e in ends) for p in range(n) for a in stops[p]}
    back = {a: min(routes.get((a, e), math.inf) for e in ends) for p in range(n) for a in stops[p]}
    count = 0
    path: list[tuple[int, str]] = []

    def record(cost: float) -> None:
        last = path[-1][1]
        tour = cost + back[last]
        if limit is not None and tour > limit:
            return
        visited = {a for _, a in path}
        farthest = max(visited, key=lambda a: (into[a] + back[a], a))
        kind = types.get((farthest, len(visited)))
        if kind is None:
            kind = types[(farthest, len(visited))] = DayType(frozenset(), tour)
        kind.sites |= visited
        kind.drive = min(kind.drive, tour)
        kind.most[("", 0)] = max(kind.most.get(("", 0), 0), len(path))
        for a in visited:
            for mask in masks.get(a, ()):
                held = sum(1 for p, b in path if b == a and mask >> p & 1)
                key = (a, mask)
                kind.most[key] = max(kind.most.get(key, 0), held)

    def extend(p: int, cost: float) -> bool:
        nonlocal count
        count += 1
        if count > MOST_DAYS:
            return False
        if path:
            record(cost)
        if len(path) == per_day:
            return True
        for q in range(p, n):
            for a in sorted(stops[q]):  # a fixed order: the LP's columns, and its time-limited bound, per run
                if path:
                    prev_p, prev_a = path[-1]
                    leg = 0 if a == prev_a else routes.get((prev_a, a), math.inf)
                    if end[prev_p] + leg > start[q]:
                        continue
                    more = cost + leg
                else:
                    more = into[a]
                if not math.isfinite(more) or (limit is not None and more + back[a] > limit):
                    continue  # legs are shortest routes: the tour from here only grows
                path.append((q, a))
                ok = extend(q + 1, more)
                path.pop()
                if not ok:
                    return False
        return True

    if not extend(0, 0.0):
        logger.debug("more than %d days away: shares only", MOST_DAYS)
        return None
    return list(types.values())


def away_days(
    relax: Relaxation,
    prep: Prepared,
    units: list[list[Specialist]],
    week_of: list[int],
    sp: TravelMatrix,
    stays: list[str],
) -> None:
    """The types of each specialist's days away, from the stops their counts could take.
    Only when every unit is one specialist: grouped relaxations (300 specialists and up) keep
    the shares, and their LPs their size."""
    if relax.weight_tr <= 0 or any(len(unit) != 1 for unit in units):
        return  # driving costs nothing: the days would change no value
    whole_days: dict[tuple[str, int], int] = defaultdict(int)
    for sid, t, _p in prep.unavailable:
        whole_days[(sid, t)] += 1
    by_unit: dict[str, list[_Column]] = defaultdict(list)
    for col in relax.columns:
        by_unit[col.spec].append(col)
    for unit in units:
        spec = unit[0]
        relax.homes[spec.id] = spec.home
        stops: list[set[str]] = [set() for _ in prep.period_ids]
        masks: dict[str, set[int]] = defaultdict(set)
        full = (1 << len(prep.period_ids)) - 1
        for col in by_unit.get(spec.id, ()):
            away = [site for site in col.sites if site != spec.home]
            for p in range(len(prep.period_ids)):
                if col.periods >> p & 1:
                    stops[p].update(away)
            if len(col.sites) == 1 and away:
                masks[away[0]].update((col.periods, full))
        if not masks:
            continue
        kinds = day_types(
            stops,
            prep.period_start,
            prep.period_end,
            sp,
            [spec.home, *stays],
            spec.max_travel_minutes_per_day,
            away_per_day(unit, len(prep.period_ids)),  # every stop is a session away
            masks,
        )
        if not kinds:
            continue
        relax.days[spec.id] = kinds
        for t, w in enumerate(week_of):
            if whole_days[(spec.id, t)] < len(prep.period_ids):
                relax.free_days[(spec.id, w)] = relax.free_days.get((spec.id, w), 0) + 1


def sessions_per_day(spec: object, n_periods: int) -> int:
    """Sessions a day can hold at most: its periods, or fewer by `max_sessions_per_day`."""
    most = getattr(spec, "max_sessions_per_day", None)
    return max(1, n_periods if most is None else min(most, n_periods))


def away_per_day(unit: Sequence[Specialist], n_periods: int) -> int:
    """Sessions away from home a day can hold at most, for any member of `unit`: its sessions
    a day, and no more than a week allows away (`max_outreach_sessions_per_week`) or at all
    (`max_sessions_per_week`), since a day lies in one week. Why: a count's drive share is its
    day's drive over the sessions that day could hold; for a specialist allowed one session
    away a week that is the whole round trip, where a third was taken (the count's sessions
    are away, so they count in both limits)."""

    def most(spec: Specialist) -> int:
        limits = (spec.max_outreach_sessions_per_week, spec.max_sessions_per_week)
        return min([sessions_per_day(spec, n_periods), *(limit for limit in limits if limit is not None)])

    return max(1, max(most(spec) for spec in unit))


def add_away_days(lp: _Rows, relax: Relaxation, x: list[int]) -> dict[str, list[int]]:
    """Rows for the days away of each specialist with day types (`Relaxation.days`), per week:
    days of each type `z_k` (whole in every roster, at most the week's free days together),
    sessions at a site in periods `Q` at most what the days hold there, and the week's drive
    `τ` at least both the sessions' shares (their cost until now, moved onto `τ`) and the
    days' least tours. Each is a lower bound of the drive of every roster's week, so `τ` at
    its maximum is one too (models/BOUNDS.md, "Away days"). `Relaxation.days` is empty when driving
    costs nothing (`away_days`), so then no row is added. Returns each unit's day columns
    (every week's), for `add_first_day`."""
    days_of: dict[str, list[int]] = defaultdict(list)
    by_week: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, col in enumerate(relax.columns):
        if col.spec in relax.days:
            by_week[(col.spec, col.week)].append(i)
    for (unit, week), cols in by_week.items():
        kinds = relax.days[unit]
        free = relax.free_days.get((unit, week), 0)
        drive = lp.var(0, math.inf, 1.0, integer=False)
        lp.row([(drive, 1.0), *((x[i], -lp.cost[x[i]]) for i in cols)], 0, math.inf)
        for i in cols:
            lp.cost[x[i]] = 0.0
        days = [lp.var(0, free, 0.0) for _ in kinds]
        days_of[unit].extend(days)
        lp.row(
            [(drive, 1.0), *((z, -relax.weight_tr * k.drive) for z, k in zip(days, kinds, strict=True))], 0, math.inf
        )
        lp.row([(z, 1.0) for z in days], -math.inf, free)
        home = relax.homes[unit]
        keys: dict[str, set[int]] = defaultdict(set)  # per site, the period masks some type holds
        for k in kinds:
            for site, mask in k.most:
                keys[site].add(mask)
        held: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i in cols:
            col = relax.columns[i]
            if len(col.sites) == 1 and col.sites[0] != home:
                for mask in keys[col.sites[0]]:
                    if col.periods & ~mask == 0:
                        held[(col.sites[0], mask)].append(i)
        for i in cols:
            if relax.columns[i].sites and home not in relax.columns[i].sites:
                held[("", 0)].append(i)  # every session away: at most what the days hold in all
        for (site, mask), sessions in held.items():
            room = [(z, -float(k.most.get((site, mask), 0))) for z, k in zip(days, kinds, strict=True)]
            lp.row([*((x[i], 1.0) for i in sessions), *room], -math.inf, 0)
    return days_of


def add_first_day(
    lp: _Rows,
    relax: Relaxation,
    x: list[int],
    days_of: dict[str, list[int]],
    steps: dict[str, list[tuple[int, int]]],
) -> None:
    """For each sharer (a unit of one specialist with day types): their days away (all weeks)
    plus their sessions that earn a point and could be served at home, at least `δ_{lo+1}`,
    the unit step of their points above `lo` (`_LP._fairness`); when no session earning a
    point can be at home, at least `δ_{lo+1} + δ_{lo+1+m} + δ_{lo+1+2m} + ...` (`m` the most
    points one day away can earn); and the steps taken in order, `δ_L >= δ_{L+1}`.

    Why: the LP lets a sharer earn their points from fractions of sessions on a fraction of
    a day away, so it pays a fraction of the round trip every roster pays whole (80 x 15 seed
    3 at the roster's total: LP travel 5.3k, rosters and the integer counts 8.4k). Valid
    (models/BOUNDS.md, "First day away"): in a roster's point the steps are whole and taken in order
    up to its points `P`; points above `lo` (history and commitments) come from demand
    sessions; one earning a point is either at home (its count is at least 1) or away, on a
    day its `z` count; with none possible at home, `P >= lo + 1 + j m` means more than `j m`
    points from days away, so at least `j + 1` of them."""
    # called only with fairness in the LP (`_LP.fair`), which needs every sharer's points
    # bounded above, so minutes driven earn none
    assert relax.points_capped, "first day away without a cap on points"
    cols_of: dict[str, list[int]] = defaultdict(list)
    for i, col in enumerate(relax.columns):
        if col.points_hi > 0:
            cols_of[col.spec].append(i)
    for unit, zs in days_of.items():
        levels = [v for _, v in steps.get(unit, [])]
        if not zs or not levels or len(relax.ranges[unit]) != 1:
            continue
        home = relax.homes[unit]
        earning = [relax.columns[i] for i in cols_of[unit]]
        at_home = [x[i] for i in cols_of[unit] if home in relax.columns[i].sites]
        per_day = max(k.most.get(("", 0), 0) for k in relax.days[unit])
        most = per_day * max((col.points_hi for col in earning), default=0)  # weekend day counted per session
        taken = [levels[0]] if at_home or most <= 0 else levels[::most]
        for above, below in itertools.pairwise(levels):
            lp.row([(above, 1.0), (below, -1.0)], 0, math.inf)
        lp.row([*((z, 1.0) for z in zs), *((v, 1.0) for v in at_home), *((v, -1.0) for v in taken)], 0, math.inf)
