"""The roster as an Excel workbook (openpyxl): one sheet per view, for partner hospitals.

Sheets: "By specialist" (the week grid), "By site" (who comes when), "Coverage", "Travel",
"Nights away" (the stays), "On call" (who the green channel can call in each slot),
"Teaching" (each local doctor's 4-week blocks against their target) and "Objective". Nights,
on-call and teaching are the checker's (one `Context`, `report/consortium.py`, as the HTML
report), never the roster's own claims. Grids are coloured per site with the same colours as
the HTML report, home duties light grey, shortfalls red; the header row and the name column
are frozen so they stay in view while scrolling a long horizon.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from outreach_opt.check.checker import CheckReport
from outreach_opt.check.context import Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report import consortium
from outreach_opt.report.views import (
    DUTY_GREY,
    coverage,
    day_label,
    days,
    serves_label,
    site_colours,
    words,
)

SHEETS = ("By specialist", "By site", "Coverage", "Travel", "Nights away", "On call", "Teaching", "Objective")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MISSING = PatternFill("solid", fgColor="FECACA")


def roster_to_xlsx(instance: Instance, roster: Roster, report: CheckReport) -> bytes:
    """The workbook as .xlsx bytes; `report` is the checker's report of this roster."""
    ctx = Context.of(instance, stays=roster.stays)
    book = Workbook()
    for default in book.worksheets:  # the blank sheet a new workbook starts with
        book.remove(default)
    fills = {site: PatternFill("solid", fgColor=colour.lstrip("#")) for site, colour in site_colours(instance).items()}
    duty = PatternFill("solid", fgColor=DUTY_GREY.lstrip("#"))
    slots = [(date, p.id) for date in instance.horizon.dates() for p in instance.periods]
    heads = [f"{day_label(date)} {period}" for date, period in slots]

    grid = _sheet(book, "By specialist", ["Specialist", *heads], widths=[24, *[22] * len(heads)])
    at_slot = {(a.specialist, a.date, a.period): a for a in roster.assignments}
    for spec in instance.specialists:
        row: list[object] = [spec.label]
        at = _append(grid, row + [_grid_text(at_slot.get((spec.id, d, p))) for d, p in slots])
        for column, (d, p) in enumerate(slots, start=2):
            a = at_slot.get((spec.id, d, p))
            if a is not None:
                cell = grid.cell(row=at, column=column)
                cell.fill = duty if a.commitment else fills[a.site]
                cell.alignment = WRAP

    by_site = _sheet(book, "By site", ["Site", *heads], widths=[40, *[24] * len(heads)])
    visits: dict[tuple[str, dt.date, str], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        visits[(a.site, a.date, a.period)].append(a)
    for site in instance.sites:
        texts = ["\n".join(_visit_text(ctx, a) for a in visits[(site.id, d, p)]) for d, p in slots]
        at = _append(by_site, [site.name or site.id, *texts])
        by_site.cell(row=at, column=1).fill = fills[site.id]
        for column in range(2, len(slots) + 2):
            by_site.cell(row=at, column=column).alignment = WRAP

    cov = _sheet(
        book,
        "Coverage",
        ["Demand", "Name", "Site", "Week", "Min", "Max", "Served", "Uncovered", "Cost"],
        widths=[28, 48, 18, 7, 6, 6, 8, 11, 9],
    )
    for r in coverage(instance, roster, report):
        at = _append(cov, [r.demand, r.name, r.site, r.week, r.min, r.max, r.served, r.uncovered, r.cost])
        if r.uncovered:
            for cell in cov[at]:
                cell.fill = MISSING

    travel = _sheet(book, "Travel", ["Specialist", "Name", "Date", "Minutes", "Route"], widths=[16, 22, 12, 9, 90])
    for day in days(instance, roster, ctx):
        route = " → ".join([ctx.where(day.legs[0].origin), *(ctx.where(leg.destination) for leg in day.drives)])
        at = _append(travel, [day.specialist, ctx.who(day.specialist), day.date, day.minutes, route])
        travel.cell(row=at, column=3).number_format = "yyyy-mm-dd"

    _nights_sheet(book, instance, ctx)
    _on_call_sheet(book, instance, roster, ctx)
    _teaching_sheet(book, instance, roster, ctx)

    objective = _sheet(book, "Objective", ["Term", "Cost"], widths=[34, 12])
    for term, value in report.breakdown.items():
        objective.append([term, value])
    objective.append(["total (checker)", report.objective])
    objective.cell(row=objective.max_row, column=1).font = BOLD
    objective.append(["status (solver)", roster.status])
    objective.append(["bound (solver)", roster.bound])
    objective.append(["broken hard rules (checker)", len(report.violations)])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _nights_sheet(book: Workbook, instance: Instance, ctx: Context) -> None:
    """One row per night away, as the checker reads the stays (the first listed for a night)."""
    sheet = _sheet(
        book, "Nights away", ["Specialist", "Name", "Night of", "Site", "Site name"], widths=[16, 22, 12, 20, 40]
    )
    rank = {s.id: i for i, s in enumerate(instance.specialists)}
    for (spec, night), site in sorted(ctx.stay_at.items(), key=lambda item: (rank.get(item[0][0], 0), item[0][1])):
        sheet.append([spec, ctx.who(spec), night, site, ctx.where(site)])
        sheet.cell(row=sheet.max_row, column=3).number_format = "yyyy-mm-dd"


def _on_call_sheet(book: Workbook, instance: Instance, roster: Roster, ctx: Context) -> None:
    """One row per on-call slot: who is within reach; a slot short of its count in red."""
    sheet = _sheet(
        book,
        "On call",
        ["On call", "Name", "Site", "Date", "Period", "Needed", "Within reach", "Short"],
        widths=[24, 40, 20, 12, 8, 8, 48, 7],
    )
    for slot in consortium.on_call(instance, roster, ctx):
        near = ", ".join(ctx.who(s) for s in slot.within_reach)
        sheet.append([slot.on_call, slot.name, slot.site, slot.date, slot.period, slot.count, near, slot.short])
        sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
        if slot.short:
            for cell in sheet[sheet.max_row]:
                cell.fill = MISSING


def _teaching_sheet(book: Workbook, instance: Instance, roster: Roster, ctx: Context) -> None:
    """One row per trainee's 4-week block: target, sessions held, shortfall (red) and the
    sessions that taught them in it, with their teachers."""
    sheet = _sheet(
        book,
        "Teaching",
        ["Trainee", "Name", "Site", "Block from", "Days", "Target", "Held", "Short", "Sessions (teachers)"],
        widths=[20, 28, 20, 12, 6, 7, 6, 7, 80],
    )
    for row in consortium.teaching(instance, roster, ctx):
        for block in row.blocks:
            last = block.first + dt.timedelta(days=block.days)
            lessons = [
                f"{day_label(lesson.date)} {lesson.period} {ctx.demand_name(lesson.demand)} "
                f"({', '.join(ctx.who(s) for s in lesson.teachers)})"
                for lesson in row.lessons
                if block.first <= lesson.date < last
            ]
            values = [row.trainee, row.name, ctx.where(row.site), block.first, block.days, block.target, block.held]
            sheet.append([*values, block.short, "\n".join(lessons)])
            sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
            sheet.cell(row=sheet.max_row, column=9).alignment = WRAP
            if block.short:
                for cell in sheet[sheet.max_row]:
                    cell.fill = MISSING


def _sheet(book: Workbook, title: str, header: list[str], widths: list[int]) -> Worksheet:
    """A sheet with a bold, frozen header row and frozen first column."""
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B2"
    return sheet


def _grid_text(a: Assignment | None) -> str:
    """'dachang-peoples / surgery' (site id: short and unique; the legend is "By site")."""
    return "" if a is None else f"{a.site} / {words(a.activity)}"


def _visit_text(ctx: Context, a: Assignment) -> str:
    return f"{ctx.who(a.specialist)}: {words(a.activity)} ({serves_label(a)})"


def _append(sheet: Worksheet, values: list[object]) -> int:
    """Append a row and give its number. `Worksheet.max_row` looks at every cell, so asking it
    per row or per cell is quadratic: a year's grid (Curtois & Qu Instance24, 150 x 11,648
    slots) ran past 550 CPU s unfinished; openpyxl's own counter of appended rows is O(1)."""
    sheet.append(values)
    return int(sheet._current_row)
