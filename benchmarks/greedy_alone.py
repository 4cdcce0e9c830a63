"""The greedy roster alone (solve/greedy.py), not the S/M/L/XL suite: for comparing its moves.

Generates one instance per size and seed, builds the model as `solve` does, runs the greedy
with its tries and moves until its own end or `--budget` seconds, completes the roster with
CP-SAT (every decision fixed) and judges it with the independent checker. Prints one JSON line
per run: the checker's objective, the greedy's CPU and wall seconds. The greedy is plain
Python on one core, so its roster is the same on every run when it ends before the budget
(`settled`): its objective is a deterministic measure on a shared machine, its time is not.

    python benchmarks/greedy_alone.py M --seeds 1 2 3 [--budget 600] [--time-limit 60] [--set greedy_moves.SWAPS=False]

`--set MODULE.NAME=EXPR` sets a constant of a greedy module (greedy, greedy_moves,
greedy_chains, greedy_swaps) before the run: the A/B of a move kind or a limit.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ab_settings import apply_settings  # a sibling script, not a package

SIZES = {"S": (20, 6, 1), "M": (80, 15, 1), "L": (300, 40, 1), "XL": (1000, 60, 4)}


def run(size: str, seed: int, budget: float, time_limit: float) -> dict[str, Any]:
    from outreach_opt.check.checker import check_roster
    from outreach_opt.generate import generate
    from outreach_opt.io.load import instance_from_data
    from outreach_opt.solve.builder import RosterModel
    from outreach_opt.solve.first_roster import complete_hint, hint
    from outreach_opt.solve.greedy import greedy_roster
    from outreach_opt.solve.outcome import Status, read_roster
    from outreach_opt.solve.shortlist import plan_model

    instance = instance_from_data(generate(*SIZES[size], seed), f"{size} seed {seed}")
    plan = plan_model(instance, (), time_limit)  # the shortlist a solve of that limit builds on
    built = RosterModel(plan.prep, pattern_cache=plan.cache).build()
    wall, cpu = time.perf_counter(), time.process_time()
    first = greedy_roster(built, time.perf_counter() + budget)
    row: dict[str, Any] = {"size": size, "seed": seed, "restricted": plan.shortlist is not None}
    row["greedy_wall_s"] = round(time.perf_counter() - wall, 2)
    row["greedy_cpu_s"] = round(time.process_time() - cpu, 2)
    if first is None:
        return row | {"objective": None}
    hint(built, first)
    completed = complete_hint(built, 60)
    if completed is None or completed.solver is None:
        return row | {"objective": None, "completed": False}
    roster = read_roster(built, completed.solver, Status.FEASIBLE, completed.objective, None)
    report = check_roster(instance, roster)
    row["objective"] = report.objective if report.ok else None
    row["model_objective"] = completed.objective
    row["checked"] = report.ok
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", choices=sorted(SIZES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--budget", type=float, default=600.0, help="seconds the greedy may take")
    parser.add_argument("--time-limit", type=float, default=60.0, help="the solve's limit the model is sized for")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=EXPR")
    args = parser.parse_args()
    try:
        apply_settings(args.set)
    except ValueError as exc:
        parser.error(str(exc))
    for size in args.sizes:
        for seed in args.seeds:
            print(json.dumps(run(size, seed, args.budget, args.time_limit) | {"set": args.set}), flush=True)


if __name__ == "__main__":
    main()
