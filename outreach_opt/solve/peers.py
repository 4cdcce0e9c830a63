"""Peers for the benchmark suite (benchmarks/suite.py): the same instance solved another way,
read back into a roster that the same independent checker judges. Here because only
`outreach_opt/solve/` imports OR-Tools; nothing in the product calls it.

- `highs`: **the same model as a MIP.** The engine's builder builds its CP-SAT model (same
  rules, same day patterns, same strengthening); its proto is translated constraint by
  constraint into a mixed-integer program and solved by HiGHS (`pip install
  'outreach-opt[bench]'`). Linear constraints stay rows; `bool_or`, `at_most_one`,
  `exactly_one` become sums of literals; `lin_max` (uncovered, serves, fairness max and abs)
  becomes the exact big-M encoding with one selector binary per argument, so an incumbent
  at the time limit costs what it says. The solution is read back by the engine's own
  `read_roster`.
- `cpsat-defaults`: the engine's model with CP-SAT's default parameters (no full-LP
  portfolio, no linearization level 2) and no symmetry breaking. It is *not* a separately
  written straightforward formulation; it shows what the solver configuration and symmetry
  breaking earn, not what the day-pattern encoding earns.
- `cpsat-plain`: the issue's peer (c), a separately written plain formulation
  (`plain_model.py`, no day patterns) with the same CP-SAT defaults and no hint: against
  `cpsat-defaults` it shows what the engine's formulation itself earns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.outcome import _STATUS, Status, read_roster
from outreach_opt.solve.plain_model import PlainModel
from outreach_opt.solve.shortlist import plan_model

INF = math.inf
_BIG = 2**60


def _bound(value: int) -> float:
    return INF if value >= _BIG else (-INF if value <= -_BIG else float(value))


class _Values:
    """Enough of `CpSolver` for `read_roster`: a Boolean's value in the MIP solution."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def boolean_value(self, var: Any) -> bool:
        return bool(self.values[var.index] > 0.5)


def solve_with_highs(built: RosterModel, time_limit: float) -> dict[str, Any]:
    """Translate `built.model` to a MIP, solve it with HiGHS within `time_limit` seconds and
    return status, objective, bound and a `_Values` for `read_roster` (None without a solution)."""
    import highspy

    started = time.perf_counter()  # the translation counts against the limit too
    proto = built.model.proto
    lower = [float(v.domain[0]) for v in proto.variables]
    upper = [float(v.domain[len(v.domain) - 1]) for v in proto.variables]
    rows: list[tuple[float, float, list[int], list[float]]] = []

    def literal_sum(literals: Any) -> tuple[list[int], list[float], float]:
        """sum of literals as (indices, coefficients, constant): NOT x is 1 - x."""
        index, coeff, constant = [], [], 0.0
        for lit in literals:
            if lit >= 0:
                index.append(lit)
                coeff.append(1.0)
            else:
                index.append(-lit - 1)
                coeff.append(-1.0)
                constant += 1.0
        return index, coeff, constant

    def expr_range(vars_: Any, coeffs: Any, offset: int) -> tuple[float, float]:
        low = high = float(offset)
        for v, c in zip(vars_, coeffs, strict=True):
            a, b = c * lower[v], c * upper[v]
            low += min(a, b)
            high += max(a, b)
        return low, high

    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            raise ValueError("enforcement literals are only built in explain mode; not translated")
        if ct.has_linear():
            if any(v < 0 for v in ct.linear.vars) or len(ct.linear.domain) != 2:
                raise ValueError("a linear constraint with a negated reference or a split domain")
            rows.append(
                (
                    _bound(ct.linear.domain[0]),
                    _bound(ct.linear.domain[1]),
                    list(ct.linear.vars),
                    [float(c) for c in ct.linear.coeffs],
                )
            )
        elif ct.has_bool_or() or ct.has_at_most_one() or ct.has_exactly_one():
            literals = (
                ct.bool_or.literals
                if ct.has_bool_or()
                else (ct.at_most_one.literals if ct.has_at_most_one() else ct.exactly_one.literals)
            )
            cols, coeff, constant = literal_sum(literals)
            low = 1 - constant if not ct.has_at_most_one() else -INF
            high = 1 - constant if not ct.has_bool_or() else INF
            rows.append((low, high, cols, coeff))
        elif ct.has_bool_and():
            for lit in ct.bool_and.literals:
                cols, coeff, constant = literal_sum([lit])
                rows.append((1 - constant, 1 - constant, cols, coeff))
        elif ct.has_lin_max():
            target = ct.lin_max.target
            if len(target.vars) != 1 or target.coeffs[0] != 1 or target.offset != 0:
                raise ValueError("lin_max with a target that is not one variable")
            t = target.vars[0]
            exprs = list(ct.lin_max.exprs)
            ranges = [expr_range(e.vars, e.coeffs, e.offset) for e in exprs]
            top = max(high for _, high in ranges)
            selectors = []
            for e, (low, _) in zip(exprs, ranges, strict=True):
                z = len(lower)
                lower.append(0.0)
                upper.append(1.0)
                selectors.append(z)
                vars_, coeffs = [t, *e.vars], [1.0, *(-float(c) for c in e.coeffs)]
                rows.append((float(e.offset), INF, vars_, coeffs))  # t >= e
                big = top - low
                rows.append((-INF, float(e.offset) + big, [*vars_, z], [*coeffs, big]))  # t <= e + M (1 - z)
            rows.append((1.0, 1.0, selectors, [1.0] * len(selectors)))
        else:
            raise ValueError(f"constraint kind not translated: {ct}")
    total = len(lower)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.addVars(total, np.array(lower), np.array(upper))
    h.changeColsIntegrality(total, np.arange(total, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * total))
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    row_lows: list[float] = []
    row_highs: list[float] = []
    for row_low, row_high, vars_, coeffs in rows:
        starts.append(len(index))
        index += vars_
        value += coeffs
        row_lows.append(row_low)
        row_highs.append(row_high)
    h.addRows(
        len(rows),
        np.array(row_lows),
        np.array(row_highs),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=np.float64),
    )
    objective = proto.objective
    cost = np.zeros(total)
    for v, c in zip(objective.vars, objective.coeffs, strict=True):
        cost[v] += c
    h.changeColsCost(total, np.arange(total, dtype=np.int32), cost)
    h.setOptionValue("time_limit", max(0.1, float(time_limit) - (time.perf_counter() - started)))
    h.run()
    solve_time = time.perf_counter() - started
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    out: dict[str, Any] = {
        "status": status,
        "solve_s": round(solve_time, 2),
        "variables": total,
        "rows": len(rows),
        "bound": round(info.mip_dual_bound + objective.offset) if math.isfinite(info.mip_dual_bound) else None,
        "objective": round(info.objective_function_value + objective.offset) if has_solution else None,
        "values": _Values(np.array(h.getSolution().col_value)) if has_solution else None,
    }
    return out


def engine_prep(instance: Instance, time_limit: float) -> tuple[Prepared, str | None]:
    """The data the engine builds its model from for this limit (`shortlist.plan_model`): the
    whole instance, or, where the whole model is too large (300 specialists x 40 sites and up),
    the same shortlist the engine's restricted model uses, with what it leaves out. The peers
    solve the engine's model: building the whole one there (2.5M variables at 300 x 40) could
    not finish within any limit the suite uses, so the peer would be measured on nothing."""
    plan = plan_model(instance, (), time_limit)
    return plan.prep, None if plan.shortlist is None else plan.shortlist.describe()


def solve_cpsat_defaults(
    instance: Instance, time_limit: float, workers: int, on_solution: Callable[[float, int, int | None], None]
) -> tuple[Roster | None, dict[str, Any]]:
    """The engine's model without symmetry breaking, solved with CP-SAT's default parameters
    (hinted with the commitments-only roster, as the engine does for small models). `on_solution(elapsed,
    objective, bound)` hears each better roster, elapsed from the start of the build."""
    started = time.perf_counter()
    prep, restricted = engine_prep(instance, time_limit)
    built = RosterModel(prep, BuildOptions(symmetry_breaking=False)).build()
    built.hint_commitments_only()
    if restricted is not None:  # a shortlist's bound is not the instance's: none is claimed
        heard = on_solution
        on_solution = lambda t, objective, _bound: heard(t, objective, None)  # noqa: E731
    solver, status, out = _default_search(built.model, started, time_limit, workers, on_solution)
    if restricted is not None:  # optimal for the shortlist: a roster of the instance, no more
        status = Status.FEASIBLE if status is Status.OPTIMAL else status
        out.update(status=f"{status.value} (restricted model)", restricted=restricted)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None, out
    # The returned roster's own cost, as solve() reports it (objective_value was seen above it
    # at time limits): the peer is scored on the same footing as the engine.
    objective = sum(round(solver.value(expr)) for expr in built.terms.values())
    bound = None if restricted is not None else round(solver.best_objective_bound)
    out.update(solver_objective=objective, bound=bound)
    return read_roster(built, solver, status, objective, bound), out


def solve_cpsat_plain(
    instance: Instance, time_limit: float, workers: int, on_solution: Callable[[float, int, int], None] | None = None
) -> tuple[Roster | None, dict[str, Any]]:
    """Peer (c): the plain formulation of `plain_model.py`, solved with CP-SAT's defaults and
    no hint. Raises `UnsupportedRuleError` (before building) for an instance using a rule it
    does not model."""
    started = time.perf_counter()
    built = PlainModel(prepare(instance)).build()
    solver, status, out = _default_search(built.model, started, time_limit, workers, on_solution)
    out["model_size"] = (
        f"{len(built.model.proto.variables)} variables, {len(built.model.proto.constraints)} constraints"
    )
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None, out
    breakdown = {name: round(solver.value(expr)) for name, expr in built.terms.items()}
    objective, bound = sum(breakdown.values()), round(solver.best_objective_bound)
    out.update(solver_objective=objective, bound=bound, breakdown=breakdown)
    return built.roster(solver, status, objective, bound), out


def _default_search(
    model: cp_model.CpModel,
    started: float,
    time_limit: float,
    workers: int,
    on_solution: Callable[[float, int, int], None] | None,
) -> tuple[cp_model.CpSolver, Status, dict[str, Any]]:
    """CP-SAT with its default parameters for what is left of `time_limit` since `started`
    (building counts against it); `on_solution(elapsed, objective, bound)` hears each better
    roster. Returns the solver, the status and the timings."""
    build_s = time.perf_counter() - started

    class Progress(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if on_solution is not None:
                elapsed = time.perf_counter() - started
                on_solution(elapsed, round(self.objective_value), round(self.best_objective_bound))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - build_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = _STATUS[solver.solve(model, Progress())]
    out = {"status": status.value, "build_s": round(build_s, 2), "wall_s": round(time.perf_counter() - started, 2)}
    return solver, status, out


def solve_highs(instance: Instance, time_limit: float) -> tuple[Roster | None, dict[str, Any]]:
    """The engine's model (same options as `solve`) as a MIP solved by HiGHS, read back."""
    started = time.perf_counter()
    prep, restricted = engine_prep(instance, time_limit)
    built = RosterModel(prep).build()
    build_s = time.perf_counter() - started
    result = solve_with_highs(built, time_limit - build_s)
    out: dict[str, Any] = {
        "status": result["status"] + (" (restricted model)" if restricted is not None else ""),
        "build_s": round(build_s, 2),
        "wall_s": round(time.perf_counter() - started, 2),
        "solver_objective": result["objective"],
        "bound": None if restricted is not None else result["bound"],  # a shortlist's is not the instance's
        "mip_size": f"{result['variables']} cols x {result['rows']} rows",
    }
    if restricted is not None:
        out["restricted"] = restricted
    if result["values"] is None:
        return None, out
    status = Status.OPTIMAL if result["status"] == "Optimal" and restricted is None else Status.FEASIBLE
    roster = read_roster(built, result["values"], status, result["objective"], out["bound"])
    return roster, out
