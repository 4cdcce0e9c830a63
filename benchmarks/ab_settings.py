"""Benchmark (not a test): an alternated A/B of the solver's constants, whole solves judged by
the independent checker.

Why: a change to the greedy or the search is kept only when whole solves with it beat the
same code without it, run alternately on the same instances (the machine's pace moves by up
to 1.7 times between days, so rows of different hours are no A/B). Each run is its own process
(the same memory and import state for both arms); A and B run one after another per instance
and round. Each run prints one JSON line: the checker's objective (equal to the solver's, or
`checked` is false), the bound, the build and wall seconds, the suite's pace, and the greedy's
log lines with the seconds since the run began (which target tries ran, how long each took).
A summary follows: each instance's objectives per arm, the sums and how many pairs B won.

    python benchmarks/ab_settings.py --time-limit 60 --rounds 2 \\
        --a "greedy.TARGET_SHARES=(0.6, 0.5, 0.7)" --b "greedy.TARGET_SHARES=(0.6,)" \\
        300:40:1:1 300:40:1:2 300:40:1:3

Instances are files, `specialists:sites:weeks:seed` (`generate`'s) or `cq:N` (Curtois & Qu
InstanceN, solved as `curtois_qu.py` solves it: neighbourhoods on, the lone-line judge). `--a`/`--b` take
`MODULE.NAME=EXPR` (a module of outreach_opt.solve, a Python literal), repeatable; an arm
without settings is the code as it is. The code solved is the tree the script sits in (its
sibling `fairness_gap.py` puts that tree first on the path): run the copy in the tree under test.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import curtois_qu  # sibling scripts, not a package
from fairness_gap import instance_of
from suite import _engine, pace


def apply_settings(settings: Sequence[str]) -> None:
    """Set each `MODULE.NAME=EXPR` on its module of outreach_opt.solve; ValueError names a
    constant that does not exist (a typo would otherwise make both arms the same code)."""
    for setting in settings:
        target, _, expr = setting.partition("=")
        module_name, _, name = target.rpartition(".")
        module = importlib.import_module(f"outreach_opt.solve.{module_name}")
        if not hasattr(module, name):
            raise ValueError(f"outreach_opt.solve.{module_name} has no {name}")
        setattr(module, name, ast.literal_eval(expr))


def run_one(spec: str, time_limit: float, settings: Sequence[str]) -> dict[str, Any]:
    """One solve of `spec` with `settings` applied, as the suite's engine rows solve (`suite._engine`:
    2 workers, seed 0), its roster judged by the checker; `pace_s` is the suite's pace, so runs
    of different hours can be told apart."""
    from outreach_opt.check.checker import check_roster

    apply_settings(settings)
    paced = pace()
    if spec.startswith("cq:"):
        cq = curtois_qu.run_one(int(spec[3:]), time_limit, workers=2)
        measured = {key: cq.get(key) for key in ("bound", "build_s", "wall_s")}
        objective = cq["objective"] if cq.get("checked") else None  # the checker's, when it holds
        return (
            {"instance": spec, "settings": list(settings), "objective": objective, "checked": bool(cq.get("checked"))}
            | measured
            | {"pace_s": paced}
        )
    instance = instance_of(spec)
    began = time.perf_counter()
    lines: list[tuple[float, str]] = []

    class _Greedy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "greedy" in record.name or "greedy" in record.getMessage():
                lines.append((round(time.perf_counter() - began, 1), record.getMessage()))

    package = logging.getLogger("outreach_opt")
    package.setLevel(logging.INFO)
    package.addHandler(_Greedy(logging.INFO))
    roster, out = _engine(instance, time_limit, workers=2)
    report = check_roster(instance, roster) if roster is not None else None
    return {
        "instance": spec,
        "settings": list(settings),
        "objective": report.objective if report is not None and report.ok else None,
        "checked": report is not None and report.ok and report.objective == out["solver_objective"],
        "bound": out["bound"],
        "build_s": out["build_s"],
        "wall_s": out["wall_s"],
        "pace_s": paced,
        "greedy": lines,
    }


def summary(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Per instance the arms' objectives in run order; the sums over the pairs both arms
    completed with a checked roster, and how many of those pairs B won."""
    by_instance: dict[str, dict[str, list[int | None]]] = {}
    for row in rows:
        by_instance.setdefault(row["instance"], {"A": [], "B": []})[row["arm"]].append(row["objective"])
    out, sums, wins, pairs = [], {"A": 0, "B": 0}, 0, 0
    for spec, arms in by_instance.items():
        out.append(f"{spec}: A {arms['A']}  B {arms['B']}")
        for a, b in zip(arms["A"], arms["B"], strict=False):
            if a is not None and b is not None:
                sums["A"], sums["B"], pairs, wins = sums["A"] + a, sums["B"] + b, pairs + 1, wins + (b < a)
    if pairs:
        out.append(
            f"sums A {sums['A']} B {sums['B']} (B/A {sums['B'] / sums['A']:.5f}); B cheaper in {wins} of {pairs}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="+")
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--a", action="append", default=[], metavar="MODULE.NAME=EXPR")
    parser.add_argument("--b", action="append", default=[], metavar="MODULE.NAME=EXPR")
    parser.add_argument("--one", choices=["A", "B"], help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.instances[0], args.time_limit, args.a if args.one == "A" else args.b)))
        return
    for settings in (args.a, args.b):
        try:  # a typo must fail here, before the first half-hour of runs
            apply_settings(settings)
        except ValueError as exc:
            parser.error(str(exc))
    rows = []
    for _ in range(args.rounds):
        for spec in args.instances:
            for arm, settings in (("A", args.a), ("B", args.b)):
                command = [sys.executable, __file__, spec, "--time-limit", str(args.time_limit), "--one", arm]
                command += [f"--{arm.lower()}={setting}" for setting in settings]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                row = json.loads(done.stdout.splitlines()[-1]) | {"arm": arm}
                rows.append(row)
                print(json.dumps(row), flush=True)
    print("\n".join(summary(rows)))


if __name__ == "__main__":
    main()
