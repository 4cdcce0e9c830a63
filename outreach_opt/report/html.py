"""The HTML report: one self-contained page a department head opens or forwards.

Everything the page needs is in the file (inline CSS, no fonts, scripts or images fetched),
so it reads the same offline, attached to an e-mail, or years later. Jinja2 renders it with
autoescaping on: names come from instance files and must never become markup.

This module turns the roster into plain rows and bars (`_page`); the template only lays them
out. Ids and classes in the page are stable for tests and for anyone styling it:
`#summary`, `#legend`, `#grid` (`td.day` > `div.cell.site-<id>`), `#sites`, `#coverage`
(`tr.missing`), `#on-call` (`table[data-on-call]` > `td.slot.short`), `#teaching`
(`tr[data-trainee].short`, `li.lesson`), `#timeline` (`div.bar.drive`), `#objective`,
`#violations`. The on-call and teaching sections appear only for instances that have them.

Past `weeks.LONG_DAYS` days (a quarter, a year) the page shows weeks in place of days: the
sections and their ids are listed in `report.html_weeks`, which builds them (a year of days
was 149 MB). Up to LONG_DAYS the page is byte for byte what it was before weeks existed
(tests/test_html_same.py holds it to that; tests/test_html_weeks.py tests the weeks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from outreach_opt.check.checker import RULE_TITLES, CheckReport
from outreach_opt.check.context import Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.report import consortium, html_weeks
from outreach_opt.report.views import (
    DUTY_GREY,
    Day,
    clock,
    coverage,
    day_label,
    days,
    site_colours,
    words,
)
from outreach_opt.report.weeks import is_long

DAY_START, DAY_END = 6 * 60, 24 * 60
"""The timeline's default span; it widens to whole hours when a drive falls outside it."""

_ENV = Environment(
    loader=PackageLoader("outreach_opt.report", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def roster_to_html(
    instance: Instance,
    roster: Roster,
    report: CheckReport,
    *,
    status: str | None = None,
    bound: int | None = None,
    gap: float | None = None,
    wall_time: float | None = None,
) -> str:
    """The report page. Status and bound default to the roster's own claims; the gap is
    computed from the checker's objective and the bound when not given; the solve time is
    shown only when known (a roster file does not record it)."""
    bound = roster.bound if bound is None else bound
    if gap is None and bound is not None:
        gap = (report.objective - bound) / max(1, abs(report.objective))
    summary = {
        "status": status or roster.status,
        "objective": report.objective,
        "claimed": roster.objective,
        "bound": "–" if bound is None else bound,
        "gap": "–" if gap is None else f"{gap:.2%}",
        "time": "–" if wall_time is None else f"{wall_time:.2f} s",
        "assignments": len(roster.assignments),
    }
    return _ENV.get_template("report.html.j2").render(summary=summary, **_page(instance, roster, report))


def css_class(site: str) -> str:
    """The CSS selector of a site's class; ids may hold '.', which a selector must escape."""
    return "site-" + re.sub(r"([^A-Za-z0-9_-])", r"\\\1", site)


def _page(instance: Instance, roster: Roster, report: CheckReport) -> dict[str, Any]:
    ctx = Context.of(instance, stays=roster.stays)
    colours = site_colours(instance)
    horizon = instance.horizon.dates()
    weeks, rest = divmod(instance.horizon.days, 7)
    span = "Week" if instance.horizon.days <= 7 else f"{weeks} weeks" if not rest else f"{instance.horizon.days} days"
    page = {
        "title": instance.name,
        "span": span,
        "long": is_long(instance),
        "sites": [
            {"id": s.id, "name": s.name or s.id, "kind": words(s.kind.value), "colour": colours[s.id]}
            for s in instance.sites
        ],
        "styles": [(css_class(site), colour) for site, colour in colours.items()],
        "duty_grey": DUTY_GREY,
        "periods": [{"id": p.id, "time": f"{p.start}–{p.end}"} for p in instance.periods],
        "teaching": _teaching(ctx, roster) if instance.trainees else [],  # a third of a second for a year
        "breakdown": report.breakdown,
        "violations": [
            {"rule": RULE_TITLES.get(v.rule, v.rule), "id": v.rule, "text": v.message} for v in report.violations
        ],
    }
    rows = coverage(instance, roster, report)
    # One site, no drives: the routes of every specialist-day (a second for a year) are skipped.
    all_days = days(instance, roster, ctx) if len(instance.sites) > 1 or not page["long"] else []
    if page["long"]:
        short = [row for row in rows if row.uncovered]
        return page | {
            "weeks": html_weeks.week_heads(ctx),
            "grid": html_weeks.grid(ctx, roster, all_days),
            "site_rows": html_weeks.site_rows(ctx, roster),
            "coverage_weeks": html_weeks.coverage(ctx, rows),
            "coverage": short,
            "covered": len(rows) - len(short),
            "on_call": _on_call(ctx, html_weeks.on_call_rows(ctx, roster)),
            "drives": sum(1 for day in all_days if day.drives),
            "exports_note": html_weeks.EXPORTS_NOTE,
        }
    return page | {
        "dates": [{"iso": d.isoformat(), "label": day_label(d)} for d in horizon],
        "grid": _grid(ctx, all_days, horizon),
        "site_rows": _site_rows(ctx, all_days, horizon),
        "coverage": rows,
        "on_call": _on_call(ctx, _on_call_days(ctx, roster, horizon)),
        "timeline": _timeline(ctx, all_days, horizon),
    }


def _grid(ctx: Context, all_days: list[Day], horizon: list[dt.date]) -> list[dict[str, Any]]:
    """Rows of specialists, a cell per date, in it a slot per period (empty ones too, so the
    periods line up across the row)."""
    by_day = {(d.specialist, d.date): d for d in all_days}
    grid = []
    for spec in ctx.instance.specialists:
        cells = []
        for date in horizon:
            day = by_day.get((spec.id, date))
            placed = {a.period: a for a in day.sessions} if day else {}
            slots: list[dict[str, Any]] = []
            for period in ctx.instance.periods:
                a = placed.get(period.id)
                if a is None:
                    slots.append({"period": period.id, "site": None})
                    continue
                slots.append(
                    {
                        "period": period.id,
                        "site": a.site,
                        "duty": a.commitment,
                        "activity": words(a.activity),
                        "title": f"{period.start}–{period.end} {ctx.what(a)}",
                    }
                )
            night = ctx.stay_at.get((spec.id, date))  # rule overnight_stay: where they sleep
            cells.append(
                {
                    "date": date.isoformat(),
                    "slots": slots,
                    "drive": day.minutes if day else 0,
                    "night": ctx.where(night) if night else None,
                }
            )
        grid.append({"id": spec.id, "name": spec.label, "home": spec.home, "cells": cells})
    return grid


def _site_rows(ctx: Context, all_days: list[Day], horizon: list[dt.date]) -> list[dict[str, Any]]:
    """Rows of sites, a cell per date listing who is there in which period, for what."""
    visits: dict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
    for day in all_days:
        for a in day.sessions:
            visits[(a.site, a.date)].append(
                {
                    "period": a.period,
                    "rank": ctx.period_rank[a.period],
                    "who": ctx.who(a.specialist),
                    "activity": words(a.activity) + (f" ({a.role})" if a.role else ""),
                    "duty": a.commitment,
                    "title": f"{a.period} {ctx.who(a.specialist)}: {ctx.what(a)}",
                }
            )
    for lines in visits.values():
        lines.sort(key=lambda line: line["rank"])
    return [
        {"id": s.id, "name": s.name or s.id, "cells": [visits[(s.id, d)] for d in horizon]} for s in ctx.instance.sites
    ]


def _on_call(ctx: Context, rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per green channel, what it asks and its grid `rows` (by date, or by week past LONG_DAYS)."""
    return [
        {
            "id": oc.id,
            "name": oc.name or oc.id,
            "site": ctx.where(oc.site),
            "count": oc.count,
            "reach": oc.reach_minutes,
            "skills": ", ".join(words(skill) for skill in oc.skills) or "any skills",
            "soft": oc.weight is not None,
            "rows": rows[oc.id],
        }
        for oc in ctx.instance.on_call
    ]


def _on_call_days(ctx: Context, roster: Roster, horizon: list[dt.date]) -> dict[str, list[dict[str, Any]]]:
    """Per green channel, a grid of its periods by date: who is within reach of its hospital,
    as the checker derives it; slots outside its window are blank, short ones marked."""
    names = {s.id: s.label for s in ctx.instance.specialists}
    slots = {(s.on_call, s.date, s.period): s for s in consortium.on_call(ctx.instance, roster, ctx)}
    out = {}
    for oc in ctx.instance.on_call:
        rows = []
        for period in oc.periods or list(ctx.periods):
            cells = []
            for date in horizon:
                slot = slots.get((oc.id, date, period))
                cells.append(
                    {"date": date.isoformat(), "in_window": False}
                    if slot is None
                    else {
                        "date": date.isoformat(),
                        "in_window": True,
                        "names": [names[s] for s in slot.within_reach],
                        "short": slot.short,
                    }
                )
            rows.append({"period": period, "cells": cells})
        out[oc.id] = rows
    return out


def _teaching(ctx: Context, roster: Roster) -> list[dict[str, Any]]:
    """Per trainee: the sessions that taught them and by whom, distinct teachers, and each
    4-week block's target against the sessions held."""
    return [
        {
            "id": row.trainee,
            "name": row.name,
            "site": ctx.where(row.site),
            "lessons": [
                {
                    "date": lesson.date.isoformat(),
                    "label": f"{day_label(lesson.date)} {lesson.period}",
                    "teachers": ", ".join(ctx.who(s) for s in lesson.teachers),
                    "demand": ctx.demand_name(lesson.demand),
                }
                for lesson in row.lessons
            ],
            "teachers": [ctx.who(s) for s in row.teachers],
            "blocks": [
                {"first": day_label(b.first), "days": b.days, "target": b.target, "held": b.held, "short": b.short}
                for b in row.blocks
            ],
            "short": row.short,
            "cost": row.short * ctx.instance.weights.teaching_session,
        }
        for row in consortium.teaching(ctx.instance, roster, ctx)
    ]


def _timeline(ctx: Context, all_days: list[Day], horizon: list[dt.date]) -> dict[str, Any]:
    """Per date, a row per specialist who drives: their sessions and drives as bars placed
    by clock time on a shared axis (percentages, so the page needs no script)."""
    driving = [d for d in all_days if d.drives]
    lo = min([DAY_START, *(leg.depart for d in driving for leg in d.drives)])
    hi = max([DAY_END, *(leg.arrive for d in driving for leg in d.drives)])
    lo, hi = lo // 60 * 60, -(-hi // 60) * 60
    span = hi - lo

    def place(start: int, end: int) -> dict[str, float]:
        return {"left": round(100 * (start - lo) / span, 3), "width": round(100 * (end - start) / span, 3)}

    per_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for day in driving:
        bars = []
        for a in day.sessions:
            bars.append(
                {
                    **place(ctx.start(a), ctx.end(a)),
                    "kind": "session",
                    "site": a.site,
                    "duty": a.commitment,
                    "label": words(a.activity),
                    "title": f"{clock(ctx.start(a))}–{clock(ctx.end(a))} {ctx.what(a)}",
                }
            )
        for leg in day.drives:
            bars.append(
                {
                    **place(leg.depart, leg.arrive),
                    "kind": "drive",
                    "site": None,
                    "duty": False,
                    "label": f"{leg.minutes}′",
                    "title": f"{clock(leg.depart)}–{clock(leg.arrive)} drive {ctx.where(leg.origin)} → "
                    f"{ctx.where(leg.destination)}, {leg.minutes} min",
                }
            )
        per_date[day.date.isoformat()].append(
            {"id": day.specialist, "name": ctx.who(day.specialist), "minutes": day.minutes, "bars": bars}
        )
    # Hours past midnight stay on this date's axis ("25:00"), as a night shift is read.
    ticks = [{"left": round(100 * (m - lo) / span, 3), "label": f"{m // 60:02d}:00"} for m in range(lo, hi + 1, 120)]
    rows = [
        {"iso": d.isoformat(), "label": day_label(d), "rows": per_date[d.isoformat()]}
        for d in horizon
        if per_date[d.isoformat()]
    ]
    return {"ticks": ticks, "dates": rows}
