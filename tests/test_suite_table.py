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
sys.modules["suite"] = suite  # its dataclasses look their module up there
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


def test_checkpoints_after_a_runs_end_hold_its_final_bound() -> None:
    """A solve proves its last roster after reporting it: the checkpoints at or after the run's
    end read the final bound (S-1's row read gap 0.09 % at 5 s, proven optimal at 1.95 s)."""
    row = _row(1, size="S", time_limit=20.0, wall_s=1.95, solver_objective=100, bound=100)
    points = suite.checkpoints([(0.5, 120, 80), (1.2, 100, 95)], row)
    assert [(p["t"], p["objective"], p["bound"], p["gap"]) for p in points] == [
        (5.0, 100, 100, 0.0),
        (20.0, 100, 100, 0.0),
    ]
    early = suite.checkpoints(
        [(0.5, 120, 80), (6.0, 100, 95)],
        _row(1, size="S", time_limit=20.0, wall_s=20.01, solver_objective=100, bound=97),
    )
    assert [(p["objective"], p["bound"]) for p in early] == [(120, 80), (100, 95)]  # the end comes after 20 s


def test_each_engine_row_is_judged_against_its_sizes_target() -> None:
    def judged(size: str, **fields: Any) -> str:
        fields.setdefault("time_limit", {"S": 20.0, "M": 30.0, "L": 60.0, "XL": 300.0}[size])
        return str(suite.TARGETS[size].verdict(_row(1, size=size, **fields)))

    assert judged("S", status="optimal", wall_s=1.95, at=[{"t": 5.0, "gap": 0.0}]) == "met: proven optimal at 1.95 s"
    assert judged("S", status="optimal", wall_s=7.5, at=[{"t": 5.0, "gap": 0.014}]).startswith(
        "missed: not proven in 5 s (gap 1.40 % then)"
    )
    assert judged("M", at=[{"t": 30.0, "gap": 0.004}]) == "met: gap 0.40 % at 30 s (at most 0.50 %)"
    assert judged("L", first_roster_s=12.0, at=[{"t": 60.0, "gap": 0.009}]) == (
        "missed: first roster at 12.0 s (by 10 s); held: gap 0.90 % at 60 s (at most 1.00 %)"
    )
    assert (
        "peak 6200 MB (under 6144)"
        in judged("XL", first_roster_s=20.0, peak_mb=6200, at=[{"t": 300.0, "gap": 0.02}]).split("; held")[0]
    )
    assert judged("M", time_limit=10.0, at=[{"t": 10.0, "gap": 0.0}]).startswith("not judged")
    assert [target.text() for target in suite.TARGETS.values()] == [  # the words
        "proven optimal in 5 s",
        "gap <= 0.5 % in 30 s",
        "first roster in 10 s, gap <= 1 % in 60 s",
        "first roster in 60 s, gap <= 3 % in 300 s, peak < 6 GB",
    ]


def test_the_engine_is_behind_a_peer_only_where_the_peer_is_cheaper() -> None:
    rows = {
        "M-1-engine": _row(1, size="M", objective=100),
        "M-1-highs": _row(1, size="M", solver="highs", objective=None),  # no roster: behind
        "M-1-timefold": _row(1, size="M", solver="timefold", objective=100),  # equal: ahead or equal
        "M-2-engine": _row(2, size="M", objective=100),
        "M-2-timefold": _row(2, size="M", solver="timefold", objective=99),
        "M-2-cpsat-plain": _row(2, size="M", solver="cpsat-plain", objective=50),  # not a peer to beat
    }
    assert (
        suite.ahead(rows, sorted(rows))
        == "ahead of HiGHS and Timefold: missed on 1 of 3 pairs: M-2-timefold (99 against 100)"
    )
    del rows["M-2-timefold"]
    assert (
        suite.ahead(rows, sorted(rows)) == "ahead of HiGHS and Timefold: met on all 2 pairs (same instance, same limit)"
    )
