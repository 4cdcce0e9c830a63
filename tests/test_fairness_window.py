"""The fairness window (solve/fairness_window.py): its planes never cut an integer level, its
window never cuts a roster costing at most the roster it was cut at, so the strengthened
model's optimum is the unstrengthened one's."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import search_run
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.fairness_window import Window, planes
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import solve


def _value(plane: tuple[int, int, int, int], n: int, f: int, b: float, total: float) -> float:
    """The least deviation the plane allows at level `b` (burden `f b`) and total `total`."""
    a, c, e, rhs = plane
    return (rhs - c * total - e * f * b) / a


@settings(PROPERTY_SETTINGS, max_examples=400)
@given(
    st.integers(1, 30),
    st.sampled_from([1, 50, 100, 125, 200, 333]),
    st.integers(0, 12),
    st.data(),
)
def test_planes_never_above_the_deviation_of_an_integer_level(n: int, f: int, b: int, data: st.DataObject) -> None:
    """For every integer level and every total in the window: plane <= |n f b - T|."""
    top = 6 * n * f
    lo = data.draw(st.integers(0, top))
    hi = data.draw(st.integers(lo, top))
    total = data.draw(st.integers(lo, hi))
    for plane in planes(n, f, lo, hi):
        assert _value(plane, n, f, b, total) <= abs(n * f * b - total) + 1e-9


@pytest.mark.parametrize(("n", "f", "total"), [(20, 100, 3625), (20, 125, 3625), (20, 200, 3625), (7, 3, 50)])
def test_planes_are_the_chord_between_the_two_levels_at_a_known_total(n: int, f: int, total: int) -> None:
    """With the total known (`lo = hi = T`), half way between the levels around `T / (n f)`
    the planes ask for the chord's value, where `|n f b - T|` alone allows 0 at the mean:
    this is what lifts the LP."""
    k = total // (n * f)
    below, above = abs(n * f * k - total), abs(n * f * (k + 1) - total)
    best = max(_value(p, n, f, k + 0.5, total) for p in planes(n, f, total, total))
    assert best == pytest.approx((below + above) / 2)
    assert (below + above) / 2 > abs(n * f * (k + 0.5) - total)


def _optimum(model: cp_model.CpModel) -> tuple[str, int | None, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.random_seed = 0
    code = solver.solve(model)
    value = round(solver.objective_value) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return solver.status_name(code), value, solver


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(instances(rich=True))
def test_the_windowed_model_keeps_the_optimum(data: dict[str, Any]) -> None:
    """Every rule drawn, the term always on: cut at the proven optimum, the window holds the
    optimal roster's total and the windowed model (window and planes) proves the same optimum."""
    data["weights"]["fairness_deviation"] = 1
    inst = instance_from_data(data, "property test")
    built = RosterModel(prepare(inst)).build()
    if built.fairness is None:
        event("no fairness_deviation")
        return
    status, best, solver = _optimum(built.model)
    if status != "OPTIMAL" or best is None:
        event(f"not proven: {status}")
        return
    total = solver.value(built.fairness.total)
    window = Window(built.model, built.fairness)
    found = window.narrow(best)
    assert found is not None
    assert found[0] <= total <= found[1]
    window.apply(*found)
    again, value, _ = _optimum(built.model)
    assert again == "OPTIMAL"
    assert value == best
    event("window narrower than the domain" if found != window.domain else "window is the domain")


def test_the_window_cuts_where_the_lp_alone_does_not() -> None:
    """The 20-specialist benchmark week (seed 1, optimum 43544, proved by CP-SAT and HiGHS
    alike): cut at the optimum, the LP's total lies in a window a few percent wide, and
    every roster the test can find in it costs the same."""
    inst = instance_from_data(generate(20, 6, 1, 1), "S-1")
    built = RosterModel(prepare(inst)).build()
    assert built.fairness is not None
    window = Window(built.model, built.fairness)
    lo, hi = window.domain
    found = window.narrow(43544)
    assert found is not None
    assert hi - lo > 10 * (found[1] - found[0])
    assert found[0] <= 3625 <= found[1]  # the optimal roster's total (HiGHS's and ours)


def test_the_window_ends_on_the_totals_lattice() -> None:
    """The 20-specialist benchmark week seed 3 (burden factors 100, 125 and 200, so every
    roster's total is a multiple of 25): cut at its optimum, 20128 (HiGHS proved it; CP-SAT's
    roster of that cost has total 3925), the LPs' window ([3911, 3993] with OR-Tools 9.15) ends
    on multiples of 25 inside the window without the lattice, and still holds 3925 (a step of
    50 would lose it)."""
    inst = instance_from_data(generate(20, 6, 1, 3), "S-3")
    built = RosterModel(prepare(inst)).build()
    assert built.fairness is not None
    window = Window(built.model, built.fairness)
    assert window.step == 25
    found = window.narrow(20128)
    window.step = 1
    unsnapped = window.narrow(20128)
    assert found is not None and unsnapped is not None
    assert found[0] % 25 == 0 and found[1] % 25 == 0
    assert unsnapped[0] <= found[0] <= 3925 <= found[1] <= unsnapped[1]


def test_solve_with_windows_proves_the_optimum_without_them(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    """A generated week where the window is cut at once (any gap): the same proven optimum
    as with no window, and the roster passes the checker at that cost."""
    inst = instance_from_data(generate(8, 3, 1, 2), "small week")
    options = SolveOptions(time_limit=20, workers=2, seed=0)
    monkeypatch.setattr(search_run, "MAX_WINDOWS", 0)
    plain = solve(inst, options)
    monkeypatch.setattr(search_run, "MAX_WINDOWS", 4)
    monkeypatch.setattr(search_run, "WINDOW_FROM_GAP", 10.0)
    with caplog.at_level(logging.INFO, logger="outreach_opt.solve.search_run"):
        windowed = solve(inst, options, on_progress=lambda progress: None)
    assert any("fairness window at" in message for message in caplog.messages)
    assert plain.status is Status.OPTIMAL and windowed.status is Status.OPTIMAL
    assert windowed.objective == plain.objective
    assert windowed.roster is not None
    report = check_roster(inst, windowed.roster)
    assert report.ok and report.objective == windowed.objective


def test_a_restarted_search_keeps_the_bound_proved_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each narrowed model's bound holds for the instance and so does the bound of the
    search before it: the solve reports the highest, never below one it reported on the way.
    The restarted searches here get no time (their bounds are their root's at best), so only
    the first search's bound can be the one reported."""
    inst = instance_from_data(generate(8, 3, 1, 2), "small week")
    monkeypatch.setattr(search_run, "MAX_WINDOWS", 4)
    monkeypatch.setattr(search_run, "WINDOW_FROM_GAP", 10.0)  # a window at the first roster
    narrow = search_run.SearchRun._narrow

    def starved(self: search_run.SearchRun, solver: cp_model.CpSolver) -> cp_model.CpSolver | None:
        following = narrow(self, solver)
        if following is not None:
            following.parameters.max_time_in_seconds = 0.001
        return following

    monkeypatch.setattr(search_run.SearchRun, "_narrow", starved)
    seen: list[int] = []
    result = solve(
        inst,
        SolveOptions(time_limit=20, workers=2, seed=0),
        on_progress=lambda progress: seen.append(progress.bound) if progress.bound is not None else None,
    )
    assert seen and result.bound is not None
    assert result.bound >= max(seen)
    assert result.objective is not None and result.bound <= result.objective  # a narrowing cutting too much fails here
    assert result.roster is not None and check_roster(inst, result.roster).objective == result.objective
