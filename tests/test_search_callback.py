"""The whole-model search's callback (solve/search_run.py `SearchCallback`) prices each roster
from its own values, never from CP-SAT's `objective_value`, which was seen above the roster's
cost (the four-week sample: 265980 reported for a roster of 251980)."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model
from support import EXAMPLE

from outreach_opt.domain.prepared import prepare
from outreach_opt.io.load import load_instance
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Progress
from outreach_opt.solve.search_run import SearchCallback
from outreach_opt.solve.sub_model import Terms, values_of

OFFSET = 1000
"""Added to the objective CP-SAT minimises and not to the terms: a stand-in for an
`objective_value` that is not the sum of the roster's terms."""


def test_each_roster_is_priced_from_its_values_not_from_cp_sats_objective() -> None:
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    terms = Terms(built.terms)
    built.model.minimize(sum(built.terms.values()) + OFFSET)
    heard: list[Progress] = []
    restarts: list[int] = []

    def restart(objective: int, bound: float) -> bool:
        restarts.append(objective)
        return False

    callback = SearchCallback(heard.append, time.perf_counter(), terms, restart)
    solver = configured_solver(SolveOptions(workers=1), remaining=10.0)
    code = solver.solve(built.model, callback)

    assert code == cp_model.OPTIMAL
    cost = sum(terms.read(values_of(solver)).values())
    assert round(solver.objective_value) == cost + OFFSET
    rosters = [p.objective for p in heard if p.objective is not None]
    assert rosters and rosters[-1] == cost == callback.objective
    assert restarts == rosters  # the window's restart is asked at the same cost
    assert callback.values is not None and sum(terms.read(callback.values).values()) == cost
