"""The relaxation with integer counts (solve/relaxation_bound.py's LP, integral), over a range
of the total burden `T`, solved by HiGHS through OR-Tools' MathOpt (no further dependency).

Why: the LP lets a count be fractional, and at 80 specialists x 15 sites that is where most of
its slack is. A weekend clinic away earns one outreach point and half a weekend day per
session (two sessions a day): the LP gives a specialist 1.33 of them, 2 points exactly on the
mean, where any whole number of sessions puts them half a level off. At 80 x 15 seed 2 with
`T` = 14,825 the LP says 345,648, the integer counts 394,107.

Valid: every roster's point of the LP (BOUNDS.md, "A bound for restricted models") is integral
but for the least max (left continuous): its counts, held and uncovered sessions, surplus,
points, and the unit steps taken in order up to its points. With `T` in `[lo, hi]` as an
integer multiple of the lattice step, and each sharer's deviation `D_s = |n f P_s - T|` written
exactly (two rows) and at least the steps' distance to the range (which keeps the LP's own
strength inside the MIP), the roster's point is a point of the MIP costing at most the roster.
So the MIP's proven (dual) bound holds for every roster with `T` in the range. Only where every
sharing unit is one specialist (the exact deviation needs one `P_s`): not for grouped units.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Sequence

from ortools.math_opt import parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import mathopt

from outreach_opt.solve.relaxation_bound import _LP, _distance, _Rows

logger = logging.getLogger(__name__)


def integral_applies(lp: _LP) -> bool:
    """Whether the MIP can be written: fairness in the LP, every sharing unit one specialist."""
    relax = lp.relax
    return lp.fair and relax.weight_fd > 0 and all(len(relax.ranges[u]) == 1 for u in relax.sharers)


def integer_bound(lp: _LP, lo: int, hi: int, step: int, seconds: float) -> float | None:
    """The MIP's proven bound for rosters with `T` in `[lo, hi]` (multiples of `step`): inf
    when it has no point, None when HiGHS proved nothing in `seconds` (or cannot be used)."""
    if not integral_applies(lp) or seconds <= 0:
        return None
    relax = lp.relax
    _update, offset = lp.interval(lo, hi)
    rows = _copy(lp.lp)
    n = relax.n_sharers
    t = rows.var(math.ceil(lo / step), hi // step)  # T = step x t
    rows.row([*((lp.points[u], float(relax.factor[u])) for u in relax.sharers), (t, -float(step))], 0, 0)
    for u, steps in lp.steps.items():
        g = n * relax.factor[u]
        (low, _high) = relax.ranges[u][0]
        near = _distance(g * low, lo, hi)  # the steps' distance at P = low
        d = rows.var(0, math.inf, relax.weight_fd, integer=False)
        p = lp.points[u]
        rows.row([(d, 1.0), (p, -float(g)), (t, float(step))], 0, math.inf)  # D >= n f P - T
        rows.row([(d, 1.0), (p, float(g)), (t, -float(step))], 0, math.inf)  # D >= T - n f P
        gains = [(v, -rows.cost[v] / relax.weight_fd) for _, v in steps]
        rows.row([(d, 1.0), *gains], near, math.inf)  # D >= the distance to [lo, hi]
        for _, v in steps:
            rows.cost[v] = 0.0
        offset -= relax.weight_fd * near
    proto = rows.proto(offset)
    proto.variables.integers[:] = rows.integer
    solver = core_solver.new(mathopt.SolverType.HIGHS.value, proto, parameters_pb2.SolverInitializerProto())
    params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=seconds))
    nothing = mathopt.SparseVectorFilter(filtered_items=set())
    only_value = mathopt.ModelSolveParameters(
        variable_values_filter=nothing, dual_values_filter=nothing, reduced_costs_filter=nothing
    )
    result = solver.solve(
        params.to_proto(), only_value.to_proto(), None, mathopt.CallbackRegistration().to_proto(), None, None
    )
    reason = result.termination.reason
    if reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
        return math.inf
    bound = result.termination.objective_bounds.dual_bound
    logger.info(
        "integer counts, T in [%d, %d]: %s, bound %s", lo, hi, result_pb2.TerminationReasonProto.Name(reason), bound
    )
    return float(bound) if math.isfinite(bound) else None


def _copy(rows: _Rows) -> _Rows:
    out = _Rows()
    out.lower, out.upper, out.cost = list(rows.lower), list(rows.upper), list(rows.cost)
    out.row_lower, out.row_upper = list(rows.row_lower), list(rows.row_upper)
    out.entries, out.integer = list(rows.entries), list(rows.integer)
    return out


WIDEN = 0.04
"""The MIPs cover the intervals of `T` whose LP value is within this share of the least; the
bound they can give is then at most the least interval outside them."""
FINE = 8
"""Before the MIPs, each interval within `WIDEN` of the least is split by LPs down to this many
values of `T`: a wide interval's LP value is low for its width alone (at 80 x 15 seed 1 a run of
them spanned T from 9,625 to 16,200, and the MIP over it proved less than the LPs)."""


def integer_phase(
    lp: _LP, nodes: list[tuple[float, int, int]], step: int, seconds: float, mips: Sequence[_LP] = ()
) -> float:
    """After the LP's intervals (`(value, lo, hi)`, together every `T`), rounds until the time is
    up or the least interval has had its MIP: the intervals within `WIDEN` of the least are
    split by LPs down to `FINE` values (`_refined`), and each run of adjacent ones not yet
    solved as a MIP becomes one interval valued at the highest of its MIPs' bounds and its
    least LP value (lowest run first, the time shared among the runs left; within a run the
    MIPs of `mips` in turn, each with what the run has left, so a later one runs only when an
    earlier one proved its optimum in less: each a relaxation, so each bound holds; `lp`'s
    alone when none are given). Returns the least value
    over all intervals, which together still hold every `T`."""
    deadline = time.perf_counter() + seconds
    current = [(value, lo, hi, False) for value, lo, hi in nodes]
    while time.perf_counter() < deadline:
        least, *_, mipped = min(current)
        if not math.isfinite(least) or least <= 0 or mipped:
            break  # the least interval has had its MIP: no further MIP can raise the least
        cutoff = least * (1 + WIDEN)
        current = _refined(lp, current, cutoff, step, deadline)
        runs = _runs(current, cutoff)
        if not runs:
            break
        for k, run in enumerate(sorted(runs, key=lambda run: min(current[i][0] for i in run))):
            value = min(current[i][0] for i in run)
            lo, hi = current[run[0]][1], current[run[-1]][2]
            run_end = time.perf_counter() + (deadline - time.perf_counter()) / (len(runs) - k)
            for mip in mips or [lp]:  # in turn, each with what the run has left
                found = integer_bound(mip, lo, hi, step, run_end - time.perf_counter())
                value = value if found is None else max(value, found)
            current[run[0]] = (value, lo, hi, True)
            for i in run[1:]:
                current[i] = (math.inf, 0, -1, True)  # merged into the run's first: no T of its own
    return min(value for value, *_ in current)


def _runs(nodes: list[tuple[float, int, int, bool]], cutoff: float) -> list[list[int]]:
    """Indices of maximal runs of adjacent intervals below `cutoff` not yet solved as MIPs."""
    runs: list[list[int]] = []
    previous = False
    for i in sorted(range(len(nodes)), key=lambda i: nodes[i][1]):
        value, lo, hi, mipped = nodes[i]
        if lo > hi:
            continue  # merged away
        near = value < cutoff and not mipped
        if near and previous:
            runs[-1].append(i)
        elif near:
            runs.append([i])
        previous = near
    return runs


def _refined(
    lp: _LP, nodes: list[tuple[float, int, int, bool]], cutoff: float, step: int, deadline: float
) -> list[tuple[float, int, int, bool]]:
    """`nodes` with each below `cutoff`, not yet a MIP and wider than `FINE` values split in
    halves by LPs (each half's value at least its parent's, as its LP has fewer points)."""
    pending, done = list(nodes), []
    while pending:
        value, lo, hi, mipped = pending.pop()
        if mipped or value >= cutoff or hi - lo < FINE * step or time.perf_counter() > deadline:
            done.append((value, lo, hi, mipped))
            continue
        mid = lo + (hi - lo) // (2 * step) * step
        for a, b in ((lo, mid), (mid + step, hi)):
            found = lp.solve(a, b, deadline - time.perf_counter())
            pending.append((value if found is None else max(value, found), a, b, False))
    return done
