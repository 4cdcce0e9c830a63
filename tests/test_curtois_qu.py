"""The Curtois & Qu shift scheduling importer: every benchmark rule said with an engine rule,
solved by the engine and judged by the independent checker.

The published optima are for `benchmarks/curtois_qu.py`; here only what is fast: a hand-made
file whose optimum is worked out below, Instance1 (8 employees, 14 days, proven optimum 607)
read, written and read back, and solved to its optimum, and bad files refused at their line.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SHARED, assert_infeasible, solve_checked

from outreach_opt.cli.main import main
from outreach_opt.domain.problems import InputError
from outreach_opt.io.curtois_qu import START, clock_scale, load_curtois_qu, parse, read_curtois_qu, to_data
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.outcome import Status

INSTANCE1 = SHARED / "benchmarks" / "curtois-qu" / "Instance1.txt"

# Three days (Mon-Wed), shifts E and L (8 h each; no E the day after an L).
#   A: any shift, 2-3 shifts (960-1440 min), runs of any length.
#   B: L only, exactly one shift (480 min), runs of at least 2 days: B's single day must touch
#      an end of the horizon (day 0 or day 2), allowed only because such runs are free.
#   C: at most one E, and days 0 and 1 off: C can only work E on day 2.
# Cover asks for E and L on days 0 and 1 and E on day 2 (100 per session missing); an L on
# day 2 is asked 0 times and costs 10 each.
# Requests: B wants day 0's L off (7), A wants day 2's L (4), C wants day 2's E (5).
#
# Optimum 111, by hand. Only A can work day 1, one shift a day, so E1 or L1 goes uncovered:
# 100 at least. A covers E0 (C is off, B works L only). L0 then needs B: B on L0 breaks B's
# off request (7); B on L2 instead costs 10 over plus L0 uncovered (100). C covers E2 and
# has its wish (0). A's wish for L2 is met only by an L2 nobody asked for (10 over), so it
# stays unmet (4). A works E0 and E1 or L1 (2 shifts, A's minimum): 100 + 7 + 4 = 111, e.g.
# A: E0, L1; B: L0; C: E2.
HAND_MADE = """\
# hand-made: optimum 111 (tests/test_curtois_qu.py)
SECTION_HORIZON
3

SECTION_SHIFTS
E,480,
L,480,E

SECTION_STAFF
A,E=3|L=3,1440,960,3,1,1,1
B,E=0|L=3,480,480,3,2,1,1
C,E=1|L=0,480,0,3,1,1,1

SECTION_DAYS_OFF
C,0,1

SECTION_SHIFT_ON_REQUESTS
A,2,L,4
C,2,E,5

SECTION_SHIFT_OFF_REQUESTS
B,0,L,7

SECTION_COVER
0,E,1,100,1
0,L,1,100,1
1,E,1,100,1
1,L,1,100,1
2,E,1,100,1
2,L,0,100,10
"""


def test_hand_made_optimum(tmp_path: Path) -> None:
    """The engine proves the hand-worked optimum 111, and the checker agrees. Read with
    worked runs at the horizon's ends held to the minimum, B cannot work exactly one day:
    infeasible, which is why the importer reads them as free."""
    path = tmp_path / "hand.txt"
    path.write_text(HAND_MADE, encoding="utf-8")
    result, report = solve_checked(load_curtois_qu(str(path)))
    assert result.status is Status.OPTIMAL
    assert result.objective == 111
    assert report is not None and report.breakdown["uncovered"] == 100 and report.breakdown["requests"] == 11
    held = read_curtois_qu(str(path))
    held["rules"]["runs_at_horizon_ends"] = "held"
    assert_infeasible(held)


def test_instance1_reads_as_the_benchmark_says() -> None:
    """Instance1: 8 employees, one 8-hour shift D (00:00-08:00, real length), 14 days from a
    Monday; each employee 7-9 shifts, a day off each (hard), cover per date with 100 under and
    1 over; requests as soft wishes for period D."""
    inst = load_curtois_qu(str(INSTANCE1))
    assert inst.horizon.start.weekday() == 0 and inst.horizon.days == 14
    assert [(p.id, p.start, p.end) for p in inst.periods] == [("D", "00:00", "08:00")]
    a = inst.specialists[0]
    assert (a.min_minutes_total, a.max_minutes_total, a.max_sessions_per_day) == (3360, 4320, 1)
    assert (a.max_consecutive_working_days, a.min_consecutive_working_days, a.min_consecutive_days_off) == (5, 2, 2)
    assert a.max_weekends == 1 and a.max_sessions_by_period == {}  # D=14 can never bind over 14 days
    first = inst.demands[0]
    assert (first.dates, first.sessions.min, first.priority, first.surplus_weight) == ([START], 5, 100, 1)
    hard = [r for r in inst.requests if r.hard]
    assert [(r.specialist, (r.date - START).days) for r in hard][:2] == [("A", 0), ("B", 5)]
    assert sum(1 for r in inst.requests if not r.hard) == 21 + 5
    assert inst.rules.runs_at_horizon_ends == "free"


def test_import_command_round_trips(tmp_path: Path) -> None:
    """`import-cq` writes YAML that loads into the very instance the importer builds; an
    existing file is kept without --force (exit 2)."""
    out = tmp_path / "instance1.yaml"
    runner = CliRunner()
    first = runner.invoke(main, ["import-cq", str(INSTANCE1), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "8 employees as specialists" in first.output
    assert load_instance(str(out)) == instance_from_data(read_curtois_qu(str(INSTANCE1)), "again")
    again = runner.invoke(main, ["import-cq", str(INSTANCE1), "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_unreadable_source_is_said_as_for_any_file(tmp_path: Path) -> None:
    """A missing or binary source gets the words every other input gets, not Python's
    "[Errno 2] … 'path'" or a codec's message."""
    missing = tmp_path / "Instance99.txt"
    done = CliRunner().invoke(main, ["import-cq", str(missing), "--out", str(tmp_path / "x.yaml")])
    assert done.exit_code == 2 and done.stderr == f"error: {missing}: cannot read the file: No such file or directory\n"
    binary = tmp_path / "Instance98.txt"
    binary.write_bytes(b"SECTION_HORIZON\n\xff\xfe\n")
    done = CliRunner().invoke(main, ["import-cq", str(binary), "--out", str(tmp_path / "x.yaml")])
    assert done.exit_code == 2 and "is not UTF-8 text" in done.stderr and "codec" not in done.stderr


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A file saved with a UTF-8 byte order mark reads as the same file without one (the
    instance YAML loader accepts one too); it was "1: data before the first SECTION_ line"."""
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text(HAND_MADE, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + HAND_MADE.encode("utf-8"))
    assert read_curtois_qu(str(marked)) == {**read_curtois_qu(str(plain)), "name": "marked"}
    run = CliRunner().invoke(main, ["import-cq", str(marked), "--out", str(tmp_path / "out.yaml")])
    assert run.exit_code == 0, run.output


def test_instance1_solves_to_its_proven_optimum() -> None:
    """The published proven optimum 607, proven by the engine and recomputed by the checker."""
    result, report = solve_checked(load_curtois_qu(str(INSTANCE1)), time_limit=60, workers=2)
    assert result.status is Status.OPTIMAL and result.objective == 607
    assert report is not None and report.objective == 607


def test_clock_scale_keeps_order_and_exact_minutes() -> None:
    """Four 8-hour shifts do not fit in a day: halved (k = 2), 4 h each, in file order; the
    limits scale to floor(max / k) and ceil(min / k), which is exact (worked minutes are
    multiples of k)."""
    assert clock_scale([480, 480, 480]) == 1
    assert clock_scale([480] * 4) == 2
    assert clock_scale([480, 600, 720] * 10) == 15
    text = HAND_MADE.replace("E,480,\nL,480,E", "E,480,\nL,480,E\nD,480,\nN,480,")
    data = to_data(parse(text.replace("1440,960", "1441,959"), "x"), "x")
    assert [(p["id"], p["start"], p["end"]) for p in data["periods"]][:2] == [
        ("E", "00:00", "04:00"),
        ("L", "04:00", "08:00"),
    ]
    assert (data["specialists"][0]["max_minutes_total"], data["specialists"][0]["min_minutes_total"]) == (720, 480)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("3\n", "three\n"), 3, "the horizon must be a whole number, not 'three'"),
        (("L,480,E\n", "L,480,X\n"), 7, "shift L's ForbiddenNext names unknown shift 'X'"),
        (("C,E=1|L=0", "C,E=1|Q=0"), 12, "unknown shift 'Q'"),
        (("C,0,1\n", "Z,0,1\n"), 15, "unknown employee 'Z'"),
        (("2,L,0,100,10", "5,L,0,100,10"), 30, "day 5 is outside the horizon 0..2"),
        (("B,E=0|L=3,480,480,3,2,1,1", "B,E=0|L=3,480,480,3,2,1"), 11, "expected ID, MaxShifts"),
        (("SECTION_COVER\n", "SECTION_COVERS\n"), 24, "unknown section 'SECTION_COVERS'"),
    ],
)
def test_bad_files_are_refused_at_their_line(tmp_path: Path, change: tuple[str, str], line: int, message: str) -> None:
    """Each mistake is reported with the file and line, as the command shows it: exit 2."""
    path = tmp_path / "bad.txt"
    path.write_text(HAND_MADE.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_curtois_qu(str(path))
    assert f"{path}:{line}: {message}" in str(caught.value)
    run = CliRunner().invoke(main, ["import-cq", str(path), "--out", str(tmp_path / "out.yaml")])
    assert run.exit_code == 2 and message in run.stderr and "Traceback" not in run.output


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("E,480,\n", "E,100000,\n"),
            6,
            "the length of shift E must be at most 1440 (the minutes in a day: a shift is worked within one day), "
            "not 100000",
        ),
        (
            ("A,E=3|L=3,1440,960,", "A,E=3|L=3,1440,1500,"),
            10,
            "MinTotalMinutes 1500 is above MaxTotalMinutes 1440; give a minimum no larger than the maximum",
        ),
        (
            ("A,E=3|L=3,1440,960,3,1,", "A,E=3|L=3,1440,960,2,3,"),
            10,
            "MinConsecutiveShifts 3 is above MaxConsecutiveShifts 2; give a minimum no larger than the maximum",
        ),
        (("A,E=3|L=3,1440,960,3,1,1,1", "A,E=3|L=3,1440,960,3,1,1,-1"), 10, "MaxWeekends must be at least 0, not -1"),
        (("A,2,L,4", "A,2,L,-4"), 18, "the weight must be at least 0, not -4"),
        (("2,L,0,100,10", "2,L,0,100,-10"), 30, "WeightForOver must be at least 0, not -10"),
        (
            ("SECTION_HORIZON\n3\n", "SECTION_HORIZON\n100000\n"),
            3,
            "the horizon must be at most 366 (the longest horizon outreach-opt plans), not 100000",
        ),
        (
            ("0,E,1,100,1", "0,E,99999999999,100,1"),
            25,
            "Requirement must be at most 100000 (the largest number an outreach-opt instance holds), not 99999999999",
        ),
        (
            ("0,E,1,100,1", "0,E,1,100001,1"),
            25,
            "WeightForUnder must be at most 100000 (the largest number an outreach-opt instance holds), not 100001",
        ),
        (
            ("A,2,L,4", "A,2,L,100001"),
            18,
            "the weight must be at most 100000 (the largest number an outreach-opt instance holds), not 100001",
        ),
        (
            ("A,E=3|L=3,1440,960,3,1,1,1", "A,E=3|L=3,1440,960,3,1,1,100001"),
            10,
            "MaxWeekends must be at most 100000 (the largest number an outreach-opt instance holds), not 100001",
        ),
        (
            ("A,E=3|L=3,1440,", "A,E=3|L=3,100001,"),
            10,
            "MaxTotalMinutes must be at most 100000 (an outreach-opt instance holds at most 100000 minutes "
            "once they are divided by 1, the common factor of the shift lengths), not 100001",
        ),
        (
            ("2,L,0,100,10\n", "2,L,0,100,10\n\nSECTION_HORIZON\n2\n"),
            32,
            "SECTION_HORIZON is given twice (first at line 2); give each section once",
        ),
        (
            ("L,480,E\n", "L\n"),
            7,
            "shift 'L' has no length; write ShiftID, Length in minutes, ForbiddenNext (may be empty), e.g. L,480,",
        ),
    ],
)
def test_impossible_values_are_refused_alone_at_their_line(
    tmp_path: Path, change: tuple[str, str], line: int, message: str
) -> None:
    """Values the benchmark cannot mean, or the instance cannot hold, are refused at the
    benchmark's line in its terms, as the only message: never a silently changed instance,
    a later `solve` finding it infeasible, or an error about the generated instance's fields."""
    path = tmp_path / "bad.txt"
    path.write_text(HAND_MADE.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_curtois_qu(str(path))
    assert str(caught.value) == f"{path}:{line}: {message}"
    run = CliRunner().invoke(main, ["import-cq", str(path), "--out", str(tmp_path / "out.yaml")])
    assert run.exit_code == 2 and run.stderr == f"error: {path}:{line}: {message}\n"
    assert not (tmp_path / "out.yaml").exists()


def _refused_alone(tmp_path: Path, text: str, line: int, message: str) -> None:
    """`text` is refused with `message` at `line` of its file as the only problem, by the
    reader and by `import-cq` (exit 2, no traceback, nothing written)."""
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_curtois_qu(str(path))
    assert str(caught.value) == f"{path}:{line}: {message}"
    run = CliRunner().invoke(main, ["import-cq", str(path), "--out", str(tmp_path / "out.yaml")])
    assert run.exit_code == 2 and run.stderr == f"error: {path}:{line}: {message}\n"
    assert "Traceback" not in run.output and not (tmp_path / "out.yaml").exists()


def test_too_long_employee_id_is_refused_at_its_line(tmp_path: Path) -> None:
    """An id longer than the instance's `Id` holds (100) was refused on the generated
    instance's `specialists[2].id`, at no line of the benchmark file."""
    _refused_alone(
        tmp_path,
        HAND_MADE.replace("\nC,", "\n" + "C" * 101 + ","),
        12,
        f"employee id {'C' * 20!r}... is 101 characters long; it must be at most 100 (the longest outreach-opt id): "
        "shorten it here and where the file names it",
    )
    longest = tmp_path / "longest.txt"
    longest.write_text(HAND_MADE.replace("\nC,", "\n" + "C" * 100 + ","), encoding="utf-8")
    assert load_curtois_qu(str(longest)).specialists[2].id == "C" * 100


def test_too_long_shift_id_is_refused_at_its_line(tmp_path: Path) -> None:
    """A shift id also names its cover demands, cover-DAY-SHIFT: over 3 days (cover-2-) it
    may be 92 characters, for ids of 100. Longer, it was refused on the generated instance's
    `demands[...].id`, at no line of the benchmark file."""
    _refused_alone(
        tmp_path,
        re.sub(r"\bL\b", "L" * 93, HAND_MADE),
        7,
        f"shift id {'L' * 20!r}... is 93 characters long; it must be at most 92 (its cover demands are named "
        "cover-DAY-SHIFT, cover-2-SHIFT the longest, and an outreach-opt id holds at most 100 characters): "
        "shorten it here and where the file names it",
    )
    longest = tmp_path / "longest.txt"
    longest.write_text(re.sub(r"\bL\b", "L" * 92, HAND_MADE), encoding="utf-8")
    assert max(len(demand.id) for demand in load_curtois_qu(str(longest)).demands) == 100


@pytest.mark.parametrize(
    ("change", "line", "what"),
    [
        (("\nC,", "\n_C,"), 12, "employee id '_C'"),
        (("\nC,", "\nC C,"), 12, "employee id 'C C'"),
        (("\nC,", "\nC/2,"), 12, "employee id 'C/2'"),
        (("E,480,\n", "-E,480,\n"), 6, "shift id '-E'"),
    ],
)
def test_id_the_instance_cannot_hold_is_refused_at_its_line(
    tmp_path: Path, change: tuple[str, str], line: int, what: str
) -> None:
    """An id `Id` refuses is refused at its line, saying the rule and what to do (it said
    only "must be letters, digits, '-', '_' or '.'", wrong for '_C' and '-E')."""
    text = HAND_MADE.replace(*change)
    if what.startswith("shift"):  # named elsewhere as well, so that this is the only problem
        text = re.sub(r"\bE\b", "-E", text).replace("--E", "-E")
    _refused_alone(
        tmp_path,
        text,
        line,
        f"{what} must start with a letter or digit and hold only letters, digits, '-', '_' or '.' "
        "(as an outreach-opt id); rename it here and where the file names it",
    )


def test_empty_shift_section_is_refused_once_at_its_line(tmp_path: Path) -> None:
    """A SECTION_SHIFTS with no shift lines gave "unknown shift" on every line naming one."""
    _refused_alone(
        tmp_path,
        HAND_MADE.replace("E,480,\nL,480,E\n", ""),
        5,
        "SECTION_SHIFTS has no shifts; list each shift type on its own line after it as "
        "ShiftID, Length in minutes, ForbiddenNext (may be empty), e.g. D,480,",
    )


def test_weekend_days_are_saturday_and_sunday() -> None:
    """Day 0 is a Monday, so days 7k+5 and 7k+6 are the Saturday and Sunday of max_weekends."""
    assert (START + dt.timedelta(days=5)).weekday() == 5 and (START + dt.timedelta(days=13)).weekday() == 6


def test_benchmark_run_with_no_instance_fails_and_says_so() -> None:
    """`benchmarks/curtois_qu.py` once printed 'written to ...' and exited 0 when the shared
    folder was missing: a run that solved nothing looked like one that had."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "curtois_qu.py"
    done = subprocess.run(
        [sys.executable, str(script), "--instances", "99"], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 1
    assert "skipped: Instance99" in done.stderr
    assert "no instance to run" in done.stderr
    assert "written to" not in done.stdout
