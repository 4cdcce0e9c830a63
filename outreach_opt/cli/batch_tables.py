"""Rich output for `whatif` and `batch`: tables of the plain rows they computed, and progress.

Names and messages go in as `Text`, never as markup: a sweep variant is called
"road [travel_factor=0.8]", which rich would otherwise swallow as a style tag.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if digits else str(value)


def _delta(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if value == 0:
        return "±0"
    return f"{value:+.{digits}f}" if digits else f"{value:+d}"


def _gap(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def comparison_table(rows: Sequence[dict[str, Any]]) -> Table:
    """One row per scenario: what is covered, what it costs, how fair, and the change vs base."""
    table = Table(title="What-if comparison (Δ against the base)")
    for name, justify in (
        ("Scenario", "left"),
        ("Status", "left"),
        ("Objective", "right"),
        ("Δ", "right"),
        ("Gap", "right"),
        ("Uncovered", "right"),
        ("Δ", "right"),
        ("Covered by priority", "left"),
        ("Travel h", "right"),
        ("Δ", "right"),
        ("Spread", "right"),
        ("Checked", "left"),
        ("s", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        required = row["required_by_priority"]
        covered = " ".join(f"{p} {n}/{required.get(p, '?')}" for p, n in row["covered_by_priority"].items())
        table.add_row(
            Text(row["scenario"]),
            row["status"],
            _num(row["objective"]),
            _delta(row["d_objective"]),
            _gap(row["gap"]),
            _num(row["uncovered"]),
            _delta(row["d_uncovered"]),
            covered or "–",
            _num(row["travel_hours"], 1),
            _delta(row["d_travel_hours"], 1),
            _num(row["fairness_spread"]),
            row["checked"] or "–",
            _num(row["seconds"], 2),
        )
    return table


def load_table(rows: Sequence[dict[str, Any]]) -> Table:
    """Outreach sessions per specialist (away from home): a row per specialist whose load
    differs between the scenarios that have a roster (absent from one counts as differing), a
    column per scenario; those with the same load in every one are counted in the caption.
    A column per specialist, as before, left 80 specialists' table (a department's size)
    with columns a character wide and no number in them, in a terminal or a file alike."""
    specialists: dict[str, None] = {}
    for row in rows:
        specialists.update(dict.fromkeys(row["outreach_load"]))
    loads = {spec: [row["outreach_load"].get(spec) for row in rows] for spec in specialists}
    solved = [i for i, row in enumerate(rows) if row["outreach_load"]]  # a scenario without a roster has none
    changing = [spec for spec, load in loads.items() if len({load[i] for i in solved}) > 1]
    same = len(specialists) - len(changing)
    caption = f"{same} more with the same load in every scenario" if same and changing else None
    title = "Outreach sessions per specialist" + ("" if changing else f": the same in every scenario ({same})")
    table = Table(title=title, caption=caption)
    table.add_column("Specialist")
    for row in rows:
        table.add_column(Text(row["scenario"]), justify="right", overflow="fold")
    for spec in changing:
        table.add_row(Text(spec), *(_num(n) for n in loads[spec]))
    return table


def batch_table(rows: Sequence[dict[str, Any]]) -> Table:
    """The batch summary: one row per instance, errors in full (they carry file and line)."""
    table = Table(title="Batch summary")
    for name in ("Instance", "Status", "Objective", "Bound", "Gap", "s", "Checked", "Error"):
        table.add_column(name, overflow="fold")
    for row in rows:
        status = row["status"] + (" (kept)" if row.get("resumed") else "")
        table.add_row(
            Text(row["instance"]),
            status,
            _num(row["objective"]),
            _num(row["bound"]),
            _gap(row["gap"]),
            _num(row["seconds"], 2),
            row["checked"] or "–",
            Text(row["error"] or ""),
        )
    return table


class Reporter:
    """A progress bar on a terminal; one plain line per finished solve (on stderr) otherwise."""

    def __init__(self, console: Console, total: int, what: str) -> None:
        self.console, self.total, self.count = console, total, 0
        self.progress: Progress | None = None
        if console.is_terminal and not os.environ.get("CI") and total:
            columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self.progress = Progress(*columns, console=console)
            self.task = self.progress.add_task(what, total=total)

    def __enter__(self) -> Reporter:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress is not None:
            self.progress.stop()

    def done(self, _index: int, result: dict[str, Any]) -> None:
        self.count += 1
        objective = f", objective {result['objective']}" if result["objective"] is not None else ""
        checked = f", checked {result['checked']}" if result["checked"] else ""
        line = f"[{self.count}/{self.total}] {result['name']}: {result['status']}{objective}{checked}"
        if self.progress is not None:
            self.progress.advance(self.task)
            self.progress.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line, err=True)
