"""Benchmark (not a test): where a roster's gap to the relaxation's bound sits, for instances
whose objective is mostly `fairness_deviation` (every generated size).

- `bound`: the relaxation's bound over every total burden `T` (solve/relaxation_bound.py,
  `lower_bound`, run to convergence or `--seconds`);
- `at_roster_total`: its bound over rosters with the roster's own `T` (`at_total`). What lies
  between it and the roster's cost, rosters of the same `T` may still gain; what lies below
  it only a roster of another `T` can take, or is the relaxation's own slack;
- `groups`: the sharers by (skills, grade), each group's mean scaled burden and its share of
  `Σ |n B_s - T|`, and `below`: its part `Σ max(0, T - n B_s)`. As `Σ (n B_s - T) = 0`, the
  deviation is twice the sum of `below` over everyone: burden moved between two sharers above
  the mean changes nothing; only sharers below it taking more, or a lower `T`, lower it.

    python benchmarks/fairness_gap.py 1000:60:4:1 roster.json
    python benchmarks/fairness_gap.py instances/some-week.yaml roster.yaml

The instance is a file, or `specialists:sites:weeks:seed` for `generate`'s (the suite's XL
seed 1 is 1000:60:4:1). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outreach_opt.check.checker import check_roster
from outreach_opt.check.context import Context
from outreach_opt.check.sharing import scaled_burdens
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance, load_roster
from outreach_opt.io.write import write_atomic
from outreach_opt.solve.relaxation import Relaxation, relaxation
from outreach_opt.solve.relaxation_bound import at_total, lower_bound


def instance_of(spec: str) -> Instance:
    """An instance file, or `specialists:sites:weeks:seed` for `generate`'s instance."""
    if Path(spec).exists():
        return load_instance(spec)
    n, m, w, seed = map(int, spec.split(":"))
    return instance_from_data(generate(n, m, w, seed), spec)


def burdens_of(instance: Instance, roster: Roster) -> dict[str, int]:
    """Each sharer's scaled burden in the roster, as the checker reads it."""
    return scaled_burdens(Context.of(instance, (), roster.stays), roster.assignments)


def refuse_existing(out: str | None) -> None:
    """Before an experiment's solve: its roster is never written over an existing file, so
    say so now rather than after the solve."""
    if out and Path(out).exists():
        sys.exit(f"{out}: the file exists already; remove it or name another")


def judged(instance: Instance, roster: Roster, out: str | None) -> dict[str, Any]:
    """The checker's verdict on a roster an experiment found (push_total.py, capped_total.py),
    its objective, terms and total burden `T`; the roster written to `out` when given (never
    over an existing file)."""
    report = check_roster(instance, roster)
    if out:
        write_atomic(out, json.dumps(roster.to_jsonable()) + "\n", force=False)
    return {
        "valid": report.ok,
        "objective": report.objective,
        "total_burden": sum(burdens_of(instance, roster).values()),
        "terms": {term: value for term, value in report.breakdown.items() if value},
    }


def own_total(instance: Instance, roster: Roster, relax: Relaxation, seconds: float) -> tuple[int, int | None]:
    """The roster's total burden `T` and the relaxation's bound over rosters of that `T`."""
    total = sum(burdens_of(instance, roster).values())
    return total, at_total(relax, total, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", help="an instance file, or specialists:sites:weeks:seed")
    parser.add_argument("roster", help="the roster, as `solve -o` writes it")
    parser.add_argument("--seconds", type=float, default=300.0, help="most time for the bound's LPs")
    parser.add_argument("--groups", type=int, default=8, help="groups listed, the most below the mean first")
    args = parser.parse_args()
    instance = instance_of(args.instance)
    roster = load_roster(args.roster)
    report = check_roster(instance, roster)
    burdens = burdens_of(instance, roster)
    n, total = len(burdens), sum(burdens.values())
    began = time.perf_counter()
    relax = relaxation(instance)
    bound = lower_bound(relax, time.perf_counter() + args.seconds)
    bound_s = time.perf_counter() - began
    at = at_total(relax, total, args.seconds)
    spec = {s.id: s for s in instance.specialists}
    groups: dict[tuple[tuple[str, ...], str | None], list[str]] = defaultdict(list)
    for sid in burdens:
        groups[(tuple(sorted(spec[sid].skills)), spec[sid].grade)].append(sid)
    rows: list[dict[str, Any]] = []
    for (skills, grade), members in groups.items():
        rows.append(
            {
                "skills": list(skills),
                "grade": grade,
                "sharers": len(members),
                "mean_burden": round(sum(burdens[s] for s in members) / len(members), 1),
                "deviation": sum(abs(n * burdens[s] - total) for s in members),
                "below": sum(max(0, total - n * burdens[s]) for s in members),
            }
        )
    rows.sort(key=lambda row: -row["below"])
    out = {
        "instance": args.instance,
        "valid": report.ok,
        "objective": report.objective,
        "fairness_deviation": report.breakdown.get("fairness_deviation", 0),
        "sharers": n,
        "total_burden": total,
        "bound": bound,
        "bound_s": round(bound_s, 1),
        "at_roster_total": at,
        "groups": rows[: args.groups],
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
