"""Rich tables of a roster: by specialist, by site, coverage per demand, on call, teaching,
objective breakdown.

Pure rendering: takes an instance, a roster and the checker's report, returns rich renderables.
The day-by-day tables (by specialist, by site, travel) take a `Week` to show only its dates:
28 day columns at a 160-character terminal left 3 characters a cell, broke every word over a
dozen lines and cut the last week off, so past a week they are printed a week at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from outreach_opt.check.checker import CheckReport, Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report import consortium, views

_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")


@dataclass(frozen=True)
class Week:
    """One week of the horizon as the checker counts them (`Context.week`: 7-day blocks from
    the first day, a partial last one too): the dates a day-by-day table shows and the words
    added to its title. `number` is 1-based, as titles and `show --week` say it."""

    number: int
    of: int
    dates: tuple[dt.date, ...]

    @property
    def label(self) -> str:
        """'week 2 of 4 (2025-11-10 to 11-16)'."""
        return f"week {self.number} of {self.of} ({self.dates[0]} to {self.dates[-1]:%m-%d})"


def weeks(instance: Instance) -> list[Week]:
    """Every week of the horizon, in order."""
    ctx = Context.of(instance)
    days = ctx.dates
    return [Week(w + 1, ctx.week_count, days[7 * w : 7 * w + 7]) for w in range(ctx.week_count)]


def day_spans(instance: Instance) -> Sequence[Week | None]:
    """How the day-by-day tables of the whole horizon are cut: up to 7 days one table with no
    week in its title (`None`, as they always printed), past that a table per week."""
    found = weeks(instance)
    return [None] if len(found) == 1 else found


def _dates(instance: Instance, week: Week | None = None) -> list[dt.date]:
    """The dates a day-by-day table shows: `week`'s, or the whole horizon's."""
    if week is not None:
        return list(week.dates)
    return instance.horizon.dates()


def _titled(title: str, week: Week | None) -> str:
    return title if week is None else f"{title} — {week.label}"


def _head(date: dt.date) -> str:
    return f"{_DAY[date.weekday()]} {date:%m-%d}"


def _site_styles(instance: Instance) -> dict[str, str]:
    """Home-type sites plain, every other site its own colour, stable across tables."""
    return {s.id: _COLOURS[i % len(_COLOURS)] for i, s in enumerate(instance.sites)}


def _order(instance: Instance) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(instance.periods)}


def by_specialist(instance: Instance, roster: Roster, week: Week | None = None) -> Table:
    """A week grid: one row per specialist, one column per date (of `week` only, if given), a
    line per period."""
    styles, order = _site_styles(instance), _order(instance)
    homes = {s.id: s.home for s in instance.specialists}
    cells: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        cells[(a.specialist, a.date)].append(a)
    nights = Context.of(instance, stays=roster.stays).stay_at  # the checker's nights (rule overnight_stay)
    table = Table(title=_titled("Roster by specialist", week), show_lines=True, expand=False)
    table.add_column("Specialist", no_wrap=True)
    dates = _dates(instance, week)
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


def by_site(instance: Instance, roster: Roster, week: Week | None = None) -> Table:
    """Who comes to each site when (of `week` only, if given), for what."""
    order = _order(instance)
    names = {s.id: s.name or s.id for s in instance.specialists}
    cells: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        cells[(a.site, a.date)].append(a)
    table = Table(title=_titled("Roster by site", week), show_lines=True)
    table.add_column("Site", no_wrap=True)
    dates = _dates(instance, week)
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


def travel(
    instance: Instance, roster: Roster, driving_only: bool = False, week: Week | None = None
) -> tuple[Table, int]:
    """Each specialist's drives per day (of `week` only, if given), with clock times, against
    the daily limit; with `driving_only` (long horizons) the days with driving alone. Also the
    count of days left out for want of driving."""
    names = {s.id: s.name or s.id for s in instance.specialists}
    limits = {s.id: s.max_travel_minutes_per_day for s in instance.specialists}
    title = "Travel per specialist and day" + (" (days with driving)" if driving_only else "")
    table = Table(title=_titled(title, week), show_lines=True)
    for column in ("Specialist", "Date", "Drives", "Minutes", "Limit"):
        table.add_column(column, justify="right" if column in {"Minutes", "Limit"} else "left", overflow="fold")
    ctx = Context.of(instance, stays=roster.stays)  # every night away, whichever dates are shown
    if week is not None:  # each day's drives are its own: only the week's days are worked out
        shown = set(week.dates)
        roster = roster.model_copy(update={"assignments": [a for a in roster.assignments if a.date in shown]})
    left_out = 0
    for day in views.days(instance, roster, ctx):
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
