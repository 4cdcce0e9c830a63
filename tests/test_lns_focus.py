"""Neighbourhoods for large instances (solve/lns_focus.py, solve/lns_choice.py): their kinds
and sizes, and the `fair` kind's people: the specialists whose burden sets the fairness term,
with people who could take their sessions."""

from __future__ import annotations

import random

from test_lns import _any_roster

from outreach_opt.check.context import Context
from outreach_opt.check.sharing import scaled_burdens
from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns_choice import KINDS, Neighbourhoods
from outreach_opt.solve.lns_focus import FOCUS_FROM_SPECIALISTS, LARGE_UNITS, FairFocus, fair_people
from outreach_opt.solve.outcome import Status, read_roster
from outreach_opt.solve.sub_model import values_of

# Scaled burdens of six sharers: total 200, mean 33.3; a and b above it (n B - T: 400, 160).
BURDEN = {"a": 100, "b": 60, "c": 0, "d": 10, "e": 30, "f": 0}
SERVED = {"a": {"far"}, "b": {"near"}}
ABLE = {"far": ["a", "c", "d", "b", "g"], "near": ["b", "e", "f"]}


def _served(spec: str) -> set[str]:
    return SERVED.get(spec, set())


def test_fair_people_are_the_heaviest_with_people_below_the_mean_who_could_take_their_sessions() -> None:
    """A third drawn above the mean (never c-f, below it), the rest from the candidates of
    what the heavy ones serve, those below the mean first (g shares no outreach: below)."""
    seen = set()
    for seed in range(40):
        people = fair_people(3, BURDEN, _served, ABLE, random.Random(seed))
        heavy, rest = people[0], people[1:]
        seen.add(heavy)
        assert heavy in {"a", "b"}
        assert len(rest) == 2 and heavy not in rest
        below = {"a": {"c", "d", "g"}, "b": {"e", "f"}}[heavy]
        assert set(rest) <= below
    assert seen == {"a", "b"}  # drawn by weight, not always the heaviest


def test_fair_people_fill_with_candidates_above_the_mean_and_stop_when_none_is_left() -> None:
    people = fair_people(9, BURDEN, _served, ABLE, random.Random(0))
    assert set(people[:2]) == {"a", "b"}  # a third of 9, but only two are above the mean
    assert set(people) == {"a", "b", "c", "d", "g", "e", "f"}  # every candidate of far and near
    assert fair_people(3, dict.fromkeys("abc", 5), _served, ABLE, random.Random(0)) == []  # all equal


def test_large_instances_get_small_neighbourhoods_and_the_fair_kind() -> None:
    """From `FOCUS_FROM_SPECIALISTS` on: `specialists`, `block` and `fair`, each freeing about
    `LARGE_UNITS` specialist-days; below it the kinds measured on smaller instances, unchanged."""
    big = [f"s{i:03d}" for i in range(300)]
    hoods = Neighbourhoods.sized(big, 7, random.Random(0), fair=True)
    assert list(hoods.size) == ["specialists", "block", "fair"]
    heavy = ["s007", "s100", "s200"]
    for _ in range(6):
        kind, free = hoods.next([], None, lambda k, rng: heavy[:1] + big[300 - k + 1 :])
        assert abs(len(free) - LARGE_UNITS) <= 10
        if kind == "fair":
            assert {t for s, t in free if s == "s007"} == set(range(7))
    assert list(Neighbourhoods.sized(big, 7, random.Random(0), fair=False).size) == ["specialists", "block"]
    small = big[: FOCUS_FROM_SPECIALISTS - 1]
    assert Neighbourhoods.sized(small, 7, random.Random(0), fair=True).size == KINDS


def test_fair_focus_reads_each_burden_from_the_roster_as_the_checker_does() -> None:
    """On a built model and a roster of it, with room for every heavy sharer: the `fair`
    kind's heavy people are exactly the sharers the independent checker finds above the mean."""
    inst = instance_from_data(generate(20, 6, 1, 2), "focus")
    built = RosterModel(prepare(inst)).build()
    solver = _any_roster(built)
    roster = read_roster(built, solver, Status.FEASIBLE, 0, 0)
    burden = scaled_burdens(Context.of(inst), roster.assignments)
    n, total = len(burden), sum(burden.values())
    above = {s for s, b in burden.items() if n * b > total}
    assert above and len(above) < n
    focus = FairFocus.of(built)
    assert focus is not None
    people = focus.people(values_of(solver), 3 * len(above), random.Random(0))
    assert set(people[: len(above)]) == above
