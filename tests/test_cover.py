"""What covering one more session costs (solve/cover.py `OneMore`): asked of the demand's week
alone first, with every other day fixed to the roster, then of the whole model hinted with that
week's answer. The week's answer is only an upper bound: it never decides that the rules stop
a session, nor the optimum.

The world of tests/support.py over two weeks from Monday 2025-10-20: far is 40 minutes from
home, so a session there drives 80 minutes (travel 1 a minute)."""

from __future__ import annotations

from typing import Any

import pytest
from ortools.sat.python import cp_model
from rich.console import Console
from support import base, demand, instance, solve_checked, specialist

import outreach_opt.solve.cover as cover_module
import outreach_opt.solve.options as options_module
import outreach_opt.solve.shortlist as shortlist_module
from outreach_opt.check.checker import check_roster
from outreach_opt.cli.uncovered import print_uncovered
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.report.uncovered import why_uncovered
from outreach_opt.solve.cover import OneMore
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status

WEEK_1 = ["2025-10-27"]  # Monday of the second week
GIVE_UP_HOME = base(
    horizon={"start": "2025-10-20", "days": 14},
    specialists=[specialist("a", max_minutes_total=240)],
    demands=[
        demand("d0", "home", periods=["am"], dates=["2025-10-20"], priority=10),
        demand("d1", "far", periods=["am"], dates=WEEK_1),
    ],
)
"""a may work one morning over the two weeks and serves home's clinic (priority 10) in the first."""


def _solved(data: dict[str, Any]) -> tuple[Instance, Roster]:
    inst = instance(data)
    result, report = solve_checked(inst)
    assert result.roster is not None and report is not None
    return inst, result.roster


def _weeks_answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each week's question found a roster, in order."""
    found: list[bool] = []
    real = OneMore._in_week

    def recording(self: OneMore, *args: Any) -> Any:
        solver = real(self, *args)
        found.append(solver is not None)
        return solver

    monkeypatch.setattr(OneMore, "_in_week", recording)
    return found


def test_the_week_alone_answers_when_nothing_else_need_move(monkeypatch: pytest.MonkeyPatch) -> None:
    """A far clinic each week, 50 uncovered against 80 of driving: the optimum serves neither
    (100). One more in the second week costs 130 (80 driving, the first week's 50), which the
    week alone finds, and the whole model proves."""
    data = base(
        horizon={"start": "2025-10-20", "days": 14},
        demands=[demand("d1", "far", periods=["am"])],
        weights={"uncovered_session": 50, "travel_minute": 1},
    )
    inst, roster = _solved(data)
    weeks = _weeks_answered(monkeypatch)
    cover = OneMore(inst, roster).cost("d1", 1, 10.0)
    assert weeks == [True]
    assert (cover.status, cover.objective, cover.breakdown) == (
        Status.OPTIMAL,
        130,
        {"uncovered": 50, "travel": 80},
    )


def test_the_whole_model_answers_where_the_week_alone_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    """a may work 240 minutes (one morning) over the horizon and serves home's clinic in the
    first week (priority 10). Covering far in the second week means giving that up: the week
    alone (the first week fixed) has no roster, and the whole model finds it, 10,000 for the
    home clinic and 80 of driving. The week's 'no roster' does not become 'the rules stop it'."""
    data = GIVE_UP_HOME
    inst, roster = _solved(data)
    assert {a.demand for a in roster.assignments} == {"d0"}
    weeks = _weeks_answered(monkeypatch)
    cover = OneMore(inst, roster).cost("d1", 1, 10.0)
    assert weeks == [False]
    assert (cover.status, cover.objective) == (Status.OPTIMAL, 10_080)


def test_a_one_week_horizon_asks_the_whole_model_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """On one week the week alone fixes nothing: it is the whole model, and asking it first
    left the whole model half the time (at 80 x 15, no roster for any of 12 questions). So
    the week is not asked, and the whole model still finds and proves the answer (80 of
    driving against 50 uncovered: 80)."""
    data = base(demands=[demand("d1", "far", periods=["am"])], weights={"uncovered_session": 50})
    inst, roster = _solved(data)
    weeks = _weeks_answered(monkeypatch)
    cover = OneMore(inst, roster).cost("d1", 0, 10.0)
    assert weeks == []
    assert (cover.status, cover.objective) == (Status.OPTIMAL, 80)


@pytest.mark.parametrize(("presolve_up_to", "presolved"), [(0, False), (10**6, True)])
def test_both_solves_presolve_by_the_models_size(
    monkeypatch: pytest.MonkeyPatch, presolve_up_to: int, presolved: bool
) -> None:
    """The week alone and the whole model follow `solve`'s rule: no CP-SAT presolve above
    `PRESOLVE_UP_TO_VARIABLES` (at 80 x 15, 44k variables, the questions spent their time
    presolving). This two-week sample is far below the real threshold, so the threshold is
    moved to either side of it."""
    data = base(
        horizon={"start": "2025-10-20", "days": 14},
        demands=[demand("d1", "far", periods=["am"])],
        weights={"uncovered_session": 50, "travel_minute": 1},
    )
    inst, roster = _solved(data)
    monkeypatch.setattr(options_module, "PRESOLVE_UP_TO_VARIABLES", presolve_up_to)
    made: list[cp_model.CpSolver] = []

    def spy(settings: SolveOptions, **kwargs: Any) -> cp_model.CpSolver:
        made.append(configured_solver(settings, **kwargs))
        return made[-1]

    monkeypatch.setattr(cover_module, "configured_solver", spy)
    cover = OneMore(inst, roster).cost("d1", 1, 10.0)
    assert (cover.status, cover.objective) == (Status.OPTIMAL, 130)
    assert [solver.parameters.cp_model_presolve for solver in made] == [presolved] * 2


def test_over_a_shortlist_nothing_is_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too large to model whole (the limit moved to 0, as `solve` meets 300 x 40, where the
    whole cover model had 2.3M variables and took 75 s to build), the questions are asked over
    `solve`'s shortlist with the roster's pairs: the answer the whole model proves (10,080,
    above) is only found, and where the rules stop every roster (b on leave, the one with the
    skill) the shortlist's 'no roster' is not called infeasible. (Solved whole first: a
    shortlist's solve is never proven and would run its whole limit.)"""
    whole = GIVE_UP_HOME
    stopped = base(
        specialists=[specialist("a", skills=["pci"]), specialist("b", unavailable=[{"date": "2025-10-20"}])],
        demands=[demand("d1", "far", periods=["am"])],
    )
    (inst, roster), (stopped_inst, stopped_roster) = _solved(whole), _solved(stopped)
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    one_more = OneMore(inst, roster)
    assert one_more.shortlist
    cover = one_more.cost("d1", 1, 10.0)
    assert (cover.status, cover.objective, cover.shortlist) == (Status.FEASIBLE, 10_080, True)
    cover = OneMore(stopped_inst, stopped_roster).cost("d1", 0, 10.0)
    assert (cover.status, cover.objective, cover.shortlist) == (Status.UNKNOWN, None, True)


def test_no_time_for_the_whole_model_keeps_the_weeks_answer_unproven(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the whole model given no time, the week's roster is the answer: found, not proven."""
    data = base(
        horizon={"start": "2025-10-20", "days": 14},
        demands=[demand("d1", "far", periods=["am"])],
        weights={"uncovered_session": 50, "travel_minute": 1},
    )
    inst, roster = _solved(data)
    monkeypatch.setattr("outreach_opt.solve.cover.MIN_SECONDS", 1.0)  # the whole model is not asked
    cover = OneMore(inst, roster).cost("d1", 1, 0.5)
    assert (cover.status, cover.objective) == (Status.FEASIBLE, 130)


@pytest.mark.parametrize("whole", [True, False])
def test_an_unproven_answer_says_at_most(monkeypatch: pytest.MonkeyPatch, whole: bool) -> None:
    """What `explain --roster` prints for the 130 above: proven, 'costs more than it saves';
    only found (the whole model not asked), an upper bound, never that verdict."""
    data = base(
        horizon={"start": "2025-10-20", "days": 14},
        demands=[demand("d1", "far", periods=["am"])],
        weights={"uncovered_session": 50, "travel_minute": 1},
    )
    inst, roster = _solved(data)
    if not whole:
        monkeypatch.setattr("outreach_opt.solve.cover.MIN_SECONDS", 5.0)
    report = check_roster(inst, roster)
    console = Console(record=True, width=400)
    answers = why_uncovered(inst, roster, cost_to_cover=True, time_limit=4.0)
    print_uncovered(console, inst, answers, 100, report.breakdown)
    text = console.export_text()
    verdict = "+30 against this roster's 100: it costs more than it saves under the weights (uncovered -50, travel +80)"
    unproven = "(best found, not proven), +30 against this roster's 100: it costs at most +30; a cheaper way may exist"
    assert (verdict in text, unproven in text) == (whole, not whole)
