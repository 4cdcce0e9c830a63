"""Repair a published roster after an event, changing as little of it as possible.

Someone falls ill, a partner hospital cancels a list, a road closes: the week was published
and people have planned around it. The repair re-solves the instance as it is now (the event
applied) with the builder's own model and rules, and counts a **change** per slot (specialist,
date, period) whose contents differ from the published roster: the unit of `report/diff.py`,
so the diff of the result lists exactly the changes counted here. In the model a slot's change
is linear in the session variables: an empty published slot changes when any session is put
there (`Σ x`, at most one by `one_place`), a published session changes when its variable is 0
(`1 − x`), and a slot whose published contents the event made impossible (leave, a cancelled
demand, a commitment gone) changes whatever happens: a constant, reported as **forced**.
A night (specialist, night) is a unit too, as in the diff: the published stay at `a` changes
when its night variable is 0 (`1 − n_a`), a night at home changes when any stay is taken
(`Σ n`), and a stay the model has no variable for any more (the person is ill the next day, so
a stay between two working days cannot be) is forced. So the stays of everyone the event
leaves alone are kept as they were, exactly as their sessions are, and the absent person's
stays go when their days do.

Changes are weighted: a slot of a specialist the event names (the absent person) costs 1, any
other specialist's costs `others_weight`, so the repair moves the absent person's own work
before it touches a colleague's week.

An instance too large to model whole is modelled over a shortlist of (specialist, demand)
pairs, as `solve` does (solve/shortlist.py), with every pair of the published roster kept, so
that the published roster, less what the event took, is still a roster of the model; no phase
is then proven (the shortlist's optima are not the instance's).

The objectives are lexicographic, each phase solved and its optimum fixed before the next:

- default (coverage first): (1) the `uncovered` term, so no session is left uncovered that a
  repair could cover, its ties broken by the weighted changes (weighted above any changes'
  total, so coverage stays first: the next phase then starts near the published roster);
  (2) weighted changes; (3) the usual objective.
- `changes_first`: (1) weighted changes; (2) the usual objective. This never re-covers what
  the event uncovered (any substitute is a change), so it answers "what is the least I must
  touch?" rather than "re-plan with least disturbance".

`max_changes` caps the (unweighted) number of changes, forced ones included, as a hard rule.
A phase that does not prove its optimum within its share of the time keeps its best value
(`proven` is then False); one that finds no roster in its share leaves the roster of the phase
before it standing, the phases left valued on it, unproven; when the first finds none, the
published roster less the event, completed (below), stands: at 80 specialists x 15 sites
(30 s, a specialist ill two days) the coverage phase, hinted with that whole roster, found
none in its 9 s on two rosters of three, and `repair` answered "no repaired roster" (CP-SAT
spent them presolving: each phase now presolves by the model's size, as `solve` does,
`configured_solver`). The first phase starts from the published roster less what the event
made impossible, completed into a whole roster of the model (`COMPLETION_SHARE`). Symmetry
breaking is off: it could forbid the published roster.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster, Stay
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.first_roster import complete_hint, hint_solution
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status, read_roster
from outreach_opt.solve.shortlist import plan_model
from outreach_opt.solve.size_limits import check_size

OTHERS_WEIGHT = 2
"""A changed slot of someone the event does not name costs this many of the named person's."""
COMPLETION_SHARE = 1 / 3
"""At most this share of the time completes the published roster (less what the event made
impossible) into a whole roster of the model, the first phase's start: CP-SAT took a partial
hint of it as no roster at all at 80 specialists x 15 sites (a specialist ill for two days,
30 s: 'no repaired roster found', the coverage phase's 10 s without one)."""

SlotValue = tuple[str, str, str | None, bool]


@dataclass
class RepairOptions:
    time_limit: float = 30.0
    workers: int = 0
    seed: int = 0
    max_changes: int | None = None
    changes_first: bool = False
    others_weight: int = OTHERS_WEIGHT


@dataclass(frozen=True)
class Phase:
    name: str
    value: int
    proven: bool


@dataclass(frozen=True)
class _Step:
    """One lexicographic phase: it settles `value` (fixed `<=` for the phases after it).
    CP-SAT minimises `per_unit * value + tie`, `tie` below `per_unit` on every roster, so the
    tie only breaks ties and the phase is proven once the bound reaches `per_unit * value`."""

    name: str
    value: cp_model.LinearExprT
    tie: cp_model.LinearExprT = 0
    per_unit: int = 1

    def minimised(self) -> cp_model.LinearExprT:
        if self.per_unit == 1:
            return self.value
        return cp_model.LinearExpr.weighted_sum([self.value, self.tie], [self.per_unit, 1])

    def proven(self, code: cp_model.CpSolverStatus, solver: cp_model.CpSolver, value: int) -> bool:
        """Optimal, or (with a tie) every roster has at least `value`: the bound reaches
        `per_unit * value` (the tie adds less than one unit)."""
        return code == cp_model.OPTIMAL or (self.per_unit > 1 and solver.best_objective_bound >= value * self.per_unit)


@dataclass(frozen=True)
class RepairResult:
    status: Status
    """INFEASIBLE: no roster keeps the hard rules (within `max_changes`); UNKNOWN: none found in time."""
    roster: Roster | None = None
    objective: int | None = None
    changes: int | None = None
    """Slots and nights whose contents differ from the published roster, forced ones included."""
    weighted_changes: int | None = None
    forced: int = 0
    """Changes no roster can avoid: published contents the event made impossible."""
    phases: tuple[Phase, ...] = ()
    breakdown: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0
    restricted: str | None = None
    """For an instance too large to model whole: the shortlist the repair was modelled over
    (solve/shortlist.py, with every pair of the published roster), whose optima are not the
    instance's, so no phase is proven."""

    @property
    def proven(self) -> bool:
        return bool(self.phases) and all(p.proven for p in self.phases)


@dataclass
class ChangeCount:
    """The number of changed slots and nights, as expressions over the model's variables."""

    count: cp_model.LinearExprT
    weighted: cp_model.LinearExprT
    forced: int
    most_weighted: int
    """Above any value `weighted` takes: each unit changes at most once (a slot holds at most
    one session, `one_place`; a night one stay)."""


Changed = tuple[str, cp_model.LinearExprT]
"""(specialist, 0/1 expression: the unit changed); an int when the model cannot keep it."""


def change_count(built: RosterModel, published: Roster, affected: Collection[str], others_weight: int) -> ChangeCount:
    """Changed slots and nights against `published`: see the module docstring for each case."""
    slots = _slot_changes(built, published.assignments)
    nights = _night_changes(built, published.stays)
    count: list[cp_model.LinearExprT] = []
    weighted: list[cp_model.LinearExprT] = []
    forced = 0
    most = 0
    for spec, changed in [*slots, *nights]:
        if isinstance(changed, int):
            forced += changed
        weight = 1 if spec in affected else others_weight
        count.append(changed)
        weighted.append(weight * changed)
        most += weight
    return ChangeCount(sum(count), sum(weighted), forced, most + 1)


def _slot_changes(built: RosterModel, published: Sequence[Assignment]) -> list[Changed]:
    prep = built.prep
    date_index = prep.date_index
    pidx = prep.period_index
    old: dict[tuple[str, int, int], list[SlotValue]] = defaultdict(list)
    for a in published:
        if a.date in date_index and a.period in pidx:
            old[(a.specialist, date_index[a.date], pidx[a.period])].append((a.site, a.activity, a.demand, a.commitment))
    roles: dict[tuple[str, int, int], dict[SlotValue, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for cand, var in built.x.items():  # a team demand: one candidate per role, any of them keeps the slot
        demand = prep.demands[cand.demand]
        roles[(cand.specialist, cand.day, cand.period)][(cand.site, demand.activity, demand.id, False)].append(var)
    sessions = {
        slot: {key: cp_model.LinearExpr.sum(vars_) for key, vars_ in here.items()} for slot, here in roles.items()
    }
    changes: list[Changed] = []
    for slot in sorted(set(old) | set(sessions) | set(prep.commitment_at)):
        was = sorted(old.get(slot, []))
        com = prep.commitment_at.get(slot)
        options = sessions.get(slot, {})
        changed: cp_model.LinearExprT
        if com is not None:  # fixed by the instance: it holds, nothing else can be there
            changed = int(was != [(com.site, com.activity, None, True)])
        elif not was:
            changed = sum(options.values())
        elif len(was) == 1 and was[0] in options:
            changed = 1 - options[was[0]]
        else:  # what was published there cannot be any more
            changed = 1
        changes.append((slot[0], changed))
    return changes


def _night_changes(built: RosterModel, published: Sequence[Stay]) -> list[Changed]:
    """A night changes when its stay differs: see the module docstring. Stays dated outside
    the horizon are left out, as assignments are."""
    date_index = built.prep.date_index
    old: dict[tuple[str, int], list[str]] = defaultdict(list)
    for stay in published:
        if stay.night in date_index:
            old[(stay.specialist, date_index[stay.night])].append(stay.site)
    options: dict[tuple[str, int], dict[str, cp_model.IntVar]] = defaultdict(dict)
    for (spec, t, site), var in built.nights.items():
        options[(spec, t)][site] = var
    changes: list[Changed] = []
    for night in sorted(set(old) | set(options)):
        was, here = old.get(night, []), options.get(night, {})
        changed: cp_model.LinearExprT
        if not was:
            changed = cp_model.LinearExpr.sum(list(here.values()))
        elif len(was) == 1 and was[0] in here:
            changed = 1 - here[was[0]]
        else:  # a stay the model cannot make any more, or two on one night
            changed = 1
        changes.append((night[0], changed))
    return changes


def repair(
    instance: Instance,
    published: Roster,
    affected: Collection[str] = (),
    options: RepairOptions | None = None,
    past: Sequence[Assignment] = (),
) -> RepairResult:
    """The repaired roster for `instance` (the event already applied) closest to `published`."""
    options = options or RepairOptions()
    started = time.perf_counter()
    kept = frozenset((a.specialist, a.demand) for a in published.assignments if a.demand is not None)
    plan = plan_model(instance, past, options.time_limit, keep=kept)
    check_size(plan.prep)
    built = RosterModel(plan.prep, BuildOptions(symmetry_breaking=False), pattern_cache=plan.cache).build()
    short = plan.shortlist
    restricted = None if short is None else f"{short.pairs:,} of {short.fitting_pairs:,} specialist-demand pairs"
    changes = change_count(built, published, affected, options.others_weight)
    if options.max_changes is not None:
        built.model.add(changes.count <= options.max_changes)
    objective = sum(built.terms.values())
    phases = [_Step("changes", changes.weighted), _Step("objective", objective)]
    # The coverage phase breaks its ties by the changes (a weight above any changes' total
    # keeps coverage first): left to itself it hands the changes phase any roster of least
    # coverage, and from one far from the published roster that phase at 80 specialists x 15
    # sites (30 s, someone ill for two days) ended at 15 changes unproven, where 4 exist.
    if not options.changes_first and "uncovered" in built.terms:
        phases.insert(0, _Step("coverage", built.terms["uncovered"], changes.weighted, changes.most_weighted))
    _hint_published(built, published)
    start = complete_hint(built, max(0.1, options.time_limit * COMPLETION_SHARE))
    done: list[Phase] = []
    solver: cp_model.CpSolver | None = None
    status = Status.UNKNOWN
    for i, step in enumerate(phases):
        left = options.time_limit - (time.perf_counter() - started)
        share = max(0.1, left / (len(phases) - i))
        built.model.minimize(step.minimised())
        settings = SolveOptions(time_limit=share, workers=options.workers, seed=options.seed)
        following = configured_solver(settings, model=built.model)
        code = following.solve(built.model)
        if code == cp_model.MODEL_INVALID:  # a bug in the builder or here, never the user's input
            raise RuntimeError(f"CP-SAT rejected the repair model: {built.model.validate()}")
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if solver is None and start is not None:  # the published roster less the event, completed
                solver = start.solver
            if solver is not None:  # the last phase's roster stands, the phases left unproven on it
                done += [Phase(later.name, round(solver.value(later.value)), False) for later in phases[i:]]
                status = Status.FEASIBLE
                break
            failed = Status.INFEASIBLE if code == cp_model.INFEASIBLE else Status.UNKNOWN
            return RepairResult(failed, forced=changes.forced, wall_time=time.perf_counter() - started)
        solver = following
        value = round(solver.value(step.value))  # the roster's own, not objective_value (see lns.breakdown)
        done.append(Phase(step.name, value, step.proven(code, solver, value) and restricted is None))
        status = Status.OPTIMAL if done[-1].proven and status is not Status.FEASIBLE else Status.FEASIBLE
        built.model.add(step.value <= value)
        hint_solution(built, solver.response_proto.solution)  # it satisfies the bound just added
    assert solver is not None
    value = round(solver.value(objective))
    roster = read_roster(built, solver, Status.FEASIBLE, value, value)
    roster = roster.model_copy(update={"bound": None})
    return RepairResult(
        status=status,
        roster=roster,
        objective=value,
        changes=round(solver.value(changes.count)),
        weighted_changes=round(solver.value(changes.weighted)),
        forced=changes.forced,
        phases=tuple(done),
        breakdown={name: round(solver.value(expr)) for name, expr in built.terms.items()},
        wall_time=time.perf_counter() - started,
        restricted=restricted,
    )


def _hint_published(built: RosterModel, published: Roster) -> None:
    """Start from the published roster, less what the event made impossible (sessions without
    a variable, stays without a night variable): often valid as it is, and otherwise close to
    a valid roster."""
    date_index = built.prep.date_index
    pidx = built.prep.period_index
    possible = {(c.specialist, c.demand, c.day, c.period) for c in built.x}
    kept_stays = [
        stay for stay in published.stays if (stay.specialist, date_index.get(stay.night, -1), stay.site) in built.nights
    ]
    kept = [
        a
        for a in published.assignments
        if a.date in date_index
        and a.period in pidx
        and (
            (a.commitment and (a.specialist, date_index[a.date], pidx[a.period]) in built.prep.commitment_at)
            or (a.demand is not None and (a.specialist, a.demand, date_index[a.date], pidx[a.period]) in possible)
        )
    ]
    built.hint_roster(published.model_copy(update={"assignments": kept, "stays": kept_stays}))
