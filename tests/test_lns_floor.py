"""Shortages no roster can mend (solve/lns_floor.py) and the neighbourhoods' focus leaving
them out (`Search.short`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from support import SHARED, base, demand, instance, specialist

from outreach_opt.domain.prepared import prepare
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns import Search
from outreach_opt.solve.lns_floor import Floor, period_floors
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.sub_model import Solution


def _week(eve_limits: dict[str, int | None], eve_periods: list[str] | None = None) -> dict[str, Any]:
    """Two days; an evening clinic at near asking 3 sessions, a morning clinic at far asking 1;
    specialists a and b with the evening limits given (None: no limit)."""
    people = [
        specialist(who, **({} if limit is None else {"max_sessions_by_period": {"eve": limit}}))
        for who, limit in eve_limits.items()
    ]
    return base(
        horizon={"start": "2025-10-20", "days": 2},
        specialists=people,
        demands=[
            demand("evening", "near", periods=eve_periods or ["eve"], sessions={"min": 3, "max": 3}),
            demand("morning", "far", periods=["am"]),
        ],
    )


def _built(data: dict[str, Any]) -> RosterModel:
    return RosterModel(prepare(instance(data))).build()


def _floors(data: dict[str, Any]) -> list[Floor]:
    built = _built(data)
    return period_floors(built.prep, built.x, built.uncovered)


def test_a_period_asked_beyond_every_limit_has_a_floor() -> None:
    """3 evening sessions asked, 1 + 1 allowed: at least 1 short in every roster; the morning,
    unlimited, has none."""
    assert _floors(_week({"a": 1, "b": 1})) == [Floor("eve", (("evening", 0),), 1)]
    assert _floors(_week({"a": 2, "b": 1})) == []  # 3 allowed: no floor above 0


def test_no_floor_where_someone_is_unlimited_or_the_demand_has_another_period() -> None:
    assert _floors(_week({"a": 1, "b": None})) == []
    assert _floors(_week({"a": 1, "b": 1}, eve_periods=["eve", "pm"])) == []


def _at(built: RosterModel, short: dict[str, int]) -> Solution:
    """A value vector with only the uncovered counts set (all `Search.short` reads)."""
    values = np.zeros(len(built.model.proto.variables), dtype=np.int64)
    for (demand_id, _w), var in built.uncovered.items():
        values[var.index] = short.get(demand_id, 0)
    return Solution(values, 0.0)


def test_the_focus_leaves_out_a_period_down_to_its_floor() -> None:
    """At the floor (1 evening short) only the morning's candidates are a focus; with 2
    evenings short (one more than any roster must leave) the evening's are again."""
    built = _built(_week({"a": 1, "b": 1}))
    search = Search(built, lambda limit: configured_solver(SolveOptions(workers=1), limit), seed=0)
    evening = {(c.specialist, c.day) for c in built.x if c.demand == "evening"}
    morning = {(c.specialist, c.day) for c in built.x if c.demand == "morning"}
    assert evening and morning
    assert set(search.short(_at(built, {"evening": 1, "morning": 1}))) == morning
    assert set(search.short(_at(built, {"evening": 2, "morning": 1}))) == evening | morning
    assert set(search.short(_at(built, {"evening": 2}))) == evening
    assert search.short(_at(built, {"evening": 1})) == []


def test_curtois_qu_instance8_leaves_twelve_nights_short() -> None:
    """Instance8 asks for 86 night shifts (N) over 28 days; its staff may work 74 between them
    (MaxShifts N: 4 for 16 people, 2 for 4, 1 for 2, 0 for the other 8)."""
    data = load_curtois_qu(str(SHARED / "benchmarks" / "curtois-qu" / "Instance8.txt"))
    built = RosterModel(prepare(data)).build()
    floors = period_floors(built.prep, built.x, built.uncovered)
    assert [(floor.period, len(floor.keys), floor.least) for floor in floors] == [("N", 28, 12)]
