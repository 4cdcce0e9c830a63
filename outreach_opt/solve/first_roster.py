"""The first roster the search starts from: its form (a day pattern per specialist-day, the
demand sessions served), the commitments-only one, and how it becomes CP-SAT's hint, completed
to every variable. The greedy roster that fills it is built in solve/greedy.py."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import Candidate

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel

logger = logging.getLogger(__name__)

SpecDay = tuple[str, int]


@dataclass
class FirstRoster:
    """Chosen pattern index per specialist-day and the demand sessions served."""

    chosen: dict[SpecDay, int]
    served: set[Candidate] = field(default_factory=set)


def commitments_only(built: RosterModel) -> FirstRoster | None:
    """Each day's commitments-only pattern; None when some day has none (its commitments alone
    break a day-local rule: the instance is infeasible, and the search will say so)."""
    chosen = {}
    for key, choices in built.days.items():
        index = next(
            (k for k, (pat, _) in enumerate(choices) if pat.sessions == sum(pat.committed) and pat.at_home),
            None,
        )
        if index is None:
            return None
        chosen[key] = index
    return FirstRoster(chosen)


def sort_interchangeable(built: RosterModel, roster: FirstRoster) -> None:
    """Order interchangeable specialists' whole schedules in `roster` as the symmetry
    breaking asks (more sessions first)."""
    n_days = built.prep.n_days
    for members in built.interchangeable():
        days_of = [[[pat for pat, _ in built.days[(spec, t)]] for t in range(n_days)] for spec in members]
        if any(days != days_of[0] for days in days_of[1:]):
            continue  # not enumerated alike (never seen): leave the hint as it is
        schedules = []
        for spec in members:
            days = [roster.chosen[(spec, t)] for t in range(n_days)]
            served = [c for c in roster.served if c.specialist == spec]
            total = sum(built.days[(spec, t)][k][0].sessions for t, k in enumerate(days))
            schedules.append((total, days, served))
        schedules.sort(key=lambda s: -s[0])
        roster.served -= {c for _, _, served in schedules for c in served}
        for spec, (_total, days, served) in zip(members, schedules, strict=True):
            for t, k in enumerate(days):
                roster.chosen[(spec, t)] = k
            for c in served:
                roster.served.add(dataclasses.replace(c, specialist=spec))


def hint(built: RosterModel, roster: FirstRoster) -> None:
    """Hint the model's decisions from `roster`: every day pattern, demand session, team
    session and uncovered count (auxiliary variables follow from them by propagation)."""
    built.model.clear_hints()
    served_count: dict[tuple[str, int], int] = defaultdict(int)
    for cand in roster.served:
        served_count[(cand.demand, built.prep.week[cand.day])] += 1
    variables: list[int] = []
    values: list[int] = []
    for key, choices in built.days.items():
        pick = roster.chosen[key]
        for k, (_pat, var) in enumerate(choices):
            variables.append(var.index)
            values.append(int(k == pick))
    for cand, var in built.x.items():
        variables.append(var.index)
        values.append(int(cand in roster.served))
    for var in [*built.held.values(), *built.nights.values()]:  # the greedy roster: no team session, no stay
        variables.append(var.index)
        values.append(0)
    for (demand, w), var in built.uncovered.items():
        variables.append(var.index)
        values.append(max(0, built.prep.demands[demand].sessions.min - served_count[(demand, w)]))
    hints = built.model.proto.solution_hint
    hints.vars.extend(variables)
    hints.values.extend(values)


@dataclass(frozen=True)
class Completed:
    """A complete hint: a value for every model variable, the roster's objective, and the
    solver whose response holds it."""

    values: list[int]
    objective: int
    solver: cp_model.CpSolver | None = None

    def set_as_hint(self, built: RosterModel) -> None:
        hint_solution(built, self.values)


def hint_solution(built: RosterModel, values: Sequence[int]) -> None:
    """Hint every model variable, in index order, from `values`: a whole roster (a completed
    hint, or a solver's response to restart from)."""
    built.model.clear_hints()
    hints = built.model.proto.solution_hint
    hints.vars.extend(range(len(values)))
    hints.values.extend(values)


def complete_hint(built: RosterModel, limit: float) -> Completed | None:
    """Extend the hint on the decisions to every variable (auxiliaries follow by propagation
    once the decisions are fixed), so that CP-SAT takes it as its first roster at once: on a
    100k-variable model it otherwise ignored a feasible partial hint for the whole minute.
    Returns None (hint left as it was) when the fixed decisions admit no completion within
    `limit` seconds, e.g. under a rule the greedy builder does not know."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False  # everything that matters is fixed already
    solver.parameters.linearization_level = 0
    # Symmetry detection runs even without presolve and breaks nothing here (every decision is
    # fixed): on the XL benchmark's model it took half the completion, 7.1 s against 3.6 s
    # without (greedy fill roster of seed 1, /tmp/me/chint.py, idle).
    solver.parameters.symmetry_level = 0
    # Ctrl-C is the caller's: CP-SAT's own handler stopped only this completion, swallowing
    # the signal, and the CLI's run went on to its end (solve's search has its own handlers).
    solver.parameters.catch_sigint_signal = False
    code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        logger.info("greedy hint not completed: %s", solver.status_name(code))
        return None
    completed = Completed(list(solver.response_proto.solution), round(solver.objective_value), solver)
    completed.set_as_hint(built)
    return completed
