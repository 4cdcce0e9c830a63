"""The coverage rows (report/views.py, the CLI's coverage table, the workbook and the page)
list a demand only in the weeks it asks in, plus any week a roster serves it anyway.

Why: a Curtois & Qu year has 11,648 one-date demands over 52 weeks; every demand in every
week made 605,696 rows and the CLI was killed at 600 s printing them (brief, item 1)."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from support import base, demand, instance

from outreach_opt.check.checker import check_roster
from outreach_opt.cli import tables
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report.views import coverage

START = dt.date(2025, 10, 20)  # a Monday
WEEK2_TUE = START + dt.timedelta(days=8)


def three_weeks() -> dict[str, object]:
    return base(
        horizon={"start": START.isoformat(), "days": 21},
        demands=[
            demand("once", "near", dates=[WEEK2_TUE.isoformat()]),
            demand("weekly", "near"),
        ],
    )


def test_rows_only_in_the_weeks_a_demand_asks() -> None:
    """A demand on one date is one row (its week); a demand without dates is one a week.
    The old rows were every demand in every week: 6 here."""
    inst = instance(three_weeks())
    roster = Roster(instance=inst.name, assignments=[])
    rows = coverage(inst, roster, check_roster(inst, roster))
    assert [(r.demand, r.week, r.uncovered, r.cost) for r in rows] == [
        ("once", 2, 1, 1000),
        ("weekly", 1, 1, 1000),
        ("weekly", 2, 1, 1000),
        ("weekly", 3, 1, 1000),
    ]


def test_a_served_week_it_does_not_ask_in_is_still_shown() -> None:
    """A roster (say one given to `show`) serving the one-date demand in another week: that
    week is listed too, with what it served, so the table hides nothing the roster does."""
    inst = instance(three_weeks())
    stray = Assignment(specialist="a", date=START, period="am", site="near", activity="clinic", demand="once")
    roster = Roster(instance=inst.name, assignments=[stray])
    rows = coverage(inst, roster, check_roster(inst, roster))
    assert [(r.week, r.served) for r in rows if r.demand == "once"] == [(1, 1), (2, 0)]


def test_cli_table_has_a_line_per_row() -> None:
    """The CLI's table renders exactly the asked rows."""
    inst = instance(three_weeks())
    roster = Roster(instance=inst.name, assignments=[])
    table = tables.coverage(inst, roster, check_roster(inst, roster))
    assert table.row_count == 4
    console = Console(width=200, record=True)
    console.print(table)
    assert "session(s) short" in console.export_text()
