"""Sessions per period over the horizon (`period_sessions`), demands on given dates (`dates`,
part of `demand_fit` and the `uncovered` term) and cover above the minimum (`surplus`), each
tested three ways on the tiny world of tests/support.py, numbers worked out by hand.

Reminders: am 08:00-12:00, pm 13:30-17:00, eve 19:00-22:30; a visit to near costs 40
minutes of driving (20 each way); an uncovered session 1000. Day 0 is Monday 2025-10-20.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from support import (
    MON,
    TUE,
    UNCOVERED,
    assert_infeasible,
    base,
    demand,
    optimum,
    specialist,
    verdicts,
    visit,
)
from support import commit_dict as commit


def days(n: int) -> dict[str, object]:
    return {"start": "2025-10-20", "days": n}


def evenings(**fields: Any) -> dict[str, Any]:
    """Two evening clinics at near in the week (Monday and Tuesday)."""
    return demand("d", "near", periods=["eve"], sessions={"min": 2, "max": 2}, **fields)


class TestPeriodSessions:
    def test_feasible(self) -> None:
        """At most two evenings over the horizon: both evening clinics, two trips, 80."""
        data = base(
            horizon=days(2),
            specialists=[specialist("a", max_sessions_by_period={"eve": 2})],
            demands=[evenings()],
        )
        assert optimum(data) == 80

    def test_forced(self) -> None:
        """At most one evening: one clinic uncovered, 1000 + 40; both evenings are rejected
        by checker and model. Limit 0 with an evening commitment is infeasible."""
        data = base(
            horizon=days(2),
            specialists=[specialist("a", max_sessions_by_period={"eve": 1})],
            demands=[evenings()],
        )
        assert optimum(data) == UNCOVERED + 40
        both = [visit("eve", "near", "d"), visit("eve", "near", "d", date=TUE)]
        assert verdicts(data, both) == ({"period_sessions"}, False)
        assert_infeasible(
            base(
                specialists=[specialist("a", max_sessions_by_period={"eve": 0})],
                commitments=[commit("mon", "eve")],
            )
        )

    def test_alternative(self) -> None:
        """At most one evening, but the clinic may also be held in the morning: the morning and
        the evening of one day, one trip, 40; an evening and the next morning is valid too."""
        data = base(
            horizon=days(2),
            specialists=[specialist("a", max_sessions_by_period={"eve": 1})],
            demands=[demand("d", "near", periods=["am", "eve"], sessions={"min": 2, "max": 2})],
        )
        assert optimum(data) == 40
        assert verdicts(data, [visit("eve", "near", "d"), visit("am", "near", "d", date=TUE)]) == (set(), True)


class TestDemandDates:
    def test_feasible(self) -> None:
        """A clinic at near on Tuesday only, over two days: served on Tuesday, 40."""
        data = base(horizon=days(2), demands=[demand("d", "near", dates=[TUE.isoformat()])])
        assert optimum(data) == 40

    def test_forced(self) -> None:
        """The specialist is away on Tuesday: the clinic goes uncovered (1000), as Monday is
        not its date; serving it on Monday breaks demand_fit for both judges."""
        data = base(
            horizon=days(2),
            specialists=[specialist("a", unavailable=[{"date": TUE.isoformat()}])],
            demands=[demand("d", "near", dates=[TUE.isoformat()])],
        )
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [visit("am", "near", "d", date=MON)]) == ({"demand_fit"}, False)

    def test_alternative(self) -> None:
        """Over two weeks a clinic dated in the second week asks nothing in the first: 40, not
        1040 (an undated weekly demand would ask in both weeks: 80)."""
        second_week = (MON + dt.timedelta(days=9)).isoformat()
        assert optimum(base(horizon=days(14), demands=[demand("d", "near", dates=[second_week])])) == 40
        assert optimum(base(horizon=days(14), demands=[demand("d", "near")])) == 80


class TestSurplus:
    """A minimum of 450 working minutes forces am (240) and pm (210) at near, one trip: 40 of
    driving, whatever the clinic asks; only the surplus cost changes."""

    def forced(self, least: int, weight: int, **weights: int) -> dict[str, Any]:
        return base(
            specialists=[specialist("a", min_minutes_per_week=450)],
            demands=[
                demand("d", "near", periods=["am", "pm"], sessions={"min": least, "max": 2}, surplus_weight=weight)
            ],
            weights={"uncovered_session": UNCOVERED, "travel_minute": 1, **weights},
        )

    def test_feasible(self) -> None:
        """Surplus weight 0: the second session is free, 40."""
        assert optimum(self.forced(1, 0)) == 40

    def test_forced(self) -> None:
        """Weight 7 and minimum 1: one session above it, 40 + 7. With minimum 0 both are
        surplus, 40 + 14; with the uncovered weight 0 (no u variable) still 40 + 7."""
        assert optimum(self.forced(1, 7)) == 47
        assert optimum(self.forced(0, 7)) == 54
        assert optimum(self.forced(1, 7, uncovered_session=0)) == 47

    def test_alternative(self) -> None:
        """Without the working minimum, one session meets the clinic's minimum: 40, no surplus."""
        data = base(
            demands=[demand("d", "near", periods=["am", "pm"], sessions={"min": 1, "max": 2}, surplus_weight=7)]
        )
        assert optimum(data) == 40


class TestRunsAtHorizonEnds:
    """`rules.runs_at_horizon_ends` with a minimum run of two working days and a clinic on
    one day only: a one-day run, allowed only where it touches a free end of the horizon."""

    def one_day(self, day: str, ends: str) -> dict[str, Any]:
        return base(
            horizon=days(3),
            specialists=[specialist("a", min_consecutive_working_days=2)],
            demands=[demand("d", "near", days=[day])],
            rules={"min_rest_minutes": 0, "runs_at_horizon_ends": ends},
        )

    def test_feasible(self) -> None:
        """free: Monday alone (the first day) and Wednesday alone (the last) are served, 40."""
        assert optimum(self.one_day("mon", "free")) == 40
        assert optimum(self.one_day("wed", "free")) == 40

    def test_forced(self) -> None:
        """held (the default): a one-day run at either end is too short, so the clinic goes
        uncovered, 1000; the roster serving it is rejected by both judges."""
        assert optimum(self.one_day("mon", "held")) == UNCOVERED
        assert optimum(self.one_day("wed", "held")) == UNCOVERED
        assert verdicts(self.one_day("mon", "held"), [visit("am", "near", "d")]) == ({"min_consecutive_days"}, False)

    def test_alternative(self) -> None:
        """free, but history says the day before the horizon was off (a session three days
        earlier): the Monday run starts there and is judged, 1000. A Tuesday-only clinic is
        inside the horizon and always judged, 1000."""
        past = [visit("am", "near", "d", date=MON - dt.timedelta(days=3))]
        assert optimum(self.one_day("mon", "free"), past=past) == UNCOVERED
        assert optimum(self.one_day("tue", "free")) == UNCOVERED
