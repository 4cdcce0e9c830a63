"""Measurement helper for the speed work (issue 8 item 5, issue 9 item 3); not the S/M/L/XL suite.

Generates one instance per size and seed, solves it in its own process (so peak memory is its
own), checks the roster with the independent checker, and prints one JSON line per run: build
time, first roster, objective and bound at the end, the first time the gap fell to each target,
wall time against the limit, peak memory.

    python benchmarks/speed.py S M --seeds 1 2 --time-limit 20 [--workers 2] [--weight NAME=VALUE]

Sizes: S (20, 6, 1), M (80, 15, 1), L (300, 40, 1), R (60, 10, 4: the rules benchmark),
XL (1000, 60, 4), or SPECIALISTS,SITES,WEEKS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIZES = {"S": (20, 6, 1), "M": (80, 15, 1), "L": (300, 40, 1), "R": (60, 10, 4), "XL": (1000, 60, 4)}
GAPS = (0.03, 0.01, 0.005, 0.0)


def experiment(patches: list[str], params: list[str]) -> None:
    """For what-if runs: `--patch NAME=EXPR` sets a constant of the solve modules
    (outreach_opt.solve.solve, search_run, options, size_limits: whichever holds it),
    `--cp NAME=EXPR` a CP-SAT parameter on every solver `solve` configures."""
    from outreach_opt.solve import options, search_run, size_limits
    from outreach_opt.solve import solve as module

    modules = (module, search_run, options, size_limits)
    for patch in patches:
        name, _, expr = patch.partition("=")
        holders = [m for m in modules if hasattr(m, name)] or [module]
        for holder in holders:
            setattr(holder, name, eval(expr))
    if params:
        original = options.configured_solver

        def configured(*args: Any, **kwargs: Any) -> Any:
            solver = original(*args, **kwargs)
            for param in params:
                name, _, expr = param.partition("=")
                field = getattr(solver.parameters, name)
                value = eval(expr)
                if isinstance(value, list):
                    del field[:]
                    field.extend(value)
                else:
                    setattr(solver.parameters, name, value)
            return solver

        module.configured_solver = configured  # the whole model's solver
        search_run.configured_solver = configured  # the later searches' (windows, neighbourhoods)


def run_one(
    size: tuple[int, int, int], seed: int, time_limit: float, workers: int, weights: dict[str, int]
) -> dict[str, Any]:
    from outreach_opt.check.checker import check_roster
    from outreach_opt.generate import generate
    from outreach_opt.io.load import instance_from_data
    from outreach_opt.solve.options import SolveOptions
    from outreach_opt.solve.outcome import Progress, relative_gap
    from outreach_opt.solve.solve import solve

    data = generate(*size, seed)
    data["weights"].update(weights)
    instance = instance_from_data(data, f"generated {size} seed {seed}")
    first: list[float] = []
    best: list[int] = []
    bound: list[int] = []
    reached: dict[float, float] = {}

    def on_progress(progress: Progress) -> None:
        if progress.objective is not None:
            first.append(progress.elapsed) if not first else None
            best.append(progress.objective)
        if progress.bound is not None:  # None: no bound yet
            bound.append(progress.bound)
        gap = relative_gap(best[-1] if best else None, max(bound, default=None))
        for target in GAPS:
            if gap is not None and gap <= target + 1e-9 and target not in reached:
                reached[target] = round(progress.elapsed, 2)

    started = time.perf_counter()
    result = solve(instance, SolveOptions(time_limit=time_limit, workers=workers), on_progress=on_progress)
    wall = time.perf_counter() - started
    row: dict[str, Any] = {
        "size": size,
        "seed": seed,
        "limit": time_limit,
        "build_s": round(result.build_time, 2),
        "first_s": round(first[0], 2) if first else None,
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "gap_pct": None if result.gap is None else round(100 * result.gap, 2),
        "gap_reached_s": {f"{100 * g:g}%": reached.get(g) for g in GAPS},
        "restricted": result.restricted,
        "wall_s": round(wall, 2),
    }
    if result.roster is not None:
        report = check_roster(instance, result.roster)
        row["checked"] = report.ok and report.objective == result.objective
        row["uncovered"] = sum(report.uncovered.values())
        row["breakdown"] = result.breakdown
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--weight", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--patch", action="append", default=[], metavar="NAME=EXPR")
    parser.add_argument("--cp", action="append", default=[], metavar="NAME=EXPR")
    parser.add_argument("--single", help=argparse.SUPPRESS)
    args = parser.parse_args()
    weights = {k: int(v) for k, _, v in (w.partition("=") for w in args.weight)}
    if args.single:
        size = tuple(int(n) for n in args.single.split(","))
        experiment(args.patch, args.cp)
        print(json.dumps(run_one(size, args.seeds[0], args.time_limit, args.workers, weights)))  # type: ignore[arg-type]
        return
    for name in args.sizes:
        size = SIZES.get(name.upper()) or tuple(int(n) for n in name.split(","))
        for seed in args.seeds:
            command = [sys.executable, __file__, "x", "--single", ",".join(map(str, size)), "--seeds", str(seed)]
            command += ["--time-limit", str(args.time_limit), "--workers", str(args.workers)]
            for w in args.weight:
                command += ["--weight", w]
            for flag in ("patch", "cp"):
                for value in getattr(args, flag):
                    command += [f"--{flag}", value]
            started = time.perf_counter()
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(json.dumps({"size": name, "seed": seed, "error": done.stderr.strip().splitlines()[-1:]}))
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["process_s"] = round(time.perf_counter() - started, 2)
            print(json.dumps({"name": name, **row}), flush=True)


if __name__ == "__main__":
    main()
