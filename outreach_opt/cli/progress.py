"""Live progress of a solve: elapsed time, best objective, best bound and gap.

On a terminal a rich Live panel redraws four times a second (so the clock moves even while
no better roster is found); elsewhere (a pipe, CI) each better roster is one plain line, and
bound-only moves are not printed, to keep logs short. With -v the solve's stage reports (the
by-specialist route's "first lines: 60 of 150 specialists") are the panel's caption, or a
line each.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from outreach_opt.solve.outcome import Progress, relative_gap


class ProgressView:
    """A context manager fed by `solve(..., on_progress=view.update)` from solver threads."""

    def __init__(self, console: Console, time_limit: float, live: bool, stages: bool = False) -> None:
        self._console = console
        self._stages = stages
        """Show the solve's stage reports (`Progress.stage`): with -v."""
        self._stage: str | None = None
        self._limit = time_limit
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._objective: int | None = None
        self._bound: int | None = None
        self._rosters = 0
        self._live = (
            Live(get_renderable=self._render, console=console, refresh_per_second=4, transient=True) if live else None
        )

    def __enter__(self) -> ProgressView:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, value, traceback)

    def update(self, progress: Progress) -> None:
        if progress.stage is not None:
            if self._stages:
                with self._lock:
                    self._stage = progress.stage
                if self._live is None:
                    self._console.print(f"{progress.elapsed:7.2f} s  {progress.stage}", highlight=False)
            return
        with self._lock:
            if progress.objective is not None:
                self._objective = progress.objective
                self._rosters += 1
            if progress.bound is not None:  # None: no bound yet
                self._bound = progress.bound if self._bound is None else max(self._bound, progress.bound)
            line = self._line(progress.elapsed)
        if self._live is None and progress.objective is not None:
            self._console.print(line, highlight=False)

    def _line(self, elapsed: float) -> str:
        objective = "-" if self._objective is None else str(self._objective)
        bound = "-" if self._bound is None else str(self._bound)
        gap = _percent(relative_gap(self._objective, self._bound))
        return f"{elapsed:7.2f} s  roster #{self._rosters}  objective {objective}  bound {bound}  gap {gap}"

    def _render(self) -> Table:
        with self._lock:
            elapsed = time.perf_counter() - self._started
            table = Table(
                title="Solving (Ctrl-C stops and keeps the best roster)", show_header=True, caption=self._stage
            )
            for column in ("elapsed", "limit", "rosters found", "best objective", "best bound", "gap"):
                table.add_column(column, justify="right")
            objective, bound = self._objective, self._bound
            gap = _percent(relative_gap(objective, bound))
            table.add_row(
                f"{elapsed:.1f} s",
                f"{self._limit:g} s",
                str(self._rosters),
                "-" if objective is None else str(objective),
                "-" if bound is None else str(bound),
                gap,
            )
            return table


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"
