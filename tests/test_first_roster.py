"""The greedy first roster (solve/greedy.py): valid by construction, so the model must
accept it as it stands and the independent checker must find it breaks no rule and costs
what the model says; moving sessions never makes it dearer."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import event, given, settings
from ortools.sat.python import cp_model
from support import EXAMPLE, INSTANCES
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Candidate, prepare
from outreach_opt.domain.roster import Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve import greedy
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.first_roster import FirstRoster, commitments_only, hint
from outreach_opt.solve.greedy import greedy_roster
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status, read_roster


class _Decisions:
    """Stands in for a solver when reading back the greedy decisions themselves."""

    def __init__(self, true: set[int]) -> None:
        self.true = true

    def boolean_value(self, var: cp_model.IntVar) -> bool:
        return var.index in self.true


def _read(built: RosterModel, roster: FirstRoster) -> Roster:
    """The roster of the greedy decisions themselves, without a solver."""
    chosen = {built.days[key][k][1].index for key, k in roster.chosen.items()}
    chosen |= {built.x[cand].index for cand in roster.served}
    return read_roster(built, _Decisions(chosen), Status.FEASIBLE, 0, 0)  # type: ignore[arg-type]


def _fixed_solve(built: RosterModel) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    solver = configured_solver(SolveOptions(time_limit=20, workers=1))
    solver.parameters.fix_variables_to_their_hinted_value = True
    return solver, solver.solve(built.model)


def greedy_checked(inst: Instance, improve_seconds: float | None = 0.5) -> CheckReport | None:
    """Build the greedy roster, fix the model's decisions to it, and hold the result to the
    checker. The greedy builder starts from the commitments-only roster and keeps what holds
    there, so None (nothing to check) when that start already breaks a rule, or when it finds
    no roster (a minimum of working minutes out of its reach)."""
    built = RosterModel(prepare(inst)).build()
    start = commitments_only(built)
    if start is None:
        return None
    broken = check_roster(inst, _read(built, start)).violations
    if any("under the minimum" not in v.message for v in broken):  # sessions may still lift minimums
        return None
    until = None if improve_seconds is None else time.perf_counter() + improve_seconds
    first = greedy_roster(built, until)
    if first is None:
        return None
    hint(built, first)
    solver, code = _fixed_solve(built)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # say which rule, in the checker's words
        broken = check_roster(inst, _read(built, first)).violations
        found = [(v.rule, v.message) for v in broken]
        raise AssertionError(f"the model rejects the greedy roster ({solver.status_name(code)}); checker: {found}")
    objective = round(solver.objective_value)
    roster = read_roster(built, solver, Status.FEASIBLE, objective, objective)
    report = check_roster(inst, roster)
    assert report.violations == [], [(v.rule, v.message) for v in report.violations]
    assert report.objective == objective, report.breakdown
    return report


def test_generated_week_is_covered() -> None:
    """At benchmark size S (seed 1) the greedy roster already serves every weekly minimum:
    the search starts from full coverage instead of none."""
    inst = instance_from_data(generate(20, 6, 1, seed=1), "generated S")
    report = greedy_checked(inst)
    assert report is not None
    assert sum(report.uncovered.values()) == 0


def test_samples_and_a_generated_fortnight() -> None:
    """The samples and a two-week generated instance (runs, weekends across weeks). Where an
    instance has on-call entries or per-period session limits, rules the greedy builder does
    not check, it must decline (the search starts from the commitments-only roster)."""
    cases = [load_instance(str(path)) for path in [EXAMPLE, *sorted(INSTANCES.glob("*.yaml"))]]
    cases.append(instance_from_data(generate(12, 5, 2, seed=3), "generated fortnight"))
    for inst in cases:
        declines = bool(inst.on_call) or any(s.max_sessions_by_period for s in inst.specialists)
        assert (greedy_checked(inst) is None) == declines, inst.name
    assert any(not inst.on_call for inst in cases[:-1])  # some sample is still checked


def test_moving_sessions_never_costs_more() -> None:
    """The improvement pass only makes moves that lower the objective (fairness exact)."""
    inst = instance_from_data(generate(20, 6, 1, seed=2), "generated S seed 2")
    plain = greedy_checked(inst, improve_seconds=None)
    improved = greedy_checked(inst, improve_seconds=2.0)
    assert plain is not None and improved is not None
    assert improved.objective <= plain.objective


def test_fairness_pays_for_a_session_above_the_minimum() -> None:
    """Two specialists share a demand asking for one session, two allowed. Serving the one
    leaves the other below the mean burden: |2*100 - 100| + |0 - 100| = 200, against 40 minutes
    of driving for a second session, which makes both deviations 0. The greedy roster fills
    the minimum; its improvement adds the session (the optimum, 80), and adds none when
    fairness is not weighted (travel only)."""
    from support import base, demand, instance, optimum, specialist

    shared = demand("d", "near", sessions={"min": 1, "max": 2})
    data = base(specialists=[specialist("a"), specialist("b")], demands=[shared])
    data["weights"]["fairness_deviation"] = 1
    plain = greedy_checked(instance(data), improve_seconds=None)
    improved = greedy_checked(instance(data), improve_seconds=2.0)
    assert plain is not None and improved is not None
    assert (plain.objective, improved.objective) == (240, 80)
    assert optimum(data) == 80
    data["weights"]["fairness_deviation"] = 0
    unfair = greedy_checked(instance(data), improve_seconds=2.0)
    assert unfair is not None and unfair.objective == 40


@settings(PROPERTY_SETTINGS, max_examples=120)
@given(instances(rich=True))
def test_greedy_roster_keeps_every_rule(data: dict[str, Any]) -> None:
    """With every rule of the product drawn (runs, minimum runs, days off, weekends,
    successions, hard days off, capacities, max specialists, fairness), the greedy roster and
    its improvement break none, and cost what the checker recomputes."""
    inst = instance_from_data(data, "property test")
    report = greedy_checked(inst, improve_seconds=0.2)
    event(f"greedy roster {'none' if report is None else 'checked'}")


def test_greedy_counts_console_and_robot_at_one_site_twice() -> None:
    """Found by the rich property: a remote surgery at the surgeon's own site whose console and
    robot are both the site's one cath lab needs two; the greedy roster checked each alone
    against one and served it, which the model (and the checker's `capacity`) rejects. Now it
    leaves it uncovered (1000), a roster both accept."""
    from support import base, demand, instance

    data = base()
    data["sites"][0]["resources"] = {"cath_lab": 1}
    data["sites"][2]["resources"] = {"clinic_room": 1}  # no other console to serve it from
    data["demands"] = [
        demand("op", "home", remote=True, resource="cath_lab", remote_resource="cath_lab", periods=["am"])
    ]
    report = greedy_checked(instance(data), improve_seconds=None)
    assert report is not None and report.breakdown["uncovered"] == 1000


def test_fairness_targets_lower_the_greedy_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated 8 specialists x 3 sites (seed 5): the greedy roster and its moves with the
    roster's own total burden stop where most sharers sit a level above the mean; built
    again towards fixed targets (`TARGET_SHARES`) it serves the same demands with fewer
    burden points (fairness 5400 against 2800). Both rosters cover every minimum and pass the
    checker at the model's cost."""
    inst = instance_from_data(generate(8, 3, 1, seed=5), "generated 8x3")
    monkeypatch.setattr(greedy, "TARGET_SHARES", ())
    plain = greedy_checked(inst, improve_seconds=10.0)
    monkeypatch.undo()
    targeted = greedy_checked(inst, improve_seconds=10.0)
    assert plain is not None and targeted is not None
    assert sum(plain.uncovered.values()) == sum(targeted.uncovered.values()) == 0
    assert targeted.breakdown["fairness_deviation"] < plain.breakdown["fairness_deviation"]
    assert targeted.objective < plain.objective


@pytest.mark.parametrize("size", [(8, 3, 1, 1), (12, 4, 2, 3)])
def test_greedy_state_knows_its_objective(size: tuple[int, int, int, int]) -> None:
    """`_State.objective`, by which the greedy roster keeps the cheapest of its tries, differs
    from the model's objective by the same constant for every roster from the same start:
    the filled roster, and the rosters moved with the true total and towards a target (moves,
    drops and additions all counted)."""
    *shape, seed = size
    inst = instance_from_data(generate(*shape, seed=seed), "generated")
    built = RosterModel(prepare(inst)).build()
    tasks = greedy._tasks(built)
    cands_of: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for cand in built.x:
        cands_of[(cand.demand, built.prep.week[cand.day])].append(cand)
    start = greedy._filled(built, tasks)
    assert start is not None
    offsets = set()
    for target in (None, None, sum(start.burden.values()) // 2):
        state = greedy._filled(built, tasks, target)
        assert state is not None
        if offsets:  # the first one as filled, the others moved
            state.improve(cands_of, time.perf_counter() + 10)
            state.target = None
        hint(built, state.roster)
        solver, code = _fixed_solve(built)
        assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        offsets.add(round(solver.objective_value) - state.objective())
    assert len(offsets) == 1


def test_greedy_counts_the_burden_of_commitments() -> None:
    """A's commitment away (far, Monday am) is a burden point already, as the model and the
    checker count it; the one session of the shared demand (near, pm) then belongs to B
    (deviations 0), though B avoids it (weight 10): given to A it costs |2*200 - 200| +
    |0 - 200| = 400 of fairness. The greedy roster once started every burden from history
    only and gave it to A."""
    from support import base, commit_dict, demand, instance, specialist

    data = base(
        specialists=[specialist("a"), specialist("b", preferences=[{"kind": "avoid", "site": "near", "weight": 10}])],
        commitments=[commit_dict("mon", "am", site="far")],
        demands=[demand("d", "near", periods=["pm"])],
    )
    data["weights"].update(fairness_deviation=1, preference=1)
    report = greedy_checked(instance(data), improve_seconds=None)
    assert report is not None
    assert report.breakdown["fairness_deviation"] == 0, report.breakdown


def test_search_without_a_roster_returns_the_greedy_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 specialists on a busy machine the whole-model search once ended its share
    without reporting any roster, not even its hint, and `solve` returned none though the
    greedy roster had been completed and reported. Here the search is given no time at all
    (generated 20 x 6, the greedy start forced): the greedy roster comes back, checked."""
    from outreach_opt.solve import solve as solve_module

    configured = solve_module.configured_solver

    def no_time(
        options: SolveOptions, remaining: float | None = None, model: cp_model.CpModel | None = None
    ) -> cp_model.CpSolver:
        solver = configured(options, remaining, model)
        solver.parameters.max_time_in_seconds = 0.0
        return solver

    monkeypatch.setattr(solve_module, "GREEDY_FROM_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "configured_solver", no_time)
    inst = instance_from_data(generate(20, 6, 1, seed=1), "generated S")
    result = solve_module.solve(inst, SolveOptions(time_limit=6, workers=2, lns=False))
    assert result.status is Status.FEASIBLE and result.roster is not None
    report = check_roster(inst, result.roster)
    assert report.violations == []
    assert report.objective == result.objective
