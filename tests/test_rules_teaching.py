"""Teaching: terms `teaching_target` and `teaching_continuity` three ways, bad trainee
references located.

The world of tests/support.py: home, near (20 min), far (40 min; near-far 30); am 08:00-12:00,
pm 13:30-17:00, eve 19:00-22:30; an uncovered session costs 1000, a minute driven 1. A trainee
at far wants 4 sessions a month: 1 in a one-week horizon (4 x 7 // 28).
"""

from __future__ import annotations

from typing import Any

import pytest
from support import base, demand, instance, optimum, solve_checked, specialist

from outreach_opt.domain.problems import InputError

SHORT = 100  # weights.teaching_session
TEACHER = 50  # weights.distinct_teacher


def trainee(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "t1", "name": "Dr Local", "site": "far", "sessions_per_month": 4}
    out.update(fields)
    return out


def teaching(demands: list[dict[str, Any]], trainees: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """A week (the target's share is 1), or `horizon` as given; both teaching terms weighted."""
    data = base(demands=demands, trainees=trainees, horizon={"start": "2025-10-20", "days": 7})
    data.update(changes)
    data["weights"].update(teaching_session=SHORT, distinct_teacher=TEACHER)
    return data


class TestTeachingTarget:
    def test_feasible(self) -> None:
        """A serves far once in the week, the trainee is there: target met; one teacher (50)
        and the drive (80)."""
        assert optimum(teaching([demand("d1", teaches=["t1"])], [trainee()])) == TEACHER + 80

    def test_forced(self) -> None:
        """The demand takes Mondays only and the trainee is away then: the session still
        covers far but teaches nobody, 100 + 80 (no teacher either); wanting 8 a month (2 a
        week) with one session allowed: one short, 100 + 50 + 80."""
        away = trainee(unavailable=[{"date": "2025-10-20"}])
        assert optimum(teaching([demand("d1", teaches=["t1"], days=["mon"])], [away])) == SHORT + 80
        twice = trainee(sessions_per_month=8)
        assert optimum(teaching([demand("d1", teaches=["t1"])], [twice])) == SHORT + TEACHER + 80

    def test_alternative(self) -> None:
        """Away on Monday morning only: the Monday session goes to the afternoon, when the
        trainee is there: 50 + 80, and the roster says pm or eve. Without a demand that teaches:
        100 short, the session still driven to: 180."""
        away = trainee(unavailable=[{"date": "2025-10-20", "periods": ["am"]}])
        result, _ = solve_checked(instance(teaching([demand("d1", teaches=["t1"], days=["mon"])], [away])))
        assert result.objective == TEACHER + 80 and result.roster is not None
        assert [a.period for a in result.roster.assignments] in (["pm"], ["eve"])
        assert optimum(teaching([demand("d1")], [trainee()])) == SHORT + 80


TWO_DAYS = {"start": "2025-10-20", "days": 2}
TWICE = [demand("d1", teaches=["t1"], periods=["am"], sessions={"min": 2, "max": 2})]


class TestTeachingContinuity:
    def test_feasible(self) -> None:
        """One specialist teaches both mornings: one teacher, 50, plus 2 x 80 driving."""
        assert optimum(teaching(TWICE, [trainee()], horizon=TWO_DAYS)) == TEACHER + 160

    def test_forced(self) -> None:
        """A is away on Tuesday morning, B on Monday morning: two teachers, 100 + 160."""
        team = [
            specialist("a", unavailable=[{"date": "2025-10-21", "periods": ["am"]}]),
            specialist("b", unavailable=[{"date": "2025-10-20", "periods": ["am"]}]),
        ]
        assert optimum(teaching(TWICE, [trainee()], horizon=TWO_DAYS, specialists=team)) == 2 * TEACHER + 160

    def test_alternative(self) -> None:
        """Only A away on Tuesday: B takes both mornings, one teacher again: 50 + 160, and
        the roster names B alone."""
        team = [specialist("a", unavailable=[{"date": "2025-10-21", "periods": ["am"]}]), specialist("b")]
        data = teaching(TWICE, [trainee()], horizon=TWO_DAYS, specialists=team)
        result, _ = solve_checked(instance(data))
        assert result.objective == TEACHER + 160 and result.roster is not None
        assert {a.specialist for a in result.roster.assignments} == {"b"}


def test_bad_trainees_are_located() -> None:
    """An unknown trainee in `teaches` (with a suggestion), an unknown site, a duplicate id."""
    with pytest.raises(InputError) as exc:
        instance(teaching([demand("d1", teaches=["t2"])], [trainee(), trainee(site="farr")]))
    fields = {p.field: p.message for p in exc.value.problems}
    assert "unknown trainee 't2'" in fields["demands[0].teaches[0]"]
    assert "duplicate id 't1'" in fields["trainees[1].id"]
    assert "unknown site 'farr'" in fields["trainees[1].site"]
