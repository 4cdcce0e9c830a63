"""The weekends' bound (solve/weekend_bound.py): the least cost of the weekend-only demands no
roster can cover, given each specialist's weekend limit, one session a slot, the daily and
period limits, Saturday-to-Sunday successions and hard days off; never above a roster's cost.

Each hand-worked case costs 1000 per session short and is 0 without the row it is about, so
each fails if that row is dropped."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import UNCOVERED, base, demand, instance, optimum, solve_checked, specialist
from test_properties import PROPERTY_SETTINGS
from test_relaxation_weekends import TWO_WEEKS, _one_weekend_and_a_day_off, _weekends

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.solve import bound_process, search_run
from outreach_opt.solve import solve as solve_module
from outreach_opt.solve import weekend_bound as weekend_bound_module
from outreach_opt.solve.bound_process import BoundInBackground
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.weekend_bound import weekend_bound, weekend_cover

ONE_WEEK = {"start": "2025-10-20", "days": 7}  # Monday 20 to Sunday 26 October 2025


def _bound(data: dict[str, Any]) -> int | None:
    return weekend_bound(prepare(instance(data)), 20)


def test_one_allowed_weekend_and_a_day_off() -> None:
    """One specialist, one weekend of two, one session a day, the first Sunday off; two
    sessions asked each weekend: the second weekend holds two, so two stay short (2 x 1000).
    Without the weekend limit the MIP would hold three."""
    data = _one_weekend_and_a_day_off()
    assert optimum(data) == 2 * UNCOVERED
    assert _bound(data) == 2 * UNCOVERED


def test_a_mip_too_large_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `MOST_CANDIDATES` weekend candidates no MIP is built: nothing proven."""
    data = _one_weekend_and_a_day_off()
    assert _bound(data) == 2 * UNCOVERED
    monkeypatch.setattr(weekend_bound_module, "MOST_CANDIDATES", 5)  # the case has 6
    assert _bound(data) is None


def test_a_hard_day_off_and_the_daily_limit() -> None:
    """No weekend limit; Saturday or Sunday, am or pm, two sessions asked; one session a day
    and Sunday off: Saturday holds one. Without the day-off rows Sunday holds the other, and
    without the daily limit Saturday holds both."""
    data = base(
        horizon=ONE_WEEK,
        specialists=[specialist("a", max_sessions_per_day=1)],
        demands=[demand("w", site="home", days=["sat", "sun"], periods=["am", "pm"], sessions={"min": 2, "max": 2})],
        requests=[{"specialist": "a", "date": "2025-10-26", "want": "off", "hard": True}],
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


def test_one_session_a_slot() -> None:
    """Two Saturday morning clinics, one specialist without a daily limit: one is short."""
    saturday_am = {"site": "home", "days": ["sat"], "periods": ["am"]}
    data = base(
        horizon=ONE_WEEK,
        specialists=[specialist("a")],
        demands=[demand("m1", **saturday_am), demand("m2", **saturday_am)],
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


def test_a_saturday_evening_forbids_the_sunday_morning() -> None:
    """A Saturday evening list and a Sunday morning clinic, one specialist, the evening may not
    be followed by a morning: one stays short in every roster."""
    data = base(
        horizon=ONE_WEEK,
        specialists=[specialist("a")],
        demands=[
            demand("eve", site="home", days=["sat"], periods=["eve"]),
            demand("mor", site="home", days=["sun"], periods=["am"]),
        ],
        rules={
            "min_rest_minutes": 0,  # the succession alone forbids it
            "forbidden_successions": [{"today": {"period": "eve"}, "tomorrow": {"period": "am"}}],
        },
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED
    # a rule for b alone (away that weekend) leaves a free to work both: nothing short
    data["rules"]["forbidden_successions"][0]["specialists"] = ["b"]
    data["specialists"].append(specialist("b", unavailable=[{"date": "2025-10-25"}, {"date": "2025-10-26"}]))
    assert optimum(data) == 0
    assert _bound(data) is None


def test_a_period_limit_over_the_horizon() -> None:
    """At most one morning session over the horizon, a morning asked on Saturday and one on
    Sunday: one stays short."""
    data = base(
        horizon=ONE_WEEK,
        specialists=[specialist("a", max_sessions_by_period={"am": 1})],
        demands=[demand("m", site="home", days=["sat", "sun"], periods=["am"], sessions={"min": 2, "max": 2})],
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


def test_only_weekend_only_demand_weeks_are_costed() -> None:
    """A demand that may also be served on a Friday is left out (its Friday session is not in
    the MIP): nothing to bound, though the weekend alone could not hold it."""
    data = base(
        horizon=ONE_WEEK,
        specialists=[specialist("a", max_weekends=0)],
        demands=[demand("fs", site="home", days=["fri", "sat"], periods=["am"])],
    )
    assert weekend_cover(prepare(instance(data))) is None
    assert optimum(data) == 0
    data["demands"][0]["days"] = ["sat"]
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


@st.composite
def _with_weekend_rules(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(_weekends())
    names = [s["id"] for s in data["specialists"]]
    periods = ["am", "pm", "eve"]
    if draw(st.booleans()):
        today, tomorrow = draw(st.sampled_from(periods)), draw(st.sampled_from(periods))
        who = draw(st.sampled_from([None, names[:1]]))
        rule: dict[str, Any] = {"today": {"period": today}, "tomorrow": {"period": tomorrow}}
        if who is not None:
            rule["specialists"] = who
        data.setdefault("rules", {})["forbidden_successions"] = [rule]
    committed = {c["specialist"] for c in data["commitments"]}  # a commitment counts in its period's limit
    for spec in data["specialists"]:
        if spec["id"] not in committed and draw(st.booleans()):
            spec["max_sessions_by_period"] = {draw(st.sampled_from(periods)): draw(st.integers(0, 2))}
    return data


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(_with_weekend_rules())
def test_the_weekends_bound_is_below_every_checked_roster(data: dict[str, Any]) -> None:
    """Drawn weekend work (the relaxation's weekend cases, with successions and period limits
    now and then): the bound is at most the cost of a roster the checker accepts
    (`solve_checked`), the optimum when proven."""
    inst = instance(data)
    result, report = solve_checked(inst, time_limit=10)
    assert result.objective is not None and report is not None
    found = weekend_bound(prepare(inst), 20)
    event("no weekend-only demand" if found is None else "bound 0" if found == 0 else "a bound above 0")
    assert found is None or found <= result.objective


def test_the_child_sends_the_weekends_bound() -> None:
    """The bound beside the search, in its child process, without the relaxation."""
    inst = instance(_one_weekend_and_a_day_off())
    background = BoundInBackground(
        inst, [], time.perf_counter() + 20, relax=False, weekends=prepare(inst), weekends_seconds=20
    )
    background._thread.join(20)  # the child ends when the MIP does
    assert background.stop() == 2 * UNCOVERED


def test_a_daemonic_process_computes_it_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker is a daemonic process, which may not have children: the bound is then
    computed in a thread, the same value."""
    monkeypatch.setattr(bound_process.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    inst = instance(_one_weekend_and_a_day_off())
    background = BoundInBackground(
        inst, [], time.perf_counter() + 20, relax=False, weekends=prepare(inst), weekends_seconds=20
    )
    assert background._process is None
    background._thread.join(20)
    assert background.stop() == 2 * UNCOVERED


class _Spy:
    def __init__(self) -> None:
        self.weekends: list[Any] = []
        self.seconds: list[float] = []

    def __call__(self, instance: Instance, *args: Any, **kwargs: Any) -> _Spy:
        self.weekends.append(kwargs.get("weekends"))
        self.seconds.append(kwargs["weekends_seconds"])
        return self

    def stop(self) -> None:
        return None

    def end_integral(self) -> None:
        return None


def test_solve_starts_it_for_nurse_rosters_whose_weekends_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing ties the specialists and a weekend limit binds: the weekends' bound starts;
    with fairness (a tie) or without a binding limit it does not. The search is left out."""
    monkeypatch.setattr(search_run.SearchRun, "search", lambda *_: None)
    spy = _Spy()
    monkeypatch.setattr(solve_module, "BoundInBackground", spy)
    data = _one_weekend_and_a_day_off()
    solve_module.solve(instance(data), SolveOptions(time_limit=2, workers=1))
    assert len(spy.weekends) == 1 and spy.weekends[0] is not None
    assert [t for days in spy.weekends[0].weekends for t in days] == [5, 6, 12, 13]
    assert spy.seconds == [pytest.approx(solve_module.WEEKEND_SHARE * 2)]  # the MIP's share of the limit
    unbound = base(
        horizon=TWO_WEEKS,
        specialists=[specialist("a", max_weekends=2)],
        demands=[demand("w", site="home", days=["sat"], periods=["am"])],
    )
    solve_module.solve(instance(unbound), SolveOptions(time_limit=2, workers=1))
    data["fairness"] = {"burden": {"weekend_day": 1}}
    data["weights"]["fairness_deviation"] = 1
    solve_module.solve(instance(data), SolveOptions(time_limit=2, workers=1))
    assert len(spy.weekends) == 1  # neither started a bound
