"""Chain moves of the greedy roster (solve/greedy_chains.py): a burden point passes from a
sharer above the mean through a second specialist to one below it, where no single move of
one session pays."""

from __future__ import annotations

import time
from collections import defaultdict

from support import base, demand, instance, optimum, specialist
from test_first_roster import _Decisions

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import Candidate, prepare
from outreach_opt.solve import greedy_chains
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.first_roster import commitments_only
from outreach_opt.solve.greedy_moves import Greedy
from outreach_opt.solve.outcome import Status, read_roster


def _three() -> dict:
    """a alone can serve `solo` (far), a or x `mid` (far), x or z `low` (near); one session each.
    Served as a: solo + mid, x: low, the burdens are 2, 1, 0 (fairness |6-3| + 0 + |0-3|
    = 600 at factor 100); no single move changes that (a's `mid` to x: 1, 2, 0; x's `low` to
    z: 2, 0, 1), but `mid` to x and `low` on to z makes them 1, 1, 1 (fairness 0) for 80
    minutes more driving (x to far and back instead of near)."""
    people = [
        specialist("a", skills=["clinic", "solo", "mid"]),
        specialist("x", skills=["clinic", "mid", "low"]),
        specialist("z", skills=["clinic", "low"]),
    ]
    demands = [
        demand("solo", "far", skills=["solo"]),
        demand("mid", "far", skills=["mid"]),
        demand("low", "near", skills=["low"]),
    ]
    data = base(specialists=people, demands=demands)
    data["weights"]["fairness_deviation"] = 1
    return data


def _state(data: dict) -> tuple[Greedy, dict[tuple[str, int], list[Candidate]]]:
    built = RosterModel(prepare(instance(data))).build()
    start = commitments_only(built)
    assert start is not None
    state = Greedy(built, start)
    cands_of: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for cand in built.x:
        cands_of[(cand.demand, 0)].append(cand)
    for who, what, period in (("a", "solo", 0), ("a", "mid", 1), ("x", "low", 0)):
        cand = next(c for c in built.x if (c.specialist, c.demand, c.period) == (who, what, period))
        index = state._allowed(cand)
        assert index is not None
        state._apply(cand, index)
    return state, cands_of


def test_a_chain_passes_a_point_where_no_single_move_does() -> None:
    data = _three()
    state, cands_of = _state(data)
    before = state.objective()
    assert state.fairness_cost() == 600
    for cand in sorted(state.roster.served, key=lambda c: c.demand):
        assert not state._move(cand, cands_of[(cand.demand, 0)])
    assert state.objective() == before
    assert state.chains(cands_of, time.perf_counter() + 10) == 1
    assert {(c.specialist, c.demand) for c in state.roster.served} == {("a", "solo"), ("x", "mid"), ("z", "low")}
    assert state.fairness_cost() == 0
    assert state.objective() == before - 600 + 80
    roster = state.roster
    built = state.built
    chosen = {built.days[key][k][1].index for key, k in roster.chosen.items()} | {
        built.x[c].index for c in roster.served
    }
    report = check_roster(instance(data), read_roster(built, _Decisions(chosen), Status.FEASIBLE, 0, 0))  # type: ignore[arg-type]
    assert report.violations == []
    assert report.objective == optimum(data)


def test_no_chain_without_fairness() -> None:
    data = _three()
    data["weights"]["fairness_deviation"] = 0
    state, cands_of = _state(data)
    assert state.chains(cands_of, time.perf_counter() + 10) == 0
    assert {(c.specialist, c.demand) for c in state.roster.served} == {("a", "solo"), ("a", "mid"), ("x", "low")}


def test_a_chain_makes_room_under_the_weekly_outreach_limit(monkeypatch) -> None:
    """As `_three`, x allowed one outreach session a week: x cannot take `mid` while holding
    `low`, so the chain of the test above cannot start (x takes, then passes on). Handing `low`
    to z first makes the room (`_make_room`): 1, 1, 1 as before. Without it no chain is made."""
    data = _three()
    data["specialists"][1]["max_outreach_sessions_per_week"] = 1
    monkeypatch.setattr(greedy_chains, "ROOM", False)
    state, cands_of = _state(data)
    assert state.chains(cands_of, time.perf_counter() + 10) == 0
    monkeypatch.setattr(greedy_chains, "ROOM", True)
    state, cands_of = _state(data)
    before = state.objective()
    assert state.fairness_cost() == 600
    assert state.chains(cands_of, time.perf_counter() + 10) == 1
    assert {(c.specialist, c.demand) for c in state.roster.served} == {("a", "solo"), ("x", "mid"), ("z", "low")}
    assert state.objective() == before - 600 + 80
    built = state.built
    chosen = {built.days[key][k][1].index for key, k in state.roster.chosen.items()} | {
        built.x[c].index for c in state.roster.served
    }
    report = check_roster(instance(data), read_roster(built, _Decisions(chosen), Status.FEASIBLE, 0, 0))  # type: ignore[arg-type]
    assert report.violations == []
    assert report.objective == optimum(data)
