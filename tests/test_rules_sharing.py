"""Sharing the work: `max_specialists` three ways, and the fairness and continuity terms on
tiny worlds with their optima worked out by hand (see tests/support.py for the world: near
costs 40 minutes of driving, far 80, an uncovered session 1000)."""

from __future__ import annotations

from support import UNCOVERED, base, demand, optimum, specialist, verdicts, visit

TWO = [specialist("a"), specialist("b")]


def weekly_clinic(**fields: object) -> dict[str, object]:
    """near wants a clinic on each of two days; either doctor can do either."""
    return demand("d", "near", periods=["am"], sessions={"min": 2, "max": 2}, **fields)


class TestMaxSpecialists:
    def test_feasible(self) -> None:
        """At most 2 specialists for two clinics: served, 2 x 40 = 80."""
        data = base(
            horizon={"start": "2025-10-20", "days": 2}, specialists=TWO, demands=[weekly_clinic(max_specialists=2)]
        )
        assert optimum(data) == 80

    def test_forced(self) -> None:
        """Only one specialist may serve it and each may work one session a week: one clinic
        uncovered, 1000 + 40; a roster with both doctors is rejected by both judges."""
        people = [specialist("a", max_sessions_per_week=1), specialist("b", max_sessions_per_week=1)]
        data = base(
            horizon={"start": "2025-10-20", "days": 2}, specialists=people, demands=[weekly_clinic(max_specialists=1)]
        )
        assert optimum(data) == UNCOVERED + 40
        tuesday = visit("am", "near", "d", who="b").model_copy(
            update={"date": visit("am", "near", "d").date.replace(day=21)}
        )
        assert verdicts(data, [visit("am", "near", "d"), tuesday]) == ({"max_specialists"}, False)

    def test_alternative(self) -> None:
        """One specialist may serve it, and one may work both days: 80."""
        data = base(
            horizon={"start": "2025-10-20", "days": 2}, specialists=TWO, demands=[weekly_clinic(max_specialists=1)]
        )
        assert optimum(data) == 80


class TestFairness:
    @staticmethod
    def world(weights: dict[str, int], fte_b: int = 100) -> dict[str, object]:
        """Two doctors, two clinics at near on one day (am, pm), travel unweighted so only
        coverage and fairness count. Burden: 1 point per session away from home."""
        return base(
            specialists=[specialist("a"), specialist("b", fte=fte_b)],
            demands=[demand("d", "near", periods=["am", "pm"], sessions={"min": 2, "max": 2})],
            weights={"uncovered_session": 1000, "travel_minute": 0, **weights},
        )

    def test_min_max_splits(self) -> None:
        """Max form: one clinic each gives a largest scaled burden of 1 x 100; one doctor doing
        both gives 2 x 100. Weight 1: optimum 100."""
        assert optimum(self.world({"fairness_max": 1})) == 100

    def test_deviation_splits(self) -> None:
        """Deviation form, n = 2: split 100/100 gives |200-200| + |200-200| = 0; both to one
        doctor gives |400-200| + |0-200| = 400. Optimum 0."""
        assert optimum(self.world({"fairness_deviation": 1})) == 0

    def test_fte_weighs_burden(self) -> None:
        """b works half time (factor 200). Split: a 100, b 200, max 200; both to a: a 200,
        b 0, max 200; both to b: 400. Optimum 200 (ties), and never both to b."""
        assert optimum(self.world({"fairness_max": 1}, fte_b=50)) == 200


class TestContinuity:
    def test_distinct_specialists(self) -> None:
        """Continuity weight 30: one doctor for both clinics over two days costs 30 + 80
        driving; two doctors 60 + 80. Optimum 110."""
        data = base(
            horizon={"start": "2025-10-20", "days": 2},
            specialists=TWO,
            demands=[weekly_clinic(continuity=True)],
            weights={"uncovered_session": 1000, "travel_minute": 1, "distinct_specialist": 30},
        )
        assert optimum(data) == 110

    def test_preferred_specialist(self) -> None:
        """b is preferred and lives at near (no driving); a would drive 40. Weight 50 per
        non-preferred session: b serves, cost 0. Without a preference a also costs 40, so b."""
        people = [specialist("a"), specialist("b", home="near")]
        data = base(
            specialists=people,
            demands=[demand("d", "near", preferred=["b"])],
            weights={"uncovered_session": 1000, "travel_minute": 1, "non_preferred_session": 50},
        )
        assert optimum(data) == 0

    def test_preferred_costs_when_unavailable(self) -> None:
        """The preferred b is on leave: a serves, 40 driving + 50 non-preferred = 90."""
        people = [specialist("a"), specialist("b", unavailable=[{"date": "2025-10-20"}])]
        data = base(
            specialists=people,
            demands=[demand("d", "near", preferred=["b"])],
            weights={"uncovered_session": 1000, "travel_minute": 1, "non_preferred_session": 50},
        )
        assert optimum(data) == 90


class TestPreferences:
    @staticmethod
    def world(*preferences: dict[str, object]) -> dict[str, object]:
        """One doctor, one clinic wanted at near or far (any day, any period)."""
        return base(
            specialists=[specialist("a", preferences=list(preferences))],
            demands=[
                demand("dn", "near", sessions={"min": 0, "max": 1}),
                demand("df", "far", sessions={"min": 1, "max": 1}),
            ],
        )

    def test_avoid_costs_per_matching_session(self) -> None:
        """Avoiding far in the morning (weight 500): far in the afternoon instead, 80."""
        assert optimum(self.world({"kind": "avoid", "site": "far", "periods": ["am"], "weight": 500})) == 80

    def test_avoid_can_be_outweighed(self) -> None:
        """Avoiding far altogether (weight 500): still cheaper than leaving it uncovered
        (1000), so 80 + 500 = 580."""
        assert optimum(self.world({"kind": "avoid", "site": "far", "weight": 500})) == 580

    def test_prefer_costs_per_other_session(self) -> None:
        """Preferring near (weight 30): far's one session costs 80 + 30 = 110; near's optional
        clinic adds nothing to gain, so it is not served."""
        assert optimum(self.world({"kind": "prefer", "site": "near", "weight": 30})) == 110
