"""`whatif` and `batch` end to end: real process pools and a real Dask LocalCluster of two
worker processes, real files, real exit statuses (0 all solved and checked, 1 some solve gave
no checked roster, 2 bad input).

The commands are registered in the main CLI by its own module; here a local group holds them,
wrapped in the main CLI's bad-input handler, so these tests need nothing else registered.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from support import INSTANCES

from outreach_opt.batch.runner import Job, run_job, run_jobs
from outreach_opt.check.checker import check_roster
from outreach_opt.cli.batch import batch_command, whatif_command
from outreach_opt.cli.main import _bad_input
from outreach_opt.domain.problems import InputError
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.scenarios.compare import WALL_TIME_COLUMNS
from outreach_opt.solve.options import SolveOptions

ANZHEN = INSTANCES / "anzhen-tongzhou-week.yaml"
SWEEP = """
scenarios:
  - name: roads
    sweep: {parameter: travel_factor, from: 0.6, to: 2.5, step: 0.1}
"""
BROKEN = """name: broken
horizon: {start: 2025-10-20, days: 1}
periods: [{id: am, start: "08:00", end: "12:00"}]
sites: [{id: tongzhou}]
specialists: [{id: ren, home: tongzhuo}]
"""
TIMES: dict[str, float] = {}


@click.group()
def cli() -> None:
    """The two commands as `outreach-opt` registers them (bad input: exit 2, no traceback)."""


for _command in (whatif_command, batch_command):
    assert _command.callback is not None and _command.name is not None
    cli.add_command(click.Command(_command.name, params=_command.params, callback=_bad_input(_command.callback)))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _sweep(tmp_path_factory: pytest.TempPathFactory, executor: str) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp(executor)
    scenario = folder / "roads.yaml"
    scenario.write_text(SWEEP, encoding="utf-8")
    started = time.perf_counter()
    args = ["whatif", ANZHEN, scenario, "--jobs", "2", "--time-limit", "10", "--executor", executor]
    result = run(*args, "--out", folder / "out")
    TIMES[executor] = time.perf_counter() - started
    print(f"\n{executor}: 20-scenario sweep + base in {TIMES[executor]:.1f} s", file=sys.stderr)
    assert result.exit_code == 0, result.output
    return {"folder": folder / "out", "output": result.output}


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _sweep(tmp_path_factory, "local")


@pytest.fixture(scope="module")
def dask_sweep(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _sweep(tmp_path_factory, "dask")


def _rows(run: dict[str, Any]) -> list[dict[str, Any]]:
    table = json.loads((run["folder"] / "table.json").read_text(encoding="utf-8"))
    return [{k: v for k, v in row.items() if k not in WALL_TIME_COLUMNS} for row in table["rows"]]


def test_sweep_of_twenty_solves_checks_and_writes_everything(local_sweep: dict[str, Any]) -> None:
    """Base plus 20 travel factors: every solve optimal and checked; slower roads never make
    the week cheaper; a roster per row, both tables, one chart; the table is printed."""
    rows = _rows(local_sweep)
    assert len(rows) == 21 and rows[0]["scenario"] == "base"
    assert all(r["status"] == "optimal" and r["checked"] == "ok" for r in rows)
    objectives = [r["objective"] for r in rows[1:]]
    assert objectives == sorted(objectives)
    assert rows[5]["value"] == 1.0 and rows[5]["d_objective"] == 0
    out = local_sweep["folder"]
    assert len(list(out.glob("*.roster.json"))) == 21
    assert (out / "table.csv").read_text(encoding="utf-8").count("\n") == 22
    assert (out / "roads.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "roads [travel_factor=2.5]" in local_sweep["output"]
    # Each roster beside the instance it was solved for: the checker, reading both files,
    # finds it valid at the table's objective (against the base, every factor but 1 differs).
    by_stem = {p.name.removesuffix(".roster.json"): p for p in out.glob("*.roster.json")}
    assert sorted(p.name.removesuffix(".instance.yaml") for p in out.glob("*.instance.yaml")) == sorted(by_stem)
    checked = {}
    for stem, path in by_stem.items():
        report = check_roster(load_instance(str(out / f"{stem}.instance.yaml")), load_roster(str(path)))
        assert report.ok, (stem, [v.message for v in report.violations[:3]])
        checked[stem] = report.objective
    assert sorted(checked.values()) == sorted(r["objective"] for r in rows)
    assert len(set(checked.values())) > 1


def test_dask_executor_gives_the_same_table(local_sweep: dict[str, Any], dask_sweep: dict[str, Any]) -> None:
    """The same sweep on a Dask LocalCluster of two worker processes: the same table, row for
    row, wall time aside, and the same rosters."""
    assert _rows(dask_sweep) == _rows(local_sweep)
    for roster in local_sweep["folder"].glob("*.roster.json"):
        assert roster.read_bytes() == (dask_sweep["folder"] / roster.name).read_bytes()


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("batch")
    broken = folder / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    instances = [*sorted(INSTANCES.glob("*.yaml")), broken]
    result = run("batch", *instances, "--jobs", "2", "--time-limit", "10", "--out", folder / "out")
    return {"out": folder / "out", "instances": instances, "result": result}


def test_batch_solves_good_instances_and_reports_the_broken_one(batch_run: dict[str, Any]) -> None:
    """Every sample instance is solved to a roster the checker accepts (the four-week one need
    not prove optimality in 10 s on one worker); the broken file is in the summary with its
    located message; exit status 2 because one input was bad."""
    assert batch_run["result"].exit_code == 2, batch_run["result"].output
    summary = json.loads((batch_run["out"] / "summary.json").read_text(encoding="utf-8"))["rows"]
    *good, bad = summary
    assert [r["instance"] for r in summary] == [str(p) for p in batch_run["instances"]]
    assert all(r["status"] in {"optimal", "feasible"} and r["checked"] == "ok" and r["error"] is None for r in good)
    assert bad["status"] == "bad input" and bad["objective"] is None
    assert bad["error"] == f"{batch_run['instances'][-1]}:5:31: specialists[0].home: unknown site 'tongzhuo'" + (
        " (did you mean 'tongzhou'?)"
    )
    assert not (batch_run["out"] / "broken.result.json").exists()
    rows = len(batch_run["instances"]) + 1  # a header line and one line per instance
    assert (batch_run["out"] / "summary.csv").read_text(encoding="utf-8").count("\n") == rows
    # Each roster file as `solve --out` writes it: with the checker's breakdown of its objective.
    rosters = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(batch_run["out"].glob("*.roster.json"))]
    assert len(rosters) == len(good)
    assert all(sum(r["breakdown"].values()) == r["objective"] for r in rosters)


def test_resume_keeps_finished_results(batch_run: dict[str, Any]) -> None:
    """--resume solves only what has no result file (the broken one, still broken); finished
    result files are not touched and stay in the summary."""
    results = sorted(batch_run["out"].glob("*.result.json"))
    assert len(results) == len(batch_run["instances"]) - 1
    before = {p: p.stat().st_mtime_ns for p in results}
    again = run("batch", *batch_run["instances"], "--jobs", "2", "--out", batch_run["out"], "--resume")
    assert again.exit_code == 2, again.output
    assert {p: p.stat().st_mtime_ns for p in results} == before
    summary = json.loads((batch_run["out"] / "summary.json").read_text(encoding="utf-8"))["rows"]
    assert [r["resumed"] for r in summary] == [True] * len(results) + [False]
    kept = [json.loads(p.read_text(encoding="utf-8"))["status"] for p in results]
    assert sorted(r["status"] for r in summary[:-1]) == sorted(kept)  # read back from the kept files
    assert set(kept) <= {"optimal", "feasible"}


def test_batch_refuses_to_overwrite_results(batch_run: dict[str, Any]) -> None:
    """Without --resume or --force existing results are refused before anything is solved."""
    again = run("batch", *batch_run["instances"][:1], "--out", batch_run["out"])
    assert again.exit_code == 2
    assert "exists already" in again.output and "--resume" in again.output


def test_whatif_bad_scenario_exits_2_before_solving(tmp_path: Path) -> None:
    """An unknown id in a scenario: exit 2, the located message, no output folder written."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("scenarios:\n  - {name: x, operations: [{op: remove, section: specialists, id: li}]}\n")
    result = run("whatif", ANZHEN, scenario, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"error: {scenario}:2:" in result.output and "unknown specialist 'li'" in result.output
    assert not (tmp_path / "out").exists()


def test_scheduler_needs_the_dask_executor(tmp_path: Path) -> None:
    """--scheduler with the local executor is a mistake, not silently ignored."""
    result = run("batch", ANZHEN, "--out", tmp_path, "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and "needs --executor dask" in result.output


def test_dask_not_installed_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Choosing Dask without the extra installed says how to install it (exit 2 in the CLI)."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    job = Job("anzhen", str(ANZHEN), SolveOptions(time_limit=10, workers=1))
    with pytest.raises(InputError) as caught:
        run_jobs([job], "dask", 1)
    assert "pip install 'outreach-opt[dask]'" in str(caught.value)


def test_unexpected_error_is_kept_in_the_job_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job that fails for a reason other than input reports type and message, not a crash."""

    def broken_solve(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("outreach_opt.batch.runner.solve", broken_solve)
    result = run_job(Job("anzhen", str(ANZHEN), SolveOptions(time_limit=10, workers=1)))
    assert (result["status"], result["error"]) == ("error", "RuntimeError: solver exploded")
    assert result["roster"] is None and result["seconds"] is not None
