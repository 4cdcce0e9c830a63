"""What-if numbers: KPIs from the checker's report, the comparison table, the sweep chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import INSTANCES

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import load_instance
from outreach_opt.scenarios.chart import PANELS, sweep_chart
from outreach_opt.scenarios.compare import comparison, table_csv
from outreach_opt.scenarios.kpis import roster_kpis
from outreach_opt.scenarios.scenario import load_scenario_file
from outreach_opt.scenarios.sweep import expand
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.solve import solve


@pytest.fixture(scope="module")
def anzhen() -> Instance:
    return load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml"))


def test_kpis_of_a_hand_made_roster() -> None:
    """Tiny week: Ren does both Dachang PCI afternoons, Zhang one Sanhe clinic. Worked out:
    required 2 + 2, covered p10 2/2 and p4 1/2, driving 80 + 80 + 60 min = 3.67 h, outreach
    Ren 2 and Zhang 1, so the spread is 1."""
    tiny = load_instance(str(INSTANCES / "tiny.yaml"))
    mon, tue = dt.date(2025, 10, 20), dt.date(2025, 10, 21)
    rows = [
        ("ren-yanlong", mon, "am", "anzhen-tongzhou", "clinic", None, True),
        ("ren-yanlong", mon, "pm", "dachang-peoples", "surgery", "dachang-pci", False),
        ("ren-yanlong", tue, "pm", "dachang-peoples", "surgery", "dachang-pci", False),
        ("zhang-min", mon, "am", "sanhe-yanda", "clinic", "sanhe-clinic", False),
    ]
    roster = Roster(
        instance=tiny.name,
        assignments=[
            Assignment(specialist=s, date=d, period=p, site=site, activity=a, demand=dem, commitment=c)
            for s, d, p, site, a, dem, c in rows
        ],
    )
    report = check_roster(tiny, roster)
    assert report.ok, report.violations
    kpis = roster_kpis(tiny, roster, report)
    assert (kpis["required"], kpis["covered"], kpis["uncovered"], kpis["served"]) == (4, 3, 1, 3)
    assert kpis["covered_by_priority"] == {"p10": 2, "p4": 1}
    assert kpis["travel_hours"] == 3.67
    assert kpis["outreach_load"] == {"ren-yanlong": 2, "zhang-min": 1}
    assert kpis["fairness_spread"] == 1


def test_kpis_of_the_solved_anzhen_week(anzhen: Instance) -> None:
    """The optimum covers all 18 sessions (14 in the Northern Three Counties, Gao Yu's four at
    Chengde); every one is served away from home, so the loads add up to 18, each within the
    specialist's weekly outreach limit. It drives 1170 min: 830 as before the Chengde weekend,
    and Gao Yu's 170 there on Saturday and 170 back on Sunday (one night between)."""
    result = solve(anzhen, SolveOptions(time_limit=10, workers=1, seed=0))
    assert result.roster is not None
    kpis = roster_kpis(anzhen, result.roster, check_roster(anzhen, result.roster))
    assert (kpis["required"], kpis["covered"], kpis["uncovered"]) == (18, 18, 0)
    assert kpis["travel_hours"] == round(1170 / 60, 2)
    assert sum(kpis["outreach_load"].values()) == 18
    limits = {s.id: s.max_outreach_sessions_per_week for s in anzhen.specialists}
    assert all(n <= (limits[s] or 99) for s, n in kpis["outreach_load"].items())
    active = [n for n in kpis["outreach_load"].values() if n]
    assert kpis["fairness_spread"] == max(active) - min(active)


def _result(name: str, objective: int | None) -> dict[str, object]:
    kpis = {"required": 4, "covered": 3, "uncovered": 1, "served": 3, "travel_hours": 2.0, "fairness_spread": 0}
    kpis |= {"covered_by_priority": {"p10": 2}, "required_by_priority": {"p10": 2}, "outreach_load": {"a": 1}}
    solved = objective is not None
    return {
        "name": name,
        "status": "optimal" if solved else "infeasible",
        "checked": "ok" if solved else None,
        "objective": objective,
        "bound": objective,
        "gap": 0.0 if solved else None,
        "kpis": kpis if solved else None,
        "error": None,
        "seconds": 0.1,
    }


def test_comparison_changes_against_base(tmp_path: Path, anzhen: Instance) -> None:
    """Δ columns subtract the base; a scenario without a roster has none; CSV flattens."""
    path = tmp_path / "s.yaml"
    path.write_text("scenarios: [{name: a}, {name: b}]", encoding="utf-8")
    found = expand(load_scenario_file(str(path)), anzhen)
    rows = comparison([_result("base", 830), _result("a", 600), _result("b", None)], found)
    assert [r["d_objective"] for r in rows] == [0, -230, None]
    header = table_csv(rows).splitlines()[0].split(",")
    assert "covered_p10" in header and "load_a" in header and "d_travel_hours" in header


def test_chart_has_one_line_per_kpi() -> None:
    """The SVG parses as XML, has a polyline of five points per KPI panel, escapes its title."""
    rows = [{"value": 0.6 + i / 10, "objective": 500 + i, "uncovered": 0, "travel_hours": 8.0 + i,
             "fairness_spread": i % 2} for i in range(5)]  # fmt: skip
    svg = ET.fromstring(sweep_chart("roads & rooms", "travel_factor", rows))
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == len(PANELS)
    assert all(len(line.attrib["points"].split()) == 5 for line in lines)
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "roads & rooms" in texts and "travel_factor" in texts
