"""Small instances built in code for rule tests, and the checks every solve must pass.

`base()` is a one-specialist, three-site world whose numbers are easy to reason about:

    home  (Chaoyang-like main campus)   clinic_room 2, cath_lab 1
    near  (20 min from home)            clinic_room 1
    far   (40 min from home, 30 from near)  clinic_room 1, cath_lab 1
    periods: am 08:00-12:00, pm 13:30-17:00, eve 19:00-22:30
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any, NamedTuple

from hypothesis import strategies as st

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Result, Status
from outreach_opt.solve.solve import model_accepts, solve

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLE = SHARED / "format" / "example-instance.yaml"
INSTANCES = REPO / "instances"

UNCOVERED = 1000  # weights.uncovered_session in base()

BASE: dict[str, Any] = {
    "name": "rule test",
    "horizon": {"start": "2025-10-20", "days": 1},  # a Monday
    "periods": [
        {"id": "am", "start": "08:00", "end": "12:00"},
        {"id": "pm", "start": "13:30", "end": "17:00"},
        {"id": "eve", "start": "19:00", "end": "22:30"},
    ],
    "sites": [
        {"id": "home", "kind": "main_campus", "resources": {"clinic_room": 2, "cath_lab": 1}},
        {"id": "near", "kind": "county_hospital", "resources": {"clinic_room": 1}},
        {"id": "far", "kind": "county_hospital", "resources": {"clinic_room": 1, "cath_lab": 1}},
    ],
    "travel": [["home", "near", 20], ["home", "far", 40], ["near", "far", 30]],
    "specialists": [
        {"id": "a", "name": "Doctor A", "home": "home", "skills": ["clinic", "pci"]},
    ],
    "commitments": [],
    "demands": [],
    "rules": {"min_rest_minutes": 0},
    "weights": {"uncovered_session": UNCOVERED, "travel_minute": 1},
}


def base(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def demand(id: str, site: str = "far", **fields: Any) -> dict[str, Any]:
    """A demand for one clinic session (min 1, max 1) at `site`, any day and period."""
    out: dict[str, Any] = {
        "id": id,
        "site": site,
        "activity": "clinic",
        "skills": ["clinic"],
        "sessions": {"min": 1, "max": 1},
        "priority": 1,
    }
    out.update(fields)
    return out


def drawn_demands(
    draw: st.DrawFn,
    count: st.SearchStrategy[int],
    least: st.SearchStrategy[int],
    spare: bool,
    **fields: st.SearchStrategy[Any],
) -> list[dict[str, Any]]:
    """`count` demands `d0`, `d1`, ... for the relaxation's drawn instances: each at least
    `least` sessions, one more allowed now and then when `spare` (and never fewer than one),
    its other fields drawn in the order given (so each test's examples stay its own)."""
    demands = []
    for k in range(draw(count)):
        low = draw(least)
        drawn = {name: draw(strategy) for name, strategy in fields.items()}
        most = max(1, low + draw(st.integers(0, 1))) if spare else low
        demands.append(demand(f"d{k}", **drawn, sessions={"min": low, "max": most}))
    return demands


def commit_dict(day: str, period: str, site: str = "home", who: str = "a", **fields: Any) -> dict[str, Any]:
    """A clinic commitment of specialist `who` on a weekday and period."""
    out: dict[str, Any] = {"specialist": who, "day": day, "period": period, "site": site, "activity": "clinic"}
    out.update(fields)
    return out


def specialist(id: str, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": id, "name": f"Doctor {id.upper()}", "home": "home", "skills": ["clinic", "pci"]}
    out.update(fields)
    return out


def instance(data: dict[str, Any]) -> Instance:
    return instance_from_data(data, "test")


def solve_checked(
    inst: Instance, time_limit: float = 20.0, workers: int = 1, past: list[Assignment] | None = None
) -> tuple[Result, CheckReport | None]:
    """Solve and, whenever a roster comes back, hold it to the independent checker: it must
    break no rule and the checker's objective must equal the solver's, term by term."""
    result = solve(inst, SolveOptions(time_limit=time_limit, workers=workers, seed=0), past=past or [])
    if result.roster is None:
        return result, None
    report = check_roster(inst, result.roster, past or [])
    assert report.violations == [], report.violations
    assert report.objective == result.objective
    for term, value in result.breakdown.items():
        assert report.breakdown[term] == value, (term, report.breakdown, result.breakdown)
    return result, report


class Proven(NamedTuple):
    instance: Instance
    result: Result
    report: CheckReport


@functools.cache
def proven_sample(path: Path) -> Proven:
    """A sample instance solved with two workers until proven (limit 300 s: the search stops at
    the proof; how fast is the benchmarks' question) and held to the checker term by term;
    whether it was proven is each test's to assert. Solved once per session (the cache), so
    the tests that only need a proven, checked roster of a sample share one solve: the
    four-week sample takes about 10 s on two idle cores and 50 s or more when other jobs share
    them, and four tests used to solve it each (the proof, the model admitting its own roster,
    the known optimum, the exports)."""
    inst = load_instance(str(path))
    result, report = solve_checked(inst, time_limit=300, workers=2)
    assert result.roster is not None and report is not None, result.status
    return Proven(inst, result, report)


def optimum(data: dict[str, Any], past: list[Assignment] | None = None) -> int:
    """Solve to proven optimality and return the objective (asserting it is proven)."""
    result, _ = solve_checked(instance(data), past=past)
    assert result.status is Status.OPTIMAL, result.status
    assert result.objective is not None
    return result.objective


def scaled(path: Path, copies: int, days: int) -> dict[str, Any]:
    """An instance `copies` times as large: every specialist, commitment and demand repeated
    with suffixed ids, site resources multiplied, over `days` days. A hard solve for tests
    that need a search still running (interrupts), built from a real sample week."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["horizon"]["days"] = days
    for site in data["sites"]:
        site["resources"] = {r: n * copies for r, n in site.get("resources", {}).items()}
    specialists, commitments, demands = [], [], []
    for i in range(copies):
        specialists += [{**s, "id": f"{s['id']}-{i}"} for s in data["specialists"]]
        commitments += [{**c, "specialist": f"{c['specialist']}-{i}"} for c in data["commitments"]]
        demands += [{**d, "id": f"{d['id']}-{i}"} for d in data["demands"]]
    data.update(specialists=specialists, commitments=commitments, demands=demands)
    return data


MON = dt.date(2025, 10, 20)
TUE = dt.date(2025, 10, 21)


def visit(period: str, site: str, demand_id: str, date: dt.date = MON, who: str = "a") -> Assignment:
    return Assignment(specialist=who, date=date, period=period, site=site, activity="clinic", demand=demand_id)


def duty(period: str, site: str = "home", date: dt.date = MON, who: str = "a") -> Assignment:
    return Assignment(specialist=who, date=date, period=period, site=site, activity="clinic", commitment=True)


def verdicts(data: dict[str, Any], assignments: list[Assignment]) -> tuple[set[str], bool]:
    """The checker's broken rule ids and the model's verdict on one hand-made roster."""
    inst = instance(data)
    roster = Roster(instance=inst.name, assignments=assignments)
    accepted, _ = model_accepts(inst, roster)
    return {v.rule for v in check_roster(inst, roster).violations}, accepted


def assert_infeasible(data: dict[str, Any]) -> None:
    result, _ = solve_checked(instance(data))
    assert result.status is Status.INFEASIBLE
