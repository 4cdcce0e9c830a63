"""What every output shows, computed once: days on the road, coverage rows, site colours, labels.

The CSV, the calendar, the workbook and the HTML page all say when a specialist drives where
and how much of each demand is covered. Computing that here, from the checker's `Context`
(the same travel matrix and day order the checker uses), keeps the outputs agreeing with each
other and with the objective: the legs of a day add up to exactly the checker's minutes.

Every function expects a roster whose ids are known to the instance (the checker's
`known_ids` holds); the export command refuses other rosters before rendering.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from outreach_opt.check.checker import CheckReport
from outreach_opt.check.context import WEEKDAY_NAMES, Context
from outreach_opt.check.cover import asking_weeks
from outreach_opt.check.teams import held_sessions
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster

PALETTE = (
    "#8ecae6",  # sky
    "#f9c74f",  # amber
    "#90be6d",  # green
    "#f8961e",  # orange
    "#c77dff",  # violet
    "#f28482",  # coral
    "#4cc9f0",  # cyan
    "#d4a373",  # tan
    "#b5e48c",  # lime
    "#ff8fab",  # pink
    "#a0c4ff",  # periwinkle
    "#e9c46a",  # sand
)
"""Light fills that keep dark text readable; sites take them in instance order."""

DUTY_GREY = "#e5e7eb"
"""Home duties (commitments) are grey everywhere, so outreach stands out in colour."""

LegKind = Literal["to", "between", "home", "stay"]


@dataclass(frozen=True)
class Leg:
    """One drive of a day. Times are minutes after midnight of the date (may pass 24:00).

    A drive to the day's first session ends when it starts; a drive between sessions starts
    when the earlier one ends; the drive home (or to the night's stay, kind "stay") starts when
    the last one ends. Zero-minute legs
    (staying at one site) are kept so that legs and sessions line up one to one.
    """

    kind: LegKind
    origin: str
    destination: str
    minutes: int
    depart: int
    arrive: int


@dataclass(frozen=True)
class Day:
    """A specialist's date: sessions in period order, `legs[i]` leads to `sessions[i]` (the
    first from home or last night's stay), and `legs[-1]` is the drive home or to the stay."""

    specialist: str
    date: dt.date
    sessions: list[Assignment]
    legs: list[Leg]

    @property
    def minutes(self) -> int:
        return sum(leg.minutes for leg in self.legs)

    @property
    def drives(self) -> list[Leg]:
        """The legs that take time: what a calendar or timeline shows."""
        return [leg for leg in self.legs if leg.minutes > 0]


def days(instance: Instance, roster: Roster, ctx: Context | None = None) -> list[Day]:
    """Every specialist-date with a session, in specialist (instance) order, then date."""
    ctx = ctx or Context.of(instance, stays=roster.stays)
    rank = {s.id: i for i, s in enumerate(instance.specialists)}
    grouped = ctx.by_specialist_day(roster.assignments)
    out = []
    for spec_id, date in sorted(grouped, key=lambda key: (rank[key[0]], key[1])):
        todays = grouped[(spec_id, date)]
        route = ctx.route(spec_id, todays)
        legs = []
        for i, (origin, destination) in enumerate(route):
            minutes = ctx.minutes(origin, destination) or 0
            if i == 0:
                start = ctx.start(todays[0])
                legs.append(Leg("to", origin, destination, minutes, start - minutes, start))
            else:
                depart = ctx.end(todays[i - 1])
                kind: LegKind = "between"
                if i == len(todays):
                    kind = "home" if destination == ctx.specialists[spec_id].home else "stay"
                legs.append(Leg(kind, origin, destination, minutes, depart, depart + minutes))
        out.append(Day(spec_id, date, todays, legs))
    return out


@dataclass(frozen=True)
class CoverageRow:
    """One demand in one week: what it asks, what the roster serves, what is missing."""

    demand: str
    name: str
    site: str
    week: int
    """1-based, as people count weeks."""
    min: int
    max: int
    served: int
    uncovered: int
    cost: int


def coverage(instance: Instance, roster: Roster, report: CheckReport) -> list[CoverageRow]:
    """Per demand and week it asks in (`check.cover.asking_weeks`: every week, or for a demand
    with `dates` only their weeks), plus any other week the roster serves it in; `uncovered`
    and `cost` are the checker's, never recounted here. A team session is served once,
    whoever is in it.

    Why not every demand in every week: a Curtois & Qu year (Instance24) has 11,648 demands,
    each asking on one date, so every week of each made 605,696 rows, of which 11,648 say
    anything, and the CLI was killed at 600 s still printing them (the roster already solved)."""
    ctx = Context.of(instance)
    sessions = held_sessions(ctx, roster.assignments)
    served = Counter((m[0].demand, ctx.week(m[0].date)) for m in sessions)
    served_weeks: dict[str | None, set[int]] = {}
    for demand_id, week in served:
        served_weeks.setdefault(demand_id, set()).add(week)
    weight = instance.weights.uncovered_session
    rows = []
    for dem in instance.demands:
        for week in sorted(set(asking_weeks(ctx, dem)) | served_weeks.get(dem.id, set())):
            missing = report.uncovered.get((dem.id, week), 0)
            rows.append(
                CoverageRow(
                    dem.id,
                    dem.name or dem.id,
                    dem.site,
                    week + 1,
                    dem.sessions.min,
                    dem.sessions.max,
                    served[(dem.id, week)],
                    missing,
                    missing * dem.priority * weight,
                )
            )
    return rows


def site_colours(instance: Instance) -> dict[str, str]:
    """Site id -> fill colour, stable for an instance (instance order, palette repeats)."""
    return {site.id: PALETTE[i % len(PALETTE)] for i, site in enumerate(instance.sites)}


def day_label(date: dt.date) -> str:
    """'Mon 10-20': fixed English weekday names, as in the checker's messages."""
    return f"{WEEKDAY_NAMES[date.weekday()]} {date:%m-%d}"


def words(identifier: str) -> str:
    """'ward_round' -> 'ward round': ids read as words where people read them."""
    return identifier.replace("_", " ")


def clock(minute: int) -> str:
    """'19:00'; a time past midnight wraps ('00:40'), its date says which day."""
    return f"{minute % 1440 // 60:02d}:{minute % 60:02d}"


def at(date: dt.date, minute: int) -> dt.datetime:
    """The local (floating) date-time `minute` minutes after midnight of `date`."""
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minute)


def serves(a: Assignment) -> str:
    """The demand id, or 'commitment' for a home duty."""
    return "commitment" if a.commitment else (a.demand or "")


def serves_label(a: Assignment) -> str:
    """'dachang-pci-evenings', 'dachang-pci-evenings, lead' for a team member, or 'home duty'."""
    if a.demand is None:
        return "home duty"
    return f"{a.demand}, {a.role}" if a.role is not None else a.demand
