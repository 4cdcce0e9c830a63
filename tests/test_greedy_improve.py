"""How the greedy roster's moves are run (solve/greedy_moves.py, greedy_chains.py): the chain
moves' remembered hand-overs (`_handoffs`) stay priced exactly as a fresh look prices them,
after random changes and after chains are made; a try stopped early (`stall`) moves on from
where it stopped, never dearer."""

from __future__ import annotations

import random
import time
from collections import defaultdict

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from outreach_opt.domain.prepared import Candidate, prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import greedy
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.greedy_chains import Chain
from outreach_opt.solve.greedy_moves import Greedy

CandsOf = dict[tuple[str, int], list[Candidate]]


def _filled(specialists: int, sites: int, seed: int) -> tuple[Greedy, CandsOf]:
    inst = instance_from_data(generate(specialists, sites, 1, seed=seed), "generated")
    built = RosterModel(prepare(inst)).build()
    state = greedy._filled(built, greedy._tasks(built))
    assert state is not None
    cands_of: CandsOf = defaultdict(list)
    for cand in built.x:
        if not built.prep.demands[cand.demand].team:
            cands_of[(cand.demand, built.prep.week[cand.day])].append(cand)
    return state, cands_of


def _shuffle(state: Greedy, cands_of: CandsOf, rng: random.Random, steps: int) -> int:
    """Move random served sessions to random allowed candidates of their demand-week (any
    cost): a roster the moves did not choose. Returns the moves made."""
    made = 0
    for _ in range(steps):
        cand = rng.choice(sorted(state.roster.served - state.pinned, key=str))
        lifted = state._removable(cand)
        if lifted is None:
            continue
        back = state.roster.chosen[(cand.specialist, cand.day)]
        state._remove(cand, lifted)
        others = [c for c in cands_of[(cand.demand, state.prep.week[cand.day])] if c != cand]
        other = rng.choice(others) if others else None
        index = None if other is None else state._allowed(other)
        if other is not None and index is not None:
            state._apply(other, index)
            made += 1
        else:
            state._apply(cand, back)
    return made


def _fresh(state: Greedy, key: tuple[str, bool], cands_of: CandsOf, by_spec: dict[str, list[Candidate]]) -> dict:
    """The hand-overs of `key` (taker, anyone) as a fresh look at the roster prices them:
    (own, alt) -> (price, index)."""
    taker, anyone = key
    remembered = state._handoffs.pop(key, None)
    start = Chain(dict(state.burden), state._handoffs_total, state.spent, state.spent + state.fairness_cost())
    fresh = {
        (own, alt): (price, index)
        for own, ways in state._handoffs_of(taker, None, start, cands_of, by_spec, anyone)
        for price, alt, index in ways
    }
    if remembered is not None:
        state._handoffs[key] = remembered
    return fresh


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(1, 40), shuffle=st.integers(0, 2**16))
def test_remembered_handoffs_are_priced_as_a_fresh_look_prices_them(seed: int, shuffle: int) -> None:
    """After random moves, a hand-over's remembered price equals `_priced` of the receiver's
    change recomputed with the taker's session lifted, and its pattern is `_allowed`'s; after
    a pass of chains, every hand-over still remembered (not dropped for a chain made) is
    priced as a fresh look at the changed roster prices it, with `T` as the pass began."""
    state, cands_of = _filled(12, 4, seed)
    rng = random.Random(shuffle)
    _shuffle(state, cands_of, rng, 30)
    by_spec = state.begin_chains(cands_of)
    start = Chain(dict(state.burden), state.fairness_total(), state.spent, state.spent + state.fairness_cost())
    checked = 0
    for taker in sorted(state.sharers):
        for own, ways in state._handoffs_of(taker, None, start, cands_of, by_spec):
            lifted = state._removable(own)
            assert lifted is not None
            back = state.roster.chosen[(taker, own.day)]
            state._remove(own, lifted)
            for price, alt, index in ways:
                assert state._allowed(alt) == index
                after = state._burden_if(alt.specialist, alt.day, index)
                spent = state.spent + state._local_cost(alt, index)
                assert price == state._priced(start, {alt.specialist: after}, spent) - (state.spent - start.spent)
                checked += 1
            state._apply(own, back)
    assert state.burden == start.burden and state.spent == start.spent  # lifting and putting back is exact
    # a draw may offer no hand-over at all (seed 31, shuffle 350): nothing to price, so it is
    # discarded; were all discarded, hypothesis fails the test as unsatisfiable
    assume(checked > 0)
    state.chains(cands_of, time.perf_counter() + 30)
    by_spec = defaultdict(list)
    for cand in state.roster.served - state.pinned:
        by_spec[cand.specialist].append(cand)
    # a pass may end remembering no hand-over at all (a third of these small draws): nothing to compare then
    assume(any(listed for ways in state._handoffs.values() for _, listed in ways))
    compared = 0
    for key, ways in list(state._handoffs.items()):
        fresh = _fresh(state, key, cands_of, by_spec)
        for own, listed in ways:
            for price, alt, index in listed:
                if (own, alt) in fresh:  # a hand-over no longer allowed is checked again before use
                    assert fresh[(own, alt)] == (price, index)
                    compared += 1
    assert compared > 0  # the remembered hand-overs after chains were compared, not skipped


def test_a_stalled_try_moves_on_never_dearer() -> None:
    """With `stall` 1 (any round gains less than the whole objective) the moves stop after
    their first round of chains, not settled; moved on without it they end settled, and the
    objective falls at each step."""
    state, cands_of = _filled(12, 4, 3)
    filled = state.objective()
    state.improve(cands_of, time.perf_counter() + 30, stall=1.0)
    stalled = state.objective()
    assert stalled < filled
    assert not state.settled
    assert state.stalled_gain is not None and 0 < state.stalled_gain <= filled - stalled
    state.improve(cands_of, time.perf_counter() + 30)
    assert state.settled and state.stalled_gain is None
    assert state.objective() <= stalled
    settled = state.objective()
    assert state.improve(cands_of, time.perf_counter() + 30) == 0
    assert state.objective() == settled
