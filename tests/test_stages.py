"""The by-specialist route says how far it got (`Progress.stage`), and the CLI shows it with
-v: on a year of days it found no roster for minutes and said nothing until it had priced one."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_long_horizon import by_specialist_route, cover_file, loaded  # noqa: F401 (a fixture)

from outreach_opt.check.lone_line import line_holds
from outreach_opt.cli.main import main
from outreach_opt.solve import long_horizon
from outreach_opt.solve.by_specialist import Steps, by_specialist
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Progress
from outreach_opt.solve.solve import solve


def test_first_pass_reports_each_specialist_of_three(tmp_path: Path) -> None:
    """Three people (fewer than `STAGES`): a report after each first line, in order."""
    heard: list[str] = []
    by_specialist(
        loaded(tmp_path, 91), Steps(workers=1), first_until=float("inf"), judge=line_holds, on_stage=heard.append
    )
    firsts = [h for h in heard if h.startswith("first lines")]
    assert [f.split(" (")[0] for f in firsts] == [f"first lines: {k} of 3 specialists" for k in (1, 2, 3)]


@pytest.mark.usefixtures("by_specialist_route")
def test_solve_reports_stages_before_its_roster(tmp_path: Path) -> None:
    """Through `on_progress`: the first lines, then pricing, then the priced roster; stage
    reports carry no objective or bound."""
    seen: list[Progress] = []
    result = solve(
        loaded(tmp_path, 91), SolveOptions(time_limit=10, workers=1), on_progress=seen.append, judge=line_holds
    )
    assert result.roster is not None
    stages = [p.stage for p in seen if p.stage is not None]
    assert stages[0].startswith("first lines: 1 of 3")
    assert any(s.startswith("pricing the roster") for s in stages)
    assert all(p.objective is None and p.bound is None for p in seen if p.stage is not None)
    last = seen[-1]
    assert last.stage is None and last.objective == result.objective
    pricing = next(k for k, p in enumerate(seen) if p.stage and p.stage.startswith("pricing"))
    assert pricing < len(seen) - 1


def test_cli_shows_stages_with_verbose_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`outreach-opt -v solve` prints the stage lines; without -v they are not printed. Four
    weeks taken by specialist (`LONGEST_WHOLE_DAYS` lowered), not thirteen: the same route and
    lines, and the CLI's why-uncovered summary, which re-checks the whole roster per trial, took
    most of the time at 91 days."""
    monkeypatch.setattr(long_horizon, "LONGEST_WHOLE_DAYS", 21)
    monkeypatch.setattr(long_horizon, "MOST_WHOLE_SESSIONS", 0)
    source = tmp_path / "cover28.txt"
    source.write_text(cover_file(28), encoding="utf-8")
    yaml = tmp_path / "cover28.yaml"
    runner = CliRunner()
    assert runner.invoke(main, ["import-cq", str(source), "--out", str(yaml)]).exit_code == 0
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        verbose = runner.invoke(main, ["-v", "solve", str(yaml), "--time-limit", "10", "--workers", "1"])
    finally:  # -v configures logging for the process, onto the runner's stream: undo it
        root.handlers[:], root.level = handlers, level
    quiet = runner.invoke(main, ["solve", str(yaml), "--time-limit", "10", "--workers", "1"])
    assert verbose.exit_code == 0 and quiet.exit_code == 0, (verbose.output, quiet.output)
    assert "first lines: 3 of 3 specialists" in verbose.output
    assert "pricing the roster" in verbose.output
    assert "first lines" not in quiet.output


def test_first_pass_gives_up_when_its_pace_passes_the_limit(tmp_path: Path) -> None:
    """`give_up_after` already passed: at the first stage report (one of three people, in the
    first half) the pace cannot end in time; it says so and returns no roster. The old first
    pass went on to the end whatever the limit (Instance24: ~240 s of 120)."""
    heard: list[str] = []
    roster = by_specialist(
        loaded(tmp_path, 91),
        Steps(workers=1),
        first_until=float("inf"),
        judge=line_holds,
        on_stage=heard.append,
        give_up_after=time.perf_counter() - 1,
    )
    assert roster is None
    assert heard[0].startswith("first lines: 1 of 3")
    assert heard[-1].startswith("giving up: the first lines would take about")
    assert len(heard) == 2


def test_first_pass_goes_on_when_it_fits(tmp_path: Path) -> None:
    roster = by_specialist(
        loaded(tmp_path, 91), Steps(workers=1), first_until=float("inf"), judge=line_holds, give_up_after=float("inf")
    )
    assert roster is not None


@pytest.mark.usefixtures("by_specialist_route")
def test_solve_gives_the_first_pass_its_whole_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`solve` by specialist gives up past its time limit (the start plus the limit), no sooner."""
    seen: dict[str, float] = {}

    def spy(*args: Any, **kwargs: Any) -> None:
        seen["give_up_after"] = kwargs["give_up_after"]
        seen["until"] = kwargs["until"]
        return None

    monkeypatch.setattr(long_horizon, "by_specialist", spy)
    before = time.perf_counter()
    result = solve(loaded(tmp_path, 91), SolveOptions(time_limit=50, workers=1), judge=line_holds)
    assert result.roster is None
    assert before + 50 <= seen["give_up_after"] <= time.perf_counter() + 50
    assert seen["give_up_after"] > seen["until"]
