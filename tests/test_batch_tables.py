"""The what-if tables as a planner reads them, at a department's size."""

from __future__ import annotations

from rich.console import Console

from outreach_opt.cli.batch_tables import load_table


def test_outreach_load_is_readable_for_eighty_specialists() -> None:
    """One row per specialist whose load differs between the scenarios with a roster, one
    column per scenario, at the 200 columns a pipe gets: with a column per specialist, 80 of
    them left no number visible. A scenario without a roster ('–' for all) makes nobody
    differ; a specialist removed in one scenario does; the rest are counted."""
    people = [f"spec-{i:03d}" for i in range(1, 81)]
    base = dict.fromkeys(people, 2)
    away = {p: n for p, n in base.items() if p != "spec-001"} | {"spec-002": 3}
    rows = [
        {"scenario": "base", "outreach_load": base},
        {"scenario": "spec-001 away", "outreach_load": away},
        {"scenario": "road [travel_factor=0.8]", "outreach_load": {}},
    ]
    console = Console(width=200, record=True, no_color=True)
    console.print(load_table(rows))
    lines = console.export_text().splitlines()
    body = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    assert [[cell.strip() for cell in row] for row in body] == [
        ["spec-001", "2", "–", "–"],
        ["spec-002", "2", "3", "–"],
    ]
    assert any("78 more with the same load in every scenario" in line for line in lines)
    header = next(line for line in lines if line.startswith("┃"))
    assert "road [travel_factor=0.8]" in header and "Specialist" in header
