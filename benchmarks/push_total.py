"""Benchmark (not a test): an experiment on the search, not a setting of the engine. `solve`
with `lambda x T` added to the model's objective (`T` the total burden, `burden_total` of
solve/sharing_rules.py), so that the search is pushed towards rosters of a lower total; the
roster it returns is then judged at its true cost by the checker.

Why: at M and L the rosters sit within 1 % of the relaxation at their own `T`, and the rest of
the gap is rosters of a lower `T` (models/BOUNDS.md, "Where the gap sits"). Whether such rosters
exist and cost less, this answers by finding them:

    python benchmarks/push_total.py instance.yaml 80 --time-limit 60 -o roster.json

Prints one JSON object: the true cost, `T`, `fairness_deviation`, and the pushed objective
the solver reported. The push made a phase of the neighbourhood search (then the true cost)
was measured and not kept: models/BOUNDS.md, "Tried, not kept: the push as a phase of the search".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairness_gap import judged, refuse_existing  # a sibling script, not a package

from outreach_opt.io.load import load_instance
from outreach_opt.solve import builder
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.solve import solve


def _pushed(weight: int) -> Any:
    """`RosterModel.add_teaching_terms`, the last step before the objective is set, followed
    by the push term."""
    original = builder.RosterModel.add_teaching_terms

    def add(model: builder.RosterModel) -> None:
        original(model)
        if weight and model.fairness is not None:
            model.terms["push"] = weight * model.fairness.total

    return add


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance")
    parser.add_argument("weight", type=int, help="lambda: objective units per unit of T (0: the engine as it is)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--out", help="write the roster (JSON)")
    args = parser.parse_args()
    refuse_existing(args.out)
    instance = load_instance(args.instance)
    builder.RosterModel.add_teaching_terms = _pushed(args.weight)  # type: ignore[method-assign]
    result = solve(instance, SolveOptions(time_limit=args.time_limit, workers=2, seed=args.seed))
    roster = result.roster
    if roster is None:
        sys.exit(f"no roster: {result.status}")
    judgement = judged(instance, roster, args.out)
    out = {"instance": args.instance, "weight": args.weight, **judgement}
    out["fairness_deviation"] = judgement["terms"].get("fairness_deviation", 0)
    out["pushed_objective"] = result.objective
    print(json.dumps(out))


if __name__ == "__main__":
    main()
