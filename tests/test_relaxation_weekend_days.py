"""The relaxation's weekend days (`relaxation_weekends.add_weekend_days`): a weekend session
away earns its specialist a whole weekend day unless they pair it with another that day, and
a pair lifts them a level; the bound stays below every optimum.

The first hand-worked case fails without the row (the bound falls to 0), the second with a
row that credits no pairs (the bound passes the optimum); the drawn weekends hold
the bound below the proven optimum, per specialist and grouped, with points already had
(`lo`) from a commitment now and then, and day limits that forbid pairs."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import base, commit_dict, demand, drawn_demands, instance, optimum, specialist
from test_properties import PROPERTY_SETTINGS

from outreach_opt.solve import relaxation_bound
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import lower_bound
from outreach_opt.solve.relaxation_weekends import _pair_levels
from outreach_opt.solve.solve import solve

WEEK = {"start": "2025-10-20", "days": 7}  # Monday to Sunday
BURDEN = {"burden": {"outreach_session": 1, "weekend_day": 1}}
WEIGHTS = {"uncovered_session": 1000, "travel_minute": 0, "fairness_deviation": 1}


def _bound(data: dict[str, Any], grouped: bool) -> int | None:
    return lower_bound(relaxation(instance(data), grouped=grouped), time.perf_counter() + 20)


@pytest.mark.parametrize("grouped", [False, True])
def test_a_lone_weekend_session_earns_a_whole_day(grouped: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three sharers, two sessions at near on the Saturday (am or pm). Rosters: one each to
    two of them (2, 2 and 0 points: T = 400, deviations 200 + 200 + 400 = 800) or both to one
    (3, 0, 0: 600 + 300 + 300 = 1200); the optimum is 800. The counts' shares said 1.5 points
    a session (half a weekend day each), 3 in all, one each: no deviation, bound 0. With the
    row the sessions carry 4 points but for a pair, and a pair needs a sharer at level 3:
    400 at T = 300 (asked per specialist and with the three as one unit)."""
    data = base(
        horizon=WEEK,
        specialists=[specialist("a"), specialist("b"), specialist("c")],
        demands=[demand("d", site="near", periods=["am", "pm"], sessions={"min": 2, "max": 2}, days=["sat"])],
        fairness=BURDEN,
        weights=WEIGHTS,
    )
    assert optimum(data) == 800
    assert _bound(data, grouped) == 400
    monkeypatch.setattr(relaxation_bound, "add_weekend_days", lambda *args: None)
    assert _bound(data, grouped) == 0


@pytest.mark.parametrize("grouped", [False, True])
def test_a_pair_on_one_day_earns_one_day(grouped: bool) -> None:
    """Two sharers, two sessions at near on the Saturday, b away that day: a serves both, one
    weekend day for two sessions, 3 points (T = 300, deviations 300 + 300 = 600, the optimum).
    The bound is 600; a row crediting no pairs (each session a whole day: a mutant without
    the steps' terms, checked) claims 4 points for a and 800, above the optimum."""
    data = base(
        horizon=WEEK,
        specialists=[specialist("a"), specialist("b", unavailable=[{"date": "2025-10-25"}])],
        demands=[demand("d", site="near", periods=["am", "pm"], sessions={"min": 2, "max": 2}, days=["sat"])],
        fairness=BURDEN,
        weights=WEIGHTS,
    )
    assert optimum(data) == 600
    assert _bound(data, grouped) == 600


def test_pair_levels_by_hand() -> None:
    """`m_j`: two sessions a day (`h` = 2), a weekend of four sessions: two sessions save a
    day at 2 + 1 points, four save two at 4 + 2. Three a day, two days: 2 sessions (one day)
    save one, 3 (one day) two, 5 (two days) three, 6 four. One a day saves nothing."""
    assert _pair_levels(1, 1, 2, 4) == [3, 6]
    assert _pair_levels(1, 1, 3, 6) == [3, 4, 7, 8]
    assert _pair_levels(2, 3, 2, 4) == [7, 14]
    assert _pair_levels(1, 1, 1, 8) == []


@st.composite
def _weekends(draw: st.DrawFn) -> dict[str, Any]:
    """Three or four sharers over a week or two from a Monday, one or two demands held on
    Saturday, Sunday or both (now and then a weekday one too) at near, far or home in drawn
    periods; now and then one session a day at most, or a commitment away on the Tuesday (a
    point already had: `lo` > 0) or the Saturday (a weekend day already had); outreach,
    evening and weekend points drawn."""
    periods = ["am", "pm", "eve"]
    names = "abcd"[: draw(st.integers(3, 4))]
    limited = draw(st.sampled_from([None, None, 1]))  # a's days hold one session: no pairs for a
    specialists = [specialist(name, max_sessions_per_day=limited if name == "a" else None) for name in names]
    demands = drawn_demands(
        draw,
        st.integers(1, 2),
        st.integers(1, 2),
        True,
        site=st.sampled_from(["near", "far", "near", "home"]),
        periods=st.sampled_from([["am", "pm"], ["am", "pm"], ["am"], ["pm"], ["pm", "eve"], periods]),
        days=st.sampled_from([["sat"], ["sun"], ["sat", "sun"]]),
    )
    if draw(st.booleans()):
        demands.append(demand("w", site="near", periods=["am"], sessions={"min": 1, "max": 2}, days=["tue", "sat"]))
    day = draw(st.sampled_from(["tue", "sat"]))  # a point already had on a weekday, or a weekend day had
    commitments = [commit_dict(day, draw(st.sampled_from(periods)), site="far", who="a")] * draw(st.integers(0, 1))
    points = draw(st.sampled_from([(1, 0, 1), (1, 0, 1), (1, 1, 1), (2, 0, 1), (1, 0, 2), (2, 1, 3)]))
    burden = dict(zip(("outreach_session", "evening_session", "weekend_day"), points, strict=True))
    return base(
        horizon={"start": "2025-10-20", "days": draw(st.sampled_from([7, 7, 14]))},
        specialists=[{k: v for k, v in spec.items() if v is not None} for spec in specialists],
        commitments=commitments,
        demands=demands,
        fairness={"burden": burden},
        weights={**WEIGHTS, "fairness_max": draw(st.sampled_from([0, 0, 1]))},
    )


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(_weekends())
def test_weekend_days_bound_below_the_proven_optimum(data: dict[str, Any]) -> None:
    """Drawn weekends: the bound with the weekend days' row, per specialist and grouped, is at
    most the optimum the whole model proves; the events say how often the row raised it."""
    inst = instance(data)
    result = solve(inst, SolveOptions(time_limit=10, workers=1, seed=0))
    assert result.status is Status.OPTIMAL and result.objective is not None
    event(f"commitment on {inst.commitments[0].day}" if inst.commitments else "no commitment")
    event("one session a day" if any(s.max_sessions_per_day for s in inst.specialists) else "no day limit")
    for grouped in (False, True):
        found = _bound(data, grouped)
        assert found is not None and found <= result.objective, (grouped, found, result.objective)
    without = relaxation_bound.add_weekend_days
    try:
        relaxation_bound.add_weekend_days = lambda *args: None  # type: ignore[assignment]
        before = _bound(data, False)
    finally:
        relaxation_bound.add_weekend_days = without
    after = _bound(data, False)
    assert before is not None and after is not None
    event("the row raised the bound" if after > before else "the row left the bound")
