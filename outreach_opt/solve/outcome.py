"""What a solve returns: its status, the progress reports on the way, the result, and the
roster read back from CP-SAT's solution (shared by the engine and its peers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import Prepared
from outreach_opt.domain.roster import Roster, Stay
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.reach_rules import on_call_listing


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


@dataclass(frozen=True)
class Progress:
    """What the search has reached so far: sent at each better roster (objective set) and at
    each better proven bound (objective None)."""

    elapsed: float
    objective: int | None
    bound: int | None
    """For a restricted model (solve/shortlist.py) the relaxation's bound of the whole instance
    (solve/relaxation.py), never the shortlist's; None until it has one."""
    stage: str | None = None
    """What the solve is doing, in words ("first lines: 60 of 150 specialists"), with
    objective and bound None: sent by the by-specialist route (solve/long_horizon.py), which
    finds no roster for minutes on a year of days and was silent until it had priced one."""


@dataclass(frozen=True)
class Result:
    status: Status
    roster: Roster | None
    objective: int | None
    bound: int | None
    breakdown: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0
    build_time: float = 0.0
    """Everything before the search: the model, and for a large one the greedy roster, its
    tries (up to `IMPROVE_SHARE` of the time left) and their completion."""
    interrupted: bool = False
    """The search was stopped by SIGINT/SIGTERM; the roster is the best found until then."""
    model_time: float = 0.0
    """Preparing the instance and building the CP-SAT model alone (part of `build_time`)."""
    restricted: str | None = None
    """Set when the instance was too large to model whole: what the shortlist left out
    (solve/shortlist.py). The status is then `feasible` at best (`optimal` only when the roster
    meets the bound) and the bound the relaxation's (solve/relaxation.py)."""
    ended_early: str | None = None
    """Why the search ended before its time limit, in words, where that is not a proof of
    optimality (by specialist: every line proven the best given the others', so more time gives
    the same roster); None otherwise."""

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def cost_bound(bound: float) -> int:
    """CP-SAT's bound as a bound of the cost: rounded, and never below 0. Every objective term
    is a count times a weight of at least 0 (`Count`), so no roster costs less than 0; CP-SAT's
    bound before it has an LP comes from the variables' domains and can be far below that
    (Curtois & Qu Instance13 after 15 s: -1737, which the CLI read as a gap of 110 %)."""
    return max(0, round(bound))


def relative_gap(objective: int | None, bound: int | None) -> float | None:
    """(objective - bound) / |objective|: 0 when the roster is proven best; None without both."""
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(1, abs(objective))


def read_roster(
    built: RosterModel,
    solver: cp_model.CpSolver,
    status: Status,
    objective: int,
    bound: int | None,
    interrupted: bool = False,
) -> Roster:
    """The roster a solution describes: chosen day patterns give commitments, x gives demands."""
    prep: Prepared = built.prep
    served: dict[tuple[str, int, int], tuple[str, str | None]] = {}
    for cand, var in built.x.items():
        if solver.boolean_value(var):
            served[(cand.specialist, cand.day, cand.period)] = (cand.demand, cand.role)
    assignments = []
    order = {s.id: i for i, s in enumerate(prep.instance.specialists)}
    chosen: dict[str, list[tuple[int, int, str, bool]]] = defaultdict(list)
    patterns = {}
    for (spec, t), choices in built.days.items():
        for pat, var in choices:
            if solver.boolean_value(var):
                patterns[(spec, t)] = pat
                for p, site in enumerate(pat.stops):
                    if site is not None:
                        chosen[spec].append((t, p, site, pat.committed[p]))
    for spec in sorted(chosen, key=order.__getitem__):
        for t, p, site, committed in sorted(chosen[spec]):
            if committed:
                assignments.append(prep.commitment_assignment(spec, t, p))
            else:
                demand_id, role = served[(spec, t, p)]
                assignments.append(prep.session_assignment(spec, t, p, site, demand_id, role))
    stays = [
        Stay(specialist=spec, night=prep.dates[t], site=site)
        for (spec, t, site), var in sorted(built.nights.items(), key=lambda item: (order[item[0][0]], item[0][1]))
        if solver.boolean_value(var)
    ]
    return Roster(
        instance=prep.instance.name,
        status="interrupted" if interrupted else status.value,
        objective=objective,
        bound=bound,
        assignments=assignments,
        stays=stays,
        **({"on_call": on_call_listing(prep, patterns)} if prep.instance.on_call else {}),
    )
