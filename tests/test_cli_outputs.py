"""Where the command line writes: an output that cannot be written is bad input (exit 2, the
file and the cause, what to do), found before a solve rather than after it, never a traceback.

A folder that takes no new files is `/proc` here: it refuses them for root too, where a
chmod'ed folder would not (the suite may run as root).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import EXAMPLE, INSTANCES

from outreach_opt.cli.main import main
from outreach_opt.domain.problems import InputError
from outreach_opt.io.load import load_instance
from outreach_opt.io.write import check_writable, make_folder, write_atomic

TINY = str(INSTANCES / "tiny.yaml")
NO_FILES = Path("/proc")
"""A folder where no file can be made, whoever runs the tests."""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def tiny_roster(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("roster") / "tiny.json"
    assert run("solve", TINY, "--workers", "1", "--quiet", "--out", str(out)).exit_code == 0
    return str(out)


def test_write_atomic_into_a_folder_that_takes_no_files() -> None:
    with pytest.raises(InputError, match=r"cannot write in the folder '/proc'.*choose a folder you can write to"):
        write_atomic(NO_FILES / "roster.json", "{}")


def test_check_writable_tries_the_folder(tmp_path: Path) -> None:
    """The check makes and removes a file, so it finds what permission bits do not say."""
    with pytest.raises(InputError, match="cannot write in the folder '/proc'"):
        check_writable(NO_FILES / "roster.json", force=False)
    with pytest.raises(InputError, match="this is a folder; name the file to write"):
        check_writable(tmp_path, force=True)
    check_writable(tmp_path / "roster.json", force=False)
    assert list(tmp_path.iterdir()) == []


def test_make_folder_refuses_a_file_and_an_unmakeable_folder(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="this is a file"):
        make_folder(tmp_path / "plain")
    with pytest.raises(InputError, match="cannot make the folder"):
        make_folder(NO_FILES / "out")
    assert make_folder(tmp_path / "a" / "b").is_dir()


def test_solve_refuses_an_unwritable_out_before_solving() -> None:
    result = run("solve", TINY, "--workers", "1", "--out", str(NO_FILES / "roster.json"))
    assert result.exit_code == 2, result.output
    assert "cannot write in the folder '/proc'" in result.stderr
    assert "optimal" not in result.stdout  # refused before the search, not after it


def test_solve_refuses_a_missing_folder_before_solving(tmp_path: Path) -> None:
    result = run("solve", TINY, "--workers", "1", "--out", str(tmp_path / "nowhere" / "roster.json"))
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr
    assert "optimal" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["export", TINY, "{roster}", "--out", "/proc/roster.html"],
        ["export", TINY, "{roster}", "--per-specialist", "--format", "ics", "--out", "/proc/calendars"],
        ["repair", TINY, "{roster}", "--event", "{event}", "--out", "/proc/repaired.json"],
        ["batch", TINY, "--out", "/proc/batch"],
        ["whatif", TINY, "{scenarios}", "--out", "/proc/whatif"],
        ["generate", "--specialists", "3", "--sites", "2", "--out", "/proc/generated.yaml"],
        ["schema", "--out", "/proc/schema.json"],
    ],
    ids=["export", "export-per-specialist", "repair", "batch", "whatif", "generate", "schema"],
)
def test_every_command_refuses_an_unwritable_out(args: list[str], tiny_roster: str, tmp_path: Path) -> None:
    event = tmp_path / "event.yaml"
    event.write_text("operations:\n  - {op: unavailable, specialist: zhang-min, dates: [2025-10-20]}\n")
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text("scenarios:\n  - {name: slower, operations: [{op: scale, what: travel, factor: 1.5}]}\n")
    given = [a.format(roster=tiny_roster, event=event, scenarios=scenarios) for a in args]
    result = run(*given)
    assert result.exit_code == 2, result.output
    assert "error: /proc/" in result.stderr and "Traceback" not in result.output
    assert "choose a folder you can write to" in result.stderr
    assert "optimal" not in result.stdout  # nothing solved first


def test_example_instance_still_solves_into_a_new_file(tmp_path: Path) -> None:
    """The checks let an ordinary output through, and leave no temporary file behind."""
    out = tmp_path / "example.json"
    assert run("solve", str(EXAMPLE), "--workers", "1", "--quiet", "--out", str(out)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["example.json"]


def test_every_out_option_is_also_o(tmp_path: Path) -> None:
    """`-o` is `--out` on every command that writes (what users type first), and it writes."""
    commands = [cmd for cmd in main.commands.values() if any("--out" in p.opts for p in cmd.params)]
    assert len(commands) >= 8
    for cmd in commands:
        out = next(p for p in cmd.params if "--out" in p.opts)
        assert "-o" in out.opts, cmd.name
    out_file = tmp_path / "generated.yaml"
    assert run("generate", "--specialists", "3", "--sites", "2", "-o", str(out_file)).exit_code == 0
    assert len(load_instance(str(out_file)).specialists) == 3
