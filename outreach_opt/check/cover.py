"""How many sessions of each period a specialist works, and what cover above the asked
minimum costs: the rules shift-scheduling benchmarks (Curtois & Qu) need, judged here.

Plain Python over the roster's assignments, as the rest of the checker: the weeks a demand
asks in are re-derived from its `dates` (or every week), never taken from the solver.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation
from outreach_opt.domain.instance import Demand
from outreach_opt.domain.roster import Assignment


def asking_weeks(ctx: Context, demand: Demand) -> list[int]:
    """The weeks in which a demand asks for sessions: every week of the horizon, or for a
    demand with `dates` only the weeks holding one of its dates inside the horizon."""
    if demand.dates is None:
        return list(range(ctx.week_count))
    return sorted({ctx.week(d) for d in demand.dates if ctx.in_horizon(d)})


def check_period_sessions(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule `period_sessions`: sessions in a period over the horizon (commitments included)
    at most the specialist's `max_sessions_by_period` for it."""
    worked = Counter((a.specialist, a.period) for a in assignments)
    out = []
    for spec in ctx.instance.specialists:
        for period, limit in sorted(spec.max_sessions_by_period.items()):
            count = worked[(spec.id, period)]
            if count > limit:
                what = f"no {period} sessions" if limit == 0 else f"at most {limit} {period} sessions"
                message = (
                    f"{ctx.who(spec.id)} works {count} {period} sessions from {ctx.first_date.isoformat()} "
                    f"to {ctx.last_date.isoformat()}, but may work {what} in that time (max_sessions_by_period)."
                )
                out.append(Violation("period_sessions", message, spec.id, None, period))
    return out


def surplus_cost(ctx: Context, served: Counter[tuple[str | None, int]]) -> int:
    """Term `surplus`: each session of a demand above its `sessions.min` in a week it asks
    in costs the demand's `surplus_weight`. `served` counts sessions per (demand, week) as the
    uncovered term does (a team session once, and only whole). Sessions in a week it does not
    ask in do not exist in a valid roster (demand_fit), and count as surplus here if they do.

    Only (demand, week) pairs with sessions can have a surplus, so only they are visited:
    a year of daily demands has tens of thousands of empty pairs."""
    asked = {d.id: set(asking_weeks(ctx, d)) for d in ctx.instance.demands if d.surplus_weight != 0}
    total = 0
    for (demand_id, week), count in served.items():
        if demand_id not in asked:
            continue
        demand = ctx.demands[demand_id]
        target = demand.sessions.min if week in asked[demand_id] else 0
        total += demand.surplus_weight * max(0, count - target)
    return total
