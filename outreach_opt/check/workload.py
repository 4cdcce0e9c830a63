"""Rules over days and weeks: workload, runs of days, weekends, evenings, successions, days off.

Recomputed from the roster's assignments alone, by scanning dates in order; the solver's
day-pattern sums are not consulted. A day "worked" is a date with any assignment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.history import LOOKBACK_DAYS
from outreach_opt.domain.instance import SessionMatch
from outreach_opt.domain.roster import Assignment

SpecDays = dict[str, dict[dt.date, list[Assignment]]]


def _by_specialist(ctx: Context, assignments: Sequence[Assignment]) -> SpecDays:
    """Every specialist's days, each day's assignments in the roster's order. Eleven rules
    here ask it of the same assignments, so it is grouped once (`Context.grouped`); each
    caller gets its own copy."""
    grouped = ctx.grouped("workload._by_specialist", assignments, lambda given: _group(ctx, given))
    return {sid: defaultdict(list, {d: list(t) for d, t in days.items()}) for sid, days in grouped.items()}


def _group(ctx: Context, assignments: Sequence[Assignment]) -> SpecDays:
    days: SpecDays = {s.id: defaultdict(list) for s in ctx.instance.specialists}
    for a in assignments:
        days[a.specialist][a.date].append(a)
    return days


def _minutes(ctx: Context, todays: list[Assignment]) -> int:
    return sum(ctx.end(a) - ctx.start(a) for a in todays)


def _evening(ctx: Context, a: Assignment) -> bool:
    return ctx.periods[a.period].is_evening


def check_daily_sessions(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """No more sessions in a day than `max_sessions_per_day`."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        limit = ctx.specialists[sid].max_sessions_per_day
        for day, todays in sorted(days.items()):
            if limit is not None and len(todays) > limit:
                message = (
                    f"{ctx.who(sid)} has {len(todays)} sessions on {day_text(day)}, over the limit of {limit} a day."
                )
                out.append(Violation("daily_sessions", message, sid, day))
    return out


def _per_week(ctx: Context, rule: str, assignments: Sequence[Assignment], measure: str) -> list[Violation]:
    """Weekly limits of one kind: minutes (min and max), working days or evening sessions."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        spec = ctx.specialists[sid]
        weeks: dict[int, dict[dt.date, list[Assignment]]] = defaultdict(dict)
        for d, t in days.items():  # once per day, not once per day and week: a year has 52
            weeks[ctx.week(d)][d] = t
        for week in range(ctx.week_count):
            week_days = weeks.get(week, {})
            if measure == "minutes":
                value = sum(_minutes(ctx, t) for t in week_days.values())
                low, high, unit = spec.min_minutes_per_week, spec.max_minutes_per_week, "working minutes"
            elif measure == "days":
                value = sum(1 for t in week_days.values() if t)
                low, high, unit = None, spec.max_working_days_per_week, "working days"
            else:
                value = sum(1 for t in week_days.values() for a in t if _evening(ctx, a))
                low, high, unit = None, spec.max_evening_sessions_per_week, "evening sessions"
            if high is not None and value > high:
                message = f"{ctx.who(sid)} has {value} {unit} in {ctx.week_text(week)}, over the limit of {high}."
                out.append(Violation(rule, message, sid, ctx.week_start(week)))
            if low is not None and value < low:
                message = f"{ctx.who(sid)} has {value} {unit} in {ctx.week_text(week)}, under the minimum of {low}."
                out.append(Violation(rule, message, sid, ctx.week_start(week)))
    return out


def check_weekly_minutes(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Working minutes in each week between `min_minutes_per_week` and `max_minutes_per_week`."""
    return _per_week(ctx, "weekly_minutes", assignments, "minutes")


def check_working_days(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Days with any session in a week at most `max_working_days_per_week`."""
    return _per_week(ctx, "working_days", assignments, "days")


def check_weekly_evenings(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Evening sessions in a week at most `max_evening_sessions_per_week`."""
    return _per_week(ctx, "weekly_evenings", assignments, "evenings")


def check_horizon_minutes(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Working minutes over the horizon between `min_minutes_total` and `max_minutes_total`."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        spec = ctx.specialists[sid]
        value = sum(_minutes(ctx, t) for t in days.values())
        if spec.max_minutes_total is not None and value > spec.max_minutes_total:
            message = (
                f"{ctx.who(sid)} works {value} minutes in the horizon, over the limit of {spec.max_minutes_total}."
            )
            out.append(Violation("horizon_minutes", message, sid))
        if spec.min_minutes_total is not None and value < spec.min_minutes_total:
            message = (
                f"{ctx.who(sid)} works {value} minutes in the horizon, under the minimum of {spec.min_minutes_total}."
            )
            out.append(Violation("horizon_minutes", message, sid))
    return out


def _runs(ctx: Context, worked: set[dt.date]) -> list[tuple[bool, dt.date, int]]:
    """Maximal runs over `ctx.scan_dates`: (worked?, first date, length)."""
    runs: list[tuple[bool, dt.date, int]] = []
    for day in ctx.scan_dates:
        state = day in worked
        if runs and runs[-1][0] == state:
            runs[-1] = (state, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((state, day, 1))
    return runs


def _dated(ctx: Context, first: dt.date, length: int) -> dt.date | None:
    """The date a run's violation carries: its first day in the horizon; None for a run that
    ended before the horizon (history is not judged)."""
    if first + dt.timedelta(days=length - 1) < ctx.first_date:
        return None
    return max(first, ctx.first_date)


def check_max_consecutive_days(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """No run of working days longer than `max_consecutive_working_days`."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        limit = ctx.specialists[sid].max_consecutive_working_days
        for worked, first, length in _runs(ctx, {d for d, t in days.items() if t}):
            if limit is not None and worked and length > limit:
                message = (
                    f"{ctx.who(sid)} works {length} days in a row from {day_text(first)}, over the limit of {limit}."
                )
                if (when := _dated(ctx, first, length)) is not None:
                    out.append(Violation("max_consecutive_days", message, sid, when))
    return out


def check_min_consecutive_days(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """No run of working days shorter than `min_consecutive_working_days`. With
    `rules.runs_at_horizon_ends: held` runs at the horizon's ends too (days outside count as
    off); with `free` a run touching the last day, or the first when no history within
    LOOKBACK_DAYS precedes it, is never too short."""
    out = []
    free = ctx.instance.rules.runs_at_horizon_ends == "free"
    lookback = ctx.first_date - dt.timedelta(days=LOOKBACK_DAYS)
    known_past = any(lookback <= a.date < ctx.first_date for a in ctx.past)
    for sid, days in _by_specialist(ctx, assignments).items():
        least = ctx.specialists[sid].min_consecutive_working_days
        for worked, first, length in _runs(ctx, {d for d, t in days.items() if t}):
            last = first + dt.timedelta(days=length - 1)
            if free and (last == ctx.last_date or (first <= ctx.first_date and not known_past)):
                continue
            if least is not None and worked and length < least:
                message = (
                    f"{ctx.who(sid)} works only {length} day(s) in a row from {day_text(first)}; "
                    f"the minimum is {least}."
                )
                if (when := _dated(ctx, first, length)) is not None:
                    out.append(Violation("min_consecutive_days", message, sid, when))
    return out


def check_min_days_off(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Between two working days at least `min_consecutive_days_off` days off; a run of days
    off that touches the horizon's start or end is never too short."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        least = ctx.specialists[sid].min_consecutive_days_off
        runs = _runs(ctx, {d for d, t in days.items() if t})
        for i, (worked, first, length) in enumerate(runs):
            inside = 0 < i < len(runs) - 1
            if least is not None and not worked and inside and length < least:
                message = f"{ctx.who(sid)} has only {length} day(s) off from {day_text(first)}; the minimum is {least}."
                if (when := _dated(ctx, first, length)) is not None:
                    out.append(Violation("min_days_off", message, sid, when))
    return out


def check_max_weekends(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Weekends with Saturday or Sunday worked at most `max_weekends` in the horizon."""
    out = []
    for sid, days in _by_specialist(ctx, assignments).items():
        limit = ctx.specialists[sid].max_weekends
        weekends = sorted({d - dt.timedelta(days=d.weekday()) for d, t in days.items() if t and d.weekday() >= 5})
        if limit is not None and len(weekends) > limit:
            listed = ", ".join(f"{(w + dt.timedelta(days=5)).isoformat()}" for w in weekends)
            message = f"{ctx.who(sid)} works {len(weekends)} weekends (from {listed}), over the limit of {limit}."
            out.append(Violation("max_weekends", message, sid))
    return out


def _matches(ctx: Context, a: Assignment, match: SessionMatch) -> bool:
    return (match.period is None or match.period == a.period) and (
        match.activity is None or match.activity == a.activity
    )


def _match_keys(todays: list[Assignment]) -> set[tuple[str | None, str | None]]:
    """Every (period, activity) a SessionMatch can name and find in the day (None: any), so
    a match holds for some assignment exactly when its own pair is in this set."""
    return {(p, act) for a in todays for p in (None, a.period) for act in (None, a.activity)}


def check_forbidden_successions(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """No session matching a rule's `today` followed next day by one matching `tomorrow`.

    Rules are looked up by what each worked day holds (its periods and activities), not tried
    on every day: Curtois & Qu Instance24 has 461 rules over 150 people's years."""
    rules = ctx.instance.rules.forbidden_successions
    by_today: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
    for k, rule in enumerate(rules):
        by_today[(rule.today.period, rule.today.activity)].append(k)
    everyone = [s.id for s in ctx.instance.specialists]
    rank = [
        {sid: i for i, sid in enumerate(rule.specialists if rule.specialists is not None else everyone)}
        for rule in rules
    ]
    found: list[tuple[int, int, dt.date, Violation]] = []
    for sid, days in _by_specialist(ctx, assignments).items():
        for day, todays in days.items():
            tomorrow = day + dt.timedelta(days=1)
            tomorrows = days.get(tomorrow, [])
            if not tomorrows:
                continue
            keys = _match_keys(todays)
            tomorrow_keys = _match_keys(tomorrows)
            for k in (k for key in keys for k in by_today.get(key, ())):
                rule = rules[k]
                if sid not in rank[k] or (rule.tomorrow.period, rule.tomorrow.activity) not in tomorrow_keys:
                    continue
                first = next(a for a in todays if _matches(ctx, a, rule.today))
                second = next((a for a in tomorrows if _matches(ctx, a, rule.tomorrow)), None)
                if second is not None:
                    message = (
                        f"{ctx.who(sid)} has {first.activity} in the {first.period} on {day_text(day)} and "
                        f"{second.activity} in the {second.period} on {day_text(tomorrow)}: "
                        "that succession is forbidden."
                    )
                    violation = Violation("forbidden_successions", message, sid, tomorrow, second.period, second.site)
                    found.append((k, rank[k][sid], day, violation))
    return [violation for *_, violation in sorted(found, key=lambda f: f[:3])]


def check_day_off(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """A hard request off keeps its periods (or whole day) empty, commitments included."""
    out = []
    by_spec = _by_specialist(ctx, assignments)
    for req in ctx.instance.requests:
        if not req.hard:
            continue
        for a in by_spec.get(req.specialist, {}).get(req.date, []):
            if req.periods is None or a.period in req.periods:
                who, when = ctx.who(req.specialist), day_text(req.date)
                message = f"{who} has a firm day off on {when} ({a.period}) but is rostered."
                out.append(Violation("day_off", message, req.specialist, req.date, a.period, a.site))
    return out


def requests_cost(ctx: Context, assignments: Sequence[Assignment]) -> int:
    """Term `requests`: each soft request not granted costs its weight times `weights.request`."""
    busy = {(a.specialist, a.date, a.period) for a in assignments}
    periods = [p.id for p in ctx.instance.periods]
    total = 0
    for req in ctx.instance.requests:
        if req.hard or not ctx.in_horizon(req.date):
            continue
        working = any((req.specialist, req.date, p) in busy for p in (req.periods or periods))
        if working == (req.want == "off"):
            total += req.weight
    return ctx.instance.weights.request * total
