"""How CP-SAT is configured for a search: the caller's options, the portfolio, presolve by
size, and the time kept back for stopping."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from outreach_opt.solve.builder import BuildOptions, RosterModel

PORTFOLIO = ("max_lp", "core", "quick_restart", "default_lp", "reduced_costs", "no_lp", "pseudo_costs")
"""Full-problem CP-SAT subsolvers, most useful first; CP-SAT runs as many as there are workers."""


PRESOLVE_UP_TO_VARIABLES = 20_000
"""Above this many model variables CP-SAT's presolve is skipped. Measured on a 54-specialist,
6-site, 4-week instance (69k variables: 50k candidate sessions, 19k day patterns; 2 workers):
presolve took 12-18 s and the first roster came after it; without presolve the first roster
came at 0.9 s and the roster at 30 s cost half as much. The sample weeks (about 1k variables)
keep presolve: it proves their optima about 2x faster. A heuristic for the benchmarks issue."""


STOP_SECONDS_PER_VARIABLE = 1.2e-5
"""Time kept back from CP-SAT's limit for it to stop and for the roster to be read back, per
model variable: on a 146k-variable model (60 specialists, 4 weeks, 2 busy cores) the search
returned 1.9 s after its limit and reading the roster took 0.6 s; the sample weeks need
almost nothing. With it, `solve` returns within its limit plus about a second at every size."""


def stop_reserve(built: RosterModel, remaining: float) -> float:
    """Seconds to keep back from the search (at most a quarter of what is left)."""
    return min(remaining / 4, STOP_SECONDS_PER_VARIABLE * len(built.model.proto.variables))


@dataclass
class SolveOptions:
    time_limit: float = 10.0
    workers: int = 0
    """CP-SAT search workers; 0 lets CP-SAT use every core."""
    seed: int = 0
    log_search: bool = False
    greedy_hint: bool = True
    """Start the search of a large model (`GREEDY_FROM_VARIABLES`) from the greedy first
    roster (solve/greedy.py); off, or for a small model, from the commitments-only
    roster."""
    lns: bool | None = None
    """When the whole-model search has not come within `LNS_FROM_GAP` of its bound after
    `FULL_SHARE` of the time, spend the rest on neighbourhoods around its roster
    (solve/lns.py), or, with no roster yet, on finding any roster first. None (the default)
    decides: on for a model of `LNS_FROM_VARIABLES` or more, for a restricted one and for
    a nurse roster (no history, nothing tying specialists: `by_specialist.ties`), off for other
    smaller ones. On the four-week sample (5.9k variables; 30 s, 2 workers, shared) the whole
    model was at 124590
    (gap 87 %) at the switch and proves 16880 a few seconds later, while the neighbourhoods
    ended at 24940; on Curtois & Qu it helps (`solve.LNS_FROM_VARIABLES`,
    benchmarks/RESULTS-curtois-qu.md), and at the benchmark's M and L (the same)."""
    integer_bound: bool = False
    """Beside the search, after the relaxation's LPs (solve/relaxation_bound.py), spend the time
    left on its MIPs with integer counts (solve/relaxation_mip.py) for a higher bound. Off by
    default: the MIP takes a core, and with CP-SAT on both of 2 cores that cost the roster
    (80 specialists x 15 sites seed 3 at 30 s, three alternated pairs, shared machine: 404,187 /
    403,837 / 404,130 with it against 394,904 / 403,365 / 389,105 without, for a bound of
    308,012 against 307,898); seed 2's bound rose from 345,648 to 355,700. Worth it where the
    search leaves a core idle (`workers` below the cores). Only where the bound runs in a
    child process, which stopping the solve ends: in a daemonic process (a Dask worker) it
    runs in a thread, which could not end HiGHS, so there the LPs' bound is all. Without it a
    whole model started from the greedy roster still runs the MIP beside the greedy, on the
    core it leaves free, ending by its own limit (`solve.INTEGER_BESIDE_GREEDY`, `MIP_SHARE`)."""
    build: BuildOptions = field(default_factory=BuildOptions)


def configured_solver(
    options: SolveOptions, remaining: float | None = None, model: cp_model.CpModel | None = None
) -> cp_model.CpSolver:
    """A solver for `options` (its limit `remaining` when given); for `model`, presolve only up
    to `PRESOLVE_UP_TO_VARIABLES`. The searches over a whole roster model pass it (`solve`'s,
    its roster regardless of cost, each `repair` phase); the neighbourhoods' small models do
    not. `repair` did not either, and at 80 specialists x 15 sites (80k variables) its first
    phase spent its whole 9 s share presolving (CP-SAT's log: 'Stopped after presolve') and
    found no roster."""
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
    if model is not None:
        solver.parameters.cp_model_presolve = len(model.proto.variables) <= PRESOLVE_UP_TO_VARIABLES
    if options.workers != 1:
        solver.parameters.subsolvers.extend(PORTFOLIO)
    return solver
