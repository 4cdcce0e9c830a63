"""Solve an instance: build the model, run CP-SAT within limits, read back a roster.

`solve()` never prints; it logs to this module's logger and returns a `Result`. No roster is
not an exception (status says why); only bad input raises, and that happens at loading.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel

logger = logging.getLogger(__name__)


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


PORTFOLIO = ("max_lp", "core", "quick_restart", "default_lp", "reduced_costs", "no_lp", "pseudo_costs")
"""Full-problem CP-SAT subsolvers, most useful first; CP-SAT runs as many as there are workers."""


@dataclass(frozen=True)
class Progress:
    """What the search has reached so far; passed to `on_progress` at each better roster."""

    elapsed: float
    objective: int
    bound: int


@dataclass(frozen=True)
class Result:
    status: Status
    roster: Roster | None
    objective: int | None
    bound: int | None
    breakdown: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0
    build_time: float = 0.0

    @property
    def gap(self) -> float | None:
        """Relative gap between the roster's objective and the proven bound (0 = optimal)."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, abs(self.objective))


@dataclass
class SolveOptions:
    time_limit: float = 10.0
    workers: int = 0
    """CP-SAT search workers; 0 lets CP-SAT use every core."""
    seed: int = 0
    log_search: bool = False
    build: BuildOptions = field(default_factory=BuildOptions)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Callable[[Progress], None]) -> None:
        super().__init__()
        self._on_progress = on_progress

    def on_solution_callback(self) -> None:
        self._on_progress(Progress(self.wall_time, round(self.objective_value), round(self.best_objective_bound)))


def solve(
    instance: Instance,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Build and solve; the roster returned is the best found within the limits."""
    options = options or SolveOptions()
    started = time.perf_counter()
    prep = prepare(instance)
    built = RosterModel(prep, options.build).build()
    build_time = time.perf_counter() - started
    solver = configured_solver(options, remaining=options.time_limit - build_time)
    callback = _Callback(on_progress) if on_progress else None
    code = solver.solve(built.model, callback)
    if code == cp_model.MODEL_INVALID:  # a bug in the builder, never the user's input
        raise RuntimeError(f"CP-SAT rejected the model: {built.model.validate()}")
    status = _STATUS[code]
    wall = time.perf_counter() - started
    logger.info("solve: %s in %.2fs (build %.2fs)", status.value, wall, build_time)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return Result(status, None, None, None, {}, wall, build_time)
    objective = round(solver.objective_value)
    bound = round(solver.best_objective_bound)
    roster = read_roster(built, solver, status, objective, bound)
    breakdown = {name: round(solver.value(expr)) for name, expr in built.terms.items()}
    return Result(status, roster, objective, bound, breakdown, wall, build_time)


def configured_solver(options: SolveOptions, remaining: float | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    limit = options.time_limit if remaining is None else remaining
    solver.parameters.max_time_in_seconds = max(0.1, limit)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.log_search_progress = options.log_search
    # The day-pattern encoding is strongest in the full LP relaxation (linearization level 2).
    # CP-SAT's own portfolio only adds that worker ("max_lp") from about 8 workers on; on the
    # 2-core machines we target, the Anzhen week then stalled at a bound of 365 against 830,
    # while max_lp proves 830 in 0.1 s. So one worker runs with level 2, and several run a
    # portfolio that starts with max_lp.
    solver.parameters.linearization_level = 2
    if options.workers != 1:
        solver.parameters.subsolvers.extend(PORTFOLIO)
    return solver


def read_roster(built: RosterModel, solver: cp_model.CpSolver, status: Status, objective: int, bound: int) -> Roster:
    """The roster a solution describes: chosen day patterns give commitments, x gives demands."""
    prep: Prepared = built.prep
    served: dict[tuple[str, int, int], str] = {}
    for cand, var in built.x.items():
        if solver.boolean_value(var):
            served[(cand.specialist, cand.day, cand.period)] = cand.demand
    assignments = []
    order = {s.id: i for i, s in enumerate(prep.instance.specialists)}
    chosen: dict[str, list[tuple[int, int, str, bool]]] = defaultdict(list)
    for (spec, t), choices in built.days.items():
        for pat, var in choices:
            if solver.boolean_value(var):
                for p, site in enumerate(pat.stops):
                    if site is not None:
                        chosen[spec].append((t, p, site, pat.committed[p]))
    for spec in sorted(chosen, key=order.__getitem__):
        for t, p, site, committed in sorted(chosen[spec]):
            if committed:
                com = prep.commitment_at[(spec, t, p)]
                assignments.append(
                    _assignment(spec, prep, t, p, site, com.activity, None, com.resource, commitment=True)
                )
            else:
                demand = prep.demands[served[(spec, t, p)]]
                assignments.append(_assignment(spec, prep, t, p, site, demand.activity, demand.id, demand.resource))
    return Roster(
        instance=prep.instance.name,
        status=status.value,
        objective=objective,
        bound=bound,
        assignments=assignments,
    )


def _assignment(
    spec: str,
    prep: Prepared,
    t: int,
    p: int,
    site: str,
    activity: str,
    demand: str | None,
    resource: str | None,
    commitment: bool = False,
) -> Assignment:
    extra = {"resource": resource} if resource is not None else {}
    return Assignment(
        specialist=spec,
        date=prep.dates[t],
        period=prep.period_ids[p],
        site=site,
        activity=activity,
        demand=demand,
        commitment=commitment,
        **extra,
    )


def model_accepts(instance: Instance, roster: Roster, time_limit: float = 10.0) -> tuple[bool, list[str]]:
    """Does the model admit exactly this roster? Every variable is hinted from the roster and
    fixed to its hint; a feasible solve means yes. Symmetry breaking is off: a valid roster
    need not list interchangeable specialists in the model's chosen order.

    Returns the verdict and, when the roster cannot even be expressed (a day the enumeration
    did not produce, a session with no candidate variable), what could not be expressed.
    """
    built = RosterModel(prepare(instance), BuildOptions(symmetry_breaking=False)).build()
    unexpressed = built.hint_roster(roster)
    if unexpressed:
        return False, unexpressed
    solver = configured_solver(SolveOptions(time_limit=time_limit, workers=1))
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = solver.solve(built.model)
    if code == cp_model.UNKNOWN:
        raise RuntimeError("the fixed-roster check did not finish within its time limit")
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE), []
