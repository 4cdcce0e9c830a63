"""Rich tables of a roster: by specialist, by site, coverage per demand, objective breakdown.

Pure rendering: takes an instance, a roster and the checker's report, returns rich renderables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from rich.table import Table
from rich.text import Text

from outreach_opt.check.checker import CheckReport
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster

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
                    f"{a.period} {names.get(a.specialist, a.specialist)} ({a.demand or 'home duty'})"
                    for a in sorted(cells[(site.id, date)], key=lambda a: order.get(a.period, 99))
                )
            )
        table.add_row(*row)
    return table


def coverage(instance: Instance, roster: Roster, report: CheckReport) -> Table:
    """Sessions served per demand and week against min/max, with the cost of what is missing."""
    served: dict[tuple[str, int], int] = defaultdict(int)
    for a in roster.assignments:
        if a.demand is not None:
            served[(a.demand, (a.date - instance.horizon.start).days // 7)] += 1
    weeks = (instance.horizon.days + 6) // 7
    table = Table(title="Coverage per demand")
    for column in ("Demand", "Site", "Week", "Min-max", "Served", "Uncovered", "Cost"):
        table.add_column(column, justify="right" if column in {"Week", "Served", "Uncovered", "Cost"} else "left")
    weight = instance.weights.uncovered_session
    for dem in instance.demands:
        for w in range(weeks):
            missing = report.uncovered.get((dem.id, w), 0)
            style = "bold red" if missing else ""
            table.add_row(
                dem.id,
                dem.site,
                str(w + 1),
                f"{dem.sessions.min}-{dem.sessions.max}",
                str(served[(dem.id, w)]),
                Text(str(missing), style=style),
                str(missing * dem.priority * weight),
            )
    return table


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
