"""Rules 1 to 6: who may be where, doing what, and how many at once.

Every function takes assignments that passed `known_ids`, so ids can be looked up directly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, day_text, weekdays_text
from outreach_opt.check.teams import held_sessions, members_text, role_misfit
from outreach_opt.domain.instance import Commitment
from outreach_opt.domain.roster import Assignment

Slot = tuple[str, dt.date, str]


def check_one_place(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 1: at most one assignment per specialist, date and period."""
    slots: dict[Slot, list[Assignment]] = defaultdict(list)
    for a in assignments:
        slots[(a.specialist, a.date, a.period)].append(a)
    return [
        Violation(
            "one_place",
            f"{ctx.slot(here[0])} is booked {len(here)} times: "
            f"{'; '.join(ctx.what(a) for a in here)}. One person can be in one place at a time.",
            specialist=spec_id,
            date=day,
            period=period,
        )
        for (spec_id, day, period), here in slots.items()
        if len(here) > 1
    ]


def _expected_commitments(ctx: Context) -> tuple[dict[Slot, Commitment], dict[Slot, Commitment]]:
    """Commitment occurrences over the horizon: those due, and those that leave cancels."""
    due: dict[Slot, Commitment] = {}
    cancelled: dict[Slot, Commitment] = {}
    weekdays = [(com, com.weekdays()) for com in ctx.instance.commitments]  # once each, not once a day
    for day in ctx.dates:
        for com, on in weekdays:
            if day.weekday() in on:
                slot = (com.specialist, day, com.period)
                target = cancelled if ctx.is_unavailable(com.specialist, day, com.period) else due
                target[slot] = com
    return due, cancelled


def check_commitments(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 2: each due commitment is in the roster, and each roster commitment is due."""
    due, cancelled = _expected_commitments(ctx)
    listed: dict[Slot, list[Assignment]] = defaultdict(list)
    for a in assignments:
        if a.commitment:
            listed[(a.specialist, a.date, a.period)].append(a)

    violations = []
    accounted: set[int] = set()
    for slot, com in due.items():
        spec_id, day, period = slot
        here = listed.get(slot, [])
        duty = f"{com.activity} at {ctx.where(com.site)}"
        matching = [a for a in here if a.site == com.site and a.activity == com.activity]
        if matching:
            accounted.update(id(a) for a in matching)
            continue
        if here:
            accounted.update(id(a) for a in here)
            given = "; ".join(f"{a.activity} at {ctx.where(a.site)}" for a in here)
            message = (
                f"{ctx.who(spec_id)}'s commitment on {day_text(day)} {period} is {duty}, "
                f"but the roster has {given} instead."
            )
        else:
            message = (
                f"{ctx.who(spec_id)}'s commitment, {duty} every {weekdays_text(com.weekdays())} "
                f"{period}, is missing on {day_text(day)}."
            )
        violations.append(Violation("commitments", message, spec_id, day, period, com.site))

    for here in listed.values():
        for a in here:
            if id(a) in accounted:
                continue
            if (a.specialist, a.date, a.period) in cancelled:
                message = (
                    f"{ctx.slot(a)} is on leave, which cancels the commitment to {a.activity} at "
                    f"{ctx.where(a.site)} that day, "
                    "but the roster still lists it."
                )
            else:
                message = (
                    f"{ctx.slot(a)} is listed for {a.activity} at {ctx.where(a.site)} as a commitment, "
                    "but the instance has no such commitment."
                )
            violations.append(Violation("commitments", message, a.specialist, a.date, a.period, a.site))
    return violations


def check_unavailability(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 3: nothing on an unavailable date, or in its listed periods."""
    violations = []
    for a in assignments:
        off = ctx.unavailable_periods(a.specialist, a.date)
        if off is None or a.period not in off:
            continue
        span = "the whole day" if off >= set(ctx.periods) else ", ".join(p for p in ctx.periods if p in off)
        violations.append(
            Violation.at(
                "unavailability",
                f"{ctx.who(a.specialist)} is unavailable on {day_text(a.date)} ({span}) "
                f"but is rostered in {a.period} for {ctx.what(a)}.",
                a,
            )
        )
    return violations


def check_demand_fit(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 4: the demand's site, activity, days, periods and skills; every misfit in one message."""
    violations = []
    for a in assignments:
        if a.demand is None:
            continue
        demand = ctx.demands[a.demand]
        reasons = []
        if a.site != demand.site and not demand.remote:  # remote: rule teleconsultation says where
            reasons.append(f"it is at {ctx.where(a.site)}, but the demand is at {ctx.where(demand.site)}")
        if a.activity != demand.activity:
            reasons.append(f"the activity is {a.activity}, but the demand asks for {demand.activity}")
        on_the_day = demand.on(a.date)
        if demand.dates is not None and not on_the_day:
            reasons.append(f"the demand is only on {', '.join(day_text(d) for d in sorted(demand.dates))}")
        elif not on_the_day:
            reasons.append(f"the demand is only on {weekdays_text(demand.weekdays())}")
        if demand.periods is not None and a.period not in demand.periods:
            reasons.append(f"the demand is only in {', '.join(demand.periods)}")
        misfit = role_misfit(ctx, a, demand)
        reasons += misfit
        needs = demand.role_skills(None if misfit else a.role)
        missing = [s for s in needs if s not in ctx.specialists[a.specialist].skills]
        if missing:
            role = f"the {a.role}" if a.role and not misfit else "it"
            reasons.append(f"{ctx.who(a.specialist)} lacks the skill {', '.join(missing)} {role} needs")
        if reasons:
            violations.append(
                Violation.at(
                    "demand_fit",
                    f"{ctx.slot(a)} is rostered for demand {ctx.demand_name(a.demand)}, "
                    f"which does not fit: {'; '.join(reasons)}.",
                    a,
                )
            )
    return violations


def check_demand_max(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 5: at most `sessions.max` sessions of a demand in each week (a team session,
    whoever is in it, is one)."""
    per_week: dict[tuple[str, int], list[list[Assignment]]] = defaultdict(list)
    for members in held_sessions(ctx, assignments):
        per_week[(members[0].demand or "", ctx.week(members[0].date))].append(members)
    violations = []
    for (demand_id, week), served in per_week.items():
        demand = ctx.demands[demand_id]
        if len(served) <= demand.sessions.max:
            continue
        who = ", ".join(f"{members_text(ctx, m)} {day_text(m[0].date)} {m[0].period}" for m in served)
        violations.append(
            Violation(
                "demand_max",
                f"Demand {ctx.demand_name(demand_id)} at {ctx.where(demand.site)} takes at most "
                f"{demand.sessions.max} sessions in {ctx.week_text(week)}, but the roster has "
                f"{len(served)}: {who}.",
                date=ctx.week_start(week),
                site=demand.site,
            )
        )
    return violations


def check_capacity(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 6: per site, date, period and resource, no more sessions than the site has of it.
    A team session needs one, however many members it has (counted at its first member)."""
    users: dict[tuple[str, dt.date, str, str], list[Assignment]] = defaultdict(list)
    for members in [[a] for a in assignments if a.commitment] + held_sessions(ctx, assignments):
        a = members[0]
        resource = ctx.resource_of(a)
        if resource is not None:
            users[(a.site, a.date, a.period, resource)].append(a)
        demand = ctx.demands.get(a.demand or "")
        if demand is not None and demand.remote_resource is not None:  # the robot at the patient's site
            users[(demand.site, a.date, a.period, demand.remote_resource)].append(a)
    violations = []
    for (site_id, day, period, resource), here in users.items():
        have = ctx.sites[site_id].resources.get(resource, 0)
        if len(here) <= have:
            continue
        has = f"has {have} {resource}" if have else f"has no {resource}"
        who = "; ".join(f"{ctx.who(a.specialist)} for {ctx.serves(a)}" for a in here)
        violations.append(
            Violation(
                "capacity",
                f"{ctx.where(site_id)} {has}, but {len(here)} sessions need one on {day_text(day)} {period}: {who}.",
                date=day,
                period=period,
                site=site_id,
            )
        )
    return violations
