"""A lower bound on the whole instance's optimum, for models too large to build whole.

A restricted model (solve/shortlist.py) proves nothing about the instance: its bound is the
shortlist's. This module gives a bound of the instance itself from a relaxation that is cheap
at any size: per (specialist, demand, week) only a count of sessions, no days, no patterns.
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
import heapq
import itertools
import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.math_opt import model_update_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import mathopt

from outreach_opt.domain.instance import Instance, Specialist
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import shortest_routes

logger = logging.getLogger(__name__)

WEEKLY_COLUMNS_UP_TO = 200_000
"""(specialist, demand, week) counts up to this many; above, one count per (specialist,
demand) over the horizon with the weekly limits summed (a weaker relaxation, still valid):
1000 specialists x 60 sites x 4 weeks would otherwise make about 500k LP columns."""

AFFORDABLE_COLUMNS = 100_000
"""`solve` computes the bound beside a restricted search only up to this many counts. At
1000 specialists x 60 sites x 4 weeks (145k counts over the horizon) each LP took 25-50 s
on the shared machine, so 300 s gave one LP and a bound of 0.1M against rosters of 200M+,
while setting it up (30 s of Python) slowed the greedy roster's moves; 300 x 40 x 1 week
(19k counts) converges in about 30 s."""


def bound_affordable(instance: Instance) -> bool:
    """Whether the relaxation is small enough to be worth solving beside a search."""
    return _estimated_columns(instance, prep_weeks=(instance.horizon.days + 6) // 7) <= AFFORDABLE_COLUMNS


SAFETY = 1e-6
"""Relative margin taken off each LP value before rounding up, for the LP's tolerances."""


@dataclass
class _Column:
    """Sessions of one demand (in one role) by one specialist in one week (or the horizon)."""

    spec: str
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
    sharers: list[str]
    factor: dict[str, int]
    points_lo: dict[str, int]
    """Burden points a sharer surely has without any demand session: history and commitments."""
    points_hi: dict[str, float]
    """At most this many burden points in all (inf when unbounded)."""
    points_capped: bool
    """Whether a session's points are at most `points_hi` (not when minutes driven count)."""
    committed_hi: dict[str, int]
    """Points of commitments counted at most (with history): the rest of P comes from sessions."""
    demand_rows: list[tuple[str, int, int, int, int, int]] = field(default_factory=list)
    """(demand, week, min, max, cost per uncovered session, surplus weight) per demand-week."""
    roles: dict[str, list[tuple[str | None, int]]] = field(default_factory=dict)
    spec_limits: list[tuple[str, int, str, int]] = field(default_factory=list)
    """(specialist, week, kind, limit): kind 'sessions', 'away' or 'evening' sessions."""
    capacity_rows: list[tuple[list[str], int, int]] = field(default_factory=list)
    """(demands, week, sessions the slots hold) per site, resource and week."""
    weight_fd: int = 0
    weight_fm: int = 0

    @property
    def total_range(self) -> tuple[int, float]:
        lo = sum(self.factor[s] * self.points_lo[s] for s in self.sharers)
        hi = sum(self.factor[s] * self.points_hi[s] for s in self.sharers)
        return lo, hi


def relaxation(instance: Instance, past: Sequence[Assignment] = ()) -> Relaxation:
    """The relaxation's data. Each count is capped by the free slots it could take; a pair
    is left out only when no day with a session there fits the daily travel limit."""
    prep = prepare(instance, past, pairs=frozenset())
    weekly = _estimated_columns(instance, prep.n_weeks) <= WEEKLY_COLUMNS_UP_TO
    week_of = prep.week if weekly else [0] * prep.n_days
    weeks = list(range(prep.n_weeks)) if weekly else [0]
    burden = instance.fairness.burden
    weights = instance.weights
    sp = shortest_routes(prep.travel, [s.id for s in instance.sites])
    stays = [s.id for s in instance.sites if s.overnight]
    weekend = [d >= 5 for d in prep.weekday]
    pidx = {pid: i for i, pid in enumerate(prep.period_ids)}

    committed: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weekend_commitment: set[str] = set()
    for (sid, t, p), com in prep.commitment_at.items():
        got = committed[(sid, week_of[t])]
        got["sessions"] += 1
        got["away"] += com.site != prep.specialists[sid].home
        got["evening"] += prep.evening[p]
        if weekend[t]:
            weekend_commitment.add(sid)

    weekend_periods = _weekend_periods(instance, prep)
    columns: list[_Column] = []
    for dem in instance.demands:
        if dem.dates is not None:
            on_days = sorted({t for t, d in enumerate(prep.dates) if d in set(dem.dates)})
        else:
            wd = dem.weekdays()
            on_days = [t for t in range(prep.n_days) if prep.weekday[t] in wd]
        periods = [pidx[p] for p in dem.periods] if dem.periods is not None else list(range(prep.n_periods))
        evening_lo = all(prep.evening[p] for p in periods)
        evening_hi = any(prep.evening[p] for p in periods)
        for role in dem.roles:
            needs = set(dem.role_skills(role))
            for spec in instance.specialists:
                if not needs <= set(spec.skills):
                    continue
                drive = _drives(
                    sp, spec.home, stays, instance.served_from(dem, spec.home), spec.max_travel_minutes_per_day
                )
                if not drive:
                    continue
                per_day = _sessions_per_day(spec, prep.n_periods)
                per_weekend_day = max(1, min(per_day, len(weekend_periods[spec.id])))
                away_lo = all(site != spec.home for site in drive)
                away_hi = any(site != spec.home for site in drive)
                share = min(drive.values()) / per_day  # the day's drive, shared by at most per_day sessions
                slots: dict[int, int] = defaultdict(int)
                weekend_only: dict[int, bool] = defaultdict(lambda: True)
                weekend_any: dict[int, bool] = defaultdict(bool)
                for t in on_days:
                    free = sum(
                        1
                        for p in periods
                        if (spec.id, t, p) not in prep.unavailable and (spec.id, t, p) not in prep.commitment_at
                    )
                    if free:
                        w = week_of[t]
                        slots[w] += free
                        weekend_only[w] = weekend_only[w] and weekend[t]
                        weekend_any[w] = weekend_any[w] or weekend[t]
                for w, free in slots.items():
                    cap = min(free, dem.sessions.max * (1 if weekly else len(prep.demand_weeks[dem.id]) or 1))
                    # a weekend day counts once however many sessions it holds (at most per_weekend_day),
                    # and not at all beyond what a commitment on it already counts
                    weekend_lo = weekend_only[w] and spec.id not in weekend_commitment
                    lo: float = burden.outreach_session * away_lo + burden.evening_session * evening_lo
                    lo += burden.weekend_day * weekend_lo / per_weekend_day + burden.travel_minute * share
                    hi = burden.outreach_session * away_hi + burden.evening_session * evening_hi
                    hi += burden.weekend_day * weekend_any[w]
                    columns.append(
                        _Column(
                            spec.id,
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

    sharers = instance.outreach_sharers()
    factor = {s: prep.specialists[s].burden_factor for s in sharers}
    points_lo: dict[str, int] = {}
    committed_hi: dict[str, int] = {}
    for s in sharers:
        home = prep.specialists[s].home
        occurrences = [(t, p, com) for (spec, t, p), com in prep.commitment_at.items() if spec == s]
        pts = burden.outreach_session * sum(com.site != home for _, _, com in occurrences)
        pts += burden.evening_session * sum(prep.evening[p] for _, p, _ in occurrences)
        pts += burden.weekend_day * len({t for t, _, _ in occurrences if weekend[t]})
        before = prep.history.burden.get(s, 0)
        points_lo[s] = pts + before
        committed_hi[s] = pts + before
    points_capped = burden.travel_minute == 0
    points_hi: dict[str, float] = {}
    by_spec: dict[str, list[_Column]] = defaultdict(list)
    for col in columns:
        by_spec[col.spec].append(col)
    for s in sharers:
        points_hi[s] = (
            _most_points(prep, prep.specialists[s], by_spec[s], committed, weeks, week_of, weekly) + committed_hi[s]
            if points_capped
            else math.inf
        )

    relax = Relaxation(
        columns=columns,
        weeks=weeks,
        sharers=sharers,
        factor=factor,
        points_lo=points_lo,
        points_hi=points_hi,
        points_capped=points_capped,
        committed_hi=committed_hi,
        weight_fd=weights.fairness_deviation,
        weight_fm=weights.fairness_max,
    )
    _demand_rows(relax, instance, prep, weekly)
    _spec_limits(relax, instance, committed, weekly, prep)
    _capacity_rows(relax, instance, prep, week_of, weekly)
    return relax


def _most_points(
    prep: Prepared,
    spec: Specialist,
    columns: list[_Column],
    committed: dict[tuple[str, int], dict[str, int]],
    weeks: list[int],
    week_of: list[int],
    weekly: bool,
) -> int:
    """Burden points a specialist can have at most from sessions (commitments' own points
    are added by the caller): per week, away and evening sessions within the weekly limits
    (which count commitments too) and what the demands offer, weekend days within the
    weekend's days."""
    b = prep.instance.fairness.burden
    span = 1 if weekly else prep.n_weeks
    total = 0
    for w in weeks:
        got = committed.get((spec.id, w), {})
        offered = {
            "away": sum(c.cap for c in columns if c.week == w and c.away_hi),
            "evening": sum(c.cap for c in columns if c.week == w and c.evening_hi),
            "weekend": sum(c.cap for c in columns if c.week == w and c.weekend_hi),
        }
        limits = {"away": spec.max_outreach_sessions_per_week, "evening": spec.max_evening_sessions_per_week}
        most = {}
        for kind in ("away", "evening"):
            caps = [
                limit * span - got.get(used, 0)
                for limit, used in ((limits[kind], kind), (spec.max_sessions_per_week, "sessions"))
                if limit is not None
            ]
            most[kind] = max(0, min([offered[kind], *caps]))
        weekend_days = sum(1 for t, wk in enumerate(week_of) if wk == w and prep.weekday[t] >= 5)
        most["weekend"] = min(offered["weekend"], weekend_days)
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


def _estimated_columns(instance: Instance, prep_weeks: int) -> int:
    """Counts per week before reach is known: (specialist, demand) pairs with the skills."""
    skills = [frozenset(s.skills) for s in instance.specialists]
    pairs = sum(1 for dem in instance.demands for sk in skills if set(dem.skills) <= sk)
    return pairs * prep_weeks


def _sessions_per_day(spec: object, n_periods: int) -> int:
    most = getattr(spec, "max_sessions_per_day", None)
    return max(1, n_periods if most is None else min(most, n_periods))


def _drives(
    sp: dict[tuple[str, str], int], home: str, stays: list[str], sites: list[str], limit: int | None
) -> dict[str, int]:
    """Per site a session could be served from: the least driving of any day with a session
    there (from home or a stay, there, back to home or a stay, by shortest routes); sites no
    such day reaches within the daily limit are left out (rule `daily_travel`)."""
    ends = [home, *stays]
    out = {}
    for site in sites:
        if site == home:
            out[site] = 0
            continue
        there = min(sp.get((a, site), math.inf) for a in ends)
        back = min(sp.get((site, b), math.inf) for b in ends)
        if limit is None or there + back <= limit:
            out[site] = int(there + back) if math.isfinite(there + back) else 0
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
    instance: Instance,
    committed: dict[tuple[str, int], dict[str, int]],
    weekly: bool,
    prep: Prepared,
) -> None:
    span = 1 if weekly else prep.n_weeks
    for spec in instance.specialists:
        limits = {
            "sessions": spec.max_sessions_per_week,
            "away": spec.max_outreach_sessions_per_week,
            "evening": spec.max_evening_sessions_per_week,
        }
        for kind, limit in limits.items():
            if limit is None:
                continue
            for w in relax.weeks:
                left = limit * span - committed.get((spec.id, w), {}).get(kind, 0)
                relax.spec_limits.append((spec.id, w, kind, max(0, left)))


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


class _LP:
    """The relaxation as one LP, re-solved per interval of the total burden `T` by MathOpt's
    incremental GLOP: between intervals only bounds and objective coefficients change, which
    GLOP takes from its last basis without reloading the model (through MPSolver each solve
    reloaded it: 0.3 s at 300 specialists even when no pivot was needed)."""

    def __init__(self, relax: Relaxation) -> None:
        self.relax = relax
        model = self.model = mathopt.Model(name="relaxation")
        x = [model.add_variable(lb=0, ub=col.cap) for col in relax.columns]
        costs: list[tuple[mathopt.Variable, float]] = [(v, col.cost) for col, v in zip(relax.columns, x, strict=True)]
        by_demand: dict[tuple[str, int, str | None], list[int]] = defaultdict(list)
        by_spec: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, col in enumerate(relax.columns):
            by_demand[(col.demand, col.week, col.role)].append(i)
            by_spec[(col.spec, col.week)].append(i)
        held: dict[tuple[str, int], mathopt.Variable] = {}
        for dem, w, lo, hi, cost, surplus in relax.demand_rows:
            c = held[(dem, w)] = model.add_variable(lb=0, ub=hi)
            for role, count in relax.roles[dem]:  # the role's sessions = count x held
                model.add_linear_constraint(
                    mathopt.fast_sum(x[i] for i in by_demand.get((dem, w, role), ())) - count * c == 0
                )
            if lo > 0 and cost > 0:
                u = model.add_variable(lb=0, ub=lo)
                model.add_linear_constraint(u + c >= lo)
                costs.append((u, cost))
            if surplus > 0:
                v = model.add_variable(lb=0)
                model.add_linear_constraint(v - c >= -lo)
                costs.append((v, surplus))
        for spec, w, kind, limit in relax.spec_limits:
            cols = [
                x[i]
                for i in by_spec.get((spec, w), ())
                if kind == "sessions"
                or (kind == "away" and relax.columns[i].away)
                or (kind == "evening" and relax.columns[i].evening)
            ]
            if cols:
                model.add_linear_constraint(mathopt.fast_sum(cols) <= limit)
        for dems, w, most in relax.capacity_rows:
            used = [held[(dem, w)] for dem in dems if (dem, w) in held]
            if used:
                model.add_linear_constraint(mathopt.fast_sum(used) <= most)
        self.steps: dict[str, list[mathopt.Variable]] = {}
        self.fair = bool(relax.sharers) and (relax.weight_fd > 0 or relax.weight_fm > 0)
        self.fair = self.fair and all(math.isfinite(relax.points_hi[s]) for s in relax.sharers)
        if self.fair:
            costs += self._fairness(x)
        self.costs = costs
        model.minimize(mathopt.fast_sum(c * v for v, c in costs))
        self._updates = model.add_update_tracker()
        self._solver: Any = None

    def _fairness(self, x: list[mathopt.Variable]) -> list[tuple[mathopt.Variable, float]]:
        relax, model = self.relax, self.model
        costs: list[tuple[mathopt.Variable, float]] = []
        by_sharer: dict[str, list[int]] = defaultdict(list)
        for i, col in enumerate(relax.columns):
            by_sharer[col.spec].append(i)
        points = {}
        for s in relax.sharers:
            lo, hi = relax.points_lo[s], int(relax.points_hi[s])
            p = points[s] = model.add_variable(lb=lo, ub=hi)
            # P >= the points surely had, P <= the points at most had
            model.add_linear_constraint(
                p - mathopt.fast_sum(relax.columns[i].points_lo * x[i] for i in by_sharer[s]) >= lo
            )
            if relax.points_capped:
                high = mathopt.fast_sum(relax.columns[i].points_hi * x[i] for i in by_sharer[s])
                model.add_linear_constraint(p - high <= relax.committed_hi[s])
            if relax.weight_fd > 0:
                # P = lo + the unit steps taken; each step costs what |n f P - T| gains over it,
                # set per interval (convex, so the LP takes the steps in order)
                steps = self.steps[s] = [model.add_variable(lb=0, ub=1) for _ in range(hi - lo)]
                model.add_linear_constraint(p - mathopt.fast_sum(steps) == lo)
        self.total = model.add_linear_constraint(
            mathopt.fast_sum(relax.factor[s] * p for s, p in points.items()) >= -math.inf
        )
        self.most: mathopt.Variable | None = None
        if relax.weight_fm > 0:
            most = self.most = model.add_variable(lb=0)  # n x most >= T >= a: a bound, set per interval
            costs.append((most, relax.weight_fm))
            for s, p in points.items():
                model.add_linear_constraint(most - relax.factor[s] * p >= 0)
        return costs

    def solve(self, a: int, b: int, seconds: float) -> float | None:
        """The LP's value with `T` in [a, b]: inf when no point has it, None when GLOP
        stopped without an answer (time, numerics)."""
        relax = self.relax
        objective = self.model.objective
        if self.fair:
            n = len(relax.sharers)
            self.total.lower_bound, self.total.upper_bound = a, b
            if self.most is not None:
                self.most.lower_bound = a / n
            offset = 0
            for s, steps in self.steps.items():
                g = n * relax.factor[s]
                lo = relax.points_lo[s]
                before = _distance(g * lo, a, b)
                offset += before
                for k, step in enumerate(steps, start=1):
                    after = _distance(g * (lo + k), a, b)
                    objective.set_linear_coefficient(step, relax.weight_fd * (after - before))
                    before = after
            objective.offset = relax.weight_fd * offset
        return self._solved(seconds)

    def _solved(self, seconds: float) -> float | None:
        """GLOP on the model as it now is, from its last basis. MathOpt's `IncrementalSolver`
        would do the same, but then turns every variable's value and basis status into Python
        objects: 0.6 s per LP at 300 specialists, five times the solve itself. Only the
        termination is read here (no values are asked for)."""
        if self._solver is None or not self._solver.update(self._updates.export_update() or _EMPTY_UPDATE):
            self._solver = core_solver.new(
                mathopt.SolverType.GLOP.value, self.model.export_model(), parameters_pb2.SolverInitializerProto()
            )
        self._updates.advance_checkpoint()
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
            return float(proto.termination.objective_bounds.primal_bound)
        if reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
            return math.inf
        return None


_EMPTY_UPDATE = model_update_pb2.ModelUpdateProto()


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


def lower_bound(
    relax: Relaxation,
    deadline: float,
    on_bound: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
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
        elif node.hi - node.lo < len(relax.sharers):
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
    """`lower_bound` of an instance in a thread, beside the search: GLOP releases the GIL
    while it solves, so the LPs take the time the search leaves (CP-SAT runs in its own
    threads too). `best` is the highest bound so far (None before the first LP); each rise
    is passed to `on_bound`."""

    def __init__(
        self,
        instance: Instance,
        past: Sequence[Assignment],
        deadline: float,
        on_bound: Callable[[int], None] | None = None,
    ) -> None:
        self.best: int | None = None
        self._stop = threading.Event()
        self._on_bound = on_bound

        def run() -> None:
            relax = relaxation(instance, past)
            lower_bound(relax, deadline, self._rise, self._stop)

        self._thread = threading.Thread(target=run, name="relaxation-bound", daemon=True)
        self._thread.start()

    def _rise(self, bound: int) -> None:
        self.best = bound
        if self._on_bound is not None:
            self._on_bound(bound)

    def stop(self) -> int | None:
        """Ask the thread to stop after its current LP (each LP keeps to the deadline) and
        return the bound reached; the thread is not waited for."""
        self._stop.set()
        return self.best
