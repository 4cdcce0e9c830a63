"""Symmetry breaking must never cut off a roster: specialists it orders must really be
interchangeable. Anything in the instance that names one of them tells them apart.

Found while adding pins: two specialists identical in their own fields were ordered by total
sessions (a >= b) although a request, a pin or a demand's preference named only one of them.
Each case below is worked out by hand: one clinic at near on Monday morning (2 x 20 = 40 of
driving), which only the second specialist, b, may or should take.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import base, demand, optimum, specialist

TWINS = [specialist("a"), specialist("b")]
NEAR_AM = [demand("d1", "near", periods=["am"])]
AWAY = [{"date": "2025-10-20", "periods": ["am", "pm"]}, {"date": "2025-10-21", "periods": ["pm", "eve"]}]

CASES: dict[str, tuple[dict[str, Any], int]] = {
    # a has a hard day off: b serves, 40 (ordered a >= b, it was 1000 uncovered)
    "hard request": (
        base(
            specialists=TWINS,
            demands=NEAR_AM,
            requests=[{"specialist": "a", "date": "2025-10-20", "want": "off", "hard": True}],
        ),
        40,
    ),
    # b is pinned to it: 40 (ordered, the model was infeasible)
    "pin": (
        base(
            specialists=TWINS,
            demands=NEAR_AM,
            pins=[{"specialist": "b", "date": "2025-10-20", "period": "am", "demand": "d1"}],
        ),
        40,
    ),
    # the demand prefers b, and anyone else costs 500 a session: b serves, 40 (ordered, 540)
    "preferred": (
        base(
            specialists=TWINS,
            demands=[demand("d1", "near", periods=["am"], preferred=["b"])],
            weights={"uncovered_session": 1000, "travel_minute": 1, "non_preferred_session": 500},
        ),
        40,
    ),
    # Monday and Tuesday, both free only Monday evening and Tuesday morning; one continuity
    # demand wants both sessions at near, each distinct specialist costing 20. A rule binds
    # only a: no morning after an evening. So b serves both: 2 x 40 + 20 = 100 (ordered
    # a >= b, it had to be split: 80 + 2 x 20 = 120)
    "succession": (
        base(
            horizon={"start": "2025-10-20", "days": 2},
            specialists=[specialist(s, unavailable=AWAY) for s in ("a", "b")],
            demands=[demand("d1", "near", sessions={"min": 2, "max": 2}, continuity=True)],
            rules={
                "min_rest_minutes": 0,
                "forbidden_successions": [
                    {"today": {"period": "eve"}, "tomorrow": {"period": "am"}, "specialists": ["a"]}
                ],
            },
            weights={"uncovered_session": 1000, "travel_minute": 1, "distinct_specialist": 20},
        ),
        100,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_named_specialist_is_not_ordered_away(case: str) -> None:
    data, expected = CASES[case]
    assert optimum(data) == expected
