"""The Timefold peer's plain-Python half (benchmarks/timefold_model.py): what it refuses, the
slots it offers Timefold and the roster it makes of Timefold's answer. The half that needs
the JVM is checked by benchmarks/timefold_crosscheck.py, outside the suite."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from typing import Any

from support import INSTANCES, REPO

from outreach_opt.check.checker import RULES, check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.plain_model import REFUSED, unsupported_rules
from outreach_opt.solve.solve import solve

_spec = importlib.util.spec_from_file_location("timefold_model", REPO / "benchmarks" / "timefold_model.py")
assert _spec is not None and _spec.loader is not None
tm: Any = importlib.util.module_from_spec(_spec)
sys.modules["timefold_model"] = tm  # dataclasses look their module up there
_spec.loader.exec_module(tm)


def _generated(seed: int = 1, specialists: int = 8, sites: int = 4) -> dict[str, Any]:
    return generate(specialists, sites, 1, seed)


def test_generated_instances_are_accepted() -> None:
    for seed in (1, 2, 3):
        assert tm.refusal(instance_from_data(_generated(seed), "generated")) == []


def test_unmodelled_rules_are_refused_by_name() -> None:
    """What the plain peer refuses is refused here too (one list), and so is each rule the plain
    peer models and this one does not (`BEYOND_PLAIN`), named by its id."""
    data = _generated()
    demand = data["demands"][0]
    demand["team"] = [{"role": "lead", "count": 1}]
    demand["continuity"] = True
    data["specialists"][0]["max_sessions_per_day"] = 2
    data["specialists"][1]["preferences"] = [{"kind": "avoid", "periods": ["am"], "weight": 3}]
    data["rules"]["forbidden_successions"] = [{"today": {"period": "eve"}, "tomorrow": {"period": "am"}}]
    data["sites"][-1]["overnight"] = True
    data["weights"]["distinct_specialist"] = 5
    edited = instance_from_data(data, "edited")
    reasons = tm.refusal(edited)
    assert set(unsupported_rules(edited)) <= set(reasons)
    assert "team_complete (demands[0].team)" in reasons
    assert "forbidden_successions (rules.forbidden_successions)" in reasons
    assert f"overnight_stay (sites[{len(data['sites']) - 1}].overnight)" in reasons
    assert "daily_sessions (specialists[0].max_sessions_per_day)" in reasons
    assert "preferences (specialists[1].preferences)" in reasons
    assert "continuity (demands[0].continuity)" in reasons
    assert {reason.split(" ")[0] for reason in reasons} >= tm.BEYOND_PLAIN


def test_every_rule_and_term_is_either_modelled_or_refused() -> None:
    """The Timefold peer holds `MODELLED`; everything else of the checker is refused (the plain
    peer's `REFUSED`, or `BEYOND_PLAIN`), so a rule added later is never silently dropped."""
    tiny = load_instance(str(INSTANCES / "tiny.yaml"))
    terms = set(check_roster(tiny, Roster(instance=tiny.name, assignments=[])).breakdown)
    assert set(RULES) | terms <= tm.MODELLED | REFUSED | tm.BEYOND_PLAIN
    assert not tm.MODELLED & (REFUSED | tm.BEYOND_PLAIN)


def test_slots_respect_maximum_and_capacity_left() -> None:
    prep = prepare(instance_from_data(_generated(2), "generated"))
    problem = tm.build_problem(prep)
    copies = Counter((s.demand, s.day, s.period) for s in problem.slots)
    for (demand_id, _, _), n in copies.items():
        assert n <= prep.demands[demand_id].sessions.max
    for slot in problem.slots:
        if slot.resource is not None:
            assert copies[(slot.demand, slot.day, slot.period)] <= slot.capacity_left
        candidates = {
            c.specialist for c in prep.candidates if (c.demand, c.day, c.period) == (slot.demand, slot.day, slot.period)
        }
        assert set(slot.allowed) == candidates


def test_nobody_chosen_is_the_commitments_and_costs_every_minimum() -> None:
    """With no slot given, the roster is every commitment; the checker accepts it and its
    uncovered cost includes the demand a slot can never serve (`constant_cost`)."""
    data = _generated(3)
    extra = dict(data["demands"][0], id="nobody-can", skills=["no-one-has-this"], sessions={"min": 2, "max": 2})
    data["demands"].append(extra)
    instance = instance_from_data(data, "generated")
    problem = tm.build_problem(prepare(instance))
    assert not any(s.demand == "nobody-can" for s in problem.slots)
    assert problem.constant_cost == instance.weights.uncovered_session * extra["priority"] * 2
    roster = tm.roster_from_choice(problem, {}, "feasible")
    report = check_roster(instance, roster)
    assert report.ok, [v.message for v in report.violations]
    assert all(a.commitment for a in roster.assignments)
    assert len(roster.assignments) == len(problem.commitments)
    minimum = sum(d.sessions.min * d.priority for d in instance.demands) * instance.weights.uncovered_session
    assert report.breakdown["uncovered"] == minimum


def test_engine_roster_through_the_slots_comes_back_the_same() -> None:
    """The engine's roster, put into the slots as Timefold's answer would be, converts back to
    the same assignments and the same checker objective: the conversion loses nothing."""
    instance = instance_from_data(_generated(1, specialists=6, sites=3), "generated")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=0))
    assert result.roster is not None
    problem = tm.build_problem(prepare(instance))
    free: dict[tuple[str, int, int], list[str]] = {}
    for slot in problem.slots:
        free.setdefault((slot.demand, slot.day, slot.period), []).append(slot.key)
    chosen: dict[str, str | None] = {}
    start = instance.horizon.start
    periods = [p.id for p in instance.periods]
    for a in result.roster.assignments:
        if a.demand is not None:
            key = free[(a.demand, (a.date - start).days, periods.index(a.period))].pop(0)
            chosen[key] = a.specialist
    converted = tm.roster_from_choice(problem, chosen, "feasible")

    def rows(assignments: list[Any]) -> list[tuple[Any, ...]]:
        return sorted((a.specialist, a.date, a.period, a.site, a.activity, a.demand, a.commitment) for a in assignments)

    assert rows(converted.assignments) == rows(result.roster.assignments)
    assert check_roster(instance, converted).objective == check_roster(instance, result.roster).objective
