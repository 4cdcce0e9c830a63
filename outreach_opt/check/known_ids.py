"""Rule `known_ids`: the roster speaks about the instance's people, places, periods and dates.

A roster can be edited by hand, so it may name anything. An assignment with an unknown id is
reported here and kept away from every other rule, which can then index the instance freely.
A travel time the instance does not give is reported here too: it is a gap in what the
roster refers to, not a broken rule of time or distance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.problems import suggest as suggest_name
from outreach_opt.domain.roster import Assignment


def check_known_ids(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """One violation per assignment with unknown ids or dates, listing all its problems, then
    each missing travel time among the usable assignments."""
    violations: list[Violation] = []
    for a in assignments:
        problems = _id_problems(ctx, a)
        if not problems:
            continue
        violations.append(
            Violation(
                "known_ids",
                f"The assignment of {ctx.who(a.specialist)} on {day_text(a.date)} {a.period} at "
                f"{ctx.where(a.site)} {'; '.join(problems)}. It is left out of the other checks.",
                specialist=a.specialist if a.specialist in ctx.specialists else None,
                date=a.date,
                period=a.period if a.period in ctx.periods else None,
                site=a.site if a.site in ctx.sites else None,
            )
        )
    violations += _missing_travel(ctx, usable_assignments(ctx, assignments))
    return violations


def usable_assignments(ctx: Context, assignments: Sequence[Assignment]) -> list[Assignment]:
    """The assignments every other rule and the objective look at."""
    return [a for a in assignments if not _id_problems(ctx, a, hints=False)]


def _id_problems(ctx: Context, a: Assignment, hints: bool = True) -> list[str]:
    """What is unknown or contradictory in `a`; `hints`: with "did you mean" suggestions,
    which only a message needs (difflib over every id: for the 13,300 assignments of a
    1000 x 4-week roster checked against a 300 x 1-week instance, 1 min 45 s)."""

    def suggest(name: str, known: Iterable[str]) -> str:
        return suggest_name(name, known) if hints else ""

    problems = []
    if a.specialist not in ctx.specialists:
        problems.append(
            f"names specialist {a.specialist!r}, who is not in the instance{suggest(a.specialist, ctx.specialists)}"
        )
    if a.site not in ctx.sites:
        problems.append(f"names site {a.site!r}, which is not in the instance{suggest(a.site, ctx.sites)}")
    if a.period not in ctx.periods:
        known = ", ".join(ctx.periods)
        problems.append(f"names period {a.period!r}, which is not one of the day's periods ({known})")
    if not ctx.in_horizon(a.date):
        problems.append(f"is dated outside the horizon, {day_text(ctx.first_date)} to {day_text(ctx.last_date)}")
    if a.demand is not None and a.commitment:
        problems.append(f"serves both demand {a.demand!r} and a commitment; an assignment serves exactly one")
    elif a.demand is None and not a.commitment:
        problems.append("serves neither a demand nor a commitment; give 'demand' or 'commitment: true'")
    elif a.demand is not None and a.demand not in ctx.demands:
        problems.append(f"serves demand {a.demand!r}, which is not in the instance{suggest(a.demand, ctx.demands)}")
    return problems


def _missing_travel(ctx: Context, usable: Sequence[Assignment]) -> list[Violation]:
    """Each leg a specialist's day needs (rules 7, 8 and 9) that has no travel time."""
    violations = []
    for (spec_id, day), todays in ctx.by_specialist_day(usable).items():
        needed = ctx.route(spec_id, todays) + [
            (a.site, b.site)
            for i, a in enumerate(todays)
            for b in todays[i + 1 :]
            if ctx.period_rank[a.period] < ctx.period_rank[b.period]
        ]
        reported: set[tuple[str, str]] = set()
        for origin, destination in needed:
            if (origin, destination) in reported or ctx.minutes(origin, destination) is not None:
                continue
            reported.add((origin, destination))
            violations.append(
                Violation(
                    "known_ids",
                    f"No travel time is known from {ctx.where(origin)} to {ctx.where(destination)}, which "
                    f"{ctx.who(spec_id)}'s day on {day_text(day)} needs; add it to the instance's travel. "
                    "Until then that leg is left out of the travel checks and totals.",
                    specialist=spec_id,
                    date=day,
                    site=destination,
                )
            )
    return violations
