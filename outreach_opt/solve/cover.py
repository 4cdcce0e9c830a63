"""What covering one more session of a demand would cost: the best roster that does.

"Why is this session uncovered?" has two honest answers: the hard rules stop everyone who
could serve it, or covering it costs more than it is worth under the weights. The second
needs the whole model, since covering it may mean moving other sessions: this solves the
normal model (symmetry breaking off, hinted with the given roster) with one more session of
the demand in that week than the roster has, and returns the best roster found.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.first_roster import complete_hint
from outreach_opt.solve.lns import breakdown
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import _STATUS, Status
from outreach_opt.solve.shortlist import plan_model
from outreach_opt.solve.size_limits import check_size


@dataclass(frozen=True)
class CoverCost:
    status: Status
    """INFEASIBLE: no roster keeps the hard rules and serves one more session."""
    objective: int | None = None
    breakdown: dict[str, int] = field(default_factory=dict)
    shortlist: bool = False
    """Asked over `solve`'s shortlist (a consortium too large to model whole): never proven,
    and a shortlist without a roster says nothing of the instance (UNKNOWN, not INFEASIBLE)."""
    added: tuple[str, dt.date, str, str] | None = None
    """(specialist, date, period, site) when the roster is the given one with only that
    session added, served from that site: a free slot of `explain`'s reasons, which the checker found breaks nothing and
    priced, cheaper than any roster the solves found in their time (report/uncovered.py)."""


LOCAL_SHARE = 0.5
"""Of a question's time, the most its week alone takes (`OneMore._in_week`)."""
COMPLETE_SECONDS = 10.0
"""The roster's values for every variable (`complete_hint`): at most this long, once."""
MIN_SECONDS = 0.1
"""CP-SAT's least limit here: the whole model is not asked with less time left."""


class OneMore:
    """The roster's model, built and hinted once, asked per demand and week: the best roster
    serving at least one more session of it than the roster does.

    Why once: `explain --roster` asks this of every short demand-week; building the model
    each time took 0.53 s of Curtois & Qu Instance12's (23 demand-weeks), and every question
    differs from the model only by its one row, added to a copy (`CpModel.clone`, 0.01 s).

    Each question is first asked of the demand's week alone (`LOCAL_SHARE` of its time; every
    specialist-day outside that week fixed to the roster), whose answer hints the whole model
    for the rest: on Instance12 the whole model alone found no roster in 2 s (its first came
    at 2-3 s), too slow once 23 questions share one limit. The week's roster is a roster of
    the whole model, so its cost is an upper bound of the answer; only the whole model proves
    one (optimal) or that the rules stop it (infeasible). A one-week horizon has no week
    alone (nothing outside it to fix): the whole model gets all the time.

    Both solves presolve by the model's size (`configured_solver(..., model=)`), as `solve`
    does: on an 80 x 15 week (44k variables, ten specialists away, 12 questions at 2.5 s)
    presolve on, or a week alone that was the whole model, found no roster for any question;
    presolve by size, no week alone and two workers found one for all 12 (the runs are in
    session 41's note on the benchmarks issue)."""

    def __init__(
        self, instance: Instance, roster: Roster, past: Sequence[Assignment] = (), seconds: float = COMPLETE_SECONDS
    ) -> None:
        """`seconds`: about what the questions will have in all; it sizes the shortlist of a
        consortium too large to model whole, and bounds the hint's completion."""
        keep = frozenset((a.specialist, a.demand) for a in roster.assignments if a.demand is not None)
        plan = plan_model(instance, past, seconds, keep=keep)
        check_size(plan.prep)
        prep = plan.prep
        self.shortlist = plan.shortlist is not None
        """Modelled over `solve`'s shortlist (with the roster's pairs): no answer is proven."""
        self.built = RosterModel(prep, BuildOptions(symmetry_breaking=False), pattern_cache=plan.cache).build()
        self.built.hint_roster(roster)
        # None: the roster does not fit the model.
        completed = complete_hint(self.built, min(COMPLETE_SECONDS, seconds))
        self.values = None if completed is None else completed.values
        self.units: dict[int, list[int]] = defaultdict(list)
        """Per day, the variables of every specialist's decisions on it (patterns, sessions, nights)."""
        for (_spec, t), choices in self.built.days.items():
            self.units[t].extend(var.index for _, var in choices)
        for cand, var in self.built.x.items():
            self.units[cand.day].append(var.index)
        for (_spec, t, _site), var in self.built.nights.items():
            self.units[t].append(var.index)
        self.week_of = prep.week
        self.weeks = prep.n_weeks
        self.teams = {d for d, dem in prep.demands.items() if dem.team}
        self.mine: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        """Per demand and week, the roster's assignments serving it."""
        start = instance.horizon.start
        for a in roster.assignments:
            if a.demand is not None:
                self.mine[(a.demand, (a.date - start).days // 7)].append(a)
        self.sessions: dict[tuple[str, int], list[int]] = defaultdict(list)
        for d, t, _p, _s, var in self.built.demand_sessions():
            self.sessions[(d, prep.week[t])].append(var.index)

    def cost(self, demand: str, week: int, time_limit: float, workers: int = 1) -> CoverCost:
        """The best roster with one more session of `demand` in `week`, within `time_limit` s."""
        sessions = self.sessions.get((demand, week), [])
        if not sessions:  # nobody could ever serve it that week (or none in the shortlist)
            return CoverCost(Status.UNKNOWN if self.shortlist else Status.INFEASIBLE, shortlist=self.shortlist)
        began = time.perf_counter()
        model = self.built.model.clone()  # the hint comes with it
        variables = [model.get_int_var_from_proto_index(i) for i in sessions]
        mine = self.mine[(demand, week)]
        served = len({(a.date, a.period) for a in mine}) if demand in self.teams else len(mine)  # a team's once
        model.add(sum(variables) >= served + 1)
        alone = self.values is not None and self.weeks > 1  # a one-week horizon's week is the whole model
        local = self._in_week(model, week, LOCAL_SHARE * time_limit, workers) if alone else None
        if local is not None:
            model.clear_hints()
            for var, value in enumerate(local.response_proto.solution):
                model.proto.solution_hint.vars.append(var)
                model.proto.solution_hint.values.append(value)
        left = time_limit - (time.perf_counter() - began)
        whole = configured_solver(SolveOptions(time_limit=left, workers=workers), model=model)
        status = _STATUS.get(whole.solve(model), Status.UNKNOWN) if left >= MIN_SECONDS else Status.UNKNOWN
        solved = whole if status in (Status.OPTIMAL, Status.FEASIBLE) else None
        rosters = [self._priced(solver) for solver in (local, solved) if solver is not None]
        if not rosters:  # the whole model proved that the rules stop it, or nothing was found
            return CoverCost(Status.UNKNOWN if self.shortlist else status, shortlist=self.shortlist)
        objective, breakdown = min(rosters, key=lambda roster: roster[0])
        proven = status is Status.OPTIMAL and not self.shortlist
        return CoverCost(Status.OPTIMAL if proven else Status.FEASIBLE, objective, breakdown, self.shortlist)

    def _priced(self, solver: cp_model.CpSolver) -> tuple[int, dict[str, int]]:
        """The roster's objective and terms from its own values (`lns.breakdown`: CP-SAT's
        `objective_value` is not always theirs; here it said 4804 for a roster of 4703 on
        Instance12's week 1 with the other weeks fixed)."""
        terms = breakdown(self.built, solver)
        return sum(terms.values()), terms

    def _in_week(self, model: cp_model.CpModel, week: int, time_limit: float, workers: int) -> cp_model.CpSolver | None:
        """The question asked of `week` alone: a copy of `model` with every decision on other
        days fixed to the roster's; its solver when it found a roster."""
        assert self.values is not None
        local = model.clone()
        for t, indices in self.units.items():
            if self.week_of[t] != week:
                for i in indices:
                    domain = local.proto.variables[i].domain
                    domain.clear()
                    domain.extend([self.values[i], self.values[i]])
        solver = configured_solver(SolveOptions(time_limit=time_limit, workers=workers), model=local)
        code = solver.solve(local)
        return solver if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
