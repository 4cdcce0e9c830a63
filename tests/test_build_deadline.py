"""The build's deadline is checked inside the long rules, once per specialist, not only
between rules: on a long horizon `forbidden_successions` alone overran it by 28 s.

A fake clock (`BuildOptions.clock`) jumps past the deadline as the rule starts; no stopwatch."""

from __future__ import annotations

from typing import Any

import pytest
from support import base, demand, instance, specialist

from outreach_opt.domain.prepared import prepare
from outreach_opt.solve.builder import BuildOptions, BuildTimeoutError, RosterModel

DEADLINE = 100.0


class FakeClock:
    """Reads `now`; the test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fortnight(succession: dict[str, Any]) -> dict[str, Any]:
    return base(
        horizon={"start": "2025-10-20", "days": 14},
        specialists=[specialist(s) for s in ("a", "b", "c")],
        demands=[demand("d", "near", sessions={"min": 1, "max": 3})],
        rules={"min_rest_minutes": 0, "forbidden_successions": [succession]},
    )


BY_PERIOD = {"today": {"period": "eve"}, "tomorrow": {"period": "am"}}
"""Periods only: the day patterns' form (`_period_successions`)."""
BY_ACTIVITY = {"today": {"period": "eve", "activity": "clinic"}, "tomorrow": {"period": "am"}}
"""Naming an activity: the general form, two indicators a day."""


def _rule_size(data: dict[str, Any]) -> int:
    """Constraints the rule adds when built without a deadline."""
    built = RosterModel(prepare(instance(data)), BuildOptions())
    counts: list[int] = []
    original = built._add_forbidden_successions

    def counted() -> None:
        counts.append(len(built.model.proto.constraints))
        original()
        counts.append(len(built.model.proto.constraints))

    built._add_forbidden_successions = counted  # type: ignore[method-assign]
    built.build()
    return counts[1] - counts[0]


@pytest.mark.parametrize("succession", [BY_PERIOD, BY_ACTIVITY], ids=["by-period", "by-activity"])
def test_deadline_stops_inside_forbidden_successions(succession: dict[str, Any]) -> None:
    """The clock passes the deadline as the rule starts: the build gives up inside it, before
    its first specialist's constraints, and never reaches the next rule (`day_off`). The old
    build finished the rule (all its constraints) and `day_off` before looking at the clock."""
    data = fortnight(succession)
    assert _rule_size(data) > 0
    clock = FakeClock()
    built = RosterModel(prepare(instance(data)), BuildOptions(deadline=DEADLINE, clock=clock))
    original = built._add_forbidden_successions
    entered: list[int] = []
    later: list[str] = []

    def late_start() -> None:
        clock.now = DEADLINE + 1
        entered.append(len(built.model.proto.constraints))
        original()

    built._add_forbidden_successions = late_start  # type: ignore[method-assign]
    built._add_day_off = lambda: later.append("day_off")  # type: ignore[method-assign]
    with pytest.raises(BuildTimeoutError):
        built.build()
    assert entered, "the clock never reached the rule"
    assert len(built.model.proto.constraints) == entered[0]
    assert later == []


def test_no_deadline_passed_builds_everything() -> None:
    """Before the deadline on the fake clock, the same build completes."""
    clock = FakeClock()
    built = RosterModel(prepare(instance(fortnight(BY_PERIOD))), BuildOptions(deadline=DEADLINE, clock=clock))
    assert built.build().n_patterns > 0


def test_deadline_checked_once_per_specialist_in_rest() -> None:
    """`rest` (each specialist's days against the next) also looks at the clock per specialist:
    the clock passing the deadline after the first look stops it before a second specialist."""
    clock = FakeClock()
    data = fortnight(BY_PERIOD)
    data["rules"]["min_rest_minutes"] = 11 * 60  # eve ends 22:30, am starts 08:00: 9.5 h
    built = RosterModel(prepare(instance(data)), BuildOptions(deadline=DEADLINE, clock=clock))
    original = built._add_rest
    sizes: list[int] = []

    def rest() -> None:
        sizes.append(len(built.model.proto.constraints))
        clock.now = DEADLINE + 1
        original()

    built._add_rest = rest  # type: ignore[method-assign]
    with pytest.raises(BuildTimeoutError):
        built.build()
    assert len(built.model.proto.constraints) == sizes[0]
