"""The Curtois & Qu benchmark's table (benchmarks/curtois_qu.py) with repeated runs: the row is
the median run's, never a cheaper draw, and every run's value stands beside it. The table
alone, never a solve."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
_spec = importlib.util.spec_from_file_location("curtois_qu", REPO / "benchmarks" / "curtois_qu.py")
assert _spec is not None and _spec.loader is not None
curtois_qu: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(curtois_qu)


def _run(seed: int, objective: int | None, checked: bool = True) -> dict[str, Any]:
    return {
        "instance": 15,
        "seed": seed,
        "objective": objective,
        "checked": checked,
        "status": "feasible",
        "commit": "abc1234",
        "machine": "test machine",
        "date": "2026-12-06 06:00 UTC",
    }


def test_the_row_is_the_median_run_with_every_run_beside_it() -> None:
    row = curtois_qu.median_run([_run(0, 4117), _run(1, 4003), _run(2, 4021)])
    assert row["seed"] == 2 and row["objective"] == 4021
    assert [r["objective"] for r in row["runs"]] == [4117, 4003, 4021]
    assert curtois_qu._runs_cell(row) == "4117 / 4003 / 4021"


def test_an_even_count_takes_the_dearer_middle_and_unchecked_runs_count_dearest() -> None:
    assert curtois_qu.median_run([_run(0, 10), _run(1, 30), _run(2, 20), _run(3, 40)])["objective"] == 30
    row = curtois_qu.median_run([_run(0, 10), _run(1, 5, checked=False), _run(2, 20)])
    assert row["objective"] == 20  # the unchecked 5 is not a value: it sorts above 20
    assert curtois_qu._runs_cell(row) == "10 / x / 20"
    assert not curtois_qu.median_run([_run(0, 10), _run(1, None, checked=False)])["checked"]


def test_the_table_shows_the_runs_and_judges_the_median() -> None:
    """Instance15's best known is 3828: the median 4021 is 5.04 % above it (missed), though
    the run of seed 1 (4003) alone would have met the 5 % target."""
    row = curtois_qu.median_run([_run(0, 4117), _run(1, 4003), _run(2, 4021)])
    single = _run(0, 4003)
    lines = curtois_qu.table({15: row, 13: single}).splitlines()
    header = next(line for line in lines if line.startswith("| instance"))
    columns = [cell.strip() for cell in header.strip().strip("|").split("|")]
    cells = {
        line.split("|")[1].strip(): [c.strip() for c in line.strip().strip("|").split("|")]
        for line in lines
        if line.startswith("| 1")
    }
    for number in ("13", "15"):
        assert len(cells[number]) == len(columns)
    at = {name: columns.index(name) for name in ("ours", "runs", "target")}
    assert cells["15"][at["ours"]] == "4021" and cells["15"][at["runs"]] == "4117 / 4003 / 4021"
    assert cells["15"][at["target"]] == "within 5 %: missed"
    assert cells["13"][at["runs"]] == "-"
