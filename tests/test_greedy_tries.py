"""Which target tries the greedy roster runs (solve/greedy.py): a share past one that lost is
not tried (`_past_a_loser`), nor a try the time left cannot hold (`_time_for_a_try`), and the
best try's moves go on only when its last round paid (`_tail_pays`). The tries are stand-ins
with chosen objectives and a clock that only they advance, so what is checked is the order
of tries, not a timing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import greedy
from outreach_opt.solve.builder import RosterModel


@dataclass
class _Clock:
    """perf_counter for solve/greedy.py: moves only when a stand-in try takes its seconds."""

    now: float = 1000.0

    def perf_counter(self) -> float:
        return self.now


@dataclass
class _Try:
    """A finished try's stand-in: its objective, settled, the roster it was built from."""

    value: int
    roster: Any
    settled: bool = True
    stalled_gain: int | None = None
    sorted: list[bool] = field(default_factory=list)

    def objective(self) -> int:
        return self.value

    def sort_interchangeable(self) -> None:
        self.sorted.append(True)


def _tries(
    monkeypatch: pytest.MonkeyPatch,
    objectives: dict[float, int],
    seconds: float,
    window: float,
    stalled_gain: int | None = None,
    tails: list[int] | None = None,
) -> list[float]:
    """The target shares `greedy_roster` tries on a generated 12 x 4 instance (which has the
    fairness term), each try taking `seconds` on the clock, with `window` seconds to improve;
    each try stopped by its stall after a last round gaining `stalled_gain` (settled when
    None). The best try's moves to the end append its objective to `tails`."""
    built = RosterModel(prepare(instance_from_data(generate(12, 4, 1, seed=3), "generated"))).build()
    clock = _Clock()
    monkeypatch.setattr(greedy, "time", clock)
    shares: list[float] = []

    def towards(built: Any, tasks: Any, cands_of: Any, target: int, until: float) -> _Try:
        share = next(s for s in greedy.TARGET_SHARES if round(s * total[0]) == target)
        shares.append(share)
        clock.now += seconds
        return _Try(objectives[share], None, stalled_gain is None, stalled_gain)

    def improved(state: _Try, *args: Any, **kwargs: Any) -> _Try:
        assert tails is not None, "the best try's moves went on"
        tails.append(state.value)
        state.settled = True
        return state

    total: list[int] = []
    real_filled = greedy._filled

    def filled(*args: Any, **kwargs: Any) -> Any:
        state = real_filled(*args, **kwargs)
        total.append(sum(state.burden.values()))
        return state

    monkeypatch.setattr(greedy, "_filled", filled)
    monkeypatch.setattr(greedy, "_towards", towards)
    monkeypatch.setattr(greedy, "_improved", improved)
    monkeypatch.setattr(greedy, "TARGET_SHARES", (0.6, 0.5, 0.7))
    greedy.greedy_roster(built, clock.now + window)
    return shares


def test_a_share_past_a_loser_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    """0.5 beat 0.6: the best total lies low, 0.7 is not tried; 0.6 beat 0.5: it is."""
    assert _tries(monkeypatch, {0.6: 5_754_762, 0.5: 5_674_255, 0.7: 1}, 1.0, 100.0) == [0.6, 0.5]
    monkeypatch.undo()
    assert _tries(monkeypatch, {0.6: 6_017_622, 0.5: 6_043_142, 0.7: 1}, 1.0, 100.0) == [0.6, 0.5, 0.7]


def test_no_try_the_time_left_cannot_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tries of 8 s in 12 s: the second would be cut by the deadline, so it is not started;
    in 30 s (22 s left) it would end but leave its moves less than twice its time, short of
    the `NEXT_TRY_ROOM` (3 x 8 s), so it is not started either; in 35 s (27 s left) it is."""
    assert greedy.NEXT_TRY_ROOM == 3.0
    assert _tries(monkeypatch, {0.6: 2, 0.5: 1, 0.7: 3}, 8.0, 12.0) == [0.6]
    monkeypatch.undo()
    assert _tries(monkeypatch, {0.6: 2, 0.5: 1, 0.7: 3}, 8.0, 30.0) == [0.6]
    monkeypatch.undo()
    assert _tries(monkeypatch, {0.6: 2, 0.5: 1, 0.7: 3}, 8.0, 35.0) == [0.6, 0.5]


def test_the_best_try_moves_on_only_after_a_round_that_paid(monkeypatch: pytest.MonkeyPatch) -> None:
    """The best try (0.5, 5,674,255) stopped by its stall after a round that gained 195, under
    `TAIL_SHARE` of it: its moves do not go on; after a round that gained 10,000 they do."""
    objectives = {0.6: 5_754_762, 0.5: 5_674_255, 0.7: 1}
    tails: list[int] = []
    assert _tries(monkeypatch, objectives, 1.0, 100.0, stalled_gain=195, tails=tails) == [0.6, 0.5]
    assert tails == []
    monkeypatch.undo()
    assert _tries(monkeypatch, objectives, 1.0, 100.0, stalled_gain=10_000, tails=tails) == [0.6, 0.5]
    assert tails == [5_674_255]


@pytest.mark.parametrize(
    ("share", "tried", "past"),
    [
        (0.7, {0.6: 10, 0.5: 9}, True),
        (0.7, {0.6: 9, 0.5: 10}, False),
        (0.4, {0.6: 9, 0.5: 10}, True),
        (0.5, {0.6: 9}, False),
        (0.6, {}, False),
    ],
)
def test_past_a_loser(share: float, tried: dict[float, int], past: bool) -> None:
    """A share is past a loser when a tried share lies between it and the best tried."""
    assert greedy._past_a_loser(share, tried) is past
