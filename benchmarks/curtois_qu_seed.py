"""Benchmark helper (not a test): one Curtois & Qu instance, one seed, with the search's log.

Why: benchmarks/curtois_qu.py runs seed 0 once per instance and keeps no log; comparing two
versions of the search on a shared machine needs several seeds, alternated between the
versions, and the neighbourhoods' log (`lns` at DEBUG: each neighbourhood's kind, size,
free units, whether it closed, and the cost before and after). Run from each version's tree:

    PYTHONPATH=. .venv/bin/python benchmarks/curtois_qu_seed.py 8 60 1 > A-8-1.log 2>&1

The last line is `RESULT <instance> <seed> <objective> <bound> <terms> checked <bool>`, the
roster judged by the independent checker (its objective equal to the solver's).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.curtois_qu import DATA
from outreach_opt.check.checker import check_roster
from outreach_opt.check.lone_line import line_holds
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Progress
from outreach_opt.solve.solve import solve


def main() -> None:
    number, limit = int(sys.argv[1]), float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    logging.basicConfig(level=logging.INFO, format="%(relativeCreated)7.0f %(name)s %(message)s")
    logging.getLogger("outreach_opt.solve.lns").setLevel(logging.DEBUG)
    instance = load_curtois_qu(str(DATA / f"Instance{number}.txt"))

    def progress(p: Progress) -> None:
        if p.objective is not None:
            print(f"PROG {p.elapsed:.1f} obj={p.objective} bound={p.bound}", flush=True)

    options = SolveOptions(time_limit=limit, workers=2, seed=seed, lns=True)
    result = solve(instance, options, on_progress=progress, judge=line_holds)
    assert result.roster is not None, result.status
    report = check_roster(instance, result.roster)
    checked = report.ok and report.objective == result.objective
    print("RESULT", number, seed, result.objective, result.bound, result.breakdown, "checked", checked)


if __name__ == "__main__":
    main()
