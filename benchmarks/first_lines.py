"""The first-lines roster alone on Curtois & Qu instances (solve/line_start.py), not the 60 s runs.

Each instance is read into the engine's model, its roster built one person's plain-Python line
at a time (solve/first_line.py, each line accepted by the checker's lone-line judge, CP-SAT's
line where none is found) with passes of better replies until they settle or `--seconds`, and
the roster judged by the independent checker. Plain Python but for the people first_line
misses, so the objective is the same on every run: a deterministic measure of the
construction on a shared machine (its seconds are not; the passes stop at `--seconds`, so
give them enough to settle). Where a weekend plan is made (solve/weekend_plan.py) a second
row gives the roster built with it (`"plan": true`); `solve` keeps the cheaper of the two.

    python benchmarks/first_lines.py 6,7,8,10,12 [--seconds 600]
"""

from __future__ import annotations

import argparse
import json
import time

from curtois_qu import DATA


def main() -> None:
    from outreach_opt.check.checker import check_roster
    from outreach_opt.check.lone_line import line_holds
    from outreach_opt.io.curtois_qu import load_curtois_qu
    from outreach_opt.solve.line_start import lines_roster
    from outreach_opt.solve.weekend_plan import weekend_plan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", help="e.g. 6,7,8")
    parser.add_argument("--seconds", type=float, default=600.0, help="time for the passes of better replies")
    args = parser.parse_args()
    for number in (int(n) for n in args.instances.split(",")):
        instance = load_curtois_qu(str(DATA / f"Instance{number}.txt"))
        plan = weekend_plan(instance, time.perf_counter() + args.seconds)
        for planned in [{}, plan] if plan else [{}]:
            began = time.perf_counter()
            roster = lines_roster(instance, line_holds, time.perf_counter() + args.seconds, plan=planned)
            seconds = time.perf_counter() - began
            row: dict[str, object] = {"instance": number, "plan": bool(planned), "objective": None, "checked": False}
            if roster is not None:  # else declined
                report = check_roster(instance, roster)
                row.update(objective=report.objective if report.ok else None, checked=report.ok)
            print(json.dumps(row | {"seconds": round(seconds, 1)}), flush=True)


if __name__ == "__main__":
    main()
