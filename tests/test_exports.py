"""Every export of every sample week, read back by its own ecosystem's reader.

CSV through `csv.DictReader`, iCalendar through `icalendar.Calendar.from_ical`, Excel through
`openpyxl.load_workbook`, JSON and YAML through `load_roster` and the checker. Travel in each
output is held to the checker's own minutes per specialist and day, so an export cannot
quietly disagree with the objective. The `export` command runs in a test-local click group
that maps `InputError` to exit status 2 exactly as the CLI's wrapper does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

import click
import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar
from openpyxl import load_workbook
from support import EXAMPLE, INSTANCES, proven_sample

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.cli.export import export_command
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import instance_from_data, load_roster
from outreach_opt.io.write import roster_text, write_atomic
from outreach_opt.report.exports import CSV_COLUMNS, roster_to_csv, roster_to_ics
from outreach_opt.report.views import DUTY_GREY, site_colours, words
from outreach_opt.report.xlsx import SHEETS, roster_to_xlsx

SAMPLES = [*sorted(INSTANCES.glob("*.yaml")), EXAMPLE]
STAMP = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


def solved(path: Path) -> tuple[Instance, Roster, CheckReport]:
    """The sample's proven optimal roster and its report: the session's one solve of it
    (`support.proven_sample`), shared with test_solve and test_generate."""
    instance, result, report = proven_sample(path)
    assert result.roster is not None and report.ok
    return instance, result.roster, report


class _Cli(click.Group):
    """Bad input -> located messages on stderr and exit 2, as `cli.main._bad_input` does."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)


CLI = _Cli(commands={"export": export_command})


def export(*args: str) -> Result:
    return CliRunner().invoke(CLI, ["export", *args], catch_exceptions=False)


def roster_file(tmp_path: Path, sample: Path) -> Path:
    _, roster, _ = solved(sample)
    path = tmp_path / "roster.json"
    write_atomic(path, roster_text(roster, path))
    return path


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_csv_one_row_per_assignment_with_travel_that_adds_up(sample: Path) -> None:
    """A row per assignment; each day's legs plus the drive home are the checker's minutes."""
    instance, roster, report = solved(sample)
    rows = list(csv.DictReader(io.StringIO(roster_to_csv(instance, roster))))
    assert len(rows) == len(roster.assignments)
    assert tuple(rows[0]) == CSV_COLUMNS
    driven: Counter[tuple[str, dt.date]] = Counter()
    homes: Counter[tuple[str, dt.date]] = Counter()
    periods = {p.id: p for p in instance.periods}
    sites = {s.id: s.name for s in instance.sites}
    for row in rows:
        key = (row["specialist"], dt.date.fromisoformat(row["date"]))
        driven[key] += int(row["travel_minutes"]) + int(row["travel_home_minutes"] or 0)
        homes[key] += row["travel_home_minutes"] != ""
        assert (row["start"], row["end"]) == (periods[row["period"]].start, periods[row["period"]].end)
        assert row["site_name"] == sites[row["site"]]
    assert dict(driven) == report.travel_minutes
    assert set(homes.values()) == {1}, "the drive home is on the day's last row only"


def test_csv_keeps_cjk_names_and_quotes_commas() -> None:
    """Site names with commas and Chinese characters survive the round trip intact."""
    instance, roster, _ = solved(INSTANCES / "anzhen-tongzhou-week.yaml")
    rows = list(csv.DictReader(io.StringIO(roster_to_csv(instance, roster))))
    names = {row["site_name"] for row in rows}
    assert "Beijing Anzhen Hospital, Tongzhou campus 北京安贞医院通州院区" in names
    assert any("任燕龙" in row["specialist_name"] for row in rows)


class Event(NamedTuple):
    uid: str
    kind: str
    summary: str
    location: str
    start: dt.datetime
    end: dt.datetime


def _events(ics: bytes) -> list[Event]:
    cal = Calendar.from_ical(ics)
    return [
        Event(
            str(e.uid),
            e.get("categories").cats[0],
            str(e["summary"]),
            str(e["location"]),
            e.decoded("dtstart"),
            e.decoded("dtend"),
        )
        for e in cal.walk("VEVENT")
    ]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_ics_sessions_and_drives_per_specialist(sample: Path) -> None:
    """Per specialist: one session event per assignment, drives that sum to the checker's
    minutes per day, and a day that chains without overlaps (drive, session, ..., home)."""
    instance, roster, report = solved(sample)
    everyone = _events(roster_to_ics(instance, roster, stamp=STAMP))
    assert sum(e.kind == "session" for e in everyone) == len(roster.assignments)
    assert len({e.uid for e in everyone}) == len(everyone), "UIDs are unique"
    for spec in instance.specialists:
        mine = [a for a in roster.assignments if a.specialist == spec.id]
        if not mine:
            continue
        events = _events(roster_to_ics(instance, roster, specialist=spec.id, stamp=STAMP))
        assert sum(e.kind == "session" for e in events) == len(mine)
        per_day: defaultdict[dt.date, list[Event]] = defaultdict(list)
        for e in events:
            assert e.start.tzinfo is None and e.end.tzinfo is None, "floating local times"
            per_day[e.start.date()].append(e)
        for day, todays in per_day.items():
            todays.sort(key=lambda e: (e.start, e.end))
            drives = [e for e in todays if e.kind == "travel"]
            minutes = sum((e.end - e.start) // dt.timedelta(minutes=1) for e in drives)
            assert minutes == report.travel_minutes[(spec.id, day)]
            for earlier, later in itertools.pairwise(todays):
                assert earlier.end <= later.start, (earlier, later)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_calendars_per_specialist_hold_the_whole_calendars_events(sample: Path) -> None:
    """Each specialist's calendar is made from their assignments alone (a calendar per person
    walked the whole roster each: 4 minutes at 1000 x 4 weeks); together they hold exactly
    the events of the whole calendar, nights away included."""
    instance, roster, _ = solved(sample)
    everyone = sorted((e.uid, e.start, e.end) for e in _events(roster_to_ics(instance, roster, stamp=STAMP)))
    each = sorted(
        (e.uid, e.start, e.end)
        for spec in instance.specialists
        for e in _events(roster_to_ics(instance, roster, specialist=spec.id, stamp=STAMP))
    )
    assert each == everyone and everyone


def test_ics_names_sessions_and_drives_as_people_read_them() -> None:
    """A day that starts away from home: a drive from home ending as the session starts,
    titled with the minutes, and the session titled '<activity> at <site name> (<demand>)'."""
    instance, roster, _ = solved(INSTANCES / "anzhen-tongzhou-week.yaml")
    rank = {p.id: i for i, p in enumerate(instance.periods)}
    homes = {s.id: s.home for s in instance.specialists}
    days: defaultdict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
    for a in roster.assignments:
        days[(a.specialist, a.date)].append(a)
    firsts = [min(todays, key=lambda a: rank[a.period]) for todays in days.values()]
    first = next(a for a in firsts if a.site != homes[a.specialist])
    site = next(s.name for s in instance.sites if s.id == first.site)
    period = next(p for p in instance.periods if p.id == first.period)
    events = _events(roster_to_ics(instance, roster, specialist=first.specialist, stamp=STAMP))
    uid = f"{first.specialist}-{first.date:%Y%m%d}-{first.period}"
    session = next(e for e in events if e.uid == f"{uid}@outreach-opt")
    drive = next(e for e in events if e.uid == f"{uid}-drive@outreach-opt")
    assert session.summary == f"{words(first.activity)} at {site} ({first.demand})"
    assert session.location == site
    assert session.start == dt.datetime.combine(first.date, dt.time.fromisoformat(period.start))
    assert drive.end == session.start
    assert drive.summary.startswith(f"Drive to {site} (")
    assert roster_to_ics(instance, roster, stamp=STAMP) == roster_to_ics(instance, roster, stamp=STAMP), "stable"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_xlsx_reloads_with_grid_coverage_travel_and_objective(sample: Path) -> None:
    """Every assignment is in its grid cell, coloured by site (home duties grey); coverage,
    travel and objective sheets carry the checker's numbers; headers are frozen and bold."""
    instance, roster, report = solved(sample)
    book = load_workbook(io.BytesIO(roster_to_xlsx(instance, roster, report)))
    assert tuple(book.sheetnames) == SHEETS
    grid = book["By specialist"]
    assert grid.freeze_panes == "B2" and book["Coverage"].freeze_panes == "B2"
    assert grid["A1"].font.b and grid["B1"].value.endswith(instance.periods[0].id)
    columns = {cell.value: cell.column for cell in grid[1]}
    rows = {spec.label: r for r, spec in enumerate(instance.specialists, start=2)}
    colours = site_colours(instance)
    labels = {s.id: s.label for s in instance.specialists}
    for a in roster.assignments:
        head = f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[a.date.weekday()]} {a.date:%m-%d} {a.period}"
        cell = grid.cell(row=rows[labels[a.specialist]], column=columns[head])
        assert cell.value == f"{a.site} / {words(a.activity)}"
        expected = DUTY_GREY if a.commitment else colours[a.site]
        assert cell.fill.fgColor.rgb[-6:].lower() == expected.lstrip("#")
    weeks = (instance.horizon.days + 6) // 7
    assert book["Coverage"].max_row == 1 + weeks * len(instance.demands)
    travel = list(book["Travel"].iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in travel) == sum(report.travel_minutes.values())
    objective = {r[0]: r[1] for r in book["Objective"].iter_rows(min_row=2, values_only=True)}
    assert objective["total (checker)"] == report.objective


def test_xlsx_marks_uncovered_demand() -> None:
    """tiny.yaml leaves one Sanhe clinic uncovered: its coverage row says 1 and is red."""
    instance, roster, report = solved(INSTANCES / "tiny.yaml")
    sheet = load_workbook(io.BytesIO(roster_to_xlsx(instance, roster, report)))["Coverage"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "sanhe-clinic")
    assert row[7].value == 1 and row[8].value == report.breakdown["uncovered"]
    assert row[0].fill.fgColor.rgb[-6:] == "FECACA"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_json_and_yaml_round_trip_through_check(tmp_path: Path, sample: Path, fmt: str) -> None:
    """The exported roster loads back and the checker finds it valid with the same objective."""
    instance, roster, report = solved(sample)
    out = tmp_path / f"out.{fmt}"
    done = export(str(sample), str(roster_file(tmp_path, sample)), "--format", fmt, "--out", str(out))
    assert done.exit_code == 0, done.output
    again = load_roster(str(out))
    assert again.assignments == roster.assignments
    checked = check_roster(instance, again)
    assert checked.ok and checked.objective == report.objective


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """An existing file is kept (exit 2) unless --force; the format follows the extension."""
    source = roster_file(tmp_path, EXAMPLE)
    out = tmp_path / "week.xlsx"
    out.write_bytes(b"keep me")
    refused = export(str(EXAMPLE), str(source), "--out", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_bytes() == b"keep me"
    assert export(str(EXAMPLE), str(source), "--out", str(out), "--force").exit_code == 0
    assert load_workbook(out).sheetnames == list(SHEETS)
    unknown = export(str(EXAMPLE), str(source), "--out", str(tmp_path / "week.txt"))
    assert unknown.exit_code == 2 and "--format" in unknown.stderr


def test_export_calendars_per_specialist(tmp_path: Path) -> None:
    """--per-specialist writes <id>.ics for each specialist of the instance; a second run without
    --force changes nothing; the flag with another format is bad input."""
    instance, _, _ = solved(EXAMPLE)
    source, folder = roster_file(tmp_path, EXAMPLE), tmp_path / "calendars"
    done = export(str(EXAMPLE), str(source), "--format", "ics", "--per-specialist", "--out", str(folder))
    assert done.exit_code == 0, done.output
    assert {p.stem for p in folder.iterdir()} == {s.id for s in instance.specialists}
    for path in folder.iterdir():
        cal = Calendar.from_ical(path.read_bytes())
        label = next(s.label for s in instance.specialists if s.id == path.stem)
        assert str(cal["x-wr-calname"]).startswith(label)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = export(str(EXAMPLE), str(source), "--format", "ics", "--per-specialist", "--out", str(folder))
    assert again.exit_code == 2 and {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    wrong = export(str(EXAMPLE), str(source), "--format", "csv", "--per-specialist", "--out", str(folder))
    assert wrong.exit_code == 2 and "--format ics" in wrong.stderr


def test_per_specialist_alone_means_calendars(tmp_path: Path) -> None:
    """The README says `export --per-specialist` writes one calendar per specialist: the flag
    alone does (a folder has no extension to take the format from), as --format ics."""
    source, folder = roster_file(tmp_path, EXAMPLE), tmp_path / "calendars"
    done = export(str(EXAMPLE), str(source), "--per-specialist", "--out", str(folder))
    assert done.exit_code == 0, done.output
    assert {p.suffix for p in folder.iterdir()} == {".ics"} and len(list(folder.iterdir())) >= 2


def test_export_refuses_a_roster_with_unknown_ids(tmp_path: Path) -> None:
    """A hand-edited roster naming someone not in the instance cannot be rendered: exit 2,
    the message names the unknown specialist and suggests the close one."""
    source = roster_file(tmp_path, EXAMPLE)
    source.write_text(source.read_text(encoding="utf-8").replace('"ren-yanlong"', '"ren-yanlog"', 1), encoding="utf-8")
    done = export(str(EXAMPLE), str(source), "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert done.exit_code == 2 and "'ren-yanlog'" in done.stderr and "ren-yanlong" in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_write_atomic_writes_bytes_exactly(tmp_path: Path) -> None:
    """Binary exports go through the same atomic writer, byte for byte, and keep its refusal."""
    target = tmp_path / "blob.bin"
    write_atomic(target, b"\x00\xffPK\r\n")
    assert target.read_bytes() == b"\x00\xffPK\r\n"
    with pytest.raises(InputError):
        write_atomic(target, b"other")
    assert [p.name for p in tmp_path.iterdir()] == ["blob.bin"], "no temporary file left behind"


# -- nights away, on call and teaching ---------------------------------------------------------------

ANZHEN = INSTANCES / "anzhen-tongzhou-week.yaml"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_csv_and_xlsx_list_the_nights_away(sample: Path) -> None:
    """Every stay of the roster, and nothing else, is on the CSV's `night_at` (the day's last
    session) and on the "Nights away" sheet; the Anzhen week has Gao Yu's Saturday at Chengde."""
    instance, roster, report = solved(sample)
    stays = {(s.specialist, s.night.isoformat(), s.site) for s in roster.stays}
    rows = list(csv.DictReader(io.StringIO(roster_to_csv(instance, roster))))
    assert {(r["specialist"], r["date"], r["night_at"]) for r in rows if r["night_at"]} == stays
    for r in rows:
        assert not r["night_at"] or r["travel_home_minutes"] != "", "on the day's last session"
    sheet = load_workbook(io.BytesIO(roster_to_xlsx(instance, roster, report)))["Nights away"]
    listed = {(r[0], r[2].date().isoformat(), r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == stays and sheet.max_row == 1 + len(roster.stays)
    if sample == ANZHEN:
        assert stays == {("gao-yu", "2025-10-25", "chengde-central")}


def test_ics_has_the_night_from_arriving_to_leaving() -> None:
    """Gao Yu's calendar has one night event at Chengde: from the end of Saturday (his last
    session there, or the drive to it) to Sunday's first departure, touching neither; nobody
    else's calendar has a night."""
    instance, roster, _ = solved(ANZHEN)
    site = next(s.name for s in instance.sites if s.id == "chengde-central")
    events = _events(roster_to_ics(instance, roster, specialist="gao-yu", stamp=STAMP))
    (night,) = [e for e in events if e.kind == "stay"]
    assert night.uid == "gao-yu-20251025-night@outreach-opt"
    assert night.summary == f"Night at {site}" and night.location == site
    saturday = [e for e in events if e.kind != "stay" and e.start.date() == dt.date(2025, 10, 25)]
    sunday = [e for e in events if e.kind != "stay" and e.start.date() == dt.date(2025, 10, 26)]
    assert night.start == max(e.end for e in saturday)
    assert night.end == min(e.start for e in sunday)
    everyone = _events(roster_to_ics(instance, roster, stamp=STAMP))
    assert [e.uid for e in everyone if e.kind == "stay"] == [night.uid]


def test_xlsx_on_call_and_teaching_sheets() -> None:
    """The "On call" sheet has the Dachang green channel slot by slot with whom the solver's
    own listing (the roster's `on_call`, from the model's day patterns) puts within reach, none
    short; the "Teaching" sheet has each trainee's block with the target met and the sessions
    that taught them, re-derived here from the instance."""
    instance, roster, report = solved(ANZHEN)
    book = load_workbook(io.BytesIO(roster_to_xlsx(instance, roster, report)))
    names = {s.id: s.label for s in instance.specialists}
    listing = roster.model_extra["on_call"]  # type: ignore[index]
    rows = list(book["On call"].iter_rows(min_row=2, values_only=True))
    got = {(r[3].date().isoformat(), r[4]): r[6] for r in rows}
    assert got == {(s["date"], s["period"]): ", ".join(names[w] for w in s["within_reach"]) for s in listing}
    assert all(r[0] == "dachang-green-channel" and r[7] == 0 for r in rows) and len(rows) == 7
    blocks = list(book["Teaching"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in blocks] == [t.id for t in instance.trainees]
    for trainee, row in zip(instance.trainees, blocks, strict=True):
        taught = {
            (a.date, a.period, a.demand)
            for a in roster.assignments
            if a.demand is not None
            and trainee.id in next(d.teaches for d in instance.demands if d.id == a.demand)
            and not trainee.is_off(a.date, a.period)
        }
        assert row[6] == len(taught) >= row[5] and row[7] == 0
        assert len(row[8].split("\n")) == len(taught)


def test_xlsx_marks_short_on_call_slots_and_teaching_blocks() -> None:
    """The Anzhen week with its commitments only and a green channel asking for 9 PCI doctors:
    every slot is short and red; no session taught, so each trainee's block is short its
    target, and the shortfalls priced at `teaching_session` add up to the checker's term."""
    instance, roster, _ = solved(ANZHEN)
    data = instance.model_dump(mode="json")
    data["on_call"][0]["count"] = 9
    hungry = instance_from_data(data, "test")
    duties = roster.model_copy(update={"assignments": [a for a in roster.assignments if a.commitment], "stays": []})
    report = check_roster(hungry, duties)
    book = load_workbook(io.BytesIO(roster_to_xlsx(hungry, duties, report)))
    on_call = list(book["On call"].iter_rows(min_row=2))
    assert len(on_call) == 7 and all(r[7].value > 0 and r[0].fill.fgColor.rgb[-6:] == "FECACA" for r in on_call)
    blocks = list(book["Teaching"].iter_rows(min_row=2))
    assert all(r[7].value == r[5].value > 0 and r[0].fill.fgColor.rgb[-6:] == "FECACA" for r in blocks)
    weight = hungry.weights.teaching_session
    assert sum(r[7].value for r in blocks) * weight == report.breakdown["teaching_target"]


def test_export_calendars_force_leaves_no_stale_week(tmp_path: Path) -> None:
    """A specialist with sessions in one roster and none in the next: exporting the second
    with --force into the same folder empties their calendar rather than keeping the first
    roster's events (a phone subscribed to the file would show them)."""
    _, roster, _ = solved(EXAMPLE)
    busy = roster.assignments[0].specialist
    source, folder = roster_file(tmp_path, EXAMPLE), tmp_path / "calendars"
    assert export(str(EXAMPLE), str(source), "--per-specialist", "--out", str(folder)).exit_code == 0
    assert _events((folder / f"{busy}.ics").read_bytes()), "the first roster gives them sessions"
    emptier = roster.model_copy(update={"assignments": [a for a in roster.assignments if a.specialist != busy]})
    second = tmp_path / "second.json"
    write_atomic(second, roster_text(emptier, second))
    again = export(str(EXAMPLE), str(second), "--per-specialist", "--out", str(folder), "--force")
    assert again.exit_code == 0, again.output
    assert _events((folder / f"{busy}.ics").read_bytes()) == []
    assert str(Calendar.from_ical((folder / f"{busy}.ics").read_bytes())["x-wr-calname"])
