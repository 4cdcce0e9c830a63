"""Rules 7 to 10: getting from one session to the next, driving, rest and weekly limits.

A day's assignments are taken in period order. Where two share a period (rule 1 reports
that), they are ordered by site so the result is still deterministic; rule 7 only compares
assignments in different periods, since a period is not before itself. A leg without a
known travel time is skipped here; `known_ids` reports it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, clock, day_text
from outreach_opt.domain.roster import Assignment


def check_travel_between(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 7, over every pair of a day (not just neighbours), as the contract words it.

    With travel times that break the triangle inequality, a pair two periods apart can fail
    while each neighbouring pair passes.
    """
    violations = []
    for (spec_id, day), todays in ctx.by_specialist_day(assignments).items():
        for i, a in enumerate(todays):
            for b in todays[i + 1 :]:
                if ctx.period_rank[a.period] >= ctx.period_rank[b.period]:
                    continue
                drive = ctx.minutes(a.site, b.site)
                if drive is None:
                    continue
                gap = ctx.start(b) - ctx.end(a)
                if drive <= gap:
                    continue
                violations.append(
                    Violation(
                        "travel_between",
                        f"{ctx.who(spec_id)} cannot get there in time on {day_text(day)}: "
                        f"{a.period} at {ctx.where(a.site)} ends {clock(ctx.end(a))} and {b.period} at "
                        f"{ctx.where(b.site)} starts {clock(ctx.start(b))}, {gap} min later, "
                        f"but the drive takes {drive} min ({drive - gap} min short).",
                        spec_id,
                        day,
                        b.period,
                        b.site,
                    )
                )
    return violations


def _route_text(ctx: Context, spec_id: str, todays: list[Assignment]) -> str:
    """'Beijing Anzhen Hospital, main campus → Xianghe … (90 min) → …', skipping stays in place."""
    legs = [(a, b) for a, b in ctx.route(spec_id, todays) if a != b]
    if not legs:
        return ctx.where(ctx.specialists[spec_id].home)
    parts = [ctx.where(legs[0][0])]
    for origin, destination in legs:
        drive = ctx.minutes(origin, destination)
        parts.append(f"{ctx.where(destination)} ({'?' if drive is None else drive} min)")
    return " → ".join(parts)


def check_daily_travel(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 8: a day's driving, from where it starts to where it ends (home or a stay), within
    the specialist's limit."""
    violations = []
    for (spec_id, day), todays in ctx.by_specialist_day(assignments).items():
        limit = ctx.specialists[spec_id].max_travel_minutes_per_day
        total = ctx.day_travel(spec_id, todays)
        if limit is None or total <= limit:
            continue
        violations.append(
            Violation(
                "daily_travel",
                f"{ctx.who(spec_id)} drives {total} min on {day_text(day)}, over the limit of "
                f"{limit} min a day: {_route_text(ctx, spec_id, todays)}.",
                spec_id,
                day,
            )
        )
    return violations


def check_rest(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 9: from getting home one day to leaving the next, at least `min_rest_minutes`;
    after a day that ends at a night's stay, from getting there to leaving it."""
    need = ctx.instance.rules.min_rest_minutes
    days = ctx.by_specialist_day(assignments)
    violations = []
    for (spec_id, day), todays in days.items():
        following = days.get((spec_id, day + dt.timedelta(days=1)))
        if following is None:
            continue
        _start, night_at = ctx.day_ends(spec_id, day)  # home, or that night's stay
        last, first = todays[-1], following[0]
        home_at = ctx.end(last) + (ctx.minutes(last.site, night_at) or 0)
        leave_at = ctx.start(first) - (ctx.minutes(night_at, first.site) or 0)
        rest = leave_at + 1440 - home_at
        if rest >= need:
            continue
        arrive = "home" if night_at == ctx.specialists[spec_id].home else f"at {ctx.where(night_at)} for the night"
        violations.append(
            Violation(
                "rest",
                f"{ctx.who(spec_id)} gets {rest} min of rest before {day_text(first.date)}, "
                f"{need} min needed: {arrive} at {clock(home_at)} on {day_text(day)} after {last.period} at "
                f"{ctx.where(last.site)}, leaving at {clock(leave_at)} for {first.period} at "
                f"{ctx.where(first.site)}.",
                spec_id,
                first.date,
                first.period,
            )
        )
    return violations


def _per_week(ctx: Context, assignments: Sequence[Assignment]) -> dict[tuple[str, int], list[Assignment]]:
    weeks: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    for a in assignments:
        weeks[(a.specialist, ctx.week(a.date))].append(a)
    return weeks


def check_weekly_sessions(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 10a: all assignments of a week, commitments included, within the limit."""
    violations = []
    for (spec_id, week), done in _per_week(ctx, assignments).items():
        limit = ctx.specialists[spec_id].max_sessions_per_week
        if limit is None or len(done) <= limit:
            continue
        violations.append(
            Violation(
                "weekly_sessions",
                f"{ctx.who(spec_id)} has {len(done)} sessions in {ctx.week_text(week)}, "
                f"over the limit of {limit} a week (commitments count too).",
                spec_id,
                ctx.week_start(week),
            )
        )
    return violations


def check_weekly_outreach(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Rule 10b: sessions away from the specialist's home site within the weekly limit."""
    violations = []
    for (spec_id, week), done in _per_week(ctx, assignments).items():
        spec = ctx.specialists[spec_id]
        away = [a for a in done if a.site != spec.home]
        limit = spec.max_outreach_sessions_per_week
        if limit is None or len(away) <= limit:
            continue
        where = "; ".join(f"{day_text(a.date)} {a.period} at {ctx.where(a.site)}" for a in away)
        violations.append(
            Violation(
                "weekly_outreach",
                f"{spec.label} has {len(away)} sessions away from {ctx.where(spec.home)} in "
                f"{ctx.week_text(week)}, over the limit of {limit} a week: {where}.",
                spec_id,
                ctx.week_start(week),
            )
        )
    return violations
