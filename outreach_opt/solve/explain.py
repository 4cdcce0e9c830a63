"""Why the hard rules cannot all hold: a minimal set of conflicting rule groups.

One model, the builder's own in explain mode (`BuildOptions(explain=True)`): every hard-rule
constraint is guarded by the assumption literal of its group, (rule id, key), e.g.
``("rest", ("ren", 1))`` or ``("commitments", ("ren", 2, 1))``. Solving with every literal
assumed is the normal question; when it is infeasible, CP-SAT names a sufficient subset of
the assumptions (`sufficient_assumptions_for_infeasibility`). A deletion filter then shrinks
it to a minimal set: each group in turn is left out (only the rest are assumed); if the rest
is still infeasible it is dropped for good (keeping only the new, smaller core). What remains
conflicts, and leaving out any one of its groups lets the others hold together. All of it runs
within one time limit; when time runs out the current set comes back marked `minimal=False`.

Coverage is soft, so by default the hard rules alone are asked about; `hard_minimums=True`
adds each demand's weekly `sessions.min` as the group `demand_min` (demand, week).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.explain_messages import Conflict, describe
from outreach_opt.solve.model_parts import Group
from outreach_opt.solve.size_limits import check_size


@dataclass(frozen=True)
class Explanation:
    """The answer: feasible, or the conflicting groups with what to tell the user."""

    feasible: bool
    conflicts: tuple[Conflict, ...] = ()
    minimal: bool = True
    """False when the time limit cut the deletion filter short (or the first solve)."""
    decided: bool = True
    """False when not even the first solve finished: feasibility is unknown."""
    hard_minimums: bool = False
    wall_time: float = 0.0

    @property
    def groups(self) -> list[Group]:
        return [(c.rule, c.key) for c in self.conflicts]

    @property
    def rules(self) -> set[str]:
        return {c.rule for c in self.conflicts}


def explain_model(instance: Instance, past: Sequence[Assignment] = (), hard_minimums: bool = False) -> RosterModel:
    """The builder's model in explain mode: every hard rule guarded by its group's literal."""
    prep = prepare(instance, past, free_commitments=True)
    check_size(prep)
    options = BuildOptions(symmetry_breaking=False, explain=True, hard_minimums=hard_minimums)
    return RosterModel(prep, options).build()


def _solve_assuming(
    built: RosterModel, groups: Iterable[Group], seconds: float
) -> tuple[cp_model.CpSolverStatus, list[Group]]:
    """Solve with exactly `groups` assumed (the others free); on infeasibility also the core."""
    built.model.clear_assumptions()
    built.model.add_assumptions([built.groups[g] for g in groups])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    code = solver.solve(built.model)
    if code == cp_model.MODEL_INVALID:  # a bug in the builder, never the user's input
        raise RuntimeError(f"CP-SAT rejected the explain model: {built.model.validate()}")
    if code != cp_model.INFEASIBLE:
        return code, []
    by_index = {var.index: group for group, var in built.groups.items()}
    return code, [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]


def is_feasible_with(
    instance: Instance,
    groups: Iterable[Group],
    past: Sequence[Assignment] = (),
    hard_minimums: bool = False,
    time_limit: float = 30.0,
) -> bool:
    """Can the given groups hold together (all others left out)? For checking minimality."""
    built = explain_model(instance, past, hard_minimums)
    code, _ = _solve_assuming(built, groups, time_limit)
    if code == cp_model.UNKNOWN:
        raise RuntimeError("the feasibility check did not finish within its time limit")
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def explain(
    instance: Instance, time_limit: float = 30.0, past: Sequence[Assignment] = (), hard_minimums: bool = False
) -> Explanation:
    """Feasible, or a minimal set of conflicting rule groups in the user's terms."""
    started = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    built = explain_model(instance, past, hard_minimums)
    order = {group: i for i, group in enumerate(built.groups)}
    code, core = _solve_assuming(built, list(built.groups), left())
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Explanation(True, hard_minimums=hard_minimums, wall_time=time.perf_counter() - started)
    if code == cp_model.UNKNOWN:
        return Explanation(False, (), False, False, hard_minimums, time.perf_counter() - started)
    candidate = sorted(set(core), key=order.__getitem__)
    minimal = True
    for group in list(candidate):
        if group not in candidate:
            continue  # already dropped with a smaller core
        if left() <= 0:
            minimal = False
            break
        trial = [g for g in candidate if g != group]
        code, core = _solve_assuming(built, trial, left())
        if code == cp_model.INFEASIBLE:
            kept = set(core) or set(trial)  # the new core is within the trial set
            candidate = [g for g in trial if g in kept]
        elif code == cp_model.UNKNOWN:
            minimal = False
            break
    conflicts = tuple(describe(built.prep, group) for group in candidate)
    return Explanation(False, conflicts, minimal, True, hard_minimums, time.perf_counter() - started)
