"""The objective, recomputed from the instance and the roster alone.

It does not trust the roster's `objective` claim; comparing the two is how a solver bug shows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from outreach_opt.check.context import Context
from outreach_opt.check.cover import asking_weeks, surplus_cost
from outreach_opt.check.reach import on_call_costs
from outreach_opt.check.sharing import sharing_costs
from outreach_opt.check.stays import nights_away_cost
from outreach_opt.check.teaching import teaching_costs
from outreach_opt.check.teams import held_sessions, is_complete
from outreach_opt.check.workload import requests_cost
from outreach_opt.domain.roster import Assignment


@dataclass(frozen=True)
class ObjectiveTerms:
    objective: int
    breakdown: dict[str, int]
    """Every term of models/MODEL.md's objective, weighted; every key always present."""
    uncovered: dict[tuple[str, int], int]
    """(demand id, week index) -> sessions below `sessions.min`, only where some are missing."""
    travel_minutes: dict[tuple[str, dt.date], int]
    """(specialist id, date) -> minutes driven (home or stay to home or stay), only for days with assignments."""


def objective_terms(ctx: Context, assignments: Sequence[Assignment]) -> ObjectiveTerms:
    """Both terms over assignments that passed `known_ids`, whatever other rules they break.

    Every assignment to a demand counts towards its coverage, even one that breaks demand
    fit: the violation is reported on its own, and the objective stays a plain count. A team
    session counts once, and only with its whole team (rule `team_complete`).
    """
    weights = ctx.instance.weights
    served = Counter(
        (members[0].demand, ctx.week(members[0].date))
        for members in held_sessions(ctx, assignments)
        if is_complete(ctx.demands[members[0].demand or ""], members)  # a team only counts whole
    )
    uncovered: dict[tuple[str, int], int] = {}
    uncovered_cost = 0
    for demand in ctx.instance.demands:
        for week in asking_weeks(ctx, demand):
            short = demand.sessions.min - served[(demand.id, week)]
            if short > 0:
                uncovered[(demand.id, week)] = short
                uncovered_cost += weights.uncovered_session * demand.priority * short

    travel_minutes = {
        (spec_id, day): ctx.day_travel(spec_id, todays)
        for (spec_id, day), todays in ctx.by_specialist_day(assignments).items()
    }
    travel_cost = weights.travel_minute * sum(travel_minutes.values())
    breakdown = {
        "uncovered": uncovered_cost,
        "surplus": surplus_cost(ctx, served),
        "travel": travel_cost,
        "requests": requests_cost(ctx, assignments),
        "nights_away": nights_away_cost(ctx),
    }
    breakdown.update(sharing_costs(ctx, [*ctx.past, *assignments]))  # burden and servers so far count
    breakdown["on_call_shortfall"] = on_call_costs(ctx, assignments)
    breakdown.update(teaching_costs(ctx, assignments))
    return ObjectiveTerms(
        objective=sum(breakdown.values()),
        breakdown=breakdown,
        uncovered=uncovered,
        travel_minutes=travel_minutes,
    )
