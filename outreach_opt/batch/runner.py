"""Run many solve jobs in parallel, on this machine or on a Dask cluster, with equal results.

A job is (name, instance data or file path, SolveOptions). The worker does everything that
depends on the instance — load, solve, check, KPIs — and returns plain data, so the same
function serves a `ProcessPoolExecutor` and a Dask worker, and nothing OR-Tools made crosses a
process boundary. Results are identical between executors when each solve is deterministic:
callers pass `workers=1` and a fixed seed (CP-SAT with one worker and a seed repeats itself;
with several workers it races them).

Each job is its own failure boundary: bad input becomes its located message, and any other
exception its type and message, in that job's result; the other jobs go on.

Executors:
- "local": `ProcessPoolExecutor(max_workers=jobs)` with the "spawn" start method, because
  forking a process that already runs OR-Tools threads can deadlock the child.
- "dask": a `distributed.Client` for `scheduler` (an address), or a fresh
  `LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True)` when none is given.
  Dask is imported only here and only then, so the core runs without it. With a remote
  scheduler, the workers need outreach-opt installed and, for jobs given as paths, the files
  at the same paths.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Literal

from outreach_opt.check.checker import check_roster
from outreach_opt.check.lone_line import line_holds
from outreach_opt.domain.problems import InputError
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.report.exports import roster_data
from outreach_opt.scenarios.kpis import roster_kpis
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.solve import solve

Executor = Literal["local", "dask"]
EXECUTORS: tuple[Executor, ...] = ("local", "dask")

BAD_INPUT = "bad input"
"""Status of a job whose instance did not load (its error holds the located message)."""
ERROR = "error"
"""Status of a job that failed for any other reason (its error holds type and message)."""

OnResult = Callable[[int, dict[str, Any]], None]


@dataclass(frozen=True)
class Job:
    name: str
    instance: dict[str, Any] | str
    """Plain instance data (validated again in the worker), or the path of an instance file."""
    options: SolveOptions


def run_job(job: Job) -> dict[str, Any]:
    """Load, solve, check and measure one instance; never raises (see the module docstring).

    The result: name, status, objective, bound, gap, seconds, checked ("ok", the broken rule
    ids, or None without a roster), error, kpis and roster (plain JSON, or None).
    """
    started = time.perf_counter()
    result: dict[str, Any] = dict.fromkeys(("objective", "bound", "gap", "checked", "error", "kpis", "roster"))
    result.update(name=job.name, status=ERROR)
    try:
        if isinstance(job.instance, str):
            instance = load_instance(job.instance)
        else:
            instance = instance_from_data(job.instance, job.name)
        solved = solve(instance, job.options, judge=line_holds)  # as `outreach-opt solve` does
        result.update(status=solved.status.value, objective=solved.objective, bound=solved.bound)
        result["gap"] = None if solved.gap is None else round(solved.gap, 6)
        if solved.roster is not None:
            report = check_roster(instance, solved.roster)
            broken = sorted({v.rule for v in report.violations})
            if report.objective != solved.objective:
                broken.append("objective")
            result["checked"] = "ok" if not broken else "broken: " + ", ".join(broken)
            result["kpis"] = roster_kpis(instance, solved.roster, report)
            result["roster"] = roster_data(solved.roster, report)  # as `solve --out` writes it
    except InputError as exc:
        result.update(status=BAD_INPUT, error=str(exc))
    except Exception as exc:  # the per-job boundary: one job's failure must not stop the batch
        result.update(status=ERROR, error=f"{type(exc).__name__}: {exc}")
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def run_jobs(
    jobs: Sequence[Job],
    executor: Executor = "local",
    parallel: int = 1,
    scheduler: str | None = None,
    on_result: OnResult | None = None,
) -> list[dict[str, Any]]:
    """Every job's result, in the order of `jobs`; `on_result(index, result)` as each ends."""
    if not jobs:
        return []
    results: list[dict[str, Any] | None] = [None] * len(jobs)

    def done(index: int, outcome: dict[str, Any]) -> None:
        results[index] = outcome
        if on_result is not None:
            on_result(index, outcome)

    if executor == "dask":
        _run_dask(jobs, parallel, scheduler, done)
    else:
        _run_local(jobs, parallel, done)
    return [r for r in results if r is not None]


def _failed(job: Job, exc: BaseException) -> dict[str, Any]:
    """The result of a job whose worker died or could not be reached."""
    outcome: dict[str, Any] = dict.fromkeys(("objective", "bound", "gap", "checked", "kpis", "roster", "seconds"))
    outcome.update(name=job.name, status=ERROR, error=f"{type(exc).__name__}: {exc}")
    return outcome


def _run_local(jobs: Sequence[Job], parallel: int, done: OnResult) -> None:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=max(1, min(parallel, len(jobs))), mp_context=context)
    try:
        futures: dict[Future[dict[str, Any]], int] = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                done(index, future.result())
            except Exception as exc:  # a worker process died (BrokenProcessPool)
                done(index, _failed(jobs[index], exc))
    except BaseException:
        # Ctrl-C (or an error in `done`): drop the queued jobs instead of running them all
        # first, which is what leaving the pool's `with` block would do.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _run_dask(jobs: Sequence[Job], parallel: int, scheduler: str | None, done: OnResult) -> None:
    try:
        import distributed
    except ImportError:
        raise InputError.single(
            "--executor dask", "Dask is not installed; install the extra: pip install 'outreach-opt[dask]'"
        ) from None
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=parallel, threads_per_worker=1, processes=True, dashboard_address=None
            )
        client = distributed.Client(cluster if cluster is not None else scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"--scheduler {scheduler}" if scheduler else "--executor dask"
        raise InputError.single(where, f"cannot start or reach the Dask cluster: {exc}") from None
    try:
        futures = [client.submit(run_job, job, pure=False) for job in jobs]
        index = {future.key: i for i, future in enumerate(futures)}
        for future in distributed.as_completed(futures):
            i = index[future.key]
            try:
                done(i, future.result())
            except Exception as exc:  # a worker died (KilledWorker) or the connection broke
                done(i, _failed(jobs[i], exc))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
