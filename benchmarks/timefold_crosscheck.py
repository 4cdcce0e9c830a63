"""Does the Timefold peer's score say what the checker says? (needs timefold and a JDK 17)

For generated instances, random solutions (each slot given to one of its candidates with a
drawn density, else to nobody) are scored by Timefold's SolutionManager and converted into
rosters for the independent checker: the hard constraints Timefold finds broken must be
exactly the rules the checker reports, and where both find none, Timefold's soft score plus
the constant must be the checker's objective. Not a test (the CI has no JVM); a check to run
after changing benchmarks/peer_timefold.py.

    python benchmarks/timefold_crosscheck.py [--trials 40]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer_timefold as pt  # a sibling script, not a package
from timefold.solver import SolutionManager, SolverFactory
from timefold_model import build_problem, roster_from_choice

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data

CASES = ((20, 6, 1, 1), (20, 6, 1, 2), (20, 6, 2, 3), (20, 6, 1, 4))
"""(specialists, sites, weeks, seed): the S size, and two weeks for weekends and runs."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    mismatches = feasible = 0
    for specialists, sites, weeks, seed in CASES:
        instance = instance_from_data(generate(specialists, sites, weeks, seed), f"seed {seed}")
        problem = build_problem(prepare(instance))
        plan, settings = pt.to_plan(problem)
        config = pt.SolverConfig(
            solution_class=pt.Plan,
            entity_class_list=[pt.Session],
            score_director_factory_config=pt.ScoreDirectorFactoryConfig(
                constraint_provider_function=pt.make_constraints(settings, problem.prep.n_periods)
            ),
        )
        manager = SolutionManager.create(SolverFactory.create(config))
        rng = random.Random(seed)
        for trial in range(args.trials):
            density = rng.choice((0.01, 0.02, 0.04, 0.15, 0.6))
            for session in plan.sessions:
                if not session.pinned:
                    session.specialist = rng.choice(session.allowed) if rng.random() < density else None
            analysis = manager.analyze(plan)
            broken = {ref.constraint_name for ref, a in analysis.constraint_map.items() if a.score.hard_score < 0}
            claimed = -analysis.score.soft_score + problem.constant_cost
            chosen = {s.id: (s.specialist.id if s.specialist else None) for s in plan.sessions if not s.pinned}
            report = check_roster(instance, roster_from_choice(problem, chosen, "unknown"))
            rules = {v.rule for v in report.violations}
            feasible += not rules
            if broken != rules or (not rules and claimed != report.objective):
                mismatches += 1
                print(f"seed {seed} trial {trial}: Timefold {sorted(broken)} {claimed}, checker {sorted(rules)} "
                      f"{report.objective} {report.breakdown}")  # fmt: skip
    total = len(CASES) * args.trials
    print(f"{total - mismatches} agree, {mismatches} differ ({feasible} feasible rosters among {total})")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
