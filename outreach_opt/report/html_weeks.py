"""The HTML page's weekly sections for long horizons (past `weeks.LONG_DAYS` days).

A day per column made Curtois & Qu Instance24's page (150 specialists x 364 days) 149 MB, of
which 141 MB was the day grid: no browser or mail server wants it, and no reader needs a
year day by day on one page. Past LONG_DAYS the page keeps its header, objective and broken
rules, and shows instead, a column per week (the checker's weeks, `report.weeks`, the counts the
terminal shows too):

- `#grid-weeks` (`table.weeks`): a row per specialist (`tr[data-specialist]`), a cell per week
  (`td.week[data-week]`, 1-based): sessions per period (`span.n`), outreach away from home
  (`span.away`), nights away (`span.nights`), drive minutes (`span.drive`); `td.week.none` when
  the week has no session.
- `#sites-weeks` (`table.weeks`): a row per site (`tr[data-site]`), sessions per period a week.
- `#coverage-weeks`: a row per site with demands, a cell per week with sessions served,
  `td.week.short` (and the sessions missing) where a demand of the site is short that week;
  the cell's title has the sums (`report.weeks.CoverageWeek`).
- `#coverage` keeps its row markup (`tr.missing[data-demand][data-week]`) but lists only the
  demand-weeks short of cover; covered ones are counted, not listed.
- `#on-call` (instances with green channels): `table[data-on-call]`, a row per period, a cell
  per week (`td.slot[data-week]`, `.short` when a slot of the week is short).
- The per-day timeline gives way to the drive minutes in `#grid-weeks` and a note.

Every day and demand stays in the exports (.xlsx, .csv, .ics), which the page names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from outreach_opt.check.context import Context
from outreach_opt.domain.roster import Roster
from outreach_opt.report import weeks
from outreach_opt.report.views import CoverageRow, Day

EXPORTS_NOTE = "Every day and demand is in the exports: outreach-opt export INSTANCE ROSTER --out roster.xlsx (or .csv)"


def week_heads(ctx: Context) -> list[dict[str, Any]]:
    """The columns: 'W5' over the week's first date, and the date range as a title."""
    heads = []
    for week in range(ctx.week_count):
        start = ctx.week_start(week)
        end = min(start + dt.timedelta(days=6), ctx.last_date)
        heads.append(
            {"week": week + 1, "label": f"W{week + 1}", "start": f"{start:%m-%d}", "title": f"{start} to {end}"}
        )
    return heads


def _counts(periods: weeks.PeriodCounts) -> list[str]:
    return [f"{period} ×{n}" for period, n in periods]


def grid(ctx: Context, roster: Roster, all_days: list[Day]) -> list[dict[str, Any]]:
    """Rows of specialists, a cell per week (`weeks.specialist_weeks`) with the week's drive
    minutes (the legs of `views.days`, which add up to the checker's)."""
    counted = weeks.specialist_weeks(ctx, roster)
    drive: Counter[tuple[str, int]] = Counter()
    for day in all_days:
        drive[(day.specialist, ctx.week(day.date))] += day.minutes
    rows = []
    for spec in ctx.instance.specialists:
        cells = []
        for week in range(ctx.week_count):
            cell = counted.get((spec.id, week))
            cells.append(
                {
                    "week": week + 1,
                    "counts": _counts(cell.periods) if cell else [],
                    "away": cell.away if cell else 0,
                    "nights": cell.nights if cell else 0,
                    "drive": drive[(spec.id, week)],
                }
            )
        rows.append({"id": spec.id, "name": spec.label, "home": spec.home, "cells": cells})
    return rows


def site_rows(ctx: Context, roster: Roster) -> list[dict[str, Any]]:
    """Rows of sites, a cell per week: sessions held there per period (`weeks.site_weeks`)."""
    counted = weeks.site_weeks(ctx, roster)
    return [
        {
            "id": site.id,
            "name": site.name or site.id,
            "cells": [{"week": w + 1, "counts": _counts(counted.get((site.id, w), ()))} for w in range(ctx.week_count)],
        }
        for site in ctx.instance.sites
    ]


def coverage(ctx: Context, rows: list[CoverageRow]) -> list[dict[str, Any]]:
    """Rows of the sites that have demands, a cell per week: `weeks.coverage_weeks` of `rows`
    (`views.coverage`, the checker's uncovered sessions and costs)."""
    summed = {(w.site, w.week): w for w in weeks.coverage_weeks(rows)}
    out = []
    for site in ctx.instance.sites:
        if not any((site.id, week + 1) in summed for week in range(ctx.week_count)):
            continue
        cells: list[dict[str, Any]] = []
        for week in range(1, ctx.week_count + 1):
            w = summed.get((site.id, week))
            if w is None:
                cells.append({"week": week, "asked": False})
                continue
            title = f"W{week}: {w.demands} demand-week(s) ask {w.min}–{w.max} session(s), {w.served} served" + (
                f", {w.missing} missing ({w.short} demand(s) short), cost {w.cost}" if w.missing else ""
            )
            cells.append({"week": week, "asked": True, "served": w.served, "missing": w.missing, "title": title})
        out.append({"id": site.id, "name": site.name or site.id, "cells": cells})
    return out


def on_call_rows(ctx: Context, roster: Roster) -> dict[str, list[dict[str, Any]]]:
    """Per green channel, a row per period and a cell per week: the slots in its window that
    week, how many are short and by how many people in all (`weeks.on_call_weeks`)."""
    held = weeks.on_call_weeks(ctx, roster)
    out = {}
    for oc in ctx.instance.on_call:
        rows = []
        for period in oc.periods or list(ctx.periods):
            cells = []
            for week in range(ctx.week_count):
                found = held.get((oc.id, period, week))
                cell: dict[str, Any] = {"week": week + 1, "in_window": found is not None}
                if found is not None:
                    cell |= {"slots": found.slots, "short": found.short, "missing": found.missing}
                cells.append(cell)
            rows.append({"period": period, "cells": cells})
        out[oc.id] = rows
    return out
