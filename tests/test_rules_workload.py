"""The day-and-week rules (workload, runs, weekends, evenings, successions, days off, requests),
each tested three ways on the tiny world of tests/support.py, numbers worked out by hand.

Reminders: am 08:00-12:00 (240 min), pm 13:30-17:00 (210), eve 19:00-22:30 (210); a visit
to near costs 40 minutes of driving (20 each way), to far 80; an uncovered session 1000.
Day 0 is Monday 2025-10-20.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from support import (
    MON,
    TUE,
    UNCOVERED,
    assert_infeasible,
    base,
    demand,
    duty,
    optimum,
    specialist,
    verdicts,
    visit,
)
from support import commit_dict as commit

WED = MON + dt.timedelta(days=2)


def days(n: int) -> dict[str, object]:
    return {"start": "2025-10-20", "days": n}


def limited(**limits: object) -> list[dict[str, object]]:
    return [specialist("a", **limits)]


class TestDailySessions:
    def test_feasible(self) -> None:
        """Limit 3: near's two sessions in one trip, am and pm: 40."""
        data = base(
            specialists=limited(max_sessions_per_day=3), demands=[demand("d", "near", sessions={"min": 2, "max": 2})]
        )
        assert optimum(data) == 40

    def test_forced(self) -> None:
        """Limit 1 on a one-day horizon: one of near's two sessions is uncovered, 1000 + 40;
        a roster with both is rejected by checker and model."""
        data = base(
            specialists=limited(max_sessions_per_day=1), demands=[demand("d", "near", sessions={"min": 2, "max": 2})]
        )
        assert optimum(data) == UNCOVERED + 40
        assert verdicts(data, [visit("am", "near", "d"), visit("pm", "near", "d")]) == ({"daily_sessions"}, False)

    def test_alternative(self) -> None:
        """Two days: one session each day, two trips: 80."""
        data = base(
            horizon=days(2),
            specialists=limited(max_sessions_per_day=1),
            demands=[demand("d", "near", sessions={"min": 2, "max": 2})],
        )
        assert optimum(data) == 80


class TestWeeklyMinutes:
    # am + pm = 450 minutes; pm + eve would be only 420, so eve is not offered.
    two: ClassVar = demand("d", "near", periods=["am", "pm"], sessions={"min": 2, "max": 2})

    def test_feasible(self) -> None:
        """Limit 450 = am 240 + pm 210: both sessions in one trip, 40."""
        assert optimum(base(specialists=limited(max_minutes_per_week=450), demands=[self.two])) == 40

    def test_forced(self) -> None:
        """Limit 449: one session only, 1000 + 40; both sessions rejected. A weekly minimum
        no roster can reach (1000 minutes, one day, nothing to do) is infeasible."""
        data = base(specialists=limited(max_minutes_per_week=449), demands=[self.two])
        assert optimum(data) == UNCOVERED + 40
        assert verdicts(data, [visit("am", "near", "d"), visit("pm", "near", "d")]) == ({"weekly_minutes"}, False)
        assert_infeasible(base(specialists=limited(min_minutes_per_week=1000)))

    def test_alternative(self) -> None:
        """A minimum of 200 minutes and an optional clinic at near (min 0): working it is
        required, 40 of driving; the idle roster is rejected by both judges."""
        data = base(
            specialists=limited(min_minutes_per_week=200), demands=[demand("d", "near", sessions={"min": 0, "max": 1})]
        )
        assert optimum(data) == 40
        assert verdicts(data, []) == ({"weekly_minutes"}, False)


class TestHorizonMinutes:
    two: ClassVar = demand("d", "near", periods=["am", "pm"], sessions={"min": 2, "max": 2})

    def test_feasible(self) -> None:
        """No limit over two days: both sessions in one trip, 40."""
        assert optimum(base(horizon=days(2), demands=[self.two])) == 40

    def test_forced(self) -> None:
        """At most 240 minutes in the horizon: am (240) or pm (210), not both: 1000 + 40.
        A total minimum of 100000 is infeasible."""
        data = base(horizon=days(2), specialists=limited(max_minutes_total=240), demands=[self.two])
        assert optimum(data) == UNCOVERED + 40
        assert verdicts(data, [visit("am", "near", "d"), visit("pm", "near", "d")]) == ({"horizon_minutes"}, False)
        assert_infeasible(base(specialists=limited(min_minutes_total=100000)))

    def test_alternative(self) -> None:
        """At most 450 minutes: both fit, 40."""
        assert optimum(base(horizon=days(2), specialists=limited(max_minutes_total=450), demands=[self.two])) == 40


class TestWorkingDays:
    split: ClassVar = [demand("d1", "near", days=["mon"]), demand("d2", "near", days=["tue"])]

    def test_feasible(self) -> None:
        """No limit: Monday and Tuesday at near, two trips: 80."""
        assert optimum(base(horizon=days(2), demands=self.split)) == 80

    def test_forced(self) -> None:
        """One working day a week: one clinic uncovered, 1000 + 40. Commitments on both days
        under that limit are infeasible."""
        data = base(horizon=days(2), specialists=limited(max_working_days_per_week=1), demands=self.split)
        assert optimum(data) == UNCOVERED + 40
        roster = [visit("am", "near", "d1"), visit("am", "near", "d2", date=TUE)]
        assert verdicts(data, roster) == ({"working_days"}, False)
        assert_infeasible(
            base(
                horizon=days(2),
                specialists=limited(max_working_days_per_week=1),
                commitments=[commit("mon", "am"), commit("tue", "am")],
            )
        )

    def test_alternative(self) -> None:
        """Two working days allowed: 80."""
        assert (
            optimum(base(horizon=days(2), specialists=limited(max_working_days_per_week=2), demands=self.split)) == 80
        )


class TestWeeklyEvenings:
    lists: ClassVar = [demand("d", "far", periods=["eve"], sessions={"min": 2, "max": 2})]

    def test_feasible(self) -> None:
        """No limit: far's evening list on both days, 2 x 80 = 160."""
        assert optimum(base(horizon=days(2), demands=self.lists)) == 160

    def test_forced(self) -> None:
        """One evening a week: one list uncovered, 1000 + 80; two rejected."""
        data = base(horizon=days(2), specialists=limited(max_evening_sessions_per_week=1), demands=self.lists)
        assert optimum(data) == UNCOVERED + 80
        roster = [visit("eve", "far", "d"), visit("eve", "far", "d", date=TUE)]
        assert verdicts(data, roster) == ({"weekly_evenings"}, False)

    def test_alternative(self) -> None:
        """The same limit, but the 19:00 period is declared not an evening: both lists, 160."""
        periods = base()["periods"]
        periods[2]["evening"] = False
        data = base(
            horizon=days(2), periods=periods, specialists=limited(max_evening_sessions_per_week=1), demands=self.lists
        )
        assert optimum(data) == 160


class TestMaxConsecutiveDays:
    daily: ClassVar = [demand("d", "near", periods=["am"], sessions={"min": 3, "max": 3})]

    def test_feasible(self) -> None:
        """Three mornings at near on three days: 3 x 40 = 120."""
        assert optimum(base(horizon=days(3), demands=self.daily)) == 120

    def test_forced(self) -> None:
        """At most 2 days in a row over 3 days: one morning uncovered, 1000 + 80."""
        data = base(horizon=days(3), specialists=limited(max_consecutive_working_days=2), demands=self.daily)
        assert optimum(data) == UNCOVERED + 80
        roster = [visit("am", "near", "d", date=d) for d in (MON, TUE, WED)]
        assert verdicts(data, roster) == ({"max_consecutive_days"}, False)

    def test_alternative(self) -> None:
        """Three in a row allowed: 120."""
        assert (
            optimum(base(horizon=days(3), specialists=limited(max_consecutive_working_days=3), demands=self.daily))
            == 120
        )


class TestMinConsecutiveDays:
    tuesday: ClassVar = demand("d1", "near", days=["tue"], periods=["am"])

    def test_feasible(self) -> None:
        """No minimum: Tuesday at near alone, 40."""
        assert optimum(base(horizon=days(3), demands=[self.tuesday])) == 40

    def test_forced(self) -> None:
        """At least 2 days in a row, and only Tuesday has work: serving it would be a run of
        one, so it stays uncovered (1000). On a one-day horizon a commitment is a run of one
        touching both ends, which the Curtois & Qu convention still holds: infeasible."""
        data = base(horizon=days(3), specialists=limited(min_consecutive_working_days=2), demands=[self.tuesday])
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [visit("am", "near", "d1", date=TUE)]) == ({"min_consecutive_days"}, False)
        assert_infeasible(base(specialists=limited(min_consecutive_working_days=2), commitments=[commit("mon", "am")]))

    def test_alternative(self) -> None:
        """Wednesday has work too: Tuesday and Wednesday, a run of two, 80."""
        wednesday = demand("d2", "near", days=["wed"], periods=["am"])
        data = base(
            horizon=days(3), specialists=limited(min_consecutive_working_days=2), demands=[self.tuesday, wednesday]
        )
        assert optimum(data) == 80


class TestMinDaysOff:
    @staticmethod
    def gap(second_day: str, n_days: int, least: int | None) -> dict[str, object]:
        return base(
            horizon=days(n_days),
            specialists=limited(min_consecutive_days_off=least),
            demands=[demand("d1", "near", days=["mon"]), demand("d2", "near", days=[second_day])],
        )

    def test_feasible(self) -> None:
        """No minimum: Monday and Wednesday, 80."""
        assert optimum(self.gap("wed", 3, None)) == 80

    def test_forced(self) -> None:
        """Two days off needed between working days, only Tuesday between: one clinic
        uncovered, 1000 + 40."""
        data = self.gap("wed", 3, 2)
        assert optimum(data) == UNCOVERED + 40
        roster = [visit("am", "near", "d1"), visit("am", "near", "d2", date=WED)]
        assert verdicts(data, roster) == ({"min_days_off"}, False)

    def test_alternative(self) -> None:
        """Thursday instead: Tuesday and Wednesday off, both served, 80."""
        assert optimum(self.gap("thu", 4, 2)) == 80


class TestMaxWeekends:
    saturdays: ClassVar = [demand("d", "near", days=["sat"], periods=["am"])]

    def test_feasible(self) -> None:
        """Two weeks, a Saturday clinic each: two weekends, 80."""
        assert optimum(base(horizon=days(14), demands=self.saturdays)) == 80

    def test_forced(self) -> None:
        """One weekend allowed in two weeks: one Saturday uncovered, 1000 + 40."""
        data = base(horizon=days(14), specialists=limited(max_weekends=1), demands=self.saturdays)
        assert optimum(data) == UNCOVERED + 40
        roster = [visit("am", "near", "d", date=MON + dt.timedelta(days=d)) for d in (5, 12)]
        assert verdicts(data, roster) == ({"max_weekends"}, False)

    def test_alternative(self) -> None:
        """Saturday and Sunday of one weekend count once: both served under a limit of 1, 80."""
        both = [demand("d", "near", days=["sat", "sun"], periods=["am"], sessions={"min": 2, "max": 2})]
        assert optimum(base(horizon=days(7), specialists=limited(max_weekends=1), demands=both)) == 80


class TestForbiddenSuccessions:
    @staticmethod
    def late_list(activity: str, forbidden: bool = True) -> dict[str, object]:
        rule = {"today": {"period": "eve", "activity": "surgery"}, "tomorrow": {"period": "am"}}
        return base(
            horizon=days(2),
            rules={"min_rest_minutes": 0, "forbidden_successions": [rule] if forbidden else []},
            commitments=[commit("tue", "am")],
            demands=[demand("d", "far", activity=activity, skills=["pci"], days=["mon"], periods=["eve"])],
        )

    def test_feasible(self) -> None:
        """No rule: Monday's evening list at far, Tuesday's home clinic: 80."""
        assert optimum(self.late_list("surgery", forbidden=False)) == 80

    def test_forced(self) -> None:
        """No morning session after an evening surgery list: the list stays uncovered, 1000."""
        data = self.late_list("surgery")
        assert optimum(data) == UNCOVERED
        roster = [visit("eve", "far", "d").model_copy(update={"activity": "surgery"}), duty("am", date=TUE)]
        assert verdicts(data, roster) == ({"forbidden_successions"}, False)

    def test_alternative(self) -> None:
        """An evening clinic is not a surgery list: served, 80."""
        assert optimum(self.late_list("clinic")) == 80


class TestForbiddenSuccessionsByPeriod:
    """The period-only form (no activity named), which the builder encodes apart: one
    constraint per specialist, day and period over the day patterns."""

    @staticmethod
    def evening_then(tomorrow: str | None) -> dict[str, object]:
        rules = [{"today": {"period": "eve"}, "tomorrow": {"period": tomorrow}}] if tomorrow else []
        return base(
            horizon=days(2),
            rules={"min_rest_minutes": 0, "forbidden_successions": rules},
            commitments=[commit("tue", "am")],
            demands=[demand("d", "far", days=["mon"], periods=["eve"])],
        )

    def test_feasible(self) -> None:
        """No rule: Monday's evening clinic at far, Tuesday's home clinic in the morning: 80."""
        assert optimum(self.evening_then(None)) == 80

    def test_forced(self) -> None:
        """No morning after an evening, whatever the activity: the evening clinic stays
        uncovered (1000); a roster holding both is rejected by both judges."""
        data = self.evening_then("am")
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [visit("eve", "far", "d"), duty("am", date=TUE)]) == ({"forbidden_successions"}, False)

    def test_alternative(self) -> None:
        """Only the afternoon after an evening is forbidden: Tuesday's clinic is in the
        morning, so the evening clinic is served, 80."""
        assert optimum(self.evening_then("pm")) == 80


class TestDayOff:
    @staticmethod
    def off(date: str, periods: list[str] | None = None, **extra: object) -> dict[str, object]:
        request = {"specialist": "a", "date": date, "want": "off", "hard": True}
        if periods:
            request["periods"] = periods
        return base(requests=[request], demands=[demand("d", "near")], **extra)

    def test_feasible(self) -> None:
        """A firm day off outside the horizon changes nothing: 40."""
        assert optimum(self.off("2025-11-03")) == 40

    def test_forced(self) -> None:
        """A firm day off on Monday: near uncovered (1000); a commitment that day is
        infeasible (the day off binds commitments too, unlike leave, which cancels them)."""
        data = self.off("2025-10-20")
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [visit("am", "near", "d")]) == ({"day_off"}, False)
        assert_infeasible(self.off("2025-10-20", commitments=[commit("mon", "am")]))

    def test_alternative(self) -> None:
        """Off only in the afternoon: near served in the morning, 40."""
        assert optimum(self.off("2025-10-20", ["pm"])) == 40


class TestRequestsTerm:
    @staticmethod
    def wish(want: str, weight: int, with_demand: bool = True) -> dict[str, object]:
        request = {"specialist": "a", "date": "2025-10-20", "want": want, "weight": weight}
        return base(requests=[request], demands=[demand("d", "near")] if with_demand else [])

    def test_off_cheaper_than_uncovered(self) -> None:
        """A day off worth 300: serving near anyway costs 40 + 300 = 340 < 1000."""
        assert optimum(self.wish("off", 300)) == 340

    def test_off_dearer_than_uncovered(self) -> None:
        """Worth 2000: leaving near uncovered (1000) is cheaper."""
        assert optimum(self.wish("off", 2000)) == UNCOVERED

    def test_on_with_and_without_work(self) -> None:
        """A wish to work Monday (weight 7): granted by serving near (40); with nothing to do
        it cannot be granted and costs its weight, 7."""
        assert optimum(self.wish("on", 7)) == 40
        assert optimum(self.wish("on", 7, with_demand=False)) == 7


def test_works_is_the_idle_patterns_negation() -> None:
    """Strengthening `works_literal`: a day with exactly one idle pattern says "works" as that
    pattern's negated literal, so the run rules are clauses CP-SAT propagates and learns as
    such; a committed day (no idle pattern) keeps the sum of its working patterns. The run
    rules' hand-worked optima above hold with it; here the form itself, and that a roster of
    runs that break the minimum is still refused by the model."""
    from ortools.sat.python import cp_model
    from support import instance

    from outreach_opt.domain.prepared import prepare
    from outreach_opt.solve.builder import RosterModel

    data = base(
        horizon=days(3),
        specialists=limited(min_consecutive_working_days=2, min_consecutive_days_off=2),
        demands=[demand("d", "near", periods=["am"], sessions={"min": 3, "max": 3})],
        commitments=[commit("wed", "am")],
    )
    built = RosterModel(prepare(instance(data))).build()
    monday, wednesday = built.works("a", 0), built.works("a", 2)
    idle = next(var for pat, var in built.days[("a", 0)] if pat.idle)
    assert isinstance(monday, cp_model.NotBooleanVariable) and monday.negated().index == idle.index
    assert not isinstance(wednesday, cp_model.NotBooleanVariable)
    assert not any(pat.idle for pat, _ in built.days[("a", 2)])
    # Monday and Wednesday with Tuesday off: runs of one and a single day off, both refused.
    broken = [visit("am", "near", "d"), duty("am", date=WED)]
    assert verdicts(data, broken) == ({"min_consecutive_days", "min_days_off"}, False)
    # Monday to Wednesday, one run of three: 2 x 40 for the two visits, one session short.
    assert optimum(data) == UNCOVERED + 80
