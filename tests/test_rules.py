"""Every hard rule and objective term tested three ways, on tiny worlds solved by hand.

For each rule id of models/MODEL.md: (1) a trivially feasible case, (2) the rule forced to
bite — it makes the instance infeasible, or it costs exactly what it should — and (3) the
allowed alternative is feasible again. Each solve is checked by the independent checker
(`support.solve_checked`). Where a rule can only be broken by a roster the solver would never
produce, a hand-broken roster is fixed as hints and the model must reject it while the
checker names the rule.

The world (tests/support.py): home, near (20 min), far (40 min; near-far 30); periods am
08:00-12:00, pm 13:30-17:00, eve 19:00-22:30; an uncovered session costs 1000 x priority,
a minute of driving 1. A clinic at near costs 2 x 20 = 40 of driving; at far 2 x 40 = 80.
"""

from __future__ import annotations

from support import (
    TUE,
    UNCOVERED,
    assert_infeasible,
    base,
    demand,
    duty,
    instance,
    optimum,
    solve_checked,
    specialist,
    verdicts,
    visit,
)
from support import commit_dict as commit


class TestOnePlace:
    def test_feasible(self) -> None:
        """One clinic at near, Monday am: served; driving 20 + 20 = 40."""
        assert optimum(base(demands=[demand("d1", "near", days=["mon"], periods=["am"])])) == 40

    def test_forced(self) -> None:
        """Two clinics both only Monday am (near and far), one doctor: one stays uncovered.
        Serving near costs 1000 + 40, serving far 1000 + 80: the optimum is 1040."""
        data = base(
            demands=[
                demand("d1", "near", days=["mon"], periods=["am"]),
                demand("d2", "far", days=["mon"], periods=["am"]),
            ]
        )
        assert optimum(data) == UNCOVERED + 40
        rules, accepted = verdicts(data, [visit("am", "near", "d1"), visit("am", "far", "d2")])
        assert "one_place" in rules and not accepted

    def test_alternative(self) -> None:
        """Far moves to pm: near am then far pm, 20 + 30 + 40 = 90 minutes, both served."""
        data = base(
            demands=[
                demand("d1", "near", days=["mon"], periods=["am"]),
                demand("d2", "far", days=["mon"], periods=["pm"]),
            ]
        )
        assert optimum(data) == 90


class TestCommitments:
    def test_feasible(self) -> None:
        """A home clinic on Monday am and nothing else: it is rostered, no driving, cost 0."""
        result, _ = solve_checked(instance(base(commitments=[commit("mon", "am")])))
        assert result.objective == 0
        assert result.roster is not None
        assert [(a.period, a.commitment) for a in result.roster.assignments] == [("am", True)]

    def test_forced(self) -> None:
        """The home clinic takes Monday am, the only time near wants: 1000 uncovered. A roster
        that drops the commitment for the visit is rejected by model and checker alike."""
        data = base(commitments=[commit("mon", "am")], demands=[demand("d1", "near", periods=["am"])])
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("am", "near", "d1")])
        assert rules == {"commitments"} and not accepted

    def test_alternative(self) -> None:
        """Near also takes pm: home clinic am, near pm, driving 20 + 20 = 40. And on leave the
        commitment is cancelled: a roster without it is valid for both judges."""
        data = base(commitments=[commit("mon", "am")], demands=[demand("d1", "near", periods=["am", "pm"])])
        assert optimum(data) == 40
        on_leave = base(
            commitments=[commit("mon", "am")],
            specialists=[specialist("a", unavailable=[{"date": "2025-10-20", "periods": ["am"]}])],
        )
        assert verdicts(on_leave, []) == (set(), True)


class TestUnavailability:
    def test_feasible(self) -> None:
        """Leave on a date outside the horizon has no effect: near is served, 40."""
        data = base(
            specialists=[specialist("a", unavailable=[{"date": "2025-11-01"}])],
            demands=[demand("d1", "near")],
        )
        assert optimum(data) == 40

    def test_forced(self) -> None:
        """On leave all Monday, the only day: 1000 uncovered; working anyway is rejected."""
        data = base(
            specialists=[specialist("a", unavailable=[{"date": "2025-10-20"}])],
            demands=[demand("d1", "near")],
        )
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("pm", "near", "d1")])
        assert rules == {"unavailability"} and not accepted

    def test_alternative(self) -> None:
        """Leave only in the morning: near is served in the afternoon, 40."""
        data = base(
            specialists=[specialist("a", unavailable=[{"date": "2025-10-20", "periods": ["am"]}])],
            demands=[demand("d1", "near")],
        )
        assert optimum(data) == 40


class TestDemandFit:
    def test_feasible(self) -> None:
        """The doctor has the clinic skill: served, 40."""
        assert optimum(base(demands=[demand("d1", "near")])) == 40

    def test_forced(self) -> None:
        """Near needs electrophysiology, which the doctor lacks: 1000 uncovered; a roster that
        sends them anyway, or to the wrong site, is rejected."""
        data = base(demands=[demand("d1", "near", skills=["electrophysiology"])])
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("am", "near", "d1")])
        assert rules == {"demand_fit"} and not accepted
        rules, accepted = verdicts(base(demands=[demand("d1", "near")]), [visit("am", "far", "d1")])
        assert "demand_fit" in rules and not accepted

    def test_alternative(self) -> None:
        """Give the doctor the skill: served, 40."""
        data = base(
            specialists=[specialist("a", skills=["clinic", "electrophysiology"])],
            demands=[demand("d1", "near", skills=["electrophysiology"])],
        )
        assert optimum(data) == 40


class TestDemandMax:
    def test_feasible(self) -> None:
        """min 1, max 2: one session is enough (a second only adds driving): 40."""
        assert optimum(base(demands=[demand("d1", "near", sessions={"min": 1, "max": 2})])) == 40

    def test_forced(self) -> None:
        """max 1 but the roster gives two sessions: both judges reject it."""
        data = base(demands=[demand("d1", "near", sessions={"min": 1, "max": 1})])
        rules, accepted = verdicts(data, [visit("am", "near", "d1"), visit("pm", "near", "d1")])
        assert rules == {"demand_max"} and not accepted

    def test_alternative(self) -> None:
        """With max 2 the same two-session roster is valid for both judges."""
        data = base(demands=[demand("d1", "near", sessions={"min": 1, "max": 2})])
        assert verdicts(data, [visit("am", "near", "d1"), visit("pm", "near", "d1")]) == (set(), True)


class TestCapacity:
    @staticmethod
    def pci(cath_labs: int, wanted: int) -> dict[str, object]:
        sites = base()["sites"]
        sites[2]["resources"]["cath_lab"] = cath_labs
        return base(
            sites=sites,
            specialists=[specialist("a"), specialist("b")],
            demands=[
                demand(
                    "pci",
                    "far",
                    activity="surgery",
                    skills=["pci"],
                    resource="cath_lab",
                    days=["mon"],
                    periods=["eve"],
                    sessions={"min": wanted, "max": wanted},
                )
            ],
        )

    def test_feasible(self) -> None:
        """One evening list in far's one cath lab: served, 80 minutes of driving."""
        assert optimum(self.pci(cath_labs=1, wanted=1)) == 80

    def test_forced(self) -> None:
        """Two lists wanted the same evening, one cath lab: one uncovered, 1000 + 80; both
        doctors in the lab at once is rejected. Two home commitments in home's single cath
        lab at the same time make the instance infeasible."""
        data = self.pci(cath_labs=1, wanted=2)
        assert optimum(data) == UNCOVERED + 80
        both = [visit("eve", "far", "pci"), visit("eve", "far", "pci", who="b")]
        both = [a.model_copy(update={"activity": "surgery"}) for a in both]
        rules, accepted = verdicts(data, both)
        assert rules == {"capacity"} and not accepted
        assert_infeasible(
            base(
                specialists=[specialist("a"), specialist("b")],
                commitments=[
                    commit("mon", "am", activity="surgery", resource="cath_lab"),
                    commit("mon", "am", who="b", activity="surgery", resource="cath_lab"),
                ],
            )
        )

    def test_alternative(self) -> None:
        """Two cath labs: both lists served, 2 x 80 = 160."""
        assert optimum(self.pci(cath_labs=2, wanted=2)) == 160


class TestTravelBetween:
    @staticmethod
    def evening_after_clinic(minutes_to_far: int) -> dict[str, object]:
        return base(
            travel=[["home", "near", 20], ["home", "far", minutes_to_far], ["near", "far", 30]],
            commitments=[commit("mon", "pm")],
            demands=[demand("d1", "far", periods=["eve"])],
        )

    def test_feasible(self) -> None:
        """Clinic at home until 17:00, far's evening at 19:00 is 40 min away: 80 driving."""
        assert optimum(self.evening_after_clinic(40)) == 80

    def test_forced(self) -> None:
        """150 minutes to far: 17:00 + 150 is past 19:00, so far stays uncovered (1000).
        Commitments that cannot be reached in time make the instance infeasible."""
        data = self.evening_after_clinic(150)
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [duty("pm"), visit("eve", "far", "d1")])
        assert rules == {"travel_between"} and not accepted
        assert_infeasible(
            base(
                travel=[["home", "near", 20], ["home", "far", 100], ["near", "far", 30]],
                commitments=[commit("mon", "am", site="far"), commit("mon", "pm")],
            )
        )

    def test_alternative(self) -> None:
        """120 minutes: arriving exactly at 19:00 is allowed; driving 2 x 120 = 240."""
        assert optimum(self.evening_after_clinic(120)) == 240


class TestDailyTravel:
    @staticmethod
    def limited(limit: int, site: str = "far") -> dict[str, object]:
        return base(
            specialists=[specialist("a", max_travel_minutes_per_day=limit)],
            demands=[demand("d1", site)],
        )

    def test_feasible(self) -> None:
        """Far and back is 80 minutes, the limit is 80: served, 80."""
        assert optimum(self.limited(80)) == 80

    def test_forced(self) -> None:
        """Limit 79: far cannot be served (1000); a commitment at far under that limit makes
        the instance infeasible."""
        data = self.limited(79)
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("am", "far", "d1")])
        assert rules == {"daily_travel"} and not accepted
        assert_infeasible(
            base(
                specialists=[specialist("a", max_travel_minutes_per_day=79)],
                commitments=[commit("mon", "am", site="far")],
            )
        )

    def test_alternative(self) -> None:
        """Near instead (40 minutes) fits the limit of 79: served, 40."""
        assert optimum(self.limited(79, site="near")) == 40


class TestRest:
    @staticmethod
    def late_then_early(rest: int, tuesday_clinic: bool = True) -> dict[str, object]:
        """Far's Monday evening list ends 22:30, home at 23:10; Tuesday's home clinic leaves at
        08:00: 24:00 - 23:10 + 8:00 = 530 minutes of rest."""
        return base(
            horizon={"start": "2025-10-20", "days": 2},
            rules={"min_rest_minutes": rest},
            commitments=[commit("tue", "am")] if tuesday_clinic else [],
            demands=[demand("d1", "far", days=["mon"], periods=["eve"])],
        )

    def test_feasible(self) -> None:
        """No Tuesday clinic: the evening list is served, 80."""
        assert optimum(self.late_then_early(600, tuesday_clinic=False)) == 80

    def test_forced(self) -> None:
        """Rest 600 > 530: the evening list stays uncovered (1000); as commitments, the
        instance is infeasible."""
        data = self.late_then_early(600)
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("eve", "far", "d1"), duty("am", date=TUE)])
        assert rules == {"rest"} and not accepted
        assert_infeasible(
            base(
                horizon={"start": "2025-10-20", "days": 2},
                rules={"min_rest_minutes": 600},
                commitments=[commit("mon", "eve", site="far"), commit("tue", "am")],
            )
        )

    def test_alternative(self) -> None:
        """Rest 530 is met exactly: served, 80."""
        assert optimum(self.late_then_early(530)) == 80


class TestWeeklySessions:
    @staticmethod
    def limited(limit: int | None) -> dict[str, object]:
        return base(
            specialists=[specialist("a", max_sessions_per_week=limit)],
            commitments=[commit("mon", "am")],
            demands=[demand("d1", "near")],
        )

    def test_feasible(self) -> None:
        """No limit: home clinic and near both, 40."""
        assert optimum(self.limited(None)) == 40

    def test_forced(self) -> None:
        """Limit 1, taken by the commitment: near uncovered (1000). Two commitments under a
        limit of 1 are infeasible."""
        data = self.limited(1)
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [duty("am"), visit("pm", "near", "d1")])
        assert rules == {"weekly_sessions"} and not accepted
        assert_infeasible(
            base(
                specialists=[specialist("a", max_sessions_per_week=1)],
                commitments=[commit("mon", "am"), commit("mon", "pm")],
            )
        )

    def test_alternative(self) -> None:
        """Limit 2 allows both: 40."""
        assert optimum(self.limited(2)) == 40

    def test_per_week(self) -> None:
        """Two weeks, limit 1 per week, one session wanted per week: both weeks served, each
        its own week's limit (2 x 40 = 80)."""
        data = base(
            horizon={"start": "2025-10-20", "days": 14},
            specialists=[specialist("a", max_sessions_per_week=1)],
            demands=[demand("d1", "near")],
        )
        assert optimum(data) == 80


class TestWeeklyOutreach:
    @staticmethod
    def limited(limit: int | None, site: str = "near") -> dict[str, object]:
        return base(
            specialists=[specialist("a", max_outreach_sessions_per_week=limit)],
            demands=[demand("d1", site)],
        )

    def test_feasible(self) -> None:
        """No limit: near served, 40."""
        assert optimum(self.limited(None)) == 40

    def test_forced(self) -> None:
        """No outreach allowed: near uncovered (1000). A commitment away from home under a
        limit of 0 is infeasible."""
        data = self.limited(0)
        assert optimum(data) == UNCOVERED
        rules, accepted = verdicts(data, [visit("am", "near", "d1")])
        assert rules == {"weekly_outreach"} and not accepted
        assert_infeasible(
            base(
                specialists=[specialist("a", max_outreach_sessions_per_week=0)],
                commitments=[commit("mon", "am", site="near")],
            )
        )

    def test_alternative(self) -> None:
        """A demand at home is not outreach: served with limit 0, no driving, 0."""
        assert optimum(self.limited(0, site="home")) == 0


class TestObjectiveTerms:
    def test_uncovered_priority(self) -> None:
        """Priority 3 and no doctor with the skill: 3 x 1000 = 3000."""
        assert optimum(base(demands=[demand("d1", skills=["x"], priority=3)])) == 3 * UNCOVERED

    def test_uncovered_weight_zero(self) -> None:
        """With coverage unweighted, staying home is optimal: objective 0, nothing served."""
        data = base(weights={"uncovered_session": 0, "travel_minute": 1}, demands=[demand("d1", "near")])
        result, report = solve_checked(instance(data))
        assert result.objective == 0 and report is not None and report.uncovered == {(("d1", 0)): 1}

    def test_travel_weight(self) -> None:
        """Travel weight 2: near and back costs 2 x 40 = 80."""
        data = base(weights={"uncovered_session": 1000, "travel_minute": 2}, demands=[demand("d1", "near")])
        assert optimum(data) == 80

    def test_coverage_before_travel(self) -> None:
        """Minimum 2 at far, one doctor, one day: am and pm at far in one trip (80) beats
        any cheaper roster with an uncovered session."""
        assert optimum(base(demands=[demand("d1", "far", sessions={"min": 2, "max": 2})])) == 80
