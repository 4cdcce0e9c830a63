"""How long the Timefold peer takes to build its problem, phase by phase (not a test; needs
timefold and a JDK 17). At XL the build, not Timefold, used to be the whole 300 s limit, so
this times each step of `peer_timefold.solve_timefold` before the search on one generated
instance: the engine's `prepare`, the slots (`build_problem`), the Python plan (`to_plan`)
and its conversion to Java objects (what `Solver.solve` does first). Translating the domain
and constraints to Java (`SolverFactory.create`) is timed apart, as the suite keeps it off
Timefold's clock.

    python benchmarks/timefold_build.py --size XL [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer_timefold as pt  # a sibling script, not a package
from suite import SIZES
from timefold_model import build_problem

from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="L")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    specialists, sites, weeks = SIZES[args.size]
    instance = instance_from_data(generate(specialists, sites, weeks, args.seed), f"{args.size} seed {args.seed}")
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock, used = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        """Wall seconds of the phase, and the CPU seconds the process got meanwhile (all its
        threads, the JVM's included): on the shared machine the wall time says how loaded it
        was as much as what the phase costs."""
        nonlocal clock, used
        now, cpu_now = time.perf_counter(), time.process_time()
        times[name], cpu[name] = round(now - clock, 2), round(cpu_now - used, 2)
        clock, used = now, cpu_now

    prep = prepare(instance)
    lap("prepare_s")
    problem = build_problem(prep)
    lap("slots_s")
    plan, settings = pt.to_plan(problem)
    lap("plan_s")
    config = pt.SolverConfig(
        solution_class=pt.Plan,
        entity_class_list=[pt.Session],
        score_director_factory_config=pt.ScoreDirectorFactoryConfig(
            constraint_provider_function=pt.make_constraints(settings, prep.n_periods)
        ),
    )
    pt.SolverFactory.create(config)
    lap("translate_s (not on the clock)")
    pt.convert_to_java_python_like_object(plan)
    lap("convert_s")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out = {
        "size": args.size,
        "seed": args.seed,
        "entities": len(plan.sessions),
        "value_references": sum(len(s.allowed) for s in plan.sessions),
        "distinct_value_lists": len({id(s.allowed) for s in plan.sessions}),
        "wall": times,
        "cpu": cpu,
        "build_s": round(sum(v for k, v in times.items() if "not on" not in k), 2),
        "build_cpu_s": round(sum(v for k, v in cpu.items() if "not on" not in k), 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
