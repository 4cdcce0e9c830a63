"""The `weekends` neighbourhood kind (solve/lns_choice.py `WEEKENDS`): a few people freed on
every weekend with its Friday and Monday, only where `max_weekends` binds someone; a search of
that kind alone keeps its rosters valid at the checker's cost and mends what it can."""

from __future__ import annotations

import random
import time

import pytest
from support import EXAMPLE, SHARED
from test_lns import _any_roster, _one_worker, _only

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.io.load import load_instance
from outreach_opt.solve import lns, lns_choice
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns import Found, Neighbourhoods, Search, breakdown
from outreach_opt.solve.lns_choice import weekend_days
from outreach_opt.solve.outcome import Status, read_roster

FOUR_WEEKENDS = [[5, 6], [12, 13], [19, 20], [26, 27]]
CQ = SHARED / "benchmarks" / "curtois-qu"


def test_the_kind_frees_a_few_people_on_every_weekend_with_its_friday_and_monday() -> None:
    people = [f"p{i}" for i in range(10)]
    hoods = Neighbourhoods(people, 28, random.Random(0), size={"weekends": 0.2}, weekends=FOUR_WEEKENDS)
    kind, free = hoods.next([("p7", 12)])
    assert kind == "weekends"
    freed = {s for s, _ in free}
    assert len(freed) == 2 and "p7" in freed  # half of them drawn from the people who could mend a shortage
    around = {4, 5, 6, 7, 11, 12, 13, 14, 18, 19, 20, 21, 25, 26, 27}  # no day 28: the horizon ends
    assert free == {(s, t) for s in freed for t in around}


def test_the_kind_takes_its_turn_only_where_weekends_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """`weekend_days` gives the weekends only when someone may work fewer than there are;
    `sized` adds the kind then, below the large instances' size, and not with `WEEKENDS` 0."""
    binding = prepare(load_curtois_qu(str(CQ / "Instance1.txt")))  # at most 1 of its 2 weekends each
    assert weekend_days(binding) == binding.weekends
    assert len(binding.weekends) == 2
    assert weekend_days(prepare(load_instance(str(EXAMPLE)))) == []  # no max_weekends
    rng = random.Random(0)
    small = Neighbourhoods.sized(["a", "b"], 14, rng, False, binding.weekends)
    assert small.size["weekends"] == lns_choice.WEEKENDS
    assert "weekends" not in Neighbourhoods.sized(["a", "b"], 14, rng, False, []).size
    large = Neighbourhoods.sized([f"s{i}" for i in range(200)], 14, rng, False, binding.weekends)
    assert "weekends" not in large.size
    monkeypatch.setattr(lns_choice, "WEEKENDS", 0.0)
    assert "weekends" not in Neighbourhoods.sized(["a", "b"], 14, rng, False, binding.weekends).size


def test_weekends_alone_mend_a_poor_roster_and_stay_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Curtois & Qu Instance1 (8 people, two weekends, one each): from a roster found with the
    objective dropped, neighbourhoods of the `weekends` kind only lower the cost, and the
    roster they return is one the checker accepts at that cost."""
    monkeypatch.setattr(lns, "Neighbourhoods", _only("weekends"))
    inst = load_curtois_qu(str(CQ / "Instance1.txt"))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, _one_worker, seed=0)
    start = _any_roster(built)
    before = search.cost(start)
    found = search.improve(Found(start, before), deadline=time.perf_counter() + 2)
    assert found.objective < before
    report = check_roster(inst, read_roster(built, found.solver, Status.FEASIBLE, found.objective, 0))
    assert report.violations == [] and report.objective == found.objective
    assert breakdown(built, found.solver) == {name: report.breakdown[name] for name in built.terms}
