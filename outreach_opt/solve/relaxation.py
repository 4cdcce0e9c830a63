"""A lower bound on the whole instance's optimum, for models too large to build whole.

A restricted model (solve/shortlist.py) proves nothing about the instance: its bound is the
shortlist's. This module gives a bound of the instance itself from a relaxation that is cheap
at any size: per (specialist, demand, week) only a count of sessions, no days, no patterns;
at 300 specialists and more, per group of alike specialists (`_units`).
Every roster of the instance maps to a point of the relaxation that costs no more (the
argument, step by step, is models/BOUNDS.md's "A bound for restricted models"), so the
relaxation's optimum, and any lower bound of it, is a lower bound of the instance.

At generated sizes almost all of the objective is `fairness_deviation`, `Σ_s |n·B_s − T|`
with `B_s = f_s·P_s` (FTE factor times integer burden points) and `T = Σ_r B_r`. Its LP
relaxation is nearly worthless: fractional points let everyone sit on the mean. What is
provable is integrality: once the total `T` is known to lie in an interval `I`, each
specialist's term is at least the distance from `n·f_s·P` to `I` at integer `P`, a convex
function of `P` that the LP can carry exactly at integers (its chord between the two
integers around `I`). So the relaxation is solved as LPs over intervals of `T`, best first
(solve/relaxation_bound.py):
the interval with the lowest LP value is split in two and both halves solved, and the bound
at any moment is the lowest value over the intervals not yet split (they cover every `T`).
It only rises as intervals narrow and stops when the lowest interval is one value of `T`.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from outreach_opt.domain.instance import Burden, Commitment, Instance, Specialist
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import day_drive, shortest_routes
from outreach_opt.solve.relaxation_days import DayType, away_days, away_per_day, sessions_per_day
from outreach_opt.solve.relaxation_weekends import WeekendCapacity, weekend_capacity

logger = logging.getLogger(__name__)

WEEKLY_COLUMNS_UP_TO = 200_000
"""(unit, demand, week) counts up to this many; above, one count per (unit, demand) over the
horizon with the weekly limits summed (a weaker relaxation, still valid)."""

GROUP_FROM_COLUMNS = 10_000
"""Specialists are counted in groups (`_units`) when counts per specialist would pass this
many. Measured (shared machine, seed 1, converged alone): 300 specialists x 40 sites, 19.5k
counts, 4,970,379 in 28 s; grouped (150 units, 9.9k counts) 4,933,418 in 8 s. 1000 x 60 x 4
weeks grouped (333 units, 48k counts over the horizon) rises to 142.9M in 200 s; per
specialist (145k counts) one LP took 15-50 s. At 80 x 15 grouping changes nothing measurable
(528,387 either way) and is not needed; at 20 x 6 seed 2 it costs 1.7 % (40,121 against 40,812)."""

AFFORDABLE_COLUMNS = 100_000
"""`solve` computes the bound beside a restricted search only up to this many counts (after
grouping)."""


def bound_affordable(instance: Instance) -> bool:
    """Whether the relaxation is small enough to be worth solving beside a search."""
    units, weekly = _layout(instance, (instance.horizon.days + 6) // 7)
    weeks = (instance.horizon.days + 6) // 7 if weekly else 1
    return _estimated_columns(instance, weeks, units) <= AFFORDABLE_COLUMNS


def _layout(instance: Instance, n_weeks: int, grouped: bool | None = None) -> tuple[list[list[Specialist]], bool]:
    """The units counted (grouped when `grouped`, or when None and counts per specialist would
    pass `GROUP_FROM_COLUMNS`), and whether counts are per week (else over the horizon)."""
    sharers = set(instance.outreach_sharers())
    if grouped is None:
        grouped = _estimated_columns(instance, n_weeks, _units(instance, sharers, False)) > GROUP_FROM_COLUMNS
    units = _units(instance, sharers, grouped)
    return units, _estimated_columns(instance, n_weeks, units) <= WEEKLY_COLUMNS_UP_TO


@dataclass
class _Column:
    """Sessions of one demand (in one role) by one unit (a specialist or a group of them,
    `_units`) in one week (or the horizon)."""

    spec: str
    """The unit: its first member's id."""
    demand: str
    role: str | None
    week: int
    cap: int
    points_lo: float
    """Burden points each session surely adds (weekend days and travel as shares)."""
    points_hi: int
    """Burden points each session adds at most (travel not counted: see `Relaxation.points_capped`)."""
    cost: float
    """Objective each session surely adds: its share of the day's drive."""
    away: bool
    evening: bool
    away_hi: bool
    evening_hi: bool
    weekend_hi: bool
    sites: tuple[str, ...] = ()
    """The sites a session could be served from within the daily limit (`_drives`)."""
    periods: int = 0
    """The demand's periods, as a bit mask."""
    weekend_lo: bool = False
    """Every session falls on a weekend day of members without weekend commitments:
    `points_lo` holds a share `weekend_day / per_weekend_day` of the day's point."""


@dataclass
class Relaxation:
    """The relaxation's data, in plain Python (no solver), built by `relaxation`."""

    columns: list[_Column]
    weeks: list[int]
    """The week keys of counts: week indices, or [0] for the horizon."""
    members: dict[str, list[str]]
    """Per unit (its first member's id), the specialists it counts together (`_units`)."""
    sharers: list[str]
    """The units of outreach sharers (a unit holds sharers only or none)."""
    n_sharers: int
    """Specialists sharing outreach: the `n` of `|n B_s - T|`."""
    factor: dict[str, int]
    points_capped: bool
    """Whether a session's points are at most `points_hi` (not when minutes driven count)."""
    ranges: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    """Per sharing unit, each member's burden points: at least `lo` (history and commitments;
    the rest comes from sessions), at most `hi` (inf when unbounded)."""
    demand_rows: list[tuple[str, int, int, int, int, int]] = field(default_factory=list)
    """(demand, week, min, max, cost per uncovered session, surplus weight) per demand-week."""
    roles: dict[str, list[tuple[str | None, int]]] = field(default_factory=dict)
    spec_limits: list[tuple[str, int, str, int]] = field(default_factory=list)
    """(unit, week, kind, limit): kind 'sessions', 'away' or 'evening' sessions."""
    capacity_rows: list[tuple[list[str], int, int]] = field(default_factory=list)
    """(demands, week, sessions the slots hold) per site, resource and week."""
    weight_fd: int = 0
    weight_fm: int = 0
    weight_tr: int = 0
    days: dict[str, list[DayType]] = field(default_factory=dict)
    """Per unit of one specialist, the types of their days away (solve/relaxation_days.py)."""
    free_days: dict[tuple[str, int], int] = field(default_factory=dict)
    """Per (unit, week key), the days not wholly unavailable to it."""
    homes: dict[str, str] = field(default_factory=dict)
    weekends: list[WeekendCapacity] = field(default_factory=list)
    """Per unit, what the weekends it may work hold (solve/relaxation_weekends.py)."""
    burden: Burden = field(default_factory=Burden)
    """The instance's burden points (`fairness.burden`)."""
    per_weekend_day: dict[str, int] = field(default_factory=dict)
    """Per unit, the most sessions a member's weekend day holds (its weekend counts' share)."""
    weekend_days: int = 0
    """Weekend days in the horizon."""

    def points_lo(self, unit: str) -> int:
        """Points the unit's members surely have without any demand session."""
        return sum(lo for lo, _ in self.ranges[unit])

    def points_hi(self, unit: str) -> float:
        return sum(hi for _, hi in self.ranges[unit])

    @property
    def total_range(self) -> tuple[int, float]:
        lo = sum(self.factor[u] * self.points_lo(u) for u in self.sharers)
        hi = sum(self.factor[u] * self.points_hi(u) for u in self.sharers)
        return lo, hi


def relaxation(instance: Instance, past: Sequence[Assignment] = (), grouped: bool | None = None) -> Relaxation:
    """The relaxation's data. Each count is capped by the free slots it could take; a pair
    is left out only when no day with a session there fits the daily travel limit. With
    `grouped` (None: when the counts per specialist would pass `GROUP_FROM_COLUMNS`),
    specialists alike in everything a count reads but their days off, commitments, history
    and weekly limits are counted together (`_units`)."""
    prep = prepare(instance, past, pairs=frozenset())
    sharer_ids = set(instance.outreach_sharers())
    units, weekly = _layout(instance, prep.n_weeks, grouped)
    week_of = prep.week if weekly else [0] * prep.n_days
    weeks = list(range(prep.n_weeks)) if weekly else [0]
    span = 1 if weekly else prep.n_weeks
    burden = instance.fairness.burden
    weights = instance.weights
    sp = shortest_routes(prep.travel, [s.id for s in instance.sites])
    stays = [s.id for s in instance.sites if s.overnight]
    weekend = [d >= 5 for d in prep.weekday]
    pidx = {pid: i for i, pid in enumerate(prep.period_ids)}

    committed: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weekend_commitment: set[str] = set()
    blocked: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    """Per specialist and day, the periods no demand session can take (off or committed)."""
    for (sid, t, p), com in prep.commitment_at.items():
        got = committed[(sid, week_of[t])]
        got["sessions"] += 1
        got["away"] += com.site != prep.specialists[sid].home
        got["evening"] += prep.evening[p]
        blocked[sid][t].add(p)
        if weekend[t]:
            weekend_commitment.add(sid)
    for sid, t, p in prep.unavailable:
        blocked[sid][t].add(p)

    weekend_periods = _weekend_periods(instance, prep)
    per_weekend = {
        unit[0].id: max(1, min(sessions_per_day(unit[0], prep.n_periods), len(weekend_periods[unit[0].id])))
        for unit in units
    }

    @functools.cache
    def free_slots(spec: str, days: tuple[int, ...], periods: tuple[int, ...]) -> list[tuple[int, int, bool, bool]]:
        """Per week: the specialist's free slots among `days` x `periods`, whether every day
        with one is a weekend day, whether any is (demands alike in days share it)."""
        off = blocked.get(spec, {})
        slots: dict[int, int] = defaultdict(int)
        weekend_only: dict[int, bool] = defaultdict(lambda: True)
        on_weekend: dict[int, bool] = defaultdict(bool)
        for t in days:
            free = len(set(periods) - off[t]) if t in off else len(periods)
            if free:
                w = week_of[t]
                slots[w] += free
                weekend_only[w] = weekend_only[w] and weekend[t]
                on_weekend[w] = on_weekend[w] or weekend[t]
        return [(w, free, weekend_only[w], on_weekend[w]) for w, free in slots.items()]

    offered: dict[str, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    """Per specialist, (week, kind): sessions the counts could give them that are away, in the
    evening, or on a weekend day (for their most points)."""
    columns: list[_Column] = []
    for dem in instance.demands:
        if dem.dates is not None:
            on_days = tuple(sorted({t for t, d in enumerate(prep.dates) if d in set(dem.dates)}))
        else:
            wd = dem.weekdays()
            on_days = tuple(t for t in range(prep.n_days) if prep.weekday[t] in wd)
        periods = tuple(pidx[p] for p in dem.periods) if dem.periods is not None else tuple(range(prep.n_periods))
        evening_lo = all(prep.evening[p] for p in periods)
        evening_hi = any(prep.evening[p] for p in periods)
        most = dem.sessions.max * (1 if weekly else len(prep.demand_weeks[dem.id]) or 1)
        for role in dem.roles:
            needs = set(dem.role_skills(role))
            for unit in units:
                head = unit[0]  # alike in what follows up to the free slots
                if not needs <= set(head.skills):
                    continue
                drive = _drives(
                    sp, head.home, stays, instance.served_from(dem, head.home), head.max_travel_minutes_per_day
                )
                if not drive:
                    continue
                per_day = sessions_per_day(head, prep.n_periods)
                per_weekend_day = per_weekend[head.id]
                away_lo = all(site != head.home for site in drive)
                away_hi = any(site != head.home for site in drive)
                # the day's drive, shared by as many sessions as the day holds (away: as its week allows)
                share = min(drive.values()) / (away_per_day(unit, prep.n_periods) if away_lo else per_day)
                caps: dict[int, int] = defaultdict(int)
                weekend_lo: dict[int, bool] = defaultdict(lambda: True)
                weekend_any: dict[int, bool] = defaultdict(bool)
                for spec in unit:
                    for w, free, weekend_only, on_weekend in free_slots(spec.id, on_days, periods):
                        cap = min(free, most)
                        caps[w] += cap
                        # a weekend day counts once however many sessions it holds (at most
                        # per_weekend_day), and not at all beyond what a commitment on it counts
                        weekend_lo[w] = weekend_lo[w] and weekend_only and spec.id not in weekend_commitment
                        weekend_any[w] = weekend_any[w] or on_weekend
                        mine = offered[spec.id]
                        mine[(w, "away")] += cap * away_hi
                        mine[(w, "evening")] += cap * evening_hi
                        mine[(w, "weekend")] += cap * on_weekend
                for w, cap in caps.items():
                    lo: float = burden.outreach_session * away_lo + burden.evening_session * evening_lo
                    lo += burden.weekend_day * weekend_lo[w] / per_weekend_day + burden.travel_minute * share
                    hi = burden.outreach_session * away_hi + burden.evening_session * evening_hi
                    hi += burden.weekend_day * weekend_any[w]
                    columns.append(
                        _Column(
                            head.id,
                            dem.id,
                            role,
                            w,
                            cap,
                            lo,
                            hi,
                            weights.travel_minute * share,
                            away_lo,
                            evening_lo,
                            away_hi,
                            evening_hi,
                            weekend_any[w],
                            tuple(sorted(drive)),
                            sum(1 << p for p in periods),
                            weekend_lo=weekend_lo[w],
                        )
                    )

    points_capped = burden.travel_minute == 0
    relax = Relaxation(
        columns=columns,
        weeks=weeks,
        members={unit[0].id: [spec.id for spec in unit] for unit in units},
        sharers=[unit[0].id for unit in units if unit[0].id in sharer_ids],
        n_sharers=len(sharer_ids),
        factor={unit[0].id: unit[0].burden_factor for unit in units},
        points_capped=points_capped,
        weight_fd=weights.fairness_deviation,
        weight_fm=weights.fairness_max,
        weight_tr=weights.travel_minute,
        burden=burden,
        per_weekend_day=per_weekend,
        weekend_days=sum(len(days) for days in prep.weekends),
    )
    occurring: dict[str, list[tuple[int, int, Commitment]]] = defaultdict(list)
    for (sid, t, p), com in prep.commitment_at.items():
        occurring[sid].append((t, p, com))
    for unit in units:
        if unit[0].id not in sharer_ids:
            continue
        ranges = relax.ranges[unit[0].id] = []
        for spec in unit:
            home = spec.home
            occurrences = occurring[spec.id]
            pts = burden.outreach_session * sum(com.site != home for _, _, com in occurrences)
            pts += burden.evening_session * sum(prep.evening[p] for _, p, _ in occurrences)
            pts += burden.weekend_day * len({t for t, _, _ in occurrences if weekend[t]})
            lo_s = pts + prep.history.burden.get(spec.id, 0)
            hi_s = (
                lo_s + _most_points(prep, spec, offered[spec.id], committed, weeks, week_of, span)
                if points_capped
                else math.inf
            )
            ranges.append((lo_s, hi_s))
    away_days(relax, prep, units, week_of, sp, stays)
    _demand_rows(relax, instance, prep, weekly)
    _spec_limits(relax, units, committed, span)
    _capacity_rows(relax, instance, prep, week_of, weekly)
    relax.weekends = weekend_capacity(relax, prep, units, week_of)
    return relax


def _units(instance: Instance, sharers: set[str], grouped: bool) -> list[list[Specialist]]:
    """The specialists whose sessions one count holds: each alone, or `grouped` by what the
    counts read besides free slots, weekly limits and points already had (sharing or not,
    burden factor, home, skills, daily travel and session limits). The counts of a group are
    the sum of its members' (a roster's own counts sum), capped by the sum of their caps,
    within the sum of their weekly limits, and their burden points are one sum whose cost is
    the least any split of it among the members could cost (models/BOUNDS.md, "Groups")."""
    if not grouped:
        return [[spec] for spec in instance.specialists]
    units: dict[tuple[object, ...], list[Specialist]] = {}
    for spec in instance.specialists:
        key = (
            spec.id in sharers,
            spec.burden_factor,
            spec.home,
            frozenset(spec.skills),
            spec.max_travel_minutes_per_day,
            spec.max_sessions_per_day,
        )
        units.setdefault(key, []).append(spec)
    return list(units.values())


def _most_points(
    prep: Prepared,
    spec: Specialist,
    offered: dict[tuple[int, str], int],
    committed: dict[tuple[str, int], dict[str, int]],
    weeks: list[int],
    week_of: list[int],
    span: int,
) -> int:
    """Burden points a specialist can have at most from sessions (commitments' own points
    are added by the caller): per week, away and evening sessions within the weekly limits
    (which count commitments too) and what the demands offer, weekend days within the
    weekend's days."""
    b = prep.instance.fairness.burden
    total = 0
    for w in weeks:
        got = committed.get((spec.id, w), {})
        limits = {"away": spec.max_outreach_sessions_per_week, "evening": spec.max_evening_sessions_per_week}
        most = {}
        for kind in ("away", "evening"):
            caps = [
                limit * span - got.get(used, 0)
                for limit, used in ((limits[kind], kind), (spec.max_sessions_per_week, "sessions"))
                if limit is not None
            ]
            most[kind] = max(0, min([offered.get((w, kind), 0), *caps]))
        weekend_days = sum(1 for t, wk in enumerate(week_of) if wk == w and prep.weekday[t] >= 5)
        most["weekend"] = min(offered.get((w, "weekend"), 0), weekend_days)
        total += (
            b.outreach_session * most["away"] + b.evening_session * most["evening"] + b.weekend_day * most["weekend"]
        )
    return total


def _weekend_periods(instance: Instance, prep: Prepared) -> dict[str, set[int]]:
    """Per specialist, the periods in which some demand with their skills can be held on a
    weekend day: a weekend day holds at most that many of their sessions."""
    pidx = {pid: i for i, pid in enumerate(prep.period_ids)}
    weekend_days = {t for days in prep.weekends for t in days}
    out: dict[str, set[int]] = {s.id: set() for s in instance.specialists}
    for dem in instance.demands:
        if dem.dates is not None:
            on_weekend = any(prep.dates[t] in set(dem.dates) for t in weekend_days)
        else:
            on_weekend = any(prep.weekday[t] in dem.weekdays() for t in weekend_days)
        if not on_weekend:
            continue
        periods = {pidx[p] for p in dem.periods} if dem.periods is not None else set(range(prep.n_periods))
        needs = set(dem.skills)
        for spec in instance.specialists:
            if needs <= set(spec.skills):
                out[spec.id] |= periods
    return out


def _estimated_columns(instance: Instance, prep_weeks: int, units: list[list[Specialist]]) -> int:
    """Counts per week before reach is known: (unit, demand) pairs with the skills."""
    skills = [frozenset(unit[0].skills) for unit in units]
    pairs = sum(1 for dem in instance.demands for sk in skills if set(dem.skills) <= sk)
    return pairs * prep_weeks


def _drives(
    sp: dict[tuple[str, str], int], home: str, stays: list[str], sites: list[str], limit: int | None
) -> dict[str, int]:
    """Per site a session could be served from: the least driving of any day with a session
    there (`day_drive`); sites no such day reaches within the daily limit are left out (rule
    `daily_travel`)."""
    out = {}
    for site in sites:
        drive = day_drive(sp, home, stays, site)
        if limit is None or drive <= limit:
            out[site] = int(drive) if math.isfinite(drive) else 0
    return out


def _demand_rows(relax: Relaxation, instance: Instance, prep: Prepared, weekly: bool) -> None:
    weights = instance.weights
    for dem in instance.demands:
        counts = {m.role: m.count for m in dem.team or []}
        relax.roles[dem.id] = [(r, counts.get(r, 1) if r is not None else 1) for r in dem.roles]
        asked = prep.demand_weeks[dem.id]
        cost = weights.uncovered_session * dem.priority
        if weekly:
            for w in relax.weeks:
                lo = dem.sessions.min if w in asked else 0
                relax.demand_rows.append((dem.id, w, lo, dem.sessions.max, cost, dem.surplus_weight))
        else:
            # over the horizon: uncovered >= sum of minima - sessions (each week's max(0, .) is at least that)
            relax.demand_rows.append(
                (dem.id, 0, dem.sessions.min * len(asked), dem.sessions.max * prep.n_weeks, cost, dem.surplus_weight)
            )


def _spec_limits(
    relax: Relaxation,
    units: list[list[Specialist]],
    committed: dict[tuple[str, int], dict[str, int]],
    span: int,
) -> None:
    """Per unit and week, what its members' weekly limits leave after commitments, summed
    (a unit with a member without the limit has none)."""
    fields = {
        "sessions": "max_sessions_per_week",
        "away": "max_outreach_sessions_per_week",
        "evening": "max_evening_sessions_per_week",
    }
    for unit in units:
        for kind, name in fields.items():
            limits = [getattr(spec, name) for spec in unit]
            if any(limit is None for limit in limits):
                continue
            for w in relax.weeks:
                left = sum(
                    max(0, limit * span - committed.get((spec.id, w), {}).get(kind, 0))
                    for spec, limit in zip(unit, limits, strict=True)
                )
                relax.spec_limits.append((unit[0].id, w, kind, left))


def _capacity_rows(relax: Relaxation, instance: Instance, prep: Prepared, week_of: list[int], weekly: bool) -> None:
    """Per site, resource and week: the demands there using it hold at most what its free
    slots (count minus commitments using it) of their days and periods add up to."""
    pidx = {pid: i for i, pid in enumerate(prep.period_ids)}
    fixed: dict[tuple[str, int, int, str], int] = defaultdict(int)
    for (_spec, t, p), com in prep.commitment_at.items():
        if com.resource is not None:
            fixed[(com.site, t, p, com.resource)] += 1
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for dem in instance.demands:
        if dem.resource is not None and not dem.remote:
            groups[(dem.site, dem.resource)].append(dem)
    for (site, res), dems in groups.items():
        count = prep.capacity.get((site, res), 0)
        slots: set[tuple[int, int]] = set()
        for dem in dems:
            wd = dem.weekdays()
            dates = set(dem.dates) if dem.dates is not None else None
            periods = [pidx[p] for p in dem.periods] if dem.periods is not None else range(prep.n_periods)
            for t in range(prep.n_days):
                if (prep.dates[t] in dates) if dates is not None else (prep.weekday[t] in wd):
                    slots.update((t, p) for p in periods)
        held: dict[int, int] = defaultdict(int)
        for t, p in slots:
            held[week_of[t]] += max(0, count - fixed[(site, t, p, res)])
        for w in relax.weeks:
            relax.capacity_rows.append(([d.id for d in dems], w, held[w]))
