"""A lower bound on the whole instance's optimum, for models too large to build whole.

A restricted model (solve/shortlist.py) proves nothing about the instance: its bound is the
shortlist's. This module gives a bound of the instance itself from a relaxation that is cheap
at any size: per (specialist, demand, week) only a count of sessions, no days, no patterns;
at 300 specialists and more, per group of alike specialists (`_units`).
Every roster of the instance maps to a point of the relaxation that costs no more (the
argument, step by step, is models/MODEL.md's "A bound for restricted models"), so the
relaxation's optimum, and any lower bound of it, is a lower bound of the instance.

At generated sizes almost all of the objective is `fairness_deviation`, `Σ_s |n·B_s − T|`
with `B_s = f_s·P_s` (FTE factor times integer burden points) and `T = Σ_r B_r`. Its LP
relaxation is nearly worthless: fractional points let everyone sit on the mean. What is
provable is integrality: once the total `T` is known to lie in an interval `I`, each
specialist's term is at least the distance from `n·f_s·P` to `I` at integer `P`, a convex
function of `P` that the LP can carry exactly at integers (its chord between the two
integers around `I`). So the relaxation is solved as LPs over intervals of `T`, best first:
the interval with the lowest LP value is split in two and both halves solved, and the bound
at any moment is the lowest value over the intervals not yet split (they cover every `T`).
It only rises as intervals narrow and stops when the lowest interval is one value of `T`.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import logging
import math
import multiprocessing
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Protocol

from ortools.math_opt import model_pb2, model_update_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import mathopt

from outreach_opt.domain.instance import Commitment, Instance, Specialist
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import day_drive, shortest_routes

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


SAFETY = 1e-6
"""Relative margin taken off each LP value before rounding up, for the LP's tolerances."""


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
                per_day = _sessions_per_day(head, prep.n_periods)
                per_weekend_day = max(1, min(per_day, len(weekend_periods[head.id])))
                away_lo = all(site != head.home for site in drive)
                away_hi = any(site != head.home for site in drive)
                share = min(drive.values()) / per_day  # the day's drive, shared by at most per_day sessions
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
    _demand_rows(relax, instance, prep, weekly)
    _spec_limits(relax, units, committed, span)
    _capacity_rows(relax, instance, prep, week_of, weekly)
    return relax


def _units(instance: Instance, sharers: set[str], grouped: bool) -> list[list[Specialist]]:
    """The specialists whose sessions one count holds: each alone, or `grouped` by what the
    counts read besides free slots, weekly limits and points already had (sharing or not,
    burden factor, home, skills, daily travel and session limits). The counts of a group are
    the sum of its members' (a roster's own counts sum), capped by the sum of their caps,
    within the sum of their weekly limits, and their burden points are one sum whose cost is
    the least any split of it among the members could cost (MODEL.md)."""
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


def _sessions_per_day(spec: object, n_periods: int) -> int:
    most = getattr(spec, "max_sessions_per_day", None)
    return max(1, n_periods if most is None else min(most, n_periods))


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


class _Rows:
    """An LP written straight into MathOpt's protos: variables and rows as plain lists.
    Building it through `mathopt.Model` expressions took 21 s for the 48k counts of 1000
    specialists x 60 sites (grouped), longer than solving it; the lists take about 1 s."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.entries: list[tuple[int, int, float]] = []

    def var(self, lower: float, upper: float = math.inf, cost: float = 0.0) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(cost)
        return len(self.lower) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float, upper: float) -> int:
        """`lower <= Σ coefficient x <= upper`; a variable listed twice gets the sum."""
        r = len(self.row_lower)
        merged: dict[int, float] = defaultdict(float)
        for var, coefficient in terms:
            merged[var] += coefficient
        self.entries.extend((r, var, merged[var]) for var in sorted(merged) if merged[var] != 0)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return r

    def proto(self, offset: float) -> model_pb2.ModelProto:
        model = model_pb2.ModelProto(name="relaxation")
        model.variables.ids.extend(range(len(self.lower)))
        model.variables.lower_bounds.extend(self.lower)
        model.variables.upper_bounds.extend(self.upper)
        model.variables.integers.extend([False] * len(self.lower))
        costs = [(i, c) for i, c in enumerate(self.cost) if c != 0]
        model.objective.offset = offset
        model.objective.linear_coefficients.ids.extend(i for i, _ in costs)
        model.objective.linear_coefficients.values.extend(c for _, c in costs)
        model.linear_constraints.ids.extend(range(len(self.row_lower)))
        model.linear_constraints.lower_bounds.extend(self.row_lower)
        model.linear_constraints.upper_bounds.extend(self.row_upper)
        matrix = model.linear_constraint_matrix
        matrix.row_ids.extend(r for r, _, _ in self.entries)
        matrix.column_ids.extend(c for _, c, _ in self.entries)
        matrix.coefficients.extend(v for _, _, v in self.entries)
        return model


class _LP:
    """The relaxation as one LP, re-solved per interval of the total burden `T` by MathOpt's
    incremental GLOP: between intervals only bounds and objective coefficients change, which
    GLOP takes from its last basis without reloading the model (through MPSolver each solve
    reloaded it: 0.3 s at 300 specialists even when no pivot was needed)."""

    def __init__(self, relax: Relaxation) -> None:
        self.relax = relax
        lp = self.lp = _Rows()
        x = [lp.var(0, col.cap, col.cost) for col in relax.columns]
        by_demand: dict[tuple[str, int, str | None], list[int]] = defaultdict(list)
        by_spec: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, col in enumerate(relax.columns):
            by_demand[(col.demand, col.week, col.role)].append(i)
            by_spec[(col.spec, col.week)].append(i)
        held: dict[tuple[str, int], int] = {}
        for dem, w, lo, hi, cost, surplus in relax.demand_rows:
            c = held[(dem, w)] = lp.var(0, hi)
            for role, count in relax.roles[dem]:  # the role's sessions = count x held
                lp.row([*((x[i], 1.0) for i in by_demand.get((dem, w, role), ())), (c, -count)], 0, 0)
            if lo > 0 and cost > 0:
                u = lp.var(0, lo, cost)
                lp.row([(u, 1), (c, 1)], lo, math.inf)
            if surplus > 0:
                v = lp.var(0, math.inf, surplus)
                lp.row([(v, 1), (c, -1)], -lo, math.inf)
        for spec, w, kind, limit in relax.spec_limits:
            cols = [
                (x[i], 1.0)
                for i in by_spec.get((spec, w), ())
                if kind == "sessions"
                or (kind == "away" and relax.columns[i].away)
                or (kind == "evening" and relax.columns[i].evening)
            ]
            if cols:
                lp.row(cols, -math.inf, limit)
        for dems, w, most in relax.capacity_rows:
            used = [(held[(dem, w)], 1.0) for dem in dems if (dem, w) in held]
            if used:
                lp.row(used, -math.inf, most)
        self.steps: dict[str, list[tuple[int, int]]] = {}
        self.total = -1
        self.most: int | None = None
        self.fair = bool(relax.sharers) and (relax.weight_fd > 0 or relax.weight_fm > 0)
        self.fair = self.fair and all(math.isfinite(relax.points_hi(u)) for u in relax.sharers)
        if self.fair:
            self._fairness(x)
        self._solver: Any = None

    def _fairness(self, x: list[int]) -> None:
        relax, lp = self.relax, self.lp
        by_unit: dict[str, list[int]] = defaultdict(list)
        for i, col in enumerate(relax.columns):
            by_unit[col.spec].append(i)
        points = {}
        for u in relax.sharers:
            lo, hi = relax.points_lo(u), int(relax.points_hi(u))
            p = points[u] = lp.var(lo, hi)
            # P >= the points surely had, P <= the points at most had (P: the unit's members' sum)
            lp.row([(p, 1), *((x[i], -relax.columns[i].points_lo) for i in by_unit[u])], lo, math.inf)
            if relax.points_capped:
                lp.row([(p, 1), *((x[i], -relax.columns[i].points_hi) for i in by_unit[u])], -math.inf, lo)
            if relax.weight_fd > 0:
                # P = lo + the unit steps taken, step to level L by as many members as can take
                # it; each costs what |n f P_s - T| gains over it, set per interval (convex, so
                # the LP takes the cheapest steps: the best split of P among the members)
                takers: Counter[int] = Counter()
                for a, b in relax.ranges[u]:
                    takers.update(range(a + 1, int(b) + 1))
                steps = self.steps[u] = [(level, lp.var(0, takers[level])) for level in sorted(takers)]
                lp.row([(p, 1), *((v, -1) for _, v in steps)], lo, lo)
        self.total = lp.row([(p, relax.factor[u]) for u, p in points.items()], -math.inf, math.inf)
        if relax.weight_fm > 0:
            most = self.most = lp.var(0, math.inf, relax.weight_fm)  # n x most >= T >= a: set per interval
            for u, p in points.items():  # the most of a unit's members is at least their mean
                lp.row([(most, len(relax.ranges[u])), (p, -relax.factor[u])], 0, math.inf)

    def solve(self, a: int, b: int, seconds: float) -> float | None:
        """The LP's value with `T` in [a, b]: inf when no point has it, None when GLOP
        stopped without an answer (time, numerics)."""
        relax, lp = self.relax, self.lp
        update = model_update_pb2.ModelUpdateProto()
        offset = 0
        if self.fair:
            n = relax.n_sharers
            lp.row_lower[self.total], lp.row_upper[self.total] = a, b
            bounds = update.linear_constraint_updates
            bounds.lower_bounds.ids.append(self.total)
            bounds.lower_bounds.values.append(a)
            bounds.upper_bounds.ids.append(self.total)
            bounds.upper_bounds.values.append(b)
            if self.most is not None:
                lp.lower[self.most] = a / n
                update.variable_updates.lower_bounds.ids.append(self.most)
                update.variable_updates.lower_bounds.values.append(a / n)
            coefficients = update.objective_updates.linear_coefficients
            for u, steps in self.steps.items():
                g = n * relax.factor[u]
                offset += sum(_distance(g * lo, a, b) for lo, _ in relax.ranges[u])
                for level, step in steps:
                    gain = _distance(g * level, a, b) - _distance(g * (level - 1), a, b)
                    lp.cost[step] = relax.weight_fd * gain
                    coefficients.ids.append(step)
                    coefficients.values.append(lp.cost[step])
            update.objective_updates.offset_update = relax.weight_fd * offset
        return self._solved(update, relax.weight_fd * offset, seconds)

    def _solved(self, update: model_update_pb2.ModelUpdateProto, offset: float, seconds: float) -> float | None:
        """GLOP on the model as it now is, from its last basis (a new solver, from the lists,
        the first time or should it refuse the update). Only the termination is read: MathOpt's
        `IncrementalSolver` would turn every value and basis status into Python objects, 0.6 s
        per LP at 300 specialists, five times the solve itself."""
        if self._solver is None or not self._solver.update(update):
            self._solver = core_solver.new(
                mathopt.SolverType.GLOP.value, self.lp.proto(offset), parameters_pb2.SolverInitializerProto()
            )
        params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=max(0.01, seconds)))
        nothing = mathopt.SparseVectorFilter(filtered_items=set())
        only_value = mathopt.ModelSolveParameters(
            variable_values_filter=nothing, dual_values_filter=nothing, reduced_costs_filter=nothing
        )
        proto = self._solver.solve(
            params.to_proto(), only_value.to_proto(), None, mathopt.CallbackRegistration().to_proto(), None, None
        )
        reason = proto.termination.reason
        if reason == result_pb2.TERMINATION_REASON_OPTIMAL:
            # The dual side bounds the LP from below; the lower of the two, for tolerances.
            bounds = proto.termination.objective_bounds
            return float(min(bounds.primal_bound, bounds.dual_bound))
        if reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
            return math.inf
        return None


def _distance(value: int, a: int, b: int) -> int:
    """From `value` to the interval [a, b]: what |value - T| is at least for T in it."""
    return max(0, a - value, value - b)


@dataclass(order=True)
class _Interval:
    value: float
    order: int
    lo: int = field(compare=False)
    hi: int = field(compare=False)
    solved: bool = field(compare=False)


class _Flag(Protocol):
    """A stop flag: a thread's or a process's `Event`."""

    def is_set(self) -> bool: ...


def lower_bound(
    relax: Relaxation,
    deadline: float,
    on_bound: Callable[[int], None] | None = None,
    stop: _Flag | None = None,
) -> int | None:
    """The relaxation's bound, rising until `deadline` (perf_counter), `stop`, or the
    lowest interval pins the mean burden `T / n` to within one unit (narrower intervals
    added 0.3 % at 300 specialists, in a third of the LPs). None when not even the first LP
    was solved."""
    lp = _LP(relax)
    order = itertools.count()
    left = lambda: deadline - time.perf_counter()  # noqa: E731
    if not lp.fair:
        value = lp.solve(0, 0, left())
        return None if value is None else _rounded(value)
    if stop is not None and stop.is_set():
        return None
    lo, hi = relax.total_range
    first = lp.solve(lo, int(hi), left())
    if first is None:
        return None
    heap = [_Interval(first, next(order), lo, int(hi), True)]
    best = _rounded(first)
    solved = 1
    if on_bound is not None:
        on_bound(best)
    while heap and left() > 0 and not (stop is not None and stop.is_set()):
        node = heapq.heappop(heap)
        if not math.isfinite(node.value):
            heap.append(node)
            break
        if not node.solved:
            value = lp.solve(node.lo, node.hi, left())
            solved += 1
            value = node.value if value is None else max(value, node.value)
            heapq.heappush(heap, _Interval(value, next(order), node.lo, node.hi, True))
        elif node.hi - node.lo < relax.n_sharers:
            heapq.heappush(heap, node)  # the mean is known to within one unit of scaled burden
            break
        else:
            mid = (node.lo + node.hi) // 2
            heapq.heappush(heap, _Interval(node.value, next(order), node.lo, mid, False))
            heapq.heappush(heap, _Interval(node.value, next(order), mid + 1, node.hi, False))
        now = _rounded(heap[0].value) if heap else best
        if now > best:
            best = now
            if on_bound is not None:
                on_bound(best)
    logger.info("relaxation bound %d after %d LPs over intervals of the total burden", best, solved)
    return best


def _rounded(value: float) -> int:
    """The least integer objective the LP value allows, after a margin for its tolerances."""
    if not math.isfinite(value):
        return 0  # no T is possible at all: the instance has no roster; claim nothing
    return math.ceil(value - SAFETY * abs(value) - 1e-6)


class BoundInBackground:
    """`lower_bound` of an instance in a child process beside the greedy roster and the
    search. `best` is the highest bound so far (None before the first LP); each rise is passed
    to `on_bound` (from a thread that listens to the child).

    A process, not a thread: GLOP leaves the GIL while it solves, yet a Python loop beside
    it ran at half speed during the solve (measured at 300 specialists: 115k against 230k
    iterations per 0.2 s), which at 1000 specialists slowed the one-threaded greedy roster by
    as much. Forked (no re-import of the caller's script); the child ignores SIGINT, which
    the parent handles (the CLI stops the search and keeps its roster)."""

    def __init__(
        self,
        instance: Instance,
        past: Sequence[Assignment],
        deadline: float,
        on_bound: Callable[[int], None] | None = None,
    ) -> None:
        self.best: int | None = None
        self._stopped = False
        self._lock = threading.Lock()  # a rise and the stop never interleave
        self._on_bound = on_bound
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self._stop = context.Event()
        seconds = deadline - time.perf_counter()
        self._process = context.Process(
            target=_bound_in_child, args=(instance, list(past), seconds, send, self._stop), daemon=True
        )
        self._process.start()
        send.close()  # the child holds the sending end: its exit ends the listening
        self._thread = threading.Thread(target=self._listen, args=(receive,), name="relaxation-bound", daemon=True)
        self._thread.start()

    def _listen(self, receive: Connection) -> None:
        with receive:
            while True:
                try:
                    bound = receive.recv()
                except EOFError:
                    return
                self._rise(bound)

    def _rise(self, bound: int) -> None:
        with self._lock:
            if self._stopped:
                return  # the result is out: a later bound would contradict it
            self.best = bound
            if self._on_bound is not None:
                self._on_bound(bound)

    def stop(self) -> int | None:
        """Stop the child (it is ended, not waited for past a moment) and return the bound
        reached; nothing more is reported."""
        with self._lock:
            self._stopped = True
            self._stop.set()
            best = self.best
        self._process.terminate()
        self._process.join(timeout=1)
        return best


def _bound_in_child(instance: Instance, past: list[Assignment], seconds: float, send: Connection, stop: _Flag) -> None:
    """The child's work: the relaxation and its rising bound, each rise sent to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    deadline = time.perf_counter() + seconds
    with send:
        lower_bound(relaxation(instance, past), deadline, send.send, stop)
