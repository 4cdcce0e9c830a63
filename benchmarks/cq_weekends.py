"""Benchmark helper (not a test): a Curtois & Qu roster's uncovered sessions against the weekend
days `max_weekends` allows.

Why: on Instances 8, 12 and 13 the weekend cover asks about as many sessions as the weekend
person-days `max_weekends` allows (133 of 134, 285 of 260, 482 of 500), and all or all but one
of the uncovered sessions of the engine's rosters there fell on weekends. A weekend day worked alone, the other
day of that weekend off, by a person whose weekends are all spent, uses a weekend for half of
it; with every weekend spent, each such day is one weekend session nobody can take (on
Instance8 the account holds but the cause is another: it asks 86 night shifts where its nurses
may work 74, models/NEIGHBOURHOODS.md "Floors"). This
prints that account for one solve (as `curtois_qu_seed.py` solves: 2 workers, neighbourhoods,
the lone-line judge), the roster judged by the independent checker:

    PYTHONPATH=. python benchmarks/cq_weekends.py 8 60 0

Counted over single-date demands (every Curtois & Qu cover line is one) and full weekends.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.curtois_qu import DATA
from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.check.lone_line import line_holds
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Roster
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.solve import solve


def weekend_account(instance: Instance, roster: Roster, report: CheckReport | None = None) -> dict[str, int]:
    """Uncovered sessions on weekdays and weekend days (the checker's shortfalls, each of a
    single-date demand), the weekend sessions asked, the weekend person-days `max_weekends`
    allows (two a weekend), the weekends worked, and the lone weekend days of people who work
    every weekend they may. `report`: the checker's report of `roster`, when made already."""
    prep = prepare(instance)
    full = [days for days in prep.weekends if len(days) == 2]
    weekend = {t for days in full for t in days}
    worked = {(a.specialist, prep.date_index[a.date]) for a in roster.assignments}
    on_weekend: dict[str, bool] = {}
    for demand in instance.demands:
        assert demand.dates is not None and len(demand.dates) == 1, "a single-date demand"
        t = prep.date_index.get(demand.dates[0])
        on_weekend[demand.id] = t in weekend
    account = dict.fromkeys(("uncovered weekdays", "uncovered weekends", "weekend asked"), 0)
    for (demand_id, _week), short in (report or check_roster(instance, roster)).uncovered.items():
        account["uncovered weekends" if on_weekend[demand_id] else "uncovered weekdays"] += short
    account["weekend asked"] = sum(d.sessions.min for d in instance.demands if on_weekend[d.id])
    allowed = spent = lone = 0
    for spec in instance.specialists:
        limit = len(full) if spec.max_weekends is None else min(spec.max_weekends, len(full))
        on = [[t for t in days if (spec.id, t) in worked] for days in full]
        used = sum(map(bool, on))
        allowed += 2 * limit
        spent += used
        if used >= limit:
            lone += sum(len(days) == 1 for days in on)
    account.update({"weekend days allowed": allowed, "weekends worked": spent, "lone weekend days": lone})
    return account


def main() -> None:
    number, limit = int(sys.argv[1]), float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    instance = load_curtois_qu(str(DATA / f"Instance{number}.txt"))
    result = solve(instance, SolveOptions(time_limit=limit, workers=2, seed=seed, lns=True), judge=line_holds)
    assert result.roster is not None, result.status
    report = check_roster(instance, result.roster)
    checked = report.ok and report.objective == result.objective
    print("RESULT", number, seed, result.objective, result.breakdown, "checked", checked)
    print("WEEKENDS", weekend_account(instance, result.roster, report))


if __name__ == "__main__":
    main()
