"""Rule `on_call_reach`, recomputed from a roster: where each specialist is in each period
(their session's site; when idle, where they wait — home (or last night's stay) before the
first session and home (or tonight's stay) after getting there, the last session's site
between two sessions; nowhere while on the road), and
whether enough skilled, available specialists are within reach of the on-call hospital.

With an on-call `weight` the rule is soft: `on_call_costs` prices each specialist short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.instance import OnCall
from outreach_opt.domain.roster import Assignment


def where_in(ctx: Context, specialist: str, day: list[Assignment], period: str) -> str | None:
    """The site a specialist is at throughout `period` of a day with these assignments (in
    period order), or None when part of it is spent driving."""
    home = ctx.specialists[specialist].home
    rank = ctx.period_rank[period]
    now = [a for a in day if a.period == period]
    if now:
        return now[0].site
    first, last = ctx.day_ends(specialist, day[0].date) if day else (home, home)  # home or a stay
    before = [a for a in day if ctx.period_rank[a.period] < rank]
    after = [a for a in day if ctx.period_rank[a.period] > rank]
    here = before[-1].site if before else first
    start, end = ctx.periods[period].start_minute, ctx.periods[period].end_minute
    if before and not after:
        arrived = ctx.end(before[-1]) + (ctx.minutes(here, last) or 0)
        return last if arrived <= start else None
    if not after:
        return home
    departs = ctx.start(after[0]) - (ctx.minutes(here, after[0].site) or 0)
    return here if end <= departs else None


def _slots(ctx: Context, oc: OnCall) -> Iterator[tuple[dt.date, str]]:
    for day in ctx.dates:
        if oc.on(day):
            for period in oc.periods or list(ctx.periods):
                yield day, period


Slot = tuple[int, OnCall, dt.date, str, list[str], list[str]]


def _in_reach(ctx: Context, assignments: Sequence[Assignment]) -> Iterator[Slot]:
    """Per on-call slot: (index, on-call, date, period, who is within reach, why others are not)."""
    days = ctx.by_specialist_day(assignments)
    for i, oc in enumerate(ctx.instance.on_call):
        skilled = [s for s in ctx.instance.specialists if set(oc.skills) <= set(s.skills)]
        for day, period in _slots(ctx, oc):
            near, others = [], []
            for spec in skilled:
                if ctx.is_unavailable(spec.id, day, period):
                    others.append(f"{spec.label} is on leave")
                    continue
                where = where_in(ctx, spec.id, days.get((spec.id, day), []), period)
                if where is None:
                    others.append(f"{spec.label} is on the road")
                    continue
                minutes = ctx.minutes(where, oc.site)
                if minutes is not None and minutes <= oc.reach_minutes:
                    near.append(spec.id)
                else:
                    others.append(f"{spec.label} is at {ctx.where(where)} ({minutes} min away)")
            yield i, oc, day, period, near, others


def on_call_slots(ctx: Context, assignments: Sequence[Assignment]) -> list[tuple[OnCall, dt.date, str, list[str]]]:
    """Per on-call slot, who is within reach: what a department head reads off the roster."""
    return [(oc, day, period, near) for _i, oc, day, period, near, _others in _in_reach(ctx, assignments)]


def check_on_call_reach(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each slot of a hard on-call window has at least `count` specialists within reach."""
    violations = []
    for i, oc, day, period, near, others in _in_reach(ctx, assignments):
        if oc.weight is not None or len(near) >= oc.count:
            continue
        message = (
            f"On {day_text(day)} {period}, on-call {oc.name or oc.id} (on_call[{i}]) needs {oc.count} "
            f"specialist(s) with {', '.join(oc.skills) or 'any skills'} within {oc.reach_minutes} min of "
            f"{ctx.where(oc.site)}, but {len(near)} are: {'; '.join(others) or 'nobody has the skills'}"
        )
        violations.append(Violation("on_call_reach", message, None, day, period, oc.site))
    return violations


def on_call_costs(ctx: Context, assignments: Sequence[Assignment]) -> int:
    """Term `on_call_shortfall`: each specialist short of a soft on-call's count, times its weight."""
    return sum(
        (oc.weight or 0) * max(0, oc.count - len(near))
        for _i, oc, _day, _period, near, _others in _in_reach(ctx, assignments)
        if oc.weight is not None
    )
