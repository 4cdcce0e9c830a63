"""What covering one more session of a demand would cost: the best roster that does.

"Why is this session uncovered?" has two honest answers: the hard rules stop everyone who
could serve it, or covering it costs more than it is worth under the weights. The second
needs the whole model, since covering it may mean moving other sessions: this solves the
normal model (symmetry breaking off, hinted with the given roster) with one more session of
the demand in that week than the roster has, and returns the best roster found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import _STATUS, Status
from outreach_opt.solve.size_limits import check_size


@dataclass(frozen=True)
class CoverCost:
    status: Status
    """INFEASIBLE: no roster keeps the hard rules and serves one more session."""
    objective: int | None = None
    breakdown: dict[str, int] = field(default_factory=dict)


def best_with_one_more(
    instance: Instance,
    roster: Roster,
    demand: str,
    week: int,
    time_limit: float = 10.0,
    workers: int = 1,
    past: Sequence[Assignment] = (),
) -> CoverCost:
    """The best roster serving at least one more session of `demand` in `week` than `roster`."""
    prep = prepare(instance, past)
    check_size(prep)
    built = RosterModel(prep, BuildOptions(symmetry_breaking=False)).build()
    start = instance.horizon.start
    mine = [a for a in roster.assignments if a.demand == demand and (a.date - start).days // 7 == week]
    team = prep.demands[demand].team if demand in prep.demands else None  # a team session counts once
    served = len({(a.date, a.period) for a in mine}) if team else len(mine)
    sessions = [var for d, t, _p, _s, var in built.demand_sessions() if d == demand and prep.week[t] == week]
    if not sessions:  # nobody could ever serve it that week
        return CoverCost(Status.INFEASIBLE)
    built.model.add(sum(sessions) >= served + 1)
    built.hint_roster(roster)
    solver = configured_solver(SolveOptions(time_limit=time_limit, workers=workers))
    code = solver.solve(built.model)
    status = _STATUS.get(code, Status.UNKNOWN)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return CoverCost(status)
    breakdown = {name: round(solver.value(expr)) for name, expr in built.terms.items()}
    return CoverCost(status, round(solver.objective_value), breakdown)
