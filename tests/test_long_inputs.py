"""Year-long instances load, print and write in reasonable time, with the same results.

Each faster path is checked against the slower one it replaced (kept here as the reference):
the sites each specialist can reach, and the YAML text of rosters and imported instances.
Speed itself is for benchmarks/, never asserted here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from support import EXAMPLE, INSTANCES, base, demand
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.check.checker import check_roster
from outreach_opt.check.context import Context
from outreach_opt.cli import main as main_module
from outreach_opt.cli import tables
from outreach_opt.cli.long_tables import LONG_DAYS, week_blocks
from outreach_opt.cli.main import main
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError
from outreach_opt.domain.travel import reachable_sites
from outreach_opt.io.load import instance_from_data, load_instance, load_roster
from outreach_opt.io.located_yaml import parse_text, read_located
from outreach_opt.io.write import _PLAIN_TEXT, yaml_text
from outreach_opt.report import consortium

# -- reachable sites -----------------------------------------------------------------------


def _reachable_by_every_demand(instance: Instance) -> dict[str, set[str]]:
    """The scan reachable_sites made before it read demands by kind: every demand asked
    for every specialist."""
    sites: dict[str, set[str]] = {s.id: {s.home} for s in instance.specialists}
    for c in instance.commitments:
        if c.specialist in sites:
            sites[c.specialist].add(c.site)
    for spec in instance.specialists:
        for dem in instance.demands:
            if set(dem.skills) <= set(spec.skills):
                sites[spec.id].update(instance.served_from(dem, spec.home))
    return sites


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(INSTANCES.glob("*.yaml"))], ids=lambda p: p.name)
def test_reachable_sites_as_by_every_demand_on_the_samples(path: Any) -> None:
    """The samples (ruijin-jiading has teleconsultations and remote surgery) reach the same
    sites by kind of demand as by every demand."""
    instance = load_instance(str(path))
    assert reachable_sites(instance) == _reachable_by_every_demand(instance)


@PROPERTY_SETTINGS
@given(instances(rich=True, special=True))
def test_reachable_sites_as_by_every_demand(data: dict[str, Any]) -> None:
    """Random instances with teams, teleconsultations, remote surgery from console sites and
    links between some sites: reading demands by kind loses no site."""
    instance = instance_from_data(data)
    assert reachable_sites(instance) == _reachable_by_every_demand(instance)


# -- YAML text ---------------------------------------------------------------------------

_ALL_OPTIONS: list[dict[str, Any]] = [{}, {"width": 120, "default_flow_style": None}]

_plain = st.text(st.characters(codec="utf-8").filter(lambda c: _PLAIN_TEXT.fullmatch(c) is not None), max_size=30)
_words = st.one_of(_plain, st.sampled_from(["yes", "null", "2025-10-20", "- a", "a: b", "#c", "'q'", '"', "12", "~"]))
_values = st.recursive(
    st.one_of(_words, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_words, inner, max_size=4)),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(st.one_of(st.dictionaries(_words, _values), _values), st.sampled_from(_ALL_OPTIONS))
def test_yaml_text_as_pyyaml_writes_it(data: Any, options: dict[str, Any]) -> None:
    """On plain text (where the C emitter is taken), the text PyYAML's own emitter writes.
    Rosters and instances are mappings; a lone scalar ends otherwise ('...'), so it is drawn too."""
    assert yaml_text(data, **options) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)


_NOT_PLAIN = [
    "\\,张张.-yes-\t\"*'",
    "\n ,.|",
    "#.nonull\u2028 |'~",
    '|}."0\ufeffZnull \ufeff>*',
    ">?%1`%yes#\x07yes]~%",
    '.\r#"\rnull',
    "?%!2025-10-20,\x00",
    "next\x85line",
    "emoji 😀",
]
"""Texts (found by a random search) on which libyaml's emitter writes other text than PyYAML's,
in the shape of `test_yaml_text_of_other_text_as_pyyaml_writes_it`."""


@pytest.mark.parametrize("text", _NOT_PLAIN)
def test_yaml_text_of_other_text_as_pyyaml_writes_it(text: str) -> None:
    """Text the C emitter quotes or escapes otherwise is written by PyYAML's emitter: the
    same text still, where the C emitter alone writes another (checked here, so the case
    keeps its point)."""
    data = {"name": text, "list": [text, {text: 1}], "long": text * 20}
    for options in _ALL_OPTIONS:
        expected = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)
        assert yaml_text(data, **options) == expected
    if hasattr(yaml, "CSafeDumper"):
        assert yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False) != expected


# -- parsing -------------------------------------------------------------------------------


def test_repeated_text_is_read_by_how_it_is_written() -> None:
    """Scalars are built once per text and way of writing it: the same text quoted and plain
    reads as text and as a number, date or null, wherever it comes first (a cache keyed by the
    text alone would give the second the first's value)."""
    doc = parse_text(
        "a: [1, '1', 2025-10-20, '2025-10-20', null, 'null', on, 'on', 1]\n"
        "b: ['1', 1, '2025-10-20', 2025-10-20, 'null', null, 'on', on, '1']\n",
        "x.yaml",
    )
    first = [1, "1", dt.date(2025, 10, 20), "2025-10-20", None, "null", "on", "on", 1]
    assert doc.data == {"a": first, "b": [first[i ^ 1] if i < 8 else "1" for i in range(9)]}
    assert [type(v) for v in doc.data["b"]] == [str, int, str, dt.date, str, type(None), str, str, str]
    assert doc.places[("b", 8)] == (2, 63)  # the last item's own place, not the first "1"'s


# -- the terminal's views of long horizons ---------------------------------------------------


def _show(tmp_path: Path, days: int, view: str, width: int = 200) -> str:
    """`show --view` of a hand-made roster for base() over `days` days from Monday 2025-10-20:
    specialist a at `near` (20 min from home) Mon 10-20 am and pm, and Tue 10-28 (the second
    week) am; a demand there asks one session a week."""
    instance = tmp_path / "instance.yaml"
    instance.write_text(
        yaml.safe_dump(base(horizon={"start": "2025-10-20", "days": days}, demands=[demand("d", "near")])),
        encoding="utf-8",
    )
    sessions = [("2025-10-20", "am"), ("2025-10-20", "pm"), ("2025-10-28", "am")]
    roster = {
        "instance": "rule test",
        "assignments": [
            {"specialist": "a", "date": day, "period": p, "site": "near", "activity": "clinic", "demand": "d"}
            for day, p in sessions
        ],
    }
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster), encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(instance), str(path), "--view", view], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("days", [9, LONG_DAYS])
def test_short_horizons_show_a_day_per_column(tmp_path: Path, days: int) -> None:
    """Up to LONG_DAYS (the four-week sample) `show` prints the day grid exactly as
    tables.by_specialist renders it, a table per week (9 days: 2, the second of 2 days; 28: 4),
    and the demand view a row per demand and week."""
    grid = _show(tmp_path, days, "specialist")
    instance = load_instance(str(tmp_path / "instance.yaml"))
    roster = load_roster(str(tmp_path / "roster.json"))
    console = Console(file=io.StringIO(), width=200, no_color=True, highlight=False)
    for week in tables.weeks(instance):
        console.print(tables.by_specialist(instance, roster, week))
    assert grid.startswith(console.file.getvalue())  # type: ignore[attr-defined]
    assert grid.count("Roster by specialist — week") == (days + 6) // 7
    assert "per week" not in grid and "W1" not in grid and "Mon" in grid
    assert "Coverage per demand" in _show(tmp_path, days, "demand")


def test_week_blocks_fit_the_width() -> None:
    """Seven weeks beside a 14-character first column: 6 fit in 80 columns ((80 - 14 - 4) //
    10), then 1; all in 200; at least one a table however narrow."""
    instance = instance_from_data(base(horizon={"start": "2025-10-20", "days": 49}))
    assert week_blocks(instance, 80, 14) == [range(0, 6), range(6, 7)]
    assert week_blocks(instance, 200, 14) == [range(0, 7)]
    assert len(week_blocks(instance, 10, 14)) == 7


def test_long_horizons_show_weeks(tmp_path: Path) -> None:
    """Past LONG_DAYS a column per week, with sessions per period and those away from home
    (week 1: am and pm at near; week 2: am), all 7 weeks in one table at the 200 columns a
    pipe gets. The exports are named for the days."""
    days = LONG_DAYS + 21  # seven weeks
    grid = _show(tmp_path, days, "specialist")
    assert "Mon 10-20" not in grid
    assert "weeks 1-" in grid and "of 7 (2025-10-20 to" in grid and "W7" in grid
    lines = grid.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("│ Doctor A"))
    cells = [[c.strip() for c in lines[row + k].split("│")[2:5]] for k in range(3)]
    assert cells == [["am ×1", "am ×1", ""], ["pm ×1", "1 away", ""], ["2 away", "", ""]]
    assert "every day and demand" in grid and "roster.xlsx" in grid
    site = _show(tmp_path, days, "site")
    assert "Roster by site, per week" in site and "am ×1" in site
    cover = _show(tmp_path, days, "demand")
    assert "Coverage per site and week" in cover and "Coverage per demand" not in cover
    assert "│ near │ 1 (10-20) │       1 │ 1-1     │      2 │" in cover


def test_long_horizons_list_only_days_with_driving(tmp_path: Path) -> None:
    """The travel view of a long horizon lists the two days a drives (40 minutes each, home
    to near and back) and counts the others instead of a '(no driving)' row for each."""
    travel = _show(tmp_path, LONG_DAYS + 7, "travel")
    assert "Mon 10-20" in travel and "Tue 10-28" in travel and "(no driving)" not in travel
    assert travel.count("home -> near (20 min)") == 2
    assert "specialist-days without driving not listed" in travel


def test_solve_prints_weeks_for_long_horizons(tmp_path: Path) -> None:
    """What solve prints after a roster (`_print_roster`) takes the same turn: past LONG_DAYS
    the specialist and site weeks and the coverage per site and week, no day columns."""
    _show(tmp_path, LONG_DAYS + 7, "specialist")  # writes the instance and roster
    instance = load_instance(str(tmp_path / "instance.yaml"))
    roster = load_roster(str(tmp_path / "roster.json"))
    console = Console(file=io.StringIO(), width=200, no_color=True, highlight=False)
    main_module._print_roster(console, instance, roster, check_roster(instance, roster))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    for title in ("Roster by specialist, per week", "Roster by site, per week", "Coverage per site and week"):
        assert title in text
    assert "Mon 10-20" not in text and "Coverage per demand" not in text


@pytest.mark.parametrize("days", [LONG_DAYS, LONG_DAYS + 7])
def test_on_call_per_week_past_long_days(tmp_path: Path, days: int) -> None:
    """The Tongzhou week's green channel (every evening) over 28 and 35 days, asking 9 people,
    with nobody rostered: up to LONG_DAYS a line per slot, past it a cell per week, 7 slots,
    all 7 short, by the people the checker's slots miss summed over the week (those at home
    within reach count), in `show --view on-call` and after the specialist grid."""
    data = load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml")).model_dump(mode="json")
    data["horizon"]["days"] = days
    data["on_call"][0]["count"] = 9
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(data), encoding="utf-8")
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps({"instance": data["name"], "assignments": []}), encoding="utf-8")
    loaded = load_instance(str(instance))
    ctx = Context.of(loaded)
    missing = [0] * 5  # people short per week, summed here from the checker's slots
    for slot in consortium.on_call(loaded, load_roster(str(roster)), ctx):
        if ctx.week(slot.date) < 5:
            missing[ctx.week(slot.date)] += slot.short
    for view in ("on-call", "specialist"):
        result = CliRunner().invoke(main, ["show", str(instance), str(roster), "--view", view], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        text = result.stdout
        if days <= LONG_DAYS:
            assert "On call: who is within reach" in text and "On call, per week" not in text
            continue
        assert "On call, per week: weeks 1-5 of 5" in text and "On call: who is within reach" not in text
        lines = text.splitlines()
        row = next(i for i, line in enumerate(lines) if "│ eve" in line) - 1  # the name's line
        cells = [[c.strip() for c in lines[row + k].split("│")[2:7]] for k in range(2)]
        assert cells == [["7 slots"] * 5, [f"7 short ({n})" for n in missing]], cells


def test_a_file_read_without_places_places_as_one_read_with() -> None:
    """load_instance and load_roster read without places; a problem found later is placed by
    reading the text again, at the line and column a tracked reading gives every path."""
    eager = read_located(str(EXAMPLE))
    lazy = read_located(str(EXAMPLE), places=False)
    assert lazy.data == eager.data and lazy.places == {} and eager.places
    assert all(lazy.place(path) == eager.place(path) for path in eager.places)
    assert all(lazy.place(path, key=True) == eager.place(path, key=True) for path in eager.key_places)


def test_a_problem_while_reading_without_places_is_placed() -> None:
    """A duplicate key met while reading without places is said as a tracked reading says it,
    with the first key's line."""
    text = "name: a\nhorizon: {start: 2025-10-20, days: 1}\nname: b\n"
    with pytest.raises(InputError) as untracked:
        parse_text(text, "x.yaml", places=False)
    assert [str(p) for p in untracked.value.problems] == [
        "x.yaml:3:1: name: duplicate key 'name' (first at line 1); each key may appear once"
    ]
