"""Terminal views of long horizons: a week per column, in tables that fit the width.

A day per column serves a week or four (tables.py keeps those exactly as they were); a year is
364 columns, each squeezed to nothing in a terminal, and rich took tens of seconds to lay them
out (Curtois & Qu Instance24). Beyond `LONG_DAYS` the grids show each specialist's or site's
week as counts (sessions per period, outreach away from home, nights), a block of weeks per
table as many as the console's width holds; coverage is summed per site and week, and travel
lists only the days with driving. Every day and demand stays in the exports (.xlsx, .csv; the
HTML page shows weeks too past LONG_DAYS), which the closing note names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from outreach_opt.check.checker import CheckReport, Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.report import views
from outreach_opt.report import weeks as per_week
from outreach_opt.report.weeks import LONG_DAYS as LONG_DAYS  # the HTML page's too: one constant
from outreach_opt.report.weeks import is_long as is_long

_WEEK_WIDTH = 10
"""Characters a week column takes with its border ('a1 ×5', '2 away', a date)."""

EXPORTS_NOTE = "every day and demand: `outreach-opt export INSTANCE ROSTER --out roster.xlsx` (or .csv)"


def _head(ctx: Context, week: int) -> str:
    return f"W{week + 1}\n{ctx.week_start(week):%m-%d}"


def week_blocks(instance: Instance, width: int, first_column: int) -> list[range]:
    """The weeks (the checker's: 7-day blocks from the first day, a partial last one too) split
    into runs that fit `width` beside a first column `first_column` wide."""
    per_table = max(1, (width - first_column - 4) // _WEEK_WIDTH)
    total = Context.of(instance).week_count
    return [range(start, min(start + per_table, total)) for start in range(0, total, per_table)]


def _counts(cell: per_week.PeriodCounts) -> str:
    return "\n".join(f"{period} ×{n}" for period, n in cell)


def by_specialist_weeks(instance: Instance, roster: Roster, blocks: Sequence[range]) -> Iterator[Table]:
    """A table per block of weeks: a row per specialist, a column per week, sessions per
    period, those away from home, nights away (`report.weeks.specialist_weeks`, counted once
    for all the blocks)."""
    ctx = Context.of(instance, stays=roster.stays)
    counted = per_week.specialist_weeks(ctx, roster)
    for shown in blocks:
        yield _specialist_table(ctx, counted, shown)


def _specialist_table(ctx: Context, counted: dict[tuple[str, int], per_week.SpecialistWeek], shown: range) -> Table:
    table = _week_table(ctx, "Roster by specialist, per week", "Specialist", shown)
    for spec in ctx.instance.specialists:
        row: list[Text | str] = [f"{spec.name or spec.id}\n[dim]home {spec.home}[/dim]"]
        for week in shown:
            cell = counted.get((spec.id, week))
            if cell is None:
                row.append(Text(""))
                continue
            text = Text(_counts(cell.periods))
            if cell.away:
                text.append(f"\n{cell.away} away", style="cyan")
            if cell.nights:
                text.append(f"\n{cell.nights} night{'s' if cell.nights > 1 else ''}", style="bold")
            row.append(text)
        table.add_row(*row)
    return table


def by_site_weeks(instance: Instance, roster: Roster, blocks: Sequence[range]) -> Iterator[Table]:
    """A table per block of weeks: a row per site, a column per week, sessions held there per
    period (counted once for all the blocks)."""
    ctx = Context.of(instance)
    counted = per_week.site_weeks(ctx, roster)
    for shown in blocks:
        table = _week_table(ctx, "Roster by site, per week", "Site", shown)
        for site in instance.sites:
            table.add_row(site.name or site.id, *(_counts(counted.get((site.id, week), ())) for week in shown))
        yield table


def on_call_weeks(instance: Instance, roster: Roster, blocks: Sequence[range]) -> Iterator[Table]:
    """A table per block of weeks: a row per green channel and period, a column per week, its
    slots that week and those short of people (`report.weeks.on_call_weeks`, as the checker
    derives who is in reach, counted once for all the blocks); blank where the window holds no
    slot."""
    ctx = Context.of(instance, stays=roster.stays)
    held = per_week.on_call_weeks(ctx, roster)
    for shown in blocks:
        yield _on_call_table(ctx, held, shown)


def _on_call_table(ctx: Context, held: dict[tuple[str, str, int], per_week.OnCallWeek], shown: range) -> Table:
    table = _week_table(ctx, "On call, per week", "On call", shown)
    for oc in ctx.instance.on_call:
        for period in oc.periods or list(ctx.periods):
            row: list[Text | str] = [f"{oc.name or oc.id}\n[dim]{period}[/dim]"]
            for week in shown:
                found = held.get((oc.id, period, week))
                if found is None:
                    row.append(Text(""))
                    continue
                text = Text(f"{found.slots} slot{'s' if found.slots > 1 else ''}")
                if found.short:
                    text.append(f"\n{found.short} short ({found.missing})", style="bold red")
                row.append(text)
            table.add_row(*row)
    return table


def _week_table(ctx: Context, title: str, first: str, weeks: range) -> Table:
    last = min(ctx.week_start(weeks[-1]) + dt.timedelta(days=6), ctx.last_date)
    first_day = ctx.week_start(weeks[0])
    title += f": weeks {weeks[0] + 1}-{weeks[-1] + 1} of {ctx.week_count} ({first_day} to {last})"
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column(first, no_wrap=True)
    for week in weeks:
        table.add_column(_head(ctx, week), overflow="fold")
    return table


def coverage_weeks(instance: Instance, roster: Roster, report: CheckReport) -> Table:
    """`views.coverage`'s rows (the checker's uncovered sessions and costs) summed per site
    and week (`report.weeks.coverage_weeks`): how many demand-weeks, sessions asked (min-max),
    served, missing, cost."""
    ctx = Context.of(instance)
    table = Table(title="Coverage per site and week (summed over its demands)")
    for column in ("Site", "Week", "Demands", "Min-max", "Served", "Missing", "Cost"):
        table.add_column(column, justify="left" if column in {"Site", "Min-max", "Missing"} else "right")
    for w in per_week.coverage_weeks(views.coverage(instance, roster, report)):
        gap = Text(f"{w.missing} session(s), {w.short} demand(s) short", style="bold red") if w.missing else Text("-")
        start = ctx.week_start(w.week - 1)
        table.add_row(
            w.site, f"{w.week} ({start:%m-%d})", str(w.demands), f"{w.min}-{w.max}", str(w.served), gap, str(w.cost)
        )
    return table


def print_week_grids(
    console: Console, instance: Instance, make: Callable[[list[range]], Iterator[Table]], first_column: int
) -> None:
    """`make`'s tables, one per block of weeks that fits the console, then where the days are."""
    for table in make(week_blocks(instance, console.width, first_column)):
        console.print(table)
    console.print(f"{instance.horizon.days} days, shown per week; {EXPORTS_NOTE}")


def first_column_width(labels: Iterator[str]) -> int:
    return max((len(label) for label in labels), default=10) + 4
