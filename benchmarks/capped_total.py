"""Benchmark (not a test): an experiment on where a gap sits, not a setting of the engine. The
whole model with its total burden `T` capped (`T <= CAP`), searched by CP-SAT alone (the
engine's `configured_solver`, 2 workers; no greedy roster, no neighbourhoods), hinted with a
roster when given; the roster found is judged by the independent checker.

Why: the relaxation's least value lies at a lower `T` than the engine's rosters (models/BOUNDS.md,
"Where the gap sits"); whether rosters of that `T` exist and cost less than the engine's, this
answers by finding one. A cap is no valid cut (the best roster may lie above it): what it finds
is an upper bound on the optimum, never a lower one. The hint matters: through `solve` (its
greedy roster as the hint) the capped model found no roster near the engine's in 60 s.

    python benchmarks/capped_total.py 80:15:1:1 15200 --time-limit 180 --hint roster.json -o capped.json

Prints one JSON object: the checker's verdict and objective, `T`, the terms, and CP-SAT's bound
within the cap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fairness_gap import instance_of, judged, refuse_existing  # a sibling script, not a package

from outreach_opt.domain.prepared import prepare
from outreach_opt.io.load import load_roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.lns import own_cost
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status, read_roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", help="an instance file, or specialists:sites:weeks:seed")
    parser.add_argument("cap", type=int, help="the most total burden T a roster may have")
    parser.add_argument("--time-limit", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hint", help="a roster (as `solve -o` writes it) to hint the search with")
    parser.add_argument("-o", "--out", help="write the roster found (JSON)")
    args = parser.parse_args()
    refuse_existing(args.out)
    instance = instance_of(args.instance)
    built = RosterModel(prepare(instance), BuildOptions()).build()
    if built.fairness is None:
        sys.exit("the instance has no fairness term: no total burden to cap")
    if args.hint:
        built.hint_roster(load_roster(args.hint))
    built.model.add(built.fairness.total <= args.cap)
    solver = configured_solver(SolveOptions(time_limit=args.time_limit, workers=2, seed=args.seed))
    status = solver.status_name(solver.solve(built.model))
    if status not in ("OPTIMAL", "FEASIBLE"):
        sys.exit(f"no roster with T <= {args.cap}: {status}")
    roster = read_roster(built, solver, Status.FEASIBLE, own_cost(built, solver), None)
    out = {"instance": args.instance, "cap": args.cap, **judged(instance, roster, args.out)}
    out["cp_sat_bound_within_cap"] = round(solver.best_objective_bound)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
