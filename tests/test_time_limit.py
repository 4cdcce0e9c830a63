"""The time limit covers building (issue 9: solve returns within its limit plus 2 s)."""

from __future__ import annotations

import time

import pytest
from support import INSTANCES

from outreach_opt.domain.prepared import prepare
from outreach_opt.io.load import load_instance
from outreach_opt.solve.builder import BuildOptions, BuildTimeoutError, RosterModel
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import solve


def test_build_gives_up_past_its_deadline() -> None:
    """A model not built by the deadline is abandoned, not finished late."""
    prep = prepare(load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml")))
    with pytest.raises(BuildTimeoutError):
        RosterModel(prep, BuildOptions(deadline=time.perf_counter() - 1)).build()


def test_solve_returns_within_its_limit() -> None:
    """The four-week sample (not proven in 3 s) comes back with a roster within 3 s + 2 s,
    build, greedy roster and reading back included."""
    inst = load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml"))
    started = time.perf_counter()
    result = solve(inst, SolveOptions(time_limit=3, workers=2))
    assert time.perf_counter() - started < 3 + 2
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL)
