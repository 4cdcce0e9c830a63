"""The benchmark peer `cpsat-plain` (solve/plain_model.py) solves the engine's problem.

Evidence that it is the same problem, not an easier or harder one: every roster it returns
passes the independent checker with the objective it claims, and where both it and the engine
prove optimality their optima are equal. An instance using a rule it does not model is refused.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from support import INSTANCES, base, demand, instance, specialist

from outreach_opt.check.checker import RULES, check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.peers import solve_cpsat_plain
from outreach_opt.solve.plain_model import REFUSED, SUPPORTED, UnsupportedRuleError
from outreach_opt.solve.solve import solve

LIMIT = 20.0


def _same_optimum(inst: Instance) -> int:
    """Solve with both; the plain roster is checked; both optimal and equal. Returns it."""
    roster, out = solve_cpsat_plain(inst, LIMIT, workers=1)
    assert roster is not None, out
    report = check_roster(inst, roster)
    assert report.violations == [], report.violations
    assert report.objective == out["solver_objective"] == roster.objective
    for term, value in out["breakdown"].items():
        assert report.breakdown[term] == value, (term, report.breakdown, out["breakdown"])
    engine = solve(inst, SolveOptions(time_limit=LIMIT, workers=1, seed=0))
    assert out["status"] == "optimal" and engine.status.value == "optimal", (out["status"], engine.status)
    assert roster.objective == engine.objective
    return engine.objective


@pytest.mark.parametrize(("specialists", "sites", "weeks", "seed"), [(4, 3, 1, 1), (5, 3, 1, 2), (6, 4, 1, 3),
                                                                      (3, 3, 2, 4)])  # fmt: skip
def test_generated_instances_have_the_engines_optimum(specialists: int, sites: int, weeks: int, seed: int) -> None:
    _same_optimum(instance_from_data(generate(specialists, sites, weeks, seed)))


def test_the_tiny_sample_has_the_engines_optimum() -> None:
    assert _same_optimum(load_instance(str(INSTANCES / "tiny.yaml"))) > 0


def _variant() -> dict[str, Any]:
    """A generated week with every supported rule and term that generation leaves out: a daily
    session limit, working-day limits, fairness max, continuity, preferences, a wish to work,
    a dated demand."""
    data = generate(5, 3, 1, 2)
    for spec in data["specialists"][:3]:
        spec.update(max_sessions_per_day=1, max_working_days_per_week=3)
    data["specialists"][3]["preferences"] = [{"kind": "avoid", "periods": ["am"], "weight": 40},
                                             {"kind": "prefer", "days": ["tue", "wed"], "weight": 15}]  # fmt: skip
    data["weights"].update(fairness_max=2, distinct_specialist=300)
    data["demands"][0]["continuity"] = True
    data["demands"][1].pop("days")
    data["demands"][1]["dates"] = ["2025-11-05", "2025-11-06"]
    data["requests"].append({"specialist": data["specialists"][4]["id"], "date": "2025-11-04", "want": "on",
                             "weight": 500})  # fmt: skip
    return data


def test_every_supported_rule_gives_the_engines_optimum() -> None:
    _same_optimum(instance_from_data(_variant()))


def test_rest_and_travel_follow_the_day_not_each_session() -> None:
    """Rest counts from the last session's return, not from every session's: a far evening
    list on Monday rules out Tuesday's early clinic far away, while an afternoon session
    followed by an evening one at home does not count the afternoon's drive. Travel times
    break the triangle inequality (home-far 40, home-near 20, near-far 30 make 50 > 40 via
    near), so a pair of sessions two periods apart is judged on its own."""
    data = base(
        horizon={"start": "2025-10-20", "days": 2},
        specialists=[specialist("a", max_travel_minutes_per_day=120), specialist("b", home="near")],
        demands=[
            demand("eve-far", "far", periods=["eve"], days=["mon"], priority=3),
            demand("am-far", "far", periods=["am"], days=["tue"], priority=2),
            demand("pm-near", "near", periods=["pm"], sessions={"min": 2, "max": 2}),
            demand("am-home", "home", periods=["am"], days=["tue"]),
        ],
        rules={"min_rest_minutes": 600},
    )
    assert _same_optimum(instance(data)) > 0


def test_a_session_out_of_reach_in_time_is_not_combined() -> None:
    """Rule travel_between binds: 100 minutes from home to far do not fit between am and pm
    (90 minutes), though they would through near (20 + 30): the pair is judged on its own."""
    data = base(
        travel=[["home", "near", 20], ["home", "far", 100], ["near", "far", 30]],
        demands=[
            demand("am-home", "home", periods=["am"], priority=5),
            demand("pm-far", "far", periods=["pm"], priority=5),
            demand("eve-near", "near", periods=["eve"]),
        ],
    )
    assert _same_optimum(instance(data)) >= 5000


def test_it_refuses_an_instance_with_a_rule_it_does_not_model() -> None:
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("team", team=[{"role": "lead", "skills": ["pci"]}, {"role": "assistant"}])],
    )
    with pytest.raises(UnsupportedRuleError, match=r"team_complete \(demands\[0\]\.team\)"):
        solve_cpsat_plain(instance(data), LIMIT, workers=1)
    stays = base(sites=[{**site, "overnight": True} for site in data["sites"]], demands=[demand("far")])
    with pytest.raises(UnsupportedRuleError, match=r"overnight_stay \(sites\[0\]\.overnight\)"):
        solve_cpsat_plain(instance(stays), LIMIT, workers=1)
    pinned = {**stays, "sites": data["sites"], "horizon": {"start": "2025-10-20", "days": 2}}
    pinned["pinned_stays"] = [{"specialist": "a", "night": "2025-10-20", "site": "far"}]
    with pytest.raises(UnsupportedRuleError, match=r"pins \(pinned_stays\)"):  # no site allows it: infeasible
        solve_cpsat_plain(instance(pinned), LIMIT, workers=1)
    kept = copy.deepcopy(data)
    kept["demands"][0].pop("team")  # without it the same instance is solved
    roster, _ = solve_cpsat_plain(instance(kept), LIMIT, workers=1)
    assert isinstance(roster, Roster)


def test_the_samples_beyond_it_are_refused_naming_their_rules() -> None:
    with pytest.raises(UnsupportedRuleError) as refused:
        solve_cpsat_plain(load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml")), LIMIT, workers=1)
    for rule in ("team_complete", "forbidden_successions", "min_consecutive_days", "max_specialists"):
        assert rule in str(refused.value)
    with pytest.raises(UnsupportedRuleError, match="on_call_reach"):
        solve_cpsat_plain(load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml")), LIMIT, workers=1)
    with pytest.raises(UnsupportedRuleError, match=r"console_site \(demands\[\d+\]\.remote\)"):
        solve_cpsat_plain(load_instance(str(INSTANCES / "ruijin-jiading-week.yaml")), LIMIT, workers=1)


def test_every_rule_and_term_of_the_model_is_either_modelled_or_refused() -> None:
    """A rule added to the engine later must be written here or refused, never ignored."""
    tiny = load_instance(str(INSTANCES / "tiny.yaml"))
    terms = set(check_roster(tiny, Roster(instance=tiny.name, assignments=[])).breakdown)
    assert set(RULES) | terms <= SUPPORTED | REFUSED
    assert not SUPPORTED & REFUSED
