"""Exports people open in their own tools: JSON and YAML (canonical), CSV, iCalendar.

Each is a pure function from the instance and roster to text or bytes; writing (atomically,
never over a file without --force) is the caller's, through `io.write.write_atomic`. The
formats' own libraries do the quoting and folding: `csv` for CSV, `icalendar` for RFC 5545.

Calendar times are *floating* local times (no TZID): an instance has no time-zone field, and
a roster's "08:00" means 08:00 at the hospital. Hard-coding Asia/Shanghai would fit both
sample consortia but mislabel any other; floating times show the wall-clock time the roster
says in every calendar app. When instances gain a time zone, DTSTART/DTEND should carry it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from icalendar import Calendar, Event

from outreach_opt.check.checker import CheckReport
from outreach_opt.check.context import WEEKDAY_NAMES, Context
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.io.write import roster_text
from outreach_opt.report.views import Day, Leg, at, clock, days, serves, serves_label, words

CSV_COLUMNS = (
    "specialist",
    "specialist_name",
    "date",
    "weekday",
    "period",
    "start",
    "end",
    "site",
    "site_name",
    "activity",
    "serves",
    "role",
    "resource",
    "travel_from",
    "travel_minutes",
    "travel_home_minutes",
    "night_at",
)
"""`travel_minutes` is the drive from `travel_from` (home or last night's stay for the day's
first session, else the previous session's site); `travel_home_minutes` is filled on the
day's last session only: the drive home, or to the night's stay. Their sum over a
specialist's date is the day's driving, as the checker counts it. `night_at` is filled on the
day's last session when the specialist sleeps away that night (the roster's `stays`): the
site's id."""


def roster_to_json(roster: Roster, report: CheckReport | None = None) -> str:
    """The canonical roster JSON (what `check` reads), with the checker's breakdown if given."""
    return roster_text(roster, "roster.json", _extra(report))


def roster_to_yaml(roster: Roster, report: CheckReport | None = None) -> str:
    """The same data as `roster_to_json`, as YAML."""
    return roster_text(roster, "roster.yaml", _extra(report))


def _extra(report: CheckReport | None) -> dict[str, Any] | None:
    return {"breakdown": report.breakdown} if report is not None else None


def roster_data(roster: Roster, report: CheckReport) -> dict[str, Any]:
    """The plain data `roster_to_json` writes: the roster with the checker's breakdown (batch
    and whatif keep it in their results)."""
    return roster.to_jsonable() | {"breakdown": report.breakdown}


def roster_to_csv(instance: Instance, roster: Roster) -> str:
    """One row per assignment in specialist, date and period order (CSV_COLUMNS)."""
    ctx = Context.of(instance, stays=roster.stays)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for day in days(instance, roster, ctx):
        night = ctx.stay_at.get((day.specialist, day.date), "")
        for i, a in enumerate(day.sessions):
            period = ctx.periods[a.period]
            leg = day.legs[i]
            last = i == len(day.sessions) - 1
            writer.writerow(
                {
                    "specialist": a.specialist,
                    "specialist_name": ctx.who(a.specialist),
                    "date": a.date.isoformat(),
                    "weekday": WEEKDAY_NAMES[a.date.weekday()],
                    "period": a.period,
                    "start": period.start,
                    "end": period.end,
                    "site": a.site,
                    "site_name": ctx.where(a.site),
                    "activity": a.activity,
                    "serves": serves(a),
                    "role": a.role or "",
                    "resource": ctx.resource_of(a) or "",
                    "travel_from": leg.origin,
                    "travel_minutes": leg.minutes,
                    "travel_home_minutes": day.legs[-1].minutes if last else "",
                    "night_at": night if last else "",
                }
            )
    return buffer.getvalue()


def roster_to_ics(
    instance: Instance,
    roster: Roster,
    specialist: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """One VCALENDAR: every specialist's sessions, drives and nights away, or one specialist's.

    Sessions and drives are separate VEVENTs, so a phone shows when to leave; a night away is
    one too, from arriving at the stay to leaving it the next morning (category "stay"). UIDs
    are stable (`<specialist>-<yyyymmdd>-<period>[-drive|-home]@outreach-opt`, a night
    `<specialist>-<yyyymmdd>-night@outreach-opt`): importing the calendar of a repaired
    roster updates events instead of duplicating them. `stamp` is the DTSTAMP (now, in UTC,
    when not given).
    """
    ctx = Context.of(instance, stays=roster.stays)
    if specialist is not None:
        # Their days only: `days` walks every assignment it is given, and a calendar per
        # specialist made it walk the whole roster once each (1000 x 4 weeks: 4 minutes).
        mine = [a for a in roster.assignments if a.specialist == specialist]
        roster = roster.model_copy(update={"assignments": mine})
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//outreach-opt//roster export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    title = instance.name if specialist is None else f"{ctx.who(specialist)}: {instance.name}"
    cal.add("x-wr-calname", title)
    all_days = days(instance, roster, ctx)
    by_date = {(day.specialist, day.date): day for day in all_days}
    for day in all_days:
        if specialist is not None and day.specialist != specialist:
            continue
        for event in _day_events(ctx, day, stamp):
            cal.add_component(event)
        if (day.specialist, day.date) in ctx.stay_at:
            cal.add_component(_night(ctx, day, by_date.get((day.specialist, day.date + dt.timedelta(days=1))), stamp))
    return cal.to_ical()


def _night(ctx: Context, day: Day, morning: Day | None, stamp: dt.datetime) -> Event:
    """The night away after `day`: from arriving at the stay to leaving it on `morning` (the
    next day's sessions; a valid roster has some, else it ends at midnight)."""
    site = ctx.stay_at[(day.specialist, day.date)]
    leave = at(morning.date, morning.legs[0].depart) if morning else at(day.date, 24 * 60)
    return _event(
        f"{day.specialist}-{day.date:%Y%m%d}-night@outreach-opt",
        f"Night at {ctx.where(site)}",
        at(day.date, day.legs[-1].arrive),
        leave,
        stamp,
        location=ctx.where(site),
        description=f"{ctx.who(day.specialist)} stays the night at {ctx.where(site)} (overnight stay).",
        category="stay",
    )


def _day_events(ctx: Context, day: Day, stamp: dt.datetime) -> list[Event]:
    """A drive (when it takes time) before each session, the session, and the drive home."""
    events = []
    for i, a in enumerate(day.sessions):
        uid = f"{a.specialist}-{a.date:%Y%m%d}-{a.period}"
        leg = day.legs[i]
        if leg.minutes > 0:
            events.append(_drive(ctx, day, leg, f"{uid}-drive", stamp))
        what = "home duty" if a.commitment else ctx.serves(a)
        events.append(
            _event(
                f"{uid}@outreach-opt",
                f"{words(a.activity)} at {ctx.where(a.site)} ({serves_label(a)})",
                at(day.date, ctx.start(a)),
                at(day.date, ctx.end(a)),
                stamp,
                location=ctx.where(a.site),
                description=f"{ctx.who(a.specialist)}, {a.period} {clock(ctx.start(a))}–{clock(ctx.end(a))}: {what}.",
                category="session",
            )
        )
    home = day.legs[-1]
    if home.minutes > 0:
        last = day.sessions[-1]
        events.append(_drive(ctx, day, home, f"{last.specialist}-{day.date:%Y%m%d}-{last.period}-home", stamp))
    return events


def _drive(ctx: Context, day: Day, leg: Leg, uid: str, stamp: dt.datetime) -> Event:
    where = ("home to " if leg.kind == "home" else "to ") + ctx.where(leg.destination)
    if leg.kind == "stay":
        where += " for the night"
    return _event(
        f"{uid}@outreach-opt",
        f"Drive {where} ({leg.minutes} min)",
        at(day.date, leg.depart),
        at(day.date, leg.arrive),
        stamp,
        location=ctx.where(leg.origin),
        description=f"{ctx.who(day.specialist)}: {ctx.where(leg.origin)} → {ctx.where(leg.destination)}, "
        f"{leg.minutes} min by car.",
        category="travel",
    )


def _event(
    uid: str,
    summary: str,
    start: dt.datetime,
    end: dt.datetime,
    stamp: dt.datetime,
    *,
    location: str,
    description: str,
    category: str,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("categories", [category])
    event.add("transp", "OPAQUE")
    return event
