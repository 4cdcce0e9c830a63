"""The relaxation's bound (solve/relaxation.py builds the data): LPs over intervals of the
total burden `T`, best first, solved by GLOP through MathOpt's core solver, and the bound
the bound beside a search is computed in a child process by solve/bound_process.py.

The interval with the lowest LP value is split in two and both halves solved; the bound at
any moment is the lowest value over the intervals not yet split (together they cover every
`T`), so it only rises, and it stops when the lowest interval is one value of `T` (a multiple
of the sharers' factors' gcd, as every roster's total is).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ortools.math_opt import model_pb2, model_update_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import mathopt

from outreach_opt.solve.relaxation import Relaxation
from outreach_opt.solve.relaxation_days import add_away_days, add_first_day
from outreach_opt.solve.relaxation_weekends import add_weekend_days, add_weekends

logger = logging.getLogger(__name__)

SAFETY = 1e-6
"""Relative margin taken off each LP value before rounding up, for the LP's tolerances."""


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
        self.integer: list[bool] = []
        """Per variable: integral in every roster's point (solve/relaxation_mip.py reads it)."""

    def var(self, lower: float, upper: float = math.inf, cost: float = 0.0, integer: bool = True) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(cost)
        self.integer.append(integer)
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
        model.variables.integers.extend([False] * len(self.lower))  # the LP; relaxation_mip.py sets them
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

    def __init__(self, relax: Relaxation, away: bool = True) -> None:
        """`away`: with the away days' rows (solve/relaxation_days.py), when it has them."""
        self.relax = relax
        lp = self.lp = _Rows()
        x = [lp.var(0, col.cap, col.cost) for col in relax.columns]
        days_of = add_away_days(lp, relax, x) if away else {}
        add_weekends(lp, relax, x)
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
        self.points: dict[str, int] = {}
        """Per sharing unit, the column of its points `P`."""
        self.total = -1
        self.most: int | None = None
        self.fair = bool(relax.sharers) and (relax.weight_fd > 0 or relax.weight_fm > 0)
        self.fair = self.fair and all(math.isfinite(relax.points_hi(u)) for u in relax.sharers)
        if self.fair:
            self._fairness(x)
            add_first_day(lp, relax, x, days_of, self.steps)
            add_weekend_days(lp, relax, x, self.points, self.steps)
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
        self.points = points
        self.total = lp.row([(p, relax.factor[u]) for u, p in points.items()], -math.inf, math.inf)
        if relax.weight_fm > 0:
            most = self.most = lp.var(0, math.inf, relax.weight_fm, integer=False)  # n x most >= T >= a: per interval
            for u, p in points.items():  # the most of a unit's members is at least their mean
                lp.row([(most, len(relax.ranges[u])), (p, -relax.factor[u])], 0, math.inf)

    def solve(self, a: int, b: int, seconds: float) -> float | None:
        """The LP's value with `T` in [a, b]: inf when no point has it, None when GLOP
        stopped without an answer (time, numerics)."""
        update, offset = self.interval(a, b)
        return self._solved(update, offset, seconds)

    def interval(self, a: int, b: int) -> tuple[model_update_pb2.ModelUpdateProto, float]:
        """Set the lists for `T` in [a, b] (the total's row, the steps' costs, the least max);
        returns the same as an update of the solver's model, and the objective's offset."""
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
        return update, relax.weight_fd * offset

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


INTEGER_RESERVE = 0.1
"""The integer counts' MIP ends this share of the bound's time before its deadline, so that its
bound is reported before the search ends (the child is stopped then, and a MIP still running
reports nothing)."""


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

    def set(self) -> None: ...


def lower_bound(
    relax: Relaxation,
    deadline: float,
    on_bound: Callable[[int], None] | None = None,
    stop: _Flag | None = None,
    integral: bool = False,
    integral_until: float | None = None,
    integral_gate: Callable[[], bool] | None = None,
) -> int | None:
    """The relaxation's bound, rising until `deadline` (perf_counter), `stop`, or the
    lowest interval is one value of `T`. None when not even the first LP was solved.
    With `integral`, the time then left (but `INTEGER_RESERVE`) goes to the relaxation with
    integer counts over the lowest intervals' range of `T` (solve/relaxation_mip.py), ending
    by `integral_until` (perf_counter) when given, and only if `integral_gate`, asked just
    before it, says yes: beside a search, the MIP runs only while the greedy first roster (one
    core of plain Python) leaves the other core free (`BoundInBackground.end_integral`).

    `T = Σ f_s P_s` with integer points `P_s`, so `T` is a multiple of `g`, the gcd of the
    sharers' factors (`_step`): every interval is shrunk to its multiples of `g` (an interval
    without one holds no roster) and split down to a single value. Stopping at intervals
    narrower than `n` (one unit of the mean burden), as before, left M seed 3 at 302,930
    where its single values of `T` are all at least 307,898 (every LP inside an interval is
    at least the interval's value, so going on only rises)."""
    began = time.perf_counter()
    lp = _LP(relax)
    order = itertools.count()
    left = lambda: deadline - time.perf_counter()  # noqa: E731
    if not lp.fair:
        value = lp.solve(0, 0, left())
        if value is None:
            return None
        if on_bound is not None:  # the one value is the only rise (the child reports nothing else)
            on_bound(_rounded(value))
        return _rounded(value)
    if stop is not None and stop.is_set():
        return None
    # Intervals are split by the LP without the away days first (an LP there is about seven
    # times quicker at 80 x 15), then the intervals left are solved again with them, lowest
    # first, and split on: each value only rises, as the LP with them has every row of the
    # one without (its drive at least the sessions' shares).
    lps = [_LP(relax, away=False), lp] if relax.days else [lp]
    step = _step(relax)
    lo, hi = _on_lattice(relax.total_range[0], int(relax.total_range[1]), step)
    first = lps[0].solve(lo, hi, left()) if lo <= hi else math.inf
    if first is None:
        return None
    heap = [_Interval(first, next(order), lo, hi, True)]
    best = _rounded(first)
    solved = 1
    if on_bound is not None:
        on_bound(best)
    for rounds, current in enumerate(lps):
        if rounds:  # the away days: every interval again, lowest first, from its value so far
            heap = [_Interval(node.value, next(order), node.lo, node.hi, False) for node in heap]
            heapq.heapify(heap)
        while heap and left() > 0 and not (stop is not None and stop.is_set()):
            node = heapq.heappop(heap)
            if not math.isfinite(node.value):
                heap.append(node)
                break
            if not node.solved:
                value = current.solve(node.lo, node.hi, left())
                solved += 1
                value = node.value if value is None else max(value, node.value)
                heapq.heappush(heap, _Interval(value, next(order), node.lo, node.hi, True))
            elif node.lo == node.hi:
                heapq.heappush(heap, node)  # one value of T: the lowest LP there is
                break
            else:
                mid = node.lo + (node.hi - node.lo) // (2 * step) * step
                heapq.heappush(heap, _Interval(node.value, next(order), node.lo, mid, False))
                heapq.heappush(heap, _Interval(node.value, next(order), mid + step, node.hi, False))
            now = _rounded(heap[0].value) if heap else best
            if now > best:
                best = now
                if on_bound is not None:
                    on_bound(best)
    logger.info("relaxation bound %d after %d LPs over intervals of the total burden", best, solved)
    seconds = left() - INTEGER_RESERVE * (deadline - began)
    if integral_until is not None:
        seconds = min(seconds, integral_until - time.perf_counter())
    if integral and heap and seconds > 0 and not (stop is not None and stop.is_set()):
        from outreach_opt.solve.relaxation_mip import integer_phase, integral_applies  # built on this LP

        if not integral_applies(lp):  # grouped units: the MIP is not written, nor its LPs split
            return best
        if integral_gate is not None and not integral_gate():
            return best

        # each run's MIP without the away days, then, with the time it leaves, with them: at
        # 80 x 15 with 15 s the one without proved more on seed 2 (356,091 against 354,512),
        # the one with them on seed 3 (309,697 against the LPs' 309,005). Halving the time
        # between them (mbound's first version) left neither to finish beside the greedy at
        # 30 s (`solve.MIP_SHARE`): seed 2's bound fell from 355,700 to the LPs' 346,484.
        value = integer_phase(lp, [(node.value, node.lo, node.hi) for node in heap], step, seconds, lps)
        if _rounded(value) > best and not (stop is not None and stop.is_set()):
            best = _rounded(value)
            if on_bound is not None:
                on_bound(best)
        logger.info("relaxation bound %d with integer counts", best)
    return best


def at_total(relax: Relaxation, total: int, seconds: float) -> int | None:
    """The relaxation's bound over rosters whose total burden `T` is `total` (the LP with the
    away days, `T` fixed), rounded up as the bound is; None when GLOP gave no answer in time.

    `lower_bound` is the least of these over every `T`. Set beside a roster's own total, it
    tells where that roster's gap sits: above this value, rosters with the same `T` may cost
    less; between it and `lower_bound`, only a roster with another total can close the gap, or
    a stronger relaxation (benchmarks/fairness_gap.py)."""
    lp = _LP(relax)
    return None if (value := lp.solve(total, total, seconds)) is None else _rounded(value)


def _step(relax: Relaxation) -> int:
    """The gcd of the sharers' burden factors: every roster's total `T = Σ f_s P_s` (integer
    points `P_s`, history's included) is a multiple of it."""
    return math.gcd(*(relax.factor[u] for u in relax.sharers)) or 1


def _on_lattice(lo: int, hi: int, step: int) -> tuple[int, int]:
    """`[lo, hi]` shrunk to its first and last multiples of `step` (empty when `lo > hi`)."""
    return -(-lo // step) * step, hi // step * step


def _rounded(value: float) -> int:
    """The least integer objective the LP value allows, after a margin for its tolerances."""
    if not math.isfinite(value):
        return 0  # no T is possible at all: the instance has no roster; claim nothing
    return math.ceil(value - SAFETY * abs(value) - 1e-6)
