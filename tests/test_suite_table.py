"""The benchmark suite's table (benchmarks/suite.py): each row has as many cells as the header
has columns, and rows from before a field was recorded show '-' there. The table alone, never
a solve nor the pace's figure: how fast is the benchmarks' question."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))  # suite.py imports its sibling curtois_qu
_spec = importlib.util.spec_from_file_location("suite", REPO / "benchmarks" / "suite.py")
assert _spec is not None and _spec.loader is not None
suite: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(suite)


def _row(seed: int, **fields: Any) -> dict[str, Any]:
    row = {"size": "L", "seed": seed, "solver": "engine", "status": "feasible", "time_limit": 60.0}
    row.update(commit="abc1234", machine="test machine", objective=100, bound=90, gap=0.1, date="2026-12-06 18:00 UTC")
    row.update(fields)
    return row


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_rows_fill_every_column_new_fields_or_not() -> None:
    rows = {
        "L-1-engine": _row(1, first_roster_s=4.86, first_roster_cpu_s=4.2, pace_s=0.53, build_s=22.4),
        "L-2-engine": _row(2, first_roster_s=2.18, build_s=13.0),  # a row from before the fields
    }
    lines = suite.table(rows).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| size | seed | solver |"))
    columns = _cells(lines[header])
    assert len(_cells(lines[header + 1])) == len(columns)
    new, old = (dict(zip(columns, _cells(lines[header + k]), strict=True)) for k in (2, 3))
    assert (new["first roster s"], new["first roster CPU s"], new["pace s"], new["build s"]) == (
        "4.86",
        "4.2",
        "0.53",
        "22.4",
    )
    assert (old["first roster s"], old["first roster CPU s"], old["pace s"], old["build s"]) == (
        "2.18",
        "-",
        "-",
        "13.0",
    )


def test_engine_rows_split_their_gap_at_their_own_total() -> None:
    """A row with the bound at its own total burden lists the gap above it and below it, as
    shares of the objective (1000: 2 % above 980, 8 % between 980 and the bound 900); a row
    without one lists nothing."""
    rows = {
        "L-1-engine": _row(1, objective=1000, bound=900, total_burden=58425, at_own_total=980),
        "L-2-engine": _row(2),
    }
    text = suite.table(rows)
    lines = [line for line in text.splitlines() if line.startswith("- L-") and "bound at that T" in line]
    assert lines == [
        "- L-1-engine (abc1234): objective 1000, T 58425, bound at that T 980: 2.00 % of the objective above it, "
        "8.00 % between it and the bound 900"
    ]


def test_the_header_says_which_commit_ran_which_rows_and_when() -> None:
    """Per commit, from the rows themselves: how many, first to last date, and per size its
    limit and solvers, earliest commit first; so the header cannot name a run the rows are not."""
    rows = {
        "S-1-engine": _row(1, size="S", time_limit=20.0, commit="new1234", date="2026-12-07 00:01 UTC"),
        "S-1-highs": _row(1, size="S", solver="highs", time_limit=20.0, commit="new1234", date="2026-12-07 00:02 UTC"),
        "XL-1-engine": _row(1, size="XL", time_limit=300.0, commit="new1234", date="2026-12-07 00:30 UTC"),
        "L-1-timefold": _row(1, solver="timefold", time_limit=120.0, commit="old1234", date="2026-12-02 12:44 UTC"),
    }
    text = suite.table(rows)
    assert (
        "- old1234 (1 row, 2026-12-02 12:44 UTC to 2026-12-02 12:44 UTC): L at 120 s timefold\n"
        "- new1234 (3 rows, 2026-12-07 00:01 UTC to 2026-12-07 00:30 UTC): S at 20 s engine, highs; "
        "XL at 300 s engine\n"
    ) in text
