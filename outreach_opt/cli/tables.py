"""Rich tables of a roster: by specialist, by site, coverage per demand, on call, teaching,
objective breakdown.

Pure rendering: takes an instance, a roster and the checker's report, returns rich renderables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rich.table import Table
from rich.text import Text

from outreach_opt.check.checker import CheckReport, Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report import consortium, views

_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")


def _dates(instance: Instance) -> list[dt.date]:
    return [instance.horizon.start + dt.timedelta(days=t) for t in range(instance.horizon.days)]


def _head(date: dt.date) -> str:
    return f"{_DAY[date.weekday()]} {date:%m-%d}"


def _site_styles(instance: Instance) -> dict[str, str]:
    """Home-type sites plain, every other site its own colour, stable across tables."""
    return {s.id: _COLOURS[i % len(_COLOURS)] for i, s in enumerate(instance.sites)}


def _order(instance: Instance) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(instance.periods)}


def by_specialist(instance: Instance, roster: Roster) -> Table:
    """A week grid: one row per specialist, one column per date, a line per period."""
    styles, order = _site_styles(instance), _order(instance)
    homes = {s.id: s.home for s in instance.specialists}
    cells: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        cells[(a.specialist, a.date)].append(a)
    nights = Context.of(instance, stays=roster.stays).stay_at  # the checker's nights (rule overnight_stay)
    table = Table(title="Roster by specialist", show_lines=True, expand=False)
    table.add_column("Specialist", no_wrap=True)
    dates = _dates(instance)
    for date in dates:
        table.add_column(_head(date), overflow="fold")
    for spec in instance.specialists:
        row: list[Text | str] = [f"{spec.name or spec.id}\n[dim]home {spec.home}[/dim]"]
        for date in dates:
            text = Text()
            for a in sorted(cells[(spec.id, date)], key=lambda a: order.get(a.period, 99)):
                style = "dim" if a.commitment else ("" if a.site == homes[spec.id] else styles.get(a.site, ""))
                what = "home duty" if a.commitment else a.activity
                text.append(f"{a.period} {a.site} {what}\n", style=style)
            if (spec.id, date) in nights:
                text.append(f"night at {nights[(spec.id, date)]}\n", style="bold")
            row.append(text)
        table.add_row(*row)
    return table


def by_site(instance: Instance, roster: Roster) -> Table:
    """Who comes to each site when, for what."""
    order = _order(instance)
    names = {s.id: s.name or s.id for s in instance.specialists}
    cells: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        cells[(a.site, a.date)].append(a)
    table = Table(title="Roster by site", show_lines=True)
    table.add_column("Site", no_wrap=True)
    dates = _dates(instance)
    for date in dates:
        table.add_column(_head(date), overflow="fold")
    styles = _site_styles(instance)
    for site in instance.sites:
        row: list[Text | str] = [Text(site.name or site.id, style=styles[site.id])]
        for date in dates:
            row.append(
                "\n".join(
                    f"{a.period} {names.get(a.specialist, a.specialist)} ({views.serves_label(a)})"
                    for a in sorted(cells[(site.id, date)], key=lambda a: order.get(a.period, 99))
                )
            )
        table.add_row(*row)
    return table


def coverage(instance: Instance, roster: Roster, report: CheckReport) -> Table:
    """Sessions served per demand and week against min/max, naming what is missing and its cost."""
    table = Table(title="Coverage per demand")
    for column in ("Demand", "Site", "Week", "Min-max", "Served", "Missing", "Cost"):
        table.add_column(column, justify="right" if column in {"Week", "Served", "Cost"} else "left")
    for row in views.coverage(instance, roster, report):
        missing = Text(f"{row.uncovered} session(s) short", style="bold red") if row.uncovered else Text("-")
        table.add_row(
            row.demand, row.site, str(row.week), f"{row.min}-{row.max}", str(row.served), missing, str(row.cost)
        )
    return table


def on_call(instance: Instance, roster: Roster, ctx: Context | None = None) -> Table:
    """Per on-call slot, who is within reach of the hospital, as the checker derives it (`ctx`:
    the roster's, with its stays, when the caller has one)."""
    ctx = ctx or Context.of(instance, stays=roster.stays)
    table = Table(title="On call: who is within reach")
    for column in ("On call", "Date", "Period", "Within reach"):
        table.add_column(column)
    for slot in consortium.on_call(instance, roster, ctx):
        who = Text(", ".join(ctx.who(s) for s in slot.within_reach) or "nobody")
        if slot.short > 0:
            who.append(f"  ({slot.short} short)", style="bold red")
        table.add_row(slot.name, _head(slot.date), slot.period, who)
    return table


def teaching(instance: Instance, roster: Roster, ctx: Context | None = None) -> Table:
    """Per local doctor: the sessions that taught them and by whom, their distinct teachers,
    and each 4-week block's target against the sessions held, as the checker counts them."""
    ctx = ctx or Context.of(instance, stays=roster.stays)
    table = Table(title="Teaching of local doctors", show_lines=True)
    for column in ("Trainee", "Sessions that taught them", "Teachers", "Target", "Short"):
        table.add_column(column, justify="right" if column == "Short" else "left", overflow="fold")
    per_session = instance.weights.teaching_session
    for row in consortium.teaching(instance, roster, ctx):
        lessons = "\n".join(
            f"{_head(lesson.date)} {lesson.period}: {', '.join(ctx.who(s) for s in lesson.teachers)} ({lesson.demand})"
            for lesson in row.lessons
        )
        blocks = "\n".join(f"from {_head(b.first)}: {b.held} held, target {b.target}" for b in row.blocks)
        short = Text(f"{row.short} ({row.short * per_session})", style="bold red") if row.short else Text("-")
        teachers = f"{len(row.teachers)}: {', '.join(ctx.who(s) for s in row.teachers)}" if row.teachers else "0"
        table.add_row(f"{row.name}\n{row.site}", lessons or "(none)", teachers, blocks, short)
    return table


def travel(instance: Instance, roster: Roster, driving_only: bool = False) -> tuple[Table, int]:
    """Each specialist's drives per day, with clock times, against the daily limit; with
    `driving_only` (long horizons) the days with driving alone. Also the count of days left
    out."""
    names = {s.id: s.name or s.id for s in instance.specialists}
    limits = {s.id: s.max_travel_minutes_per_day for s in instance.specialists}
    title = "Travel per specialist and day" + (" (days with driving)" if driving_only else "")
    table = Table(title=title, show_lines=True)
    for column in ("Specialist", "Date", "Drives", "Minutes", "Limit"):
        table.add_column(column, justify="right" if column in {"Minutes", "Limit"} else "left", overflow="fold")
    left_out = 0
    for day in views.days(instance, roster):
        if driving_only and day.minutes == 0:
            left_out += 1
            continue
        drives = "\n".join(
            f"{views.clock(leg.depart)}-{views.clock(leg.arrive)} {leg.origin} -> {leg.destination} ({leg.minutes} min)"
            for leg in day.drives
        )
        limit = limits[day.specialist]
        over = limit is not None and day.minutes > limit
        table.add_row(
            names[day.specialist],
            _head(day.date),
            drives or "(no driving)",
            Text(str(day.minutes), style="bold red" if over else ""),
            "-" if limit is None else str(limit),
        )
    return table, left_out


def objective(report: CheckReport) -> Table:
    """The objective term by term, as the independent checker recomputed it."""
    table = Table(title="Objective")
    table.add_column("Term (checker)")
    table.add_column("Cost", justify="right")
    for term, value in report.breakdown.items():
        table.add_row(term, str(value))
    table.add_row("[bold]total[/bold]", f"[bold]{report.objective}[/bold]")
    return table


def violations(report: CheckReport) -> Table:
    table = Table(title="Rules broken", title_style="bold red")
    for column in ("Rule", "Specialist", "Date", "Period", "Site", "What is wrong"):
        table.add_column(column, overflow="fold")
    for v in report.violations:
        table.add_row(v.rule, v.specialist or "", str(v.date or ""), v.period or "", v.site or "", v.message)
    return table
