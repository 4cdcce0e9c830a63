"""Rule `overnight_stay`, judged from the roster's `stays` list and its assignments alone.

A stay `{specialist, night, site}` says the specialist sleeps at `site` after the last
session of `night` and starts the next day there. `Context.day_ends` makes every journey rule
(`daily_travel`, `rest`, `on_call_reach`, the travel term) read the days from and to it; this
rule says when a stay is allowed at all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.roster import Assignment, Stay


def unknown_stay_ids(ctx: Context, stay: Stay) -> str | None:
    """What a stay names that the instance does not have (specialist, site, night in the
    horizon), or None: such a stay can be neither judged further nor diffed or repaired."""
    if stay.specialist not in ctx.specialists:
        return f"names an unknown specialist {stay.specialist!r}"
    if stay.site not in ctx.sites:
        return f"is at an unknown site {stay.site!r}"
    if not ctx.in_horizon(stay.night):
        return f"is dated outside the horizon, {day_text(ctx.first_date)} to {day_text(ctx.last_date)}"
    return None


def _stay_problem(ctx: Context, stay: Stay, worked: dict[tuple[str, dt.date], set[str]]) -> str | None:
    """What is wrong with one stay, in a department head's words, or None."""
    unknown = unknown_stay_ids(ctx, stay)
    if unknown is not None:
        return unknown
    spec, site = ctx.specialists[stay.specialist], ctx.sites[stay.site]
    if not site.overnight:
        return f"is at {ctx.where(stay.site)}, which does not allow overnight stays (sites[].overnight)"
    if stay.site == spec.home:
        return f"is at {ctx.where(stay.site)}, the specialist's home site: that is no stay"
    morning = stay.night + dt.timedelta(days=1)
    if not (ctx.in_horizon(stay.night) and ctx.in_horizon(morning)):
        return "is not between two dates of the horizon"
    today, tomorrow = worked.get((stay.specialist, stay.night)), worked.get((stay.specialist, morning))
    if not today or not tomorrow:
        idle = day_text(morning if today else stay.night)
        return f"has no session on {idle}: a stay lies between two working days"
    if stay.site not in today | tomorrow:
        return f"is at {ctx.where(stay.site)} with no session there on {day_text(stay.night)} or {day_text(morning)}"
    return None


def check_overnight_stay(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each stay is at a known site that allows overnight stays (`overnight: true`), not the
    specialist's home, on a night between two working days of the horizon with a session at
    that site on one of them; at most one stay a night per specialist."""
    worked: dict[tuple[str, dt.date], set[str]] = {}
    for a in assignments:
        worked.setdefault((a.specialist, a.date), set()).add(a.site)
    violations = []
    for stay in ctx.stays:
        problem = _stay_problem(ctx, stay, worked)
        if problem is not None:
            violations.append(
                Violation(
                    "overnight_stay",
                    f"The stay of {ctx.who(stay.specialist)} on the night of {day_text(stay.night)} {problem}.",
                    stay.specialist,
                    stay.night,
                    None,
                    stay.site,
                )
            )
    twice = Counter((stay.specialist, stay.night) for stay in ctx.stays)
    for (spec, night), n in sorted(twice.items()):
        if n > 1:
            violations.append(
                Violation(
                    "overnight_stay",
                    f"{ctx.who(spec)} has {n} stays on the night of {day_text(night)}; one place a night.",
                    spec,
                    night,
                )
            )
    return violations


def nights_away_cost(ctx: Context) -> int:
    """Term `nights_away`: `weights.overnight_stay` per listed stay, valid or not."""
    return ctx.instance.weights.overnight_stay * len(ctx.stays)
