"""The command line as a user meets it: click's CliRunner, real files, real exit statuses.

Exit statuses: 0 roster found / valid, 1 a rule broken, 2 bad input, 3 infeasible.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from support import EXAMPLE, INSTANCES, REPO, base, commit_dict

from outreach_opt.cli import main as main_module
from outreach_opt.cli.main import main
from outreach_opt.domain.schema import instance_schema_text
from outreach_opt.solve.outcome import Result as SolveResult
from outreach_opt.solve.outcome import Status


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_solve_example_prints_checked_roster(tmp_path: Path) -> None:
    """The contract example solves to a proven optimum (305 minutes of driving, every
    session covered: worked out in test_solve.py) and says the checker passed it."""
    result = run("solve", str(EXAMPLE), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "optimal: objective 305" in result.stdout
    assert "checked: all hard rules hold" in result.stdout
    assert "Ren Yanlong" in result.stdout and "Roster by site" in result.stdout


def test_solve_without_argument_uses_the_demo() -> None:
    """A new user's first command: no instance given, the bundled Anzhen week is solved."""
    result = run("solve", "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "checked: all hard rules hold" in result.stdout


def test_out_json_round_trips_through_check(tmp_path: Path) -> None:
    """The written roster is the documented JSON and `check` accepts it with the same
    objective the solver reported."""
    out = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "optimal" and data["objective"] == 305
    assert {"specialist", "date", "period", "site", "activity"} <= set(data["assignments"][0])
    checked = run("check", str(EXAMPLE), str(out))
    assert checked.exit_code == 0, checked.output
    assert "valid" in checked.stdout and "claims objective" not in checked.stdout


def test_out_yaml_by_extension(tmp_path: Path) -> None:
    """A .yaml --out gives the same shape in YAML, which `check` also reads."""
    out = tmp_path / "roster.yaml"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out)).exit_code == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["objective"] == 305
    assert run("check", str(EXAMPLE), str(out)).exit_code == 0


def test_out_never_overwrites_without_force(tmp_path: Path) -> None:
    """An existing file is kept (exit 2, a message saying --force) and replaced with --force."""
    out = tmp_path / "roster.json"
    out.write_text("keep me", encoding="utf-8")
    refused = run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["objective"] == 305


def test_check_flags_a_hand_broken_roster(tmp_path: Path) -> None:
    """Move Li Wei's Tuesday surgery onto Wednesday, when he is on leave: exit 1, and the
    report names the rules `unavailability` and `commitments` and Li Wei."""
    out = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    for a in data["assignments"]:
        if a["specialist"] == "li-wei" and a["date"] == "2025-10-21":
            a["date"] = "2025-10-22"
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("check", str(EXAMPLE), str(out))
    assert result.exit_code == 1
    assert "unavailability" in result.stdout and "commitments" in result.stdout and "Li Wei" in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nname: y\n", ":2:1: name: duplicate key 'name'"),
        ("name: x\nhorizon: {start: 2025-10-20, dayz: 7}\n", "did you mean 'days'?"),
        ("name: [unclosed\n", "YAML syntax"),
        ("", "the file is empty"),
    ],
)
def test_bad_input_exit_2_with_line(tmp_path: Path, text: str, expected: str) -> None:
    """Bad input: exit 2, the message on stderr names file and line; no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    for command in ("validate", "solve"):
        result = run(command, str(bad))
        assert result.exit_code == 2
        assert str(bad) in result.stderr and expected in result.stderr
        assert "Traceback" not in result.output


def test_misspelt_id_is_located_and_suggested(tmp_path: Path) -> None:
    """A misspelt site id in the contract example: the line of that `home:` and a suggestion."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("home: anzhen-chaoyang", "home: anzhen-chaoyng")
    bad = tmp_path / "typo.yaml"
    bad.write_text(text, encoding="utf-8")
    line = 1 + text.splitlines().index("    home: anzhen-chaoyng")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert f"typo.yaml:{line}:" in result.stderr
    assert "specialists[1].home: unknown site 'anzhen-chaoyng' (did you mean 'anzhen-chaoyang'?)" in result.stderr


def test_missing_file_and_binary(tmp_path: Path) -> None:
    """An absent file and a binary file are bad input too, not crashes."""
    assert run("validate", str(tmp_path / "nope.yaml")).exit_code == 2
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\x89PNG\x00\xff\xfe")
    result = run("validate", str(binary))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_infeasible_exit_3(tmp_path: Path) -> None:
    """Two commitments far apart with no time to drive between them: exit 3."""
    data = base(
        travel=[["home", "near", 20], ["home", "far", 100], ["near", "far", 30]],
        commitments=[commit_dict("mon", "am", site="far"), commit_dict("mon", "pm")],
    )
    path = tmp_path / "infeasible.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("solve", str(path), "--workers", "1")
    assert result.exit_code == 3 and "infeasible" in result.stdout


def test_validate_every_sample_instance() -> None:
    """Every file in instances/ and the contract example load cleanly."""
    for path in [EXAMPLE, *sorted((REPO / "instances").glob("*.yaml"))]:
        result = run("validate", str(path))
        assert result.exit_code == 0, (path, result.output)
    tiny = run("validate", str(INSTANCES / "tiny.yaml")).stdout  # counts in words: one of a kind
    assert "2 specialists, 3 sites, 1 commitment, 2 demands" in tiny


def test_schema_file_is_current() -> None:
    """models/instance.schema.json is what the models generate now; regenerate it with
    `outreach-opt schema --out models/instance.schema.json --force` when this fails."""
    assert (REPO / "models" / "instance.schema.json").read_text(encoding="utf-8") == instance_schema_text()
    assert run("schema").stdout == instance_schema_text()


def test_show_views(tmp_path: Path) -> None:
    """`show` renders each view of a solved roster: the grid names specialists, the site view
    the sites, the demand view every demand, the travel view each drive with its minutes
    (with one worker and seed 0 the roster drives Tongzhou to Xianghe, 50 min). A
    roster with unknown ids is refused (exit 2)."""
    out = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(out)).exit_code == 0
    expected = {
        "specialist": "Ren Yanlong",
        "site": "Dachang County People's Hospital",
        "demand": "xianghe-clinic",
        "travel": "anzhen-tongzhou -> xianghe-peoples (50 min)",
    }
    for view, text in expected.items():
        result = run("show", str(EXAMPLE), str(out), "--view", view)
        assert result.exit_code == 0, result.output
        assert text in result.stdout, (view, result.stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    data["assignments"][0]["specialist"] = "nobody"
    out.write_text(json.dumps(data), encoding="utf-8")
    assert run("show", str(EXAMPLE), str(out)).exit_code == 2


def test_show_prints_on_call_and_teaching(tmp_path: Path) -> None:
    """For the Ruijin week `show` prints, after the week grid, the green channel slot by slot
    and the teaching of the three local doctors (each with their teacher and target); the
    `teaching` view prints that table alone. The shared example has no trainees: it says so."""
    ruijin = INSTANCES / "ruijin-jiading-week.yaml"
    out = tmp_path / "roster.json"
    assert run("solve", str(ruijin), "--workers", "1", "--out", str(out)).exit_code == 0
    grid = run("show", str(ruijin), str(out))
    assert grid.exit_code == 0, grid.output
    assert "On call: who is within reach" in grid.stdout and "Teaching of local doctors" in grid.stdout
    alone = run("show", str(ruijin), str(out), "--view", "teaching")
    assert alone.exit_code == 0 and "On call" not in alone.stdout and "Week" not in alone.stdout
    for trainee in ("Anting neurologist", "Anting GI surgeon", "Nanxiang urologist"):
        assert trainee in alone.stdout
    assert "1: Xu Jun" in alone.stdout and "2: Song Kai, Jiang Hui" in alone.stdout.replace("\n", " ")
    assert "target 1" in alone.stdout and "anting-surgical-teaching" in alone.stdout
    on_call = run("show", str(ruijin), str(out), "--view", "on-call")
    assert on_call.stdout.count("Stroke green channel") == 10
    solved = tmp_path / "example.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--out", str(solved)).exit_code == 0
    assert "no trainees" in run("show", str(EXAMPLE), str(solved), "--view", "teaching").stdout


@pytest.mark.parametrize("command", ["show", "explain", "diff", "repair"])
def test_roster_commands_refuse_unknown_ids(tmp_path: Path, command: str) -> None:
    """Every command that reads a roster refuses one naming someone the instance does not have
    (exit 2, the unknown id and what to do), before any work: a diff or repair that listed
    'nobody' as a change would hide the mistake."""
    good = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--out", str(good)).exit_code == 0
    data = json.loads(good.read_text(encoding="utf-8"))
    data["assignments"][0]["specialist"] = "nobody"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    event = tmp_path / "event.yaml"
    event.write_text(
        "operations:\n  - {op: unavailable, specialist: ren-yanlong, dates: [2025-10-21]}\n", encoding="utf-8"
    )
    args = {
        "show": [str(bad)],
        "explain": ["--roster", str(bad)],
        "diff": [str(good), str(bad)],
        "repair": [str(bad), "--event", str(event), "--out", str(tmp_path / "repaired.json")],
    }[command]
    result = run(command, str(EXAMPLE), *args)
    assert result.exit_code == 2, result.output
    assert "'nobody'" in result.stderr and "fix the roster" in result.stderr
    assert not (tmp_path / "repaired.json").exists()
    data = json.loads(good.read_text(encoding="utf-8"))  # a night away the week does not hold
    first = data["assignments"][0]
    data["stays"] = [{"specialist": first["specialist"], "night": "2031-01-01", "site": first["site"]}]
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = run(command, str(EXAMPLE), *args)
    assert result.exit_code == 2, result.output
    assert "dated outside the horizon" in result.stderr and "fix the roster" in result.stderr
    assert not (tmp_path / "repaired.json").exists()


@pytest.mark.parametrize("command", ["check", "solve --pin"])
def test_another_instances_roster_is_refused_briefly(tmp_path: Path, command: str) -> None:
    """A roster made for another instance (the Ruijin week's, given with the Anzhen week) is
    the wrong file: said first, eleven ids at most, what to do last, exit 2. Before, `check`
    judged it (at 1000 x 4 weeks against 300 x 1 week: 2 minutes, 35,113 lines, exit 1) and
    `solve --pin` listed every unknown id (645 lines at 300 against 80 specialists)."""
    other = tmp_path / "ruijin.json"
    ruijin = str(INSTANCES / "ruijin-jiading-week.yaml")
    assert run("solve", ruijin, "--workers", "1", "--quiet", "--out", str(other)).exit_code == 0
    anzhen = str(INSTANCES / "anzhen-tongzhou-week.yaml")
    args = [anzhen, str(other)] if command == "check" else [anzhen, "--pin", str(other), "--quiet"]
    result = run(command.split()[0], *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {other}: the roster is for ") and len(lines) <= 13
    assert lines[-1] == f"error: {other}: fix the roster (or pair it with its own instance) before " + (
        "checking it" if command == "check" else "pinning it"
    )


def test_sample_whatif_runs(tmp_path: Path) -> None:
    """The shipped scenario file answers its questions: two more cardiologists and a faster
    road both lower the objective of the Anzhen week (1320: 1170 driving, 60 for Gao Yu's night
    at Chengde, 90 for three teachers of local doctors), three Xianghe clinics raise it;
    every roster is checked."""
    result = run(
        "whatif",
        str(REPO / "instances" / "anzhen-tongzhou-week.yaml"),
        str(REPO / "instances" / "scenarios" / "anzhen-whatif.yaml"),
        "--jobs",
        "1",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.output
    rows = {
        row["scenario"]: row
        for row in json.loads((tmp_path / "out" / "table.json").read_text(encoding="utf-8"))["rows"]
    }
    assert rows["base"]["objective"] == 1320
    assert rows["two more cardiologists"]["objective"] < 1320
    assert rows["new road cuts Tongzhou-Dachang to 25 min"]["objective"] < 1320
    assert rows["Xianghe wants three clinics a week"]["objective"] > 1320
    assert all(row["checked"] == "ok" for row in rows.values())


def test_roster_problems_carry_their_line(tmp_path: Path) -> None:
    """A roster's unknown id is reported at its line and assignment, as an instance's is, and
    without the checker's "left out of the other checks" (the command does no checks)."""
    good = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--out", str(good)).exit_code == 0
    data = json.loads(good.read_text(encoding="utf-8"))
    data["assignments"][1]["specialist"] = "nobody"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if '"nobody"' in text)
    shown = run("show", str(EXAMPLE), str(bad))
    assert shown.exit_code == 2, shown.output
    assert f"{bad}:{line - 1}:" in shown.stderr  # the assignment's opening brace, the line above
    assert "assignments[1]: The assignment of 'nobody'" in shown.stderr
    assert "left out of the other checks" not in shown.stderr
    pinned = run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--pin", str(bad))
    assert pinned.exit_code == 2 and f"{bad}:{line}:" in pinned.stderr, pinned.output
    assert "assignments[1].specialist: unknown specialist 'nobody'" in pinned.stderr


def test_pin_with_another_weeks_roster_is_refused(tmp_path: Path) -> None:
    """`solve --pin` with last week's roster pinned nothing and said nothing: every session
    lies outside the horizon. It is bad input saying so."""
    good = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--out", str(good)).exit_code == 0
    data = json.loads(good.read_text(encoding="utf-8"))
    for a in data["assignments"]:
        a["date"] = str(dt.date.fromisoformat(a["date"]) - dt.timedelta(days=7))
    last_week = tmp_path / "last-week.json"
    last_week.write_text(json.dumps(data), encoding="utf-8")
    result = run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--pin", str(last_week))
    assert result.exit_code == 2, result.output
    assert "all fall outside the horizon, 2025-10-20 to 2025-10-26, so nothing would be pinned" in result.stderr
    assert "optimal" not in result.stdout


@pytest.mark.parametrize("suffix", [".csv", ".ics", ".xlsx", ".html"])
def test_an_export_given_as_a_roster_is_named_as_such(tmp_path: Path, suffix: str) -> None:
    """A department head passes the CSV (or calendar, workbook, report) they exported to
    `check`, `diff` or `repair`: it is named as an export with what to give instead, not
    reported as a YAML syntax error or as 'text'."""
    roster = tmp_path / "roster.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--out", str(roster)).exit_code == 0
    export = tmp_path / f"week{suffix}"
    assert run("export", str(EXAMPLE), str(roster), "--out", str(export)).exit_code == 0
    for args in (["check", str(EXAMPLE), str(export)], ["diff", str(EXAMPLE), str(roster), str(export)]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert f"error: {export}: this is " in result.stderr and "give the roster as JSON or YAML" in result.stderr


@pytest.mark.parametrize("command", ["solve", "explain", "batch"])
@pytest.mark.parametrize("seconds", ["nan", "inf"])
def test_time_limit_must_be_a_number_of_seconds(tmp_path: Path, command: str, seconds: str) -> None:
    """NaN passed click's range check, and the search stopped at once: "no roster found
    within nan s; try a longer --time-limit" (exit 4). It is bad input, as below 0.1 is."""
    extra = ["--out", str(tmp_path / "out")] if command == "batch" else []
    result = run(command, str(EXAMPLE), "--time-limit", seconds, *extra)
    assert result.exit_code == 2, result.output
    assert f"'{seconds}' is not a number of seconds" in result.output


SEED_RANGE = "is not in the range -2147483648<=x<=2147483647"


@pytest.mark.parametrize(
    ("command", "option", "value", "said"),
    [
        *[(c, "--seed", "2147483648", f"2147483648 {SEED_RANGE}") for c in ("solve", "repair", "batch")],
        *[(c, "--seed", "-2147483649", f"-2147483649 {SEED_RANGE}") for c in ("solve", "repair", "batch")],
        *[(c, "--workers", "100000", "100000 is not in the range 0<=x<=1024") for c in ("solve", "repair")],
    ],
)
def test_seed_and_workers_are_what_cp_sat_takes(
    tmp_path: Path, command: str, option: str, value: str, said: str
) -> None:
    """A 33-bit seed ended in a pybind TypeError and 100,000 workers in "CP-SAT rejected the
    model:" with no reason, both tracebacks (exit 1): bad input, refused by the option."""
    args = {
        "solve": [str(EXAMPLE)],
        "repair": [str(EXAMPLE), str(tmp_path / "r.json"), "--event", str(tmp_path / "e.yaml")],
        "batch": [str(EXAMPLE), "--out", str(tmp_path / "out")],
    }[command]
    result = run(command, *args, option, value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': {said}" in result.output


def test_no_roster_says_when_it_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solve that gives up early (the by-specialist route, when its first pass cannot fit the
    limit) said "no roster found within 60 s" although it stopped at 9 s: the line says how
    long it ran and the limit; exit 4."""
    monkeypatch.setattr(
        main_module, "solve", lambda *_, **__: SolveResult(Status.UNKNOWN, None, None, None, wall_time=9.3)
    )
    result = run("solve", str(EXAMPLE), "--time-limit", "60", "--quiet")
    assert result.exit_code == 4, result.output
    assert "no roster found after 9 s (time limit 60 s); try a longer --time-limit." in result.output
