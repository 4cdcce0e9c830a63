"""The greedy's bookkeeping for speed (solve/greedy_state.py `levels`, solve/greedy_moves.py
`move_key`): the burden levels give the fairness terms every sharer's sum gives, and a
session whose single moves failed under a `move_key` fails again under an equal one, so
skipping it changes no roster, only the time the passes take."""

from __future__ import annotations

import random
import time
from collections import Counter

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_greedy_improve import _shuffle
from test_greedy_swaps import _checked, _state

from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import greedy, greedy_moves
from outreach_opt.solve.greedy_chains import serving_order
from outreach_opt.solve.greedy_moves import Greedy
from outreach_opt.solve.greedy_state import _level

CandsOf = dict[tuple[str, int], list]


def _generated(specialists: int, sites: int, weeks: int, seed: int, extra: set[str]) -> tuple[Greedy, CandsOf]:
    """A greedy fill of a generated instance, with rules drawn on top that the moves read
    from other specialists' sessions: one clinic room at every site (`capacity`; where the
    commitments fill a slot already, that slot never changes a key), at most two specialists
    per demand (`max_specialists`); and a large `fairness_max` weight (`fairness_max`), which
    puts every burden in the key whatever the target (in the same-roster test; not drawn by the
    property test below: with one clinic room a drawn fill can serve nothing, which its
    shuffle cannot take)."""
    data = generate(specialists, sites, weeks, seed=seed)
    for site in data["sites"]:
        if "capacity" in extra and site["resources"].get("clinic_room", 0) > 1:
            site["resources"]["clinic_room"] = 1
    for dem in data["demands"]:
        if "max_specialists" in extra:
            dem["max_specialists"] = 2
    if "fairness_max" in extra:
        data["weights"]["fairness_max"] = 500
    start, cands_of = _state(instance_from_data(data, "generated"))
    state = greedy._filled(start.built, greedy._tasks(start.built))
    assert state is not None
    return state, cands_of


def _naive_fairness(state: Greedy) -> int:
    n, total = len(state.burden), state.fairness_total()
    deviation = sum(abs(n * b - total) for b in state.burden.values())
    return state.weights.fairness_deviation * deviation + state.weights.fairness_max * max(state.burden.values())


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(1, 60),
    weeks=st.integers(1, 2),
    extra=st.sets(st.sampled_from(["capacity", "max_specialists"])),
    shuffle=st.integers(0, 2**16),
    target=st.sampled_from([None, 0.5, 0.6]),
)
def test_a_failed_move_fails_again_under_an_equal_key(
    seed: int, weeks: int, extra: set[str], shuffle: int, target: float | None
) -> None:
    """After random moves, passes of single moves over every session, as `improve` makes
    them but trying every one: a session whose moves failed under a `move_key` and has an
    equal key again (other sessions' moves in between) still has no single move (`_move`,
    `_drop_extra` both fail). The burden levels match the burdens after the moves."""
    state, cands_of = _generated(16, 6, weeks, seed, extra)
    if target is not None:
        state.target = round(target * state.burden_total)
    _shuffle(state, cands_of, random.Random(shuffle), 20)
    failed: dict = {}
    same = 0
    for _ in range(4):
        for cand in sorted(state.roster.served - state.pinned, key=serving_order):
            if cand not in state.roster.served:
                continue
            key = (cand.demand, state.prep.week[cand.day])
            seen = state.move_key(key, cands_of[key])
            moved = state._move(cand, cands_of[key]) or state._drop_extra(cand)
            if failed.get(cand) == seen:
                assert not moved, cand
                same += 1
            if not moved:
                failed[cand] = seen
                assert state.move_key(key, cands_of[key]) == seen  # a failed try leaves the roster as it was
    assert state.levels == Counter(state.burden.values())
    assert state.levels_key == sum(_level(b, k) for b, k in state.levels.items())
    assert state.fairness_cost() == _naive_fairness(state)
    # The claim was put to the test: an example where no session met an equal key again
    # (seed=28, weeks=1, no extra, shuffle=1: it happens) is discarded, not passed; should
    # every example be, hypothesis fails the test as unsatisfiable.
    assume(same > 0)


def test_skips_give_the_same_roster_with_fewer_tries(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """20 specialists x 6 sites, 2 weeks: a fill's moves run to their end (a generous
    deadline: time decides nothing) with and without the skips and the kept prices make the
    same roster, which the checker accepts at the greedy's objective, and the skips leave
    tries out."""
    assert _same_roster_tries(monkeypatch, set()) == "fewer"
    # with `fairness_max` every burden is in the key: the same roster, skips seldom (here none)
    assert _same_roster_tries(monkeypatch, {"fairness_max"}) in ("fewer", "as many")


def _same_roster_tries(monkeypatch, extra: set[str]) -> str:  # type: ignore[no-untyped-def]
    """With and without skips and kept prices: asserts the same checked roster; whether the
    skips left tries out."""
    rosters, tries = [], []
    for skip in (False, True):
        monkeypatch.setattr(greedy_moves, "SKIP_UNCHANGED", skip)
        monkeypatch.setattr(greedy_moves, "KEEP_PRICES", skip)
        state, cands_of = _generated(20, 6, 2, 3, extra)
        counted = Counter[str]()
        move = state._move

        def counting(cand, cands, move=move, counted=counted):  # type: ignore[no-untyped-def]
            counted["tries"] += 1
            return move(cand, cands)

        state._move = counting  # type: ignore[method-assign]
        state.improve(cands_of, time.perf_counter() + 600)
        assert state.settled
        offset = _checked(state) - state.objective()
        rosters.append((sorted(map(serving_order, state.roster.served)), sorted(state.roster.chosen.items()), offset))
        tries.append(counted["tries"])
    assert rosters[0] == rosters[1]
    assert tries[1] <= tries[0]
    return "fewer" if tries[1] < tries[0] else "as many"


@settings(max_examples=5, deadline=None)
@given(
    seed=st.integers(1, 60),
    extra=st.sets(st.sampled_from(["capacity", "max_specialists"])),
    shuffle=st.integers(0, 2**16),
    target=st.sampled_from([None, 0.5]),
)
def test_kept_prices_choose_as_fresh_ones(seed: int, extra: set[str], shuffle: int, target: float | None) -> None:
    """`_cheapest` with the prices kept from before some random moves (`_own_prices`)
    chooses what it chooses with none kept, for every demand-week and threshold, and the
    kept prices that are used are the fresh ones."""
    state, cands_of = _generated(16, 6, 1, seed, extra)
    if target is not None:
        state.target = round(target * state.burden_total)
    rng = random.Random(shuffle)
    for cands in cands_of.values():
        state._cheapest(cands, below=1 << 40)  # prices kept
    _shuffle(state, cands_of, rng, 5)
    compared = 0
    for key in sorted(cands_of):
        for below in (0, 1 << 40):
            kept = state._cheapest(cands_of[key], below=below)
            prices, state._own_prices = state._own_prices, {}
            fresh = state._cheapest(cands_of[key], below=below)
            for cand, price in state._own_prices.items():
                if prices.get(cand, price)[:2] == price[:2]:
                    assert prices[cand] == price
                    compared += 1
            state._own_prices = prices
            assert kept == fresh
    assert compared > 0
