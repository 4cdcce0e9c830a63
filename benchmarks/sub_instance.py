"""Time `by_specialist.sub_instance`, one step's view of the instance, on a Curtois & Qu year.

    .venv/bin/python benchmarks/sub_instance.py [--instance 24] [--people 30] [--tree DIR]

Prints the milliseconds a sub-instance takes on empty lines (the start of the first pass),
for the first `--people` specialists. `--tree` runs another checkout's code (e.g. a `git
archive` of an older commit) so two versions can be timed one after the other on the same
load. Measured for 2c8d005 (Instance24, 30 people, alternating runs, load ~4): 114 and 96 ms
each before, 35 and 25 ms after.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "benchmarks" / "curtois-qu"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instance", type=int, default=24)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--tree", type=Path, default=REPO)
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree))
    from outreach_opt.io.curtois_qu import load_curtois_qu
    from outreach_opt.solve.by_specialist import Lines, sub_instance

    instance = load_curtois_qu(str(DATA / f"Instance{args.instance}.txt"))
    lines = Lines(instance)
    started = time.perf_counter()
    for spec in instance.specialists[: args.people]:
        sub_instance(instance, spec.id, lines)
    each = (time.perf_counter() - started) / args.people
    print(f"Instance{args.instance}: {each * 1000:.0f} ms a sub-instance ({args.people} people, empty lines)")


if __name__ == "__main__":
    main()
