"""The independent checker: does a roster keep the hard rules, and what does it cost?

It re-derives everything from the instance and the roster with plain Python and never
imports OR-Tools or the solver, so that a bug in the model cannot hide itself here. The rule
ids are the product's vocabulary (model doc, solver builder, messages and tests all use them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from outreach_opt.check.context import RULE_TITLES, RULES, Context, Violation
from outreach_opt.check.cover import check_period_sessions
from outreach_opt.check.duties import (
    check_capacity,
    check_commitments,
    check_demand_fit,
    check_demand_max,
    check_one_place,
    check_unavailability,
)
from outreach_opt.check.journeys import (
    check_daily_travel,
    check_rest,
    check_travel_between,
    check_weekly_outreach,
    check_weekly_sessions,
)
from outreach_opt.check.known_ids import check_known_ids, usable_assignments
from outreach_opt.check.objective import ObjectiveTerms, objective_terms
from outreach_opt.check.pins import check_pins
from outreach_opt.check.reach import check_on_call_reach
from outreach_opt.check.remote import check_teleconsultation
from outreach_opt.check.remote_surgery import check_console_site, check_remote_link
from outreach_opt.check.sharing import check_max_specialists
from outreach_opt.check.stays import check_overnight_stay
from outreach_opt.check.teams import check_team_complete
from outreach_opt.check.workload import (
    check_daily_sessions,
    check_day_off,
    check_forbidden_successions,
    check_horizon_minutes,
    check_max_consecutive_days,
    check_max_weekends,
    check_min_consecutive_days,
    check_min_days_off,
    check_weekly_evenings,
    check_weekly_minutes,
    check_working_days,
)
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.domain.travel import TravelMatrix

__all__ = [
    "RULES",
    "RULE_CHECKS",
    "RULE_TITLES",
    "CheckReport",
    "Context",
    "ObjectiveTerms",
    "Pricer",
    "Violation",
    "check_capacity",
    "check_commitments",
    "check_console_site",
    "check_daily_sessions",
    "check_daily_travel",
    "check_day_off",
    "check_demand_fit",
    "check_demand_max",
    "check_forbidden_successions",
    "check_horizon_minutes",
    "check_known_ids",
    "check_max_consecutive_days",
    "check_max_specialists",
    "check_max_weekends",
    "check_min_consecutive_days",
    "check_min_days_off",
    "check_on_call_reach",
    "check_one_place",
    "check_overnight_stay",
    "check_period_sessions",
    "check_pins",
    "check_remote_link",
    "check_rest",
    "check_roster",
    "check_rules",
    "check_team_complete",
    "check_teleconsultation",
    "check_travel_between",
    "check_unavailability",
    "check_weekly_evenings",
    "check_weekly_minutes",
    "check_weekly_outreach",
    "check_weekly_sessions",
    "check_working_days",
    "objective_terms",
    "usable_assignments",
]

RuleCheck = Callable[[Context, Sequence[Assignment]], list[Violation]]

RULE_CHECKS: dict[str, RuleCheck] = {
    "known_ids": check_known_ids,
    "one_place": check_one_place,
    "commitments": check_commitments,
    "unavailability": check_unavailability,
    "demand_fit": check_demand_fit,
    "demand_max": check_demand_max,
    "capacity": check_capacity,
    "travel_between": check_travel_between,
    "daily_travel": check_daily_travel,
    "rest": check_rest,
    "weekly_sessions": check_weekly_sessions,
    "weekly_outreach": check_weekly_outreach,
    "daily_sessions": check_daily_sessions,
    "weekly_minutes": check_weekly_minutes,
    "horizon_minutes": check_horizon_minutes,
    "working_days": check_working_days,
    "weekly_evenings": check_weekly_evenings,
    "max_consecutive_days": check_max_consecutive_days,
    "min_consecutive_days": check_min_consecutive_days,
    "min_days_off": check_min_days_off,
    "max_weekends": check_max_weekends,
    "period_sessions": check_period_sessions,
    "forbidden_successions": check_forbidden_successions,
    "day_off": check_day_off,
    "max_specialists": check_max_specialists,
    "team_complete": check_team_complete,
    "teleconsultation": check_teleconsultation,
    "pins": check_pins,
    "on_call_reach": check_on_call_reach,
    "remote_link": check_remote_link,
    "console_site": check_console_site,
    "overnight_stay": check_overnight_stay,
}
"""Rule id -> its check. `known_ids` takes every assignment; the others only usable ones."""


@dataclass(frozen=True)
class CheckReport:
    violations: list[Violation]
    objective: int
    breakdown: dict[str, int]
    uncovered: dict[tuple[str, int], int]
    travel_minutes: dict[tuple[str, dt.date], int]

    @property
    def ok(self) -> bool:
        """True when the roster breaks no hard rule; the objective says nothing about this."""
        return not self.violations


ACROSS_THE_BOUNDARY = frozenset(
    {"rest", "forbidden_successions", "max_consecutive_days", "min_consecutive_days", "min_days_off", "max_specialists"}
)
"""Rules that also read history: judged over past + roster, reported only inside the horizon."""


def check_roster(instance: Instance, roster: Roster, past: Sequence[Assignment] = ()) -> CheckReport:
    """Every rule's violations, in a fixed order, and the objective the roster really has.

    `past` holds assignments before the horizon (earlier published rosters): rest into the
    first day, runs of days, successions and the sharing terms count them; nothing in the
    past itself is judged."""
    ctx = Context.of(instance, past, roster.stays)
    usable = usable_assignments(ctx, roster.assignments)
    terms = objective_terms(ctx, usable)
    return CheckReport(
        violations=_violations(ctx, roster.assignments, usable),
        objective=terms.objective,
        breakdown=terms.breakdown,
        uncovered=terms.uncovered,
        travel_minutes=terms.travel_minutes,
    )


def check_rules(
    instance: Instance, roster: Roster, past: Sequence[Assignment] = (), travel: TravelMatrix | None = None
) -> list[Violation]:
    """`check_roster`'s violations alone, for callers that judge many trial rosters and need
    no price of them (`explain --roster`'s reasons; `travel` as `Context.of` takes it)."""
    ctx = Context.of(instance, past, roster.stays, travel)
    return _violations(ctx, roster.assignments, usable_assignments(ctx, roster.assignments))


class Pricer:
    """The objective of many rosters under one context (`Context.of` the instance, past and
    nights away), each as `check_roster` gives it: the context's memory of each day's driving
    keeps the days a roster shares with those priced before.

    Why: `explain --roster` prices every free slot of a trial, each a roster differing from
    the last by one session (report/trials.py); priced each with a new context at 300 x 40
    that was 447 prices for three short demand-weeks, 12 ms each."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def objective(self, assignments: Sequence[Assignment]) -> ObjectiveTerms:
        return objective_terms(self.ctx, usable_assignments(self.ctx, assignments))


def _violations(ctx: Context, assignments: Sequence[Assignment], usable: Sequence[Assignment]) -> list[Violation]:
    """Every rule's violations in the fixed order (`known_ids` reads every assignment)."""
    violations = check_known_ids(ctx, assignments)
    start = ctx.instance.horizon.start
    for rule in RULES[1:]:
        if rule in ACROSS_THE_BOUNDARY and ctx.past:
            found = RULE_CHECKS[rule](ctx, [*ctx.past, *usable])
            violations += [v for v in found if v.date is None or v.date >= start]
        else:
            violations += RULE_CHECKS[rule](ctx, usable)
    violations.sort(key=lambda v: _order(ctx, v))
    return violations


def _order(ctx: Context, v: Violation) -> tuple[int, str, dt.date, int, str, str]:
    """Rule order, then specialist, date and period (in the day's order), then the words."""
    period = ctx.period_rank.get(v.period, len(ctx.period_rank)) if v.period else -1
    return (RULES.index(v.rule), v.specialist or "", v.date or dt.date.min, period, v.site or "", v.message)
