"""Benchmark (not a test): what the neighbourhood search spends outside CP-SAT's own steps, on
one generated instance, each part timed alone (CPU seconds of this process).

- index: `SubModels` reading the whole model once (solve/sub_model.py);
- price: one roster's objective terms read by `CpSolver.value` per term against `Terms.read`;
- cuts: ten sub-models of `k` random specialists' whole horizon (`SubModels.cut`), with the
  variables and constraints each keeps;
- complete: `complete_hint` on the greedy's fill roster (solve/first_roster.py).

Run from each version's tree to compare versions (models/NEIGHBOURHOODS.md, "Sub-models' overheads"):

    PYTHONPATH=. .venv/bin/python benchmarks/sub_model_speed.py 1000:60:4:1 --k 30

The instance is `generate(specialists, sites, weeks, seed)`, modelled over the same shortlist
`solve` uses. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fairness_gap import instance_of  # a sibling script, not a package

from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.first_roster import complete_hint, hint
from outreach_opt.solve.greedy import greedy_roster
from outreach_opt.solve.shortlist import plan_model
from outreach_opt.solve.sub_model import SubModels, Terms, values_of


def _cpu(work: Any) -> tuple[Any, float]:
    began = time.process_time()
    result = work()
    return result, round(time.process_time() - began, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="specialists:sites:weeks:seed, e.g. 300:40:1:1, or an instance file")
    parser.add_argument("--k", type=int, default=20, help="specialists freed in each of the ten cuts")
    args = parser.parse_args()
    instance = instance_of(args.size)
    plan = plan_model(instance, (), 300.0)
    built = RosterModel(plan.prep, pattern_cache=plan.cache).build()
    proto = built.model.proto
    units: dict[str, list[int]] = {}
    for (spec, _day), choices in built.days.items():
        units.setdefault(spec, []).extend(var.index for _, var in choices)
    models, index_s = _cpu(lambda: SubModels(proto, [i for indices in units.values() for i in indices]))

    roster = greedy_roster(built, None)
    if roster is None:
        raise SystemExit("the greedy found no fill roster for this instance")
    hint(built, roster)
    completed, complete_s = _cpu(lambda: complete_hint(built, 120.0))
    if completed is None:
        raise SystemExit("the fill roster was not completed")
    solver = completed.solver
    by_value, value_s = _cpu(lambda: {name: solver.value(expr) for name, expr in built.terms.items()})
    terms, flatten_s = _cpu(lambda: Terms(built.terms))
    values = values_of(solver)
    by_terms, read_s = _cpu(lambda: terms.read(values))
    if by_terms != by_value:
        raise SystemExit(f"Terms read {by_terms}, CP-SAT {by_value}")

    rng = random.Random(1)
    people = sorted(units)
    frees = [[i for spec in rng.sample(people, min(args.k, len(people))) for i in units[spec]] for _ in range(10)]
    kept: list[tuple[int, int]] = []

    def cuts() -> None:
        for free in frees:
            sub, variables = models.cut(np.asarray(values), free)
            kept.append((len(variables), len(sub.proto.constraints)))

    _, cuts_s = _cpu(cuts)
    print(
        json.dumps(
            {
                "instance": args.size,
                "constraints": len(proto.constraints),
                "variables": len(proto.variables),
                "index_cpu_s": index_s,
                "complete_cpu_s": complete_s,
                "price_by_value_cpu_s": value_s,
                "terms_flatten_cpu_s": flatten_s,
                "terms_read_cpu_s": read_s,
                "k": args.k,
                "ten_cuts_cpu_s": cuts_s,
                "cut_variables": [v for v, _ in kept],
                "cut_constraints": [c for _, c in kept],
            }
        )
    )


if __name__ == "__main__":
    main()
