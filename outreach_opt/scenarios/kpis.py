"""The numbers a planner compares between scenarios, taken from the independent checker.

KPIs come from `check_roster`'s report, not from the solver, so a what-if table means the same
as `outreach-opt check` on each roster. All values are plain JSON types (dict keys are text) so
a worker process can return them and the table can be written as JSON and CSV unchanged.

- covered / required: sessions of the demands' weekly minimums that are / should be served;
  `uncovered = required - covered`, in total and per priority (key "p10" for priority 10).
- served: all demand sessions, including those above a minimum (a team session is one).
- travel_hours: everyone's driving over the horizon (each day from where it starts to where
  it ends: home, or a night's stay).
- outreach_load: sessions each specialist works away from their home site (as the
  `weekly_outreach` rule counts them); fairness_spread is max − min of it over the
  specialists with any outreach, 0 when fewer than two do any.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from outreach_opt.check.checker import CheckReport
from outreach_opt.check.context import Context
from outreach_opt.check.teams import held_sessions
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster


def priority_key(priority: int) -> str:
    return f"p{priority}"


def roster_kpis(instance: Instance, roster: Roster, report: CheckReport) -> dict[str, Any]:
    """KPIs of one checked roster (see the module docstring for each one's meaning)."""
    weeks = -(-instance.horizon.days // 7)
    required: Counter[int] = Counter()
    uncovered: Counter[int] = Counter()
    for demand in instance.demands:
        required[demand.priority] += demand.sessions.min * weeks
        uncovered[demand.priority] += sum(n for (d, _), n in report.uncovered.items() if d == demand.id)
    priorities = sorted(required, reverse=True)
    homes = {s.id: s.home for s in instance.specialists}
    load = {s.id: 0 for s in instance.specialists}
    for a in roster.assignments:
        if a.specialist in homes and a.site != homes[a.specialist]:
            load[a.specialist] += 1
    active = [n for n in load.values() if n > 0]
    return {
        "required": sum(required.values()),
        "covered": sum(required.values()) - sum(uncovered.values()),
        "uncovered": sum(uncovered.values()),
        "served": len(held_sessions(Context.of(instance), roster.assignments)),
        "covered_by_priority": {priority_key(p): required[p] - uncovered[p] for p in priorities},
        "required_by_priority": {priority_key(p): required[p] for p in priorities},
        "travel_hours": round(sum(report.travel_minutes.values()) / 60, 2),
        "fairness_spread": max(active) - min(active) if active else 0,
        "outreach_load": load,
    }
