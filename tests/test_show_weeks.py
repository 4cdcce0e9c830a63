"""Day-by-day tables a week at a time: past 7 days (up to LONG_DAYS) `show` and `solve` print
the specialist, site and travel views as a table per week, and `show --week N` prints week N's
alone at any horizon length.

Why: the four-week sample's 28 day columns in one table left 3 characters a cell at a
160-column terminal, broke every word over a dozen lines and cut the last week off. The
rosters are the committed ones the HTML tests read (tests/html_pages), so nothing is solved.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console
from support import INSTANCES

from outreach_opt.check.checker import check_roster
from outreach_opt.cli import main as main_module
from outreach_opt.cli import tables
from outreach_opt.cli.main import main
from outreach_opt.generate import generate
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.report import views

PAGES = Path(__file__).resolve().parent / "html_pages"
FOUR = INSTANCES / "anzhen-cardiology-4weeks.yaml"  # 28 days from Monday 2025-11-03
FOUR_ROSTER = PAGES / "anzhen-cardiology-4weeks-roster.yaml"
WEEK = INSTANCES / "anzhen-tongzhou-week.yaml"  # 7 days from Monday 2025-10-20, the README's demo
WEEK_ROSTER = PAGES / "anzhen-tongzhou-week-roster.yaml"

HEAD = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d-\d\d\b")
"""A day as the tables head it (`tables._head`): 'Mon 11-03'."""


def _head(date: dt.date) -> str:
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[date.weekday()]} {date:%m-%d}"  # not %a: locale's


def _days(start: dt.date, first: int, count: int) -> list[str]:
    return [_head(start + dt.timedelta(days=d)) for d in range(first, first + count)]


FIRST = dt.date(2025, 11, 3)
ALL_DAYS = _days(FIRST, 0, 28)
WEEK_2 = _days(FIRST, 7, 7)


def _run(*args: object) -> Result:
    return CliRunner().invoke(main, ["show", *map(str, args)])


def _show(*args: object) -> str:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _day_columns(text: str) -> list[list[str]]:
    """The days heading each table's columns: the line after each table's top border."""
    lines = text.splitlines()
    return [HEAD.findall(lines[i + 1]) for i, line in enumerate(lines) if line.startswith("┏")]


def _travel_dates(text: str) -> list[list[str]]:
    """Per travel table, the Date cell of each of its rows (a row's first line)."""
    found: list[list[str]] = []
    for line in text.splitlines():
        if line.strip().startswith("Travel per specialist and day"):
            found.append([])
        cells = [cell.strip() for cell in line.split("│")]
        if line.startswith("│") and HEAD.fullmatch(cells[2]):
            found[-1].append(cells[2])
    return found


@pytest.mark.parametrize("view", ["specialist", "site"])
def test_four_weeks_show_each_day_once_in_tables_of_a_week(view: str) -> None:
    """The 28-day sample's grid is four tables of 7 day columns, each titled with its week,
    holding every day of the horizon once, in order (before: one table of 28 columns)."""
    text = _show(FOUR, FOUR_ROSTER, "--view", view)
    columns = _day_columns(text)
    assert [len(c) for c in columns] == [7, 7, 7, 7]
    assert [day for table in columns for day in table] == ALL_DAYS
    titles = re.findall(rf"Roster by {view} — week (\d) of 4 \((\S+) to (\S+)\)", text)
    assert titles == [
        ("1", "2025-11-03", "11-09"),
        ("2", "2025-11-10", "11-16"),
        ("3", "2025-11-17", "11-23"),
        ("4", "2025-11-24", "11-30"),
    ]


def test_four_weeks_travel_a_table_per_week() -> None:
    """The travel view is four tables, each listing only its week's specialist-days, and
    together every specialist-day `views.days` gives, once."""
    text = _show(FOUR, FOUR_ROSTER, "--view", "travel")
    per_table = _travel_dates(text)
    assert len(per_table) == 4
    for week, dates in enumerate(per_table):
        assert dates and set(dates) <= set(_days(FIRST, 7 * week, 7)), (week, dates)
    instance, roster = load_instance(str(FOUR)), load_roster(str(FOUR_ROSTER))
    expected = Counter(_head(day.date) for day in views.days(instance, roster))
    assert Counter(d for dates in per_table for d in dates) == expected


def test_solve_prints_the_four_weeks_a_week_a_table() -> None:
    """What `solve` prints after a roster (`_print_roster`): four specialist tables, four site
    tables (7 day columns each, every day once per view), then coverage per demand."""
    instance, roster = load_instance(str(FOUR)), load_roster(str(FOUR_ROSTER))
    console = Console(file=io.StringIO(), width=160, no_color=True, highlight=False)
    main_module._print_roster(console, instance, roster, check_roster(instance, roster))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    columns = _day_columns(text)
    assert [len(c) for c in columns] == [7] * 8 + [0]  # the last: coverage, no day columns
    assert [day for table in columns[:4] for day in table] == ALL_DAYS
    assert [day for table in columns[4:8] for day in table] == ALL_DAYS
    assert text.count("Roster by specialist — week") == 4 and text.count("Roster by site — week") == 4
    assert "Coverage per demand" in text


@pytest.mark.parametrize("view", ["specialist", "site"])
def test_week_2_shows_only_its_days(view: str) -> None:
    """`--week 2` prints one table of week 2's seven days and no other day anywhere."""
    text = _show(FOUR, FOUR_ROSTER, "--view", view, "--week", 2)
    assert _day_columns(text) == [WEEK_2]
    assert set(HEAD.findall(text)) == set(WEEK_2)
    assert text.splitlines()[0].strip() == f"Roster by {view} — week 2 of 4 (2025-11-10 to 11-16)"


def test_week_2_travel_lists_only_its_days() -> None:
    """`--view travel --week 2`: one table, of week 2's specialist-days as `views.days` gives
    them (36 in the committed roster: its distinct specialist-dates that week), and no other day."""
    instance, roster = load_instance(str(FOUR)), load_roster(str(FOUR_ROSTER))
    text = _show(FOUR, FOUR_ROSTER, "--view", "travel", "--week", 2)
    expected = Counter(_head(d.date) for d in views.days(instance, roster) if _head(d.date) in WEEK_2)
    per_table = _travel_dates(text)
    assert len(per_table) == 1 and Counter(per_table[0]) == expected
    assert len(per_table[0]) == 36 and set(HEAD.findall(text)) <= set(WEEK_2)


@pytest.mark.parametrize("week", [0, 99])
def test_a_week_outside_the_horizon_is_refused(week: int) -> None:
    """Exit 2, a usage error naming the weeks there are, no traceback."""
    result = _run(FOUR, FOUR_ROSTER, "--week", week)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert f"week {week} is not in the horizon" in result.stderr
    assert "the 28-day horizon from 2025-11-03 has weeks 1 to 4" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_week_with_a_view_that_has_no_days_is_refused() -> None:
    result = _run(FOUR, FOUR_ROSTER, "--view", "demand", "--week", 1)
    assert result.exit_code == 2 and "not of --view demand" in result.stderr and "Traceback" not in result.output


def test_week_past_long_days_gives_that_weeks_days(tmp_path: Path) -> None:
    """Past LONG_DAYS (5 generated weeks) `show` counts per week; `--week 3` gives week 3's
    grid day by day instead."""
    data = generate(specialists=10, sites=4, weeks=5, seed=3)
    instance = tmp_path / "generated.json"
    instance.write_text(json.dumps(data), encoding="utf-8")
    roster = PAGES / "generated-5weeks-roster.yaml"
    assert "Roster by specialist, per week" in _show(instance, roster)
    text = _show(instance, roster, "--week", 3)
    assert "per week" not in text
    assert _day_columns(text) == [_days(FIRST, 14, 7)]
    assert "Roster by specialist — week 3 of 5 (2025-11-17 to 11-23)" in text


def test_one_week_prints_as_before() -> None:
    """The README's demo week prints as it did before weeks were split: each view is the one
    whole-horizon table (`tables.by_specialist` and the others called without a week, as the
    old code called them), first in `show`'s output and in what `solve` prints (at the 200
    columns a pipe gets; the output matched the old code's byte for byte when this was built);
    `--week 1` gives the same grid, titled with its week and without the on-call and teaching
    tables that follow the whole horizon's grid."""
    instance, roster = load_instance(str(WEEK)), load_roster(str(WEEK_ROSTER))

    def rendered(*tables_: object) -> str:
        console = Console(file=io.StringIO(), width=200, no_color=True, highlight=False)
        for table in tables_:
            console.print(table)
        return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]

    whole_tables = {
        "specialist": tables.by_specialist(instance, roster),
        "site": tables.by_site(instance, roster),
        "travel": tables.travel(instance, roster)[0],
    }
    for view, table in whole_tables.items():
        assert _show(WEEK, WEEK_ROSTER, "--view", view).startswith(rendered(table)), view
    console = Console(file=io.StringIO(), width=200, no_color=True, highlight=False)
    main_module._print_roster(console, instance, roster, check_roster(instance, roster))
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert printed.startswith(rendered(whole_tables["specialist"]))
    assert rendered(whole_tables["site"]) in printed
    whole = _show(WEEK, WEEK_ROSTER).splitlines()
    assert whole[0].strip() == "Roster by specialist" and len(_day_columns("\n".join(whole))[0]) == 7
    alone = _show(WEEK, WEEK_ROSTER, "--week", 1).splitlines()
    assert alone[0].strip() == "Roster by specialist — week 1 of 1 (2025-10-20 to 10-26)"
    assert alone[1:] == whole[1 : len(alone)] and "On call" not in "\n".join(alone)
