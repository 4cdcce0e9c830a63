"""When the greedy roster's chain moves run (solve/greedy_moves.py `CHAINS_SOON`): after a
pass of single moves that made none, or, turned on, after one that gained little."""

from __future__ import annotations

import logging
import time

import pytest
from test_greedy_improve import _filled
from test_greedy_swaps import _checked

from outreach_opt.solve import greedy_moves


def _passes_before_chains(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, soon: float) -> list[int]:
    """The moves of the single-move pass just before each pass of chains, read from the
    moves' debug lines, with `CHAINS_SOON` at `soon`; the roster settles and is checked."""
    monkeypatch.setattr(greedy_moves, "CHAINS_SOON", soon)
    state, cands_of = _filled(20, 6, 2)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="outreach_opt.solve"):
        state.improve(cands_of, time.perf_counter() + 60)
    before: list[int] = []
    last: int | None = None
    for record in caplog.records:
        message = record.getMessage()
        if message.startswith("single moves: "):
            last = int(message.split()[2])
        elif message.startswith("chain moves: ") and last is not None:
            before.append(last)
    assert state.settled
    _checked(state)
    return before


def test_chains_come_after_a_pass_that_gained_little(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off (0), chains run only after a pass of single moves that made none; at 1 (every
    pass gains less than the whole objective) right after the first pass that made some."""
    off = _passes_before_chains(caplog, monkeypatch, 0.0)
    assert off and all(made == 0 for made in off)
    soon = _passes_before_chains(caplog, monkeypatch, 1.0)
    assert soon and soon[0] > 0
