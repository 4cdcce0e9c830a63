"""The suite's peers on an instance too large to model whole (solve/peers.py `engine_prep`):
they solve the engine's own shortlisted model, as the engine does, rather than building a
whole model that no limit would see finished; and, like the engine's restricted solve, they
never claim the shortlist's optimum or bound as the instance's."""

from __future__ import annotations

import pytest

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import shortlist as shortlist_module
from outreach_opt.solve.peers import solve_cpsat_defaults, solve_highs


def _shortlisted(monkeypatch: pytest.MonkeyPatch) -> Instance:
    """S seed 1 (optimum 43544, benchmarks/RESULTS.md) with every model judged too large."""
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    return instance_from_data(generate(20, 6, 1, 1), "S-1")


def test_cpsat_defaults_solves_the_shortlist_and_claims_no_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    inst = _shortlisted(monkeypatch)
    heard: list[int | None] = []
    # 3 s, waited out (not proven): the first roster came at 0.27-0.39 s, load ~4
    roster, out = solve_cpsat_defaults(inst, 3, 2, lambda _t, _objective, bound: heard.append(bound))
    assert out["restricted"] is not None and "specialist-demand pairs" in out["restricted"]
    assert out["status"] == "feasible (restricted model)"
    assert roster is not None, "S-1's shortlisted model has a roster within 3 s (a hint of commitments only)"
    assert out["bound"] is None and roster.bound is None
    assert heard and all(bound is None for bound in heard)
    report = check_roster(inst, roster)
    assert report.violations == []
    assert report.objective == out["solver_objective"] >= 43544


def test_highs_solves_the_shortlist_and_claims_no_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("highspy")  # the bench extra, not the test one
    inst = _shortlisted(monkeypatch)
    roster, out = solve_highs(inst, 60)  # proves the shortlist's optimum in about 5 s
    assert out["restricted"] is not None and out["status"].endswith(" (restricted model)")
    assert out["bound"] is None
    assert roster is not None and roster.bound is None
    report = check_roster(inst, roster)
    assert report.violations == []
    assert report.objective == out["solver_objective"] >= 43544
