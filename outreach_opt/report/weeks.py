"""Weeks in place of days for long horizons: the counts the terminal and the HTML page show.

A day per column serves a week or four; a year (Curtois & Qu Instance24: 150 specialists x
364 days) is 54,600 specialist-days, which the terminal could not lay out and the HTML page
wrote as 149 MB. Past `LONG_DAYS` both show each specialist's and each site's week as counts
(sessions per period, outreach away from home, nights away) and coverage summed per site and
week. The counting lives here, once, so that `cli.long_tables` (rich tables) and
`report.html` (the page) say the same; each only lays the numbers out.

Weeks are the checker's (`Context.week`: 7-day blocks from the first day, a partial last one
too), 0-based here as the checker counts them; `CoverageWeek.week` is 1-based like
`views.CoverageRow.week`, which it sums.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from outreach_opt.check.context import Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.report import consortium, views

LONG_DAYS = 28
"""Longest horizon shown a day per column (the four-week sample's 28 days)."""

PeriodCounts = tuple[tuple[str, int], ...]
"""(period, sessions) in the instance's period order, periods without sessions left out."""


def is_long(instance: Instance) -> bool:
    """Past LONG_DAYS outputs meant to be read whole show weeks, not days."""
    return instance.horizon.days > LONG_DAYS


@dataclass(frozen=True)
class SpecialistWeek:
    """One specialist's week: sessions per period, how many of them away from home (at another
    site), and nights away (the checker's nights, rule overnight_stay)."""

    periods: PeriodCounts
    away: int
    nights: int


def _ordered(counts: Counter[str], rank: dict[str, int]) -> PeriodCounts:
    return tuple(sorted(counts.items(), key=lambda item: rank.get(item[0], len(rank))))


def specialist_weeks(ctx: Context, roster: Roster) -> dict[tuple[str, int], SpecialistWeek]:
    """(specialist, week) -> their week, for every specialist-week with a session or a night
    away; `ctx` must carry the roster's stays (`Context.of(instance, stays=roster.stays)`)."""
    periods: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    away: Counter[tuple[str, int]] = Counter()
    for a in roster.assignments:
        key = (a.specialist, ctx.week(a.date))
        periods[key][a.period] += 1
        spec = ctx.specialists.get(a.specialist)
        if spec is not None and a.site != spec.home:
            away[key] += 1
    nights = Counter((who, ctx.week(date)) for who, date in ctx.stay_at)
    return {
        key: SpecialistWeek(_ordered(periods[key], ctx.period_rank), away[key], nights[key])
        for key in periods.keys() | nights.keys()
    }


def site_weeks(ctx: Context, roster: Roster) -> dict[tuple[str, int], PeriodCounts]:
    """(site, week) -> sessions held there per period, for every site-week with a session."""
    periods: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for a in roster.assignments:
        periods[(a.site, ctx.week(a.date))][a.period] += 1
    return {key: _ordered(counts, ctx.period_rank) for key, counts in periods.items()}


@dataclass(frozen=True)
class CoverageWeek:
    """`views.coverage`'s rows of one site and week, summed: demand-weeks, sessions asked
    (min and max), served, missing (the checker's uncovered), cost, and how many demands are
    short."""

    site: str
    week: int
    """1-based, as `views.CoverageRow.week`."""
    demands: int
    min: int
    max: int
    served: int
    missing: int
    cost: int
    short: int


def coverage_weeks(rows: list[views.CoverageRow]) -> list[CoverageWeek]:
    """`rows` (`views.coverage`) summed per site and week, sorted by site id, then week."""
    sums: dict[tuple[str, int], list[int]] = {}
    for row in rows:
        total = sums.setdefault((row.site, row.week), [0] * 7)
        for i, value in enumerate((1, row.min, row.max, row.served, row.uncovered, row.cost, int(row.uncovered > 0))):
            total[i] += value
    return [CoverageWeek(site, week, *values) for (site, week), values in sorted(sums.items())]


@dataclass(frozen=True)
class OnCallWeek:
    """One green channel's period in one week: its slots that week (`consortium.on_call`, as
    the checker derives them), how many are short of people, and the people missing in all."""

    slots: int
    short: int
    missing: int


def on_call_weeks(ctx: Context, roster: Roster) -> dict[tuple[str, str, int], OnCallWeek]:
    """(on-call id, period, week) -> that week's slots, for every week the window holds a slot;
    `ctx` must carry the roster's stays (who is within reach reads them)."""
    held: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for slot in consortium.on_call(ctx.instance, roster, ctx):
        counts = held[(slot.on_call, slot.period, ctx.week(slot.date))]
        counts[0] += 1
        counts[1] += slot.short > 0
        counts[2] += slot.short
    return {key: OnCallWeek(*counts) for key, counts in held.items()}
