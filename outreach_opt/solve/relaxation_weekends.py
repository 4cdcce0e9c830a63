"""Weekend capacity for the relaxation (solve/relaxation.py): what the weekends a specialist
may work can hold.

The relaxation's counts know nothing of days, so nothing stopped a specialist's counts from
holding more weekend sessions than `max_weekends` leaves them days for, nor more than one
session a day where `max_sessions_per_day` is 1. Curtois & Qu's instances leave weekend cover
short for that reason, and have hard days off: the LP said 0 on each (Instance12: 3,600
with these rows, its optimum 4,040; models/BOUNDS.md has the others). Here, per unit of the relaxation (a
specialist, or a group of alike ones), each weekend's sessions are at most what its days can
hold (`sessions_per_day`, and the periods left free there in which some count of theirs is
held), counted only on weekends worked, and the weekends worked at most `max_weekends`:

    Y_j ∈ [0, n_j]                        members who work weekend j (whole in every roster)
    Σ_j Y_j ≤ Σ_s min(K_s, weekends s can work)
    Σ x over counts held only on day t of weekend j   ≤ hold_t · Y_j
    Σ x over counts held only on days of weekend j    ≤ hold_j · Y_j
    Σ x over counts held only on weekend days, of ≥ 2 weekends ≤ Σ_j hold_j · Y_j
    Σ x over counts whose every day is off (hard day off, unavailable, committed) = 0
    Σ x over counts held only on weekday t   ≤ Σ_s hold_{s,t}    (no weekend limit to share)

(`hold` the most any member's day or weekend holds.) models/BOUNDS.md, "Weekend capacity", has why
every roster's counts are such a point. A count that may fall on a weekday and on some other
day is in no row.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach_opt.solve.relaxation_days import sessions_per_day

if TYPE_CHECKING:
    from outreach_opt.domain.instance import Specialist
    from outreach_opt.domain.prepared import Prepared
    from outreach_opt.solve.relaxation import Relaxation
    from outreach_opt.solve.relaxation_bound import _Rows

logger = logging.getLogger(__name__)


@dataclass
class Weekend:
    """One calendar weekend (its days in the horizon) for one unit."""

    workers: int
    """Members with a free period on it that one of the unit's counts could take (`n_j`)."""
    holds: int
    """Sessions one member's weekend holds at most (the most over the members)."""
    columns: list[int] = field(default_factory=list)
    """Counts all of whose sessions lie on this weekend's days."""
    days: list[tuple[int, list[int]]] = field(default_factory=list)
    """Per day: sessions one member's day holds at most, counts all of whose sessions lie on it."""


@dataclass
class WeekendCapacity:
    """A unit's weekends: the rows `add_weekends` writes."""

    unit: str
    limit: int
    """Weekends its members can work together at most (`Σ_s min(K_s, weekends open to s)`)."""
    weekends: list[Weekend]
    spanning: list[int]
    """Counts whose sessions lie on weekend days only, but of more than one weekend."""
    closed: list[int] = field(default_factory=list)
    """Counts no member can hold on any day (a hard day off the free slots do not know of)."""
    weekdays: list[tuple[int, list[int]]] = field(default_factory=list)
    """Per weekday: sessions its members' day holds at most together, counts held only on it."""


def weekend_capacity(
    relax: Relaxation, prep: Prepared, units: Sequence[Sequence[Specialist]], week_of: Sequence[int]
) -> list[WeekendCapacity]:
    """Per unit with a row that can bind (`_binding`): counts held on weekend days only, on
    one weekday only, or on days off only; its weekends' capacity and those rows."""
    blocked: dict[tuple[str, int], int] = defaultdict(int)
    """Per specialist and day, the periods (bit mask) no demand session can take: unavailable,
    committed (as the counts' free slots take them) or kept empty by a hard day off."""
    for sid, t, p in (*prep.unavailable, *prep.commitment_at):
        blocked[(sid, t)] |= 1 << p
    for req in prep.requests:
        if req.hard and req.want == "off":
            for p in req.periods:
                blocked[(req.specialist, req.day)] |= 1 << p
    weekend_of = {t: j for j, days in enumerate(prep.weekends) for t in days}
    on_days = _demand_days(prep, week_of)
    by_unit: dict[str, list[int]] = defaultdict(list)
    for i, col in enumerate(relax.columns):
        by_unit[col.spec].append(i)
    out = []
    for unit in units:
        found = _unit_capacity(relax, prep, unit, by_unit[unit[0].id], on_days, blocked, weekend_of)
        if found is not None:
            out.append(found)
    return out


def _demand_days(prep: Prepared, week_of: Sequence[int]) -> dict[tuple[str, int], list[int]]:
    """Per demand and week key of the counts, the days it is held on."""
    out: dict[tuple[str, int], list[int]] = defaultdict(list)
    for dem in prep.instance.demands:
        if dem.dates is not None:
            dates = set(dem.dates)
            days = [t for t, d in enumerate(prep.dates) if d in dates]
        else:
            wd = dem.weekdays()
            days = [t for t in range(len(prep.dates)) if prep.weekday[t] in wd]
        for t in days:
            out[(dem.id, week_of[t])].append(t)
    return out


def _unit_capacity(
    relax: Relaxation,
    prep: Prepared,
    unit: Sequence[Specialist],
    columns: list[int],
    on_days: dict[tuple[str, int], list[int]],
    blocked: dict[tuple[str, int], int],
    weekend_of: dict[int, int],
) -> WeekendCapacity | None:
    """One unit's weekends and rows, or None when it has no count held on weekend days only,
    on one weekday only or on days off only, or none of its rows can bind (`_binding`)."""
    periods_on: dict[int, int] = defaultdict(int)
    """Per day, the periods (bit mask) some count of the unit is held in on it."""
    days_of: dict[int, list[int]] = {}
    """Per count, the days its sessions can lie on (some member has one of its periods free)."""
    for i in columns:
        col = relax.columns[i]
        days = [
            t
            for t in on_days.get((col.demand, col.week), ())
            if any(col.periods & ~blocked.get((s.id, t), 0) for s in unit)
        ]
        days_of[i] = days
        for t in days:
            periods_on[t] |= col.periods
    closed = [i for i, days in days_of.items() if not days]
    weekdays = _weekday_rows(relax, prep, unit, days_of, periods_on, blocked, weekend_of)
    periods_on = defaultdict(int, {t: mask for t, mask in periods_on.items() if t in weekend_of})
    if not periods_on:
        return WeekendCapacity(unit[0].id, 0, [], [], closed, weekdays) if closed or weekdays else None
    day_holds: dict[int, int] = {}
    weekend_holds: dict[int, int] = defaultdict(int)
    workers: dict[int, int] = defaultdict(int)
    limit = 0
    for spec in unit:
        per_day = sessions_per_day(spec, len(prep.period_ids))
        mine: dict[int, int] = defaultdict(int)
        for t, mask in periods_on.items():
            free = bin(mask & ~blocked.get((spec.id, t), 0)).count("1")
            held = min(per_day, free)
            day_holds[t] = max(day_holds.get(t, 0), held)
            mine[weekend_of[t]] += held
        open_weekends = [j for j, held in mine.items() if held > 0]
        for j in open_weekends:
            weekend_holds[j] = max(weekend_holds[j], mine[j])
            workers[j] += 1
        allowed = spec.max_weekends if spec.max_weekends is not None else len(open_weekends)
        limit += min(allowed, len(open_weekends))
    weekends = {j: Weekend(workers[j], weekend_holds[j]) for j in workers}
    spanning = []
    for i, days in days_of.items():
        if not days or any(t not in weekend_of or t not in day_holds for t in days):
            continue
        on = {weekend_of[t] for t in days}
        if len(on) > 1:
            spanning.append(i)
            continue
        weekends[on.pop()].columns.append(i)
    for t in sorted(day_holds):
        alone = [i for i in weekends.get(weekend_of[t], Weekend(0, 0)).columns if days_of[i] == [t]]
        if alone and day_holds[t] > 0:
            weekends[weekend_of[t]].days.append((day_holds[t], alone))
    found = WeekendCapacity(unit[0].id, limit, [w for _, w in sorted(weekends.items())], spanning, closed, weekdays)
    return _binding(relax, found)


def _weekday_rows(
    relax: Relaxation,
    prep: Prepared,
    unit: Sequence[Specialist],
    days_of: dict[int, list[int]],
    periods_on: dict[int, int],
    blocked: dict[tuple[str, int], int],
    weekend_of: dict[int, int],
) -> list[tuple[int, list[int]]]:
    """Per weekday, the counts held on it alone and what the members' day holds together
    (`Σ_s min(k_s, free periods of theirs some count is held in)`), where their caps pass it."""
    alone: dict[int, list[int]] = defaultdict(list)
    for i, days in days_of.items():
        if len(days) == 1 and days[0] not in weekend_of:
            alone[days[0]].append(i)
    out = []
    for t, cols in sorted(alone.items()):
        holds = sum(
            min(sessions_per_day(s, len(prep.period_ids)), bin(periods_on[t] & ~blocked.get((s.id, t), 0)).count("1"))
            for s in unit
        )
        if sum(relax.columns[i].cap for i in cols) > holds:
            out.append((holds, cols))
    return out


def _binding(relax: Relaxation, found: WeekendCapacity) -> WeekendCapacity | None:
    """`found` with only the rows that can cut a point the counts' own caps allow (dropping a
    row keeps a relaxation), None when none is left. While the weekend limit leaves every
    weekend open to every member who can work it, `Y_j` can sit at `n_j`, so a row binds
    only if its counts' caps pass its days' or weekends' whole capacity; M's [sat, sun]
    clinics mostly do not, and their LP keeps its size."""
    if found.limit < sum(w.workers for w in found.weekends):
        return found
    caps = lambda cols: sum(relax.columns[i].cap for i in cols)  # noqa: E731
    for w in found.weekends:
        if caps(w.columns) <= w.holds * w.workers:
            w.columns = []
        w.days = [(holds, cols) for holds, cols in w.days if caps(cols) > holds * w.workers]
    if caps(found.spanning) <= sum(w.holds * w.workers for w in found.weekends):
        found.spanning = []
    kept = found.closed or found.weekdays or found.spanning or any(w.columns or w.days for w in found.weekends)
    return found if kept else None


def add_weekends(lp: _Rows, relax: Relaxation, x: list[int]) -> None:
    """The rows of each unit's weekend capacity (`Relaxation.weekends`): `Y_j` members
    working weekend j (integer: whole in every roster), at most the unit's limit together,
    and each group of counts at most what its day, its weekend, or the weekends hold."""
    for found in relax.weekends:
        worked = [lp.var(0, w.workers) for w in found.weekends]
        if worked:
            lp.row(((y, 1.0) for y in worked), 0, found.limit)
        for w, y in zip(found.weekends, worked, strict=True):
            if w.columns:
                lp.row([*((x[i], 1.0) for i in w.columns), (y, -w.holds)], -float("inf"), 0)
            for holds, cols in w.days:
                lp.row([*((x[i], 1.0) for i in cols), (y, -holds)], -float("inf"), 0)
        if found.closed:
            lp.row(((x[i], 1.0) for i in found.closed), 0, 0)
        for holds, cols in found.weekdays:
            lp.row(((x[i], 1.0) for i in cols), -float("inf"), holds)
        if found.spanning:
            terms = [(x[i], 1.0) for i in found.spanning]
            terms += [(y, -w.holds) for w, y in zip(found.weekends, worked, strict=True)]
            lp.row(terms, -float("inf"), 0)
    if relax.weekends:
        logger.debug("weekend capacity: %d units", len(relax.weekends))


def add_weekend_days(
    lp: _Rows, relax: Relaxation, x: list[int], points: dict[str, int], steps: dict[str, list[tuple[int, int]]]
) -> None:
    """Per sharing unit whose members have the same points already (`lo`): a weekend-only
    count away earns its session a whole weekend day's point, less one point per pair its
    members make, and pairs make points: with `a`, `e`, `w` the outreach, evening and weekend
    day points and `h` the sessions a member's weekend day holds,

        P_u >= Σ_members lo + Σ_c (a·away_c + e·evening_c) x_c + w·Σ_{c weekend-only away} x_c
               - w·Σ_j δ_{lo + m_j},

    `δ_L` the unit's step to level `L` (`_LP._fairness`), `m_j = a s_j + w ceil(s_j / h)` and
    `s_j` the fewest such sessions that save `j` days (`S - ceil(S / h) >= j`).

    Why: the counts' `points_lo` take a weekend session's day as `w / h` (two sessions a day
    share it), so at 300 x 40 the LP put a weekend session on each of two specialists at two
    points each for a day's point between them, while a roster pays a day for each, or puts
    both on one specialist at three points (every such pair a level above the mean). Without
    the row the LP's least total burden sat at 54,500 and rosters at 57,000-59,000.
    Valid (models/BOUNDS.md, "Weekend days"): a member with `S` such sessions works at least
    `ceil(S / h)` weekend days, saving `S - ceil(S / h)` on `S`, which is at least `j` only
    when `S >= s_j`, and then the member has at least `lo + m_j` points, so took step
    `lo + m_j`."""
    burden = relax.burden
    a, e, w = burden.outreach_session, burden.evening_session, burden.weekend_day
    if w <= 0 or not relax.weekend_days:
        return
    cols_of: dict[str, list[int]] = defaultdict(list)
    for i, col in enumerate(relax.columns):
        cols_of[col.spec].append(i)
    rows = 0
    for unit, p in points.items():
        had = {lo for lo, _ in relax.ranges[unit]}
        cols = cols_of[unit]
        paired = any(relax.columns[i].weekend_lo and relax.columns[i].away for i in cols)
        if len(had) != 1 or unit not in steps or not paired:
            continue
        lo = had.pop()
        h = relax.per_weekend_day[unit]
        step_of = dict(steps[unit])
        levels = _pair_levels(a, w, h, h * relax.weekend_days)
        saved = [step_of[lo + m] for m in levels if lo + m in step_of]  # a level no member reaches saves nothing
        terms = [(p, 1.0)]
        for i in cols:
            col = relax.columns[i]
            own = a * col.away + e * col.evening  # the session's own points; its weekend day apart
            terms.append((x[i], -(own + w if col.weekend_lo and col.away else own)))
        terms += [(v, float(w)) for v in saved]
        lp.row(terms, relax.points_lo(unit), float("inf"))  # the members' points already had, too
        rows += 1
    logger.debug("weekend days: %d units", rows)


def _pair_levels(a: int, w: int, h: int, most: int) -> list[int]:
    """`m_j` for `j = 1, 2, ...`: the least points of a member whose weekend-only sessions
    away save `j` weekend days (`S - ceil(S / h) >= j` for `S` up to `most`)."""
    levels: list[int] = []
    for sessions in range(1, most + 1):
        days = -(-sessions // h)
        if sessions - days > len(levels):
            levels.append(a * sessions + w * days)
    return levels
