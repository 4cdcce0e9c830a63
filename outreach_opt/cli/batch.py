"""`outreach-opt whatif` and `outreach-opt batch`: many solves at once, compared or summarised.

Both run their solves through `batch.runner` (a local process pool, or Dask with `--executor
dask`), each solve with one CP-SAT worker and a fixed seed so that both executors give the
same rosters. Inputs are all checked before the first solve; outputs are written atomically
and an existing file is only replaced with `--force` (or, for `batch --resume`, kept).

Exit statuses of both commands:
  0  every solve gave a roster that passed the checker;
  1  some solve did not (infeasible, no roster within the time limit, an unexpected error, a
     roster the checker rejected): the table or summary says which, the rest is written;
  2  bad input. `whatif` stops before solving (a scenario names an unknown id, …); `batch`
     solves every instance that loads, reports each broken one with its located error in the
     summary, and then exits 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import click

from outreach_opt.batch.runner import BAD_INPUT, ERROR, EXECUTORS, Executor, Job, run_jobs
from outreach_opt.cli.batch_tables import Reporter, batch_table, comparison_table, load_table
from outreach_opt.cli.console import make_console
from outreach_opt.cli.options import SEED, Seconds
from outreach_opt.domain.problems import InputError
from outreach_opt.io.load import load_instance
from outreach_opt.io.write import check_writable, make_folder, write_atomic, write_instance_data
from outreach_opt.scenarios.chart import sweep_chart
from outreach_opt.scenarios.compare import BASE_NAME, comparison, sweeps, table_csv, table_json
from outreach_opt.scenarios.scenario import load_scenario_file
from outreach_opt.scenarios.sweep import Variant, base_data, expand
from outreach_opt.solve.options import SolveOptions

SUMMARY_COLUMNS = ("instance", "status", "objective", "bound", "gap", "seconds", "checked", "error", "resumed")


def _run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every multi-solve command shares."""
    for option in reversed(
        [
            click.option("--time-limit", type=Seconds(min=0.1), default=10.0, show_default=True,
                         help="Seconds per solve."),
            click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="cores",
                         help="Solves at once (each uses one CP-SAT worker)."),
            click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
                         help="local: a process pool; dask: a Dask cluster (pip install 'outreach-opt[dask]')."),
            click.option("--scheduler", metavar="ADDRESS",
                         help="Dask scheduler address; a LocalCluster of --jobs workers when not given."),
            click.option("--seed", type=SEED, default=0, show_default=True, help="CP-SAT seed of every solve."),
        ]
    ):  # fmt: skip
        func = option(func)
    return func


def _solve_options(time_limit: float, seed: int, executor: str, scheduler: str | None) -> SolveOptions:
    if scheduler is not None and executor != "dask":
        raise InputError.single("--scheduler", "a scheduler address needs --executor dask")
    return SolveOptions(time_limit=time_limit, workers=1, seed=seed)


def _exit_status(results: Sequence[dict[str, Any]]) -> int:
    if any(r["status"] == BAD_INPUT for r in results):
        return 2
    return 0 if all(r["checked"] == "ok" for r in results) else 1


def _slug(name: str, taken: set[str]) -> str:
    """A file-name-safe, unique form of a scenario name."""
    base = re.sub(r"[^A-Za-z0-9._=]+", "-", name).strip("-.").lower() or "scenario"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _refuse_existing(paths: Sequence[Path], hint: str) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise InputError.single(str(existing[0]), f"the file exists already{more}; {hint}")


def _roster_json(roster: dict[str, Any]) -> str:
    return json.dumps(roster, ensure_ascii=False, indent=2) + "\n"


def _variants(base: str, scenario_files: Sequence[str]) -> tuple[dict[str, Any], list[Variant]]:
    """The base's plain data and every scenario variant; names unique across files."""
    instance = load_instance(base)
    variants: list[Variant] = []
    seen = {BASE_NAME}
    for path in scenario_files:
        doc = load_scenario_file(path)
        doc.refuse_other_base(base)
        for i, scenario in enumerate(doc.model.scenarios):
            if scenario.name in seen:
                raise doc.fail(
                    ("scenarios", i, "name"), f"the scenario name {scenario.name!r} is used twice (or is 'base')"
                )
            seen.add(scenario.name)
        variants += expand(doc, instance)
    return base_data(instance), variants


@click.command(name="whatif")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_run_options
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False),
    help="Folder for table.csv, table.json, rosters with their instances, charts.",
)
@click.option("--force", is_flag=True, help="Replace files in --out.")
def whatif_command(
    base: str,
    scenarios: tuple[str, ...],
    time_limit: float,
    jobs: int,
    executor: str,
    scheduler: str | None,
    seed: int,
    out: str | None,
    force: bool,
) -> None:
    """Solve BASE and every scenario of the SCENARIO files; compare them in one table.

    Scenario operations: add, remove, change (specialists, demands, sites; add also
    commitments), travel, scale (travel or demand), set (rules.* or weights.*); a scenario may
    sweep travel_factor, demand_factor or extra_specialists. Removing a specialist also
    removes every mention of them (commitments, requests, pins, preferred lists, succession
    rules); removing a site, its travel legs.
    """
    options = _solve_options(time_limit, seed, executor, scheduler)
    data, variants = _variants(base, scenarios)
    taken: set[str] = set()
    stems = [_slug(name, taken) for name in [BASE_NAME, *(v.name for v in variants)]]
    roster_files = [f"{stem}.roster.json" for stem in stems]
    # Each roster with the instance it was solved for, so that `check`, `show` and `export`
    # read it: a scenario's roster names people or demands the base may not have.
    instance_files = [f"{stem}.instance.yaml" for stem in stems]
    groups = {v.scenario: v.parameter for v in variants if v.parameter}
    charts = {name: f"{_slug(name, taken)}.svg" for name in groups}
    folder = Path(out) if out else None
    if folder is not None:
        make_folder(folder)
        names = ["table.csv", "table.json", *roster_files, *instance_files, *charts.values()]
        if not force:
            _refuse_existing([folder / n for n in names], "pass --force to replace the files in --out")
        check_writable(folder / "table.json", force=True)
    job_list = [Job(BASE_NAME, data, options)] + [Job(v.name, v.data, options) for v in variants]
    console = make_console()
    with Reporter(console, len(job_list), "solving") as reporter:
        results = run_jobs(job_list, cast(Executor, executor), jobs, scheduler, reporter.done)
    rows = comparison(results, variants)
    console.print(comparison_table(rows))
    console.print(load_table(rows))
    for row in rows:
        for text in filter(None, [row["notes"], row["error"]]):
            console.print(f"{row['scenario']}: {text}", markup=False, highlight=False)
    if folder is not None:
        write_atomic(folder / "table.json", table_json(rows), force=force)
        write_atomic(folder / "table.csv", table_csv(rows), force=force)
        instances = [data, *(v.data for v in variants)]
        for result, name, plain, file in zip(results, roster_files, instances, instance_files, strict=True):
            write_instance_data(folder / file, plain, f"whatif {result['name']!r} on {base}", force=force)
            if result["roster"] is not None:
                write_atomic(folder / name, _roster_json(result["roster"]), force=force)
        for scenario, group in sweeps(rows).items():
            chart = sweep_chart(scenario, groups[scenario] or "", group)
            write_atomic(folder / charts[scenario], chart, force=force)
        console.print(
            f"written to {folder}: table.csv, table.json, {len(roster_files)} rosters with their instances, "
            f"{len(charts)} charts"
        )
    if status := _exit_status(results):
        sys.exit(status)


def _result_stems(instances: Sequence[str]) -> list[str]:
    stems = [Path(p).name.rsplit(".", 1)[0] for p in instances]
    for i, stem in enumerate(stems):
        if stem in stems[:i]:
            first = instances[stems.index(stem)]
            raise InputError.single(instances[i], f"its results would overwrite those of {first!r}; rename one")
    return stems


def _read_result(path: Path) -> dict[str, Any] | None:
    """A finished result kept from an earlier run; None (solve again) when it is unreadable."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and "status" in kept else None


@click.command(name="batch")
@click.argument("instances", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_run_options
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Folder for results and summary.")
@click.option("--resume", is_flag=True, help="Keep instances whose result file exists; solve the rest.")
@click.option("--force", is_flag=True, help="Solve everything again, replacing results.")
def batch_command(
    instances: tuple[str, ...],
    time_limit: float,
    jobs: int,
    executor: str,
    scheduler: str | None,
    seed: int,
    out: str,
    resume: bool,
    force: bool,
) -> None:
    """Solve many INSTANCES in parallel; write a result and roster per instance and a summary.

    In --out: NAME.result.json (status, objective, bound, gap, seconds, checker verdict, KPIs)
    and NAME.roster.json for each instance solved, and summary.csv / summary.json over all.
    A result file is written only for an instance that was solved, so --resume retries the
    ones that failed.
    """
    options = _solve_options(time_limit, seed, executor, scheduler)
    stems = _result_stems(instances)
    folder = make_folder(out)
    check_writable(folder / "summary.json", force=True)
    rows: dict[int, dict[str, Any]] = {}
    if not (resume or force):
        outputs = [folder / f"{s}.{kind}.json" for s in stems for kind in ("result", "roster")]
        hint = "pass --resume to keep finished results or --force to solve again"
        _refuse_existing([*outputs, folder / "summary.csv", folder / "summary.json"], hint)
    for i, stem in enumerate(stems):
        kept = _read_result(folder / f"{stem}.result.json") if resume else None
        if kept is not None:
            rows[i] = {**kept, "instance": instances[i], "resumed": True}
    todo = [i for i in range(len(instances)) if i not in rows]
    job_list = [Job(instances[i], instances[i], options) for i in todo]

    def finished(k: int, result: dict[str, Any]) -> None:
        i = todo[k]
        row = {key: result.get(key) for key in SUMMARY_COLUMNS} | {"instance": instances[i], "resumed": False}
        rows[i] = row
        if result["roster"] is not None:
            write_atomic(folder / f"{stems[i]}.roster.json", _roster_json(result["roster"]), force=True)
        if result["status"] not in (BAD_INPUT, ERROR):  # the result file marks "done" for --resume
            kept = row | {"kpis": result["kpis"], "roster_file": f"{stems[i]}.roster.json"}
            write_atomic(
                folder / f"{stems[i]}.result.json", json.dumps(kept, ensure_ascii=False, indent=2) + "\n", force=True
            )
        reporter.done(k, result)

    console = make_console()
    with Reporter(console, len(job_list), "solving") as reporter:
        run_jobs(job_list, cast(Executor, executor), jobs, scheduler, finished)
    summary = [{key: rows[i].get(key) for key in SUMMARY_COLUMNS} for i in range(len(instances))]
    write_atomic(
        folder / "summary.json", json.dumps({"rows": summary}, ensure_ascii=False, indent=2) + "\n", force=True
    )
    write_atomic(folder / "summary.csv", _csv(summary), force=True)
    console.print(batch_table(summary))
    skipped = sum(1 for r in summary if r["resumed"])
    console.print(f"{len(summary)} instances ({skipped} kept from an earlier run); summary in {folder}")
    if status := _exit_status(summary):
        sys.exit(status)


def _csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(SUMMARY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
