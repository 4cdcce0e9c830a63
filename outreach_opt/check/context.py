"""What every rule needs to know about an instance, looked up once, and how to say it.

The checker judges the solver, so it must not share the solver's code: everything here is
re-derived from the instance with plain dictionaries. Messages are read by department heads,
so names, dates and clock times are formatted here, the same way for every rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any, TypeVar

from outreach_opt.domain.history import LOOKBACK_DAYS
from outreach_opt.domain.instance import Commitment, Demand, Instance, Period, Site, Specialist
from outreach_opt.domain.roster import Assignment, Stay
from outreach_opt.domain.travel import TravelMatrix, travel_matrix

RULES: tuple[str, ...] = (
    "known_ids",
    "one_place",
    "commitments",
    "unavailability",
    "demand_fit",
    "demand_max",
    "capacity",
    "travel_between",
    "daily_travel",
    "rest",
    "weekly_sessions",
    "weekly_outreach",
    "daily_sessions",
    "weekly_minutes",
    "horizon_minutes",
    "working_days",
    "weekly_evenings",
    "max_consecutive_days",
    "min_consecutive_days",
    "min_days_off",
    "max_weekends",
    "period_sessions",
    "forbidden_successions",
    "day_off",
    "max_specialists",
    "team_complete",
    "teleconsultation",
    "pins",
    "on_call_reach",
    "remote_link",
    "console_site",
    "overnight_stay",
)

RULE_TITLES: dict[str, str] = {
    "known_ids": "known names and dates",
    "one_place": "one place at a time",
    "commitments": "commitments kept",
    "unavailability": "nothing during leave",
    "demand_fit": "demand fit",
    "demand_max": "demand maximum per week",
    "capacity": "site capacity",
    "travel_between": "time to travel between sessions",
    "daily_travel": "daily travel limit",
    "rest": "rest between days",
    "weekly_sessions": "weekly session limit",
    "weekly_outreach": "weekly outreach limit",
    "daily_sessions": "sessions per day",
    "weekly_minutes": "working minutes per week",
    "horizon_minutes": "working minutes over the horizon",
    "working_days": "working days per week",
    "weekly_evenings": "evening sessions per week",
    "max_consecutive_days": "longest run of working days",
    "min_consecutive_days": "shortest run of working days",
    "min_days_off": "shortest break between working days",
    "max_weekends": "weekends worked",
    "period_sessions": "sessions per period over the horizon",
    "forbidden_successions": "forbidden day-to-day successions",
    "day_off": "firm days off",
    "max_specialists": "distinct specialists per demand",
    "team_complete": "whole teams",
    "teleconsultation": "teleconsultations from home",
    "pins": "pinned sessions kept",
    "on_call_reach": "on-call specialists within reach",
    "remote_link": "remote work over a link",
    "console_site": "remote surgery from a console",
    "overnight_stay": "overnight stays",
}

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, said so that the person who fixes the roster knows where to look.

    The id fields let a program filter or highlight; for a per-week rule `date` is the week's
    first date, and fields stay None where one value would mislead (e.g. several specialists).
    """

    rule: str
    message: str
    specialist: str | None = None
    date: dt.date | None = None
    period: str | None = None
    site: str | None = None

    @classmethod
    def at(cls, rule: str, message: str, a: Assignment) -> Violation:
        """A violation located at one assignment's specialist, date, period and site."""
        return cls(rule, message, a.specialist, a.date, a.period, a.site)


def day_text(day: dt.date) -> str:
    """'Wed 2025-10-22': fixed English weekday names, so messages do not depend on the locale."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def clock(minute: int) -> str:
    """A clock time for minutes after midnight; rest arithmetic can cross midnight either way."""
    text = f"{minute % 1440 // 60:02d}:{minute % 60:02d}"
    if minute >= 1440:
        return f"{text} the next day"
    if minute < 0:
        return f"{text} the day before"
    return text


def weekdays_text(indices: Iterable[int]) -> str:
    return ", ".join(WEEKDAY_NAMES[i] for i in sorted(indices))


SpecialistDay = tuple[str, dt.date]
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Context:
    """The instance indexed by id, with its travel matrix, built once per check."""

    instance: Instance
    travel: TravelMatrix
    specialists: dict[str, Specialist]
    sites: dict[str, Site]
    periods: dict[str, Period]
    period_rank: dict[str, int]
    demands: dict[str, Demand]
    commitments: dict[tuple[str, int, str], Commitment]
    """(specialist, weekday, period) -> commitment; the instance forbids two on one key."""
    past: tuple[Assignment, ...] = ()
    """Assignments before the horizon (history): rules across the boundary count them."""
    stays: tuple[Stay, ...] = ()
    """The roster's nights away (rule overnight_stay): where days start and end."""
    stay_at: dict[SpecialistDay, str] = field(default_factory=dict)
    """(specialist, night) -> the site of the first stay listed for it."""
    _grouped: dict[str, tuple[tuple[Assignment, ...], Any]] = field(default_factory=dict, repr=False)
    """`grouped`'s last answer of each kind, with the assignments it was for."""
    _day_travel: dict[tuple[str, dt.date, tuple[str, ...]], int] = field(default_factory=dict, repr=False)
    """`day_travel`'s answers by specialist, date and the day's sites in order (all it reads)."""

    @classmethod
    def of(
        cls,
        instance: Instance,
        past: Iterable[Assignment] = (),
        stays: Iterable[Stay] = (),
        travel: TravelMatrix | None = None,
    ) -> Context:
        """`travel`: the instance's travel matrix when the caller has it already (an
        instance cut to a few people shares its whole's sites and legs; at 60 sites working
        it out took 1.3 ms, thousands of times in `explain --roster`'s trials)."""
        stays = tuple(stays)
        commitments: dict[tuple[str, int, str], Commitment] = {}
        for com in instance.commitments:
            for weekday in com.weekdays():
                commitments.setdefault((com.specialist, weekday, com.period), com)
        return cls(
            instance=instance,
            travel=travel_matrix(instance) if travel is None else travel,
            specialists={s.id: s for s in instance.specialists},
            sites={s.id: s for s in instance.sites},
            periods={p.id: p for p in instance.periods},
            period_rank={p.id: i for i, p in enumerate(instance.periods)},
            demands={d.id: d for d in instance.demands},
            commitments=commitments,
            past=tuple(past),
            stays=tuple(stays),
            stay_at={(st.specialist, st.night): st.site for st in reversed(stays)},
        )

    # --- time -------------------------------------------------------------------------------
    # Worked out once per check (cached_property): a year-long roster asks for them hundreds
    # of thousands of times, and the instance does not change during a check.

    @cached_property
    def first_date(self) -> dt.date:
        return self.instance.horizon.start

    @cached_property
    def last_date(self) -> dt.date:
        return self.first_date + dt.timedelta(days=self.instance.horizon.days - 1)

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(self.instance.horizon.dates())

    @cached_property
    def scan_dates(self) -> tuple[dt.date, ...]:
        """The dates runs of days are read over: the horizon, and with history the
        LOOKBACK_DAYS before it, so a run crossing into the horizon is seen whole."""
        back = LOOKBACK_DAYS if self.past else 0
        return tuple(self.first_date + dt.timedelta(days=i) for i in range(-back, self.instance.horizon.days))

    def in_horizon(self, day: dt.date) -> bool:
        return self.first_date <= day <= self.last_date

    def week(self, day: dt.date) -> int:
        return (day - self.first_date).days // 7

    @property
    def week_count(self) -> int:
        """Every 7-day block counts, a partial last one too."""
        return (self.instance.horizon.days + 6) // 7

    def week_start(self, week: int) -> dt.date:
        return self.first_date + dt.timedelta(days=7 * week)

    def week_text(self, week: int) -> str:
        start = self.week_start(week)
        end = min(start + dt.timedelta(days=6), self.last_date)
        return f"the week {day_text(start)} to {day_text(end)}"

    @cached_property
    def sharers(self) -> list[str]:
        """`Instance.outreach_sharers()`, once per context: it reads every demand for every
        specialist, and a pricer (`checker.Pricer`) asks it of each roster it prices."""
        return self.instance.outreach_sharers()

    # --- names ------------------------------------------------------------------------------

    def who(self, specialist: str) -> str:
        spec = self.specialists.get(specialist)
        return spec.label if spec else repr(specialist)

    def where(self, site: str) -> str:
        known = self.sites.get(site)
        return (known.name or known.id) if known else repr(site)

    def demand_name(self, demand: str) -> str:
        known = self.demands.get(demand)
        return (known.name or known.id) if known else repr(demand)

    def serves(self, a: Assignment) -> str:
        """'demand xianghe-clinic', 'demand dachang-pci as lead' (a team role) or 'a commitment'."""
        if a.commitment:
            return "a commitment"
        role = f" as {a.role}" if a.role is not None else ""
        return f"demand {self.demand_name(a.demand or '')}{role}"

    def what(self, a: Assignment) -> str:
        """'clinic at Xianghe County People's Hospital for demand xianghe-clinic'."""
        return f"{a.activity} at {self.where(a.site)} for {self.serves(a)}"

    def slot(self, a: Assignment) -> str:
        """'Ren Yanlong on Mon 2025-10-20 am'."""
        return f"{self.who(a.specialist)} on {day_text(a.date)} {a.period}"

    # --- facts the rules share ----------------------------------------------------------------

    def unavailable_periods(self, specialist: str, day: dt.date) -> set[str] | None:
        """The periods a specialist is off on a date: all of them for a whole day, None if none."""
        off: set[str] = set()
        for entry in self.specialists[specialist].unavailable:
            if entry.date == day:
                off |= set(self.periods) if entry.periods is None else set(entry.periods)
        return off or None

    def is_unavailable(self, specialist: str, day: dt.date, period: str) -> bool:
        return period in (self.unavailable_periods(specialist, day) or ())

    def commitment_on(self, specialist: str, day: dt.date, period: str) -> Commitment | None:
        """The commitment due in this slot by weekday alone, leave not considered."""
        return self.commitments.get((specialist, day.weekday(), period))

    def matching_commitment(self, a: Assignment) -> Commitment | None:
        """The commitment a commitment assignment carries out: same slot, site and activity."""
        com = self.commitment_on(a.specialist, a.date, a.period)
        if com is None or com.site != a.site or com.activity != a.activity:
            return None
        return com

    def resource_of(self, a: Assignment) -> str | None:
        """The resource an assignment occupies, from the instance, never from the roster."""
        if a.commitment:
            com = self.matching_commitment(a)
            return com.resource if com else None
        demand = self.demands.get(a.demand or "")
        return demand.resource if demand else None

    @cached_property
    def period_minutes(self) -> dict[str, tuple[int, int]]:
        """Period id -> (start, end) in minutes after midnight, the clock texts read once."""
        return {p.id: (p.start_minute, p.end_minute) for p in self.instance.periods}

    def start(self, a: Assignment) -> int:
        return self.period_minutes[a.period][0]

    def end(self, a: Assignment) -> int:
        return self.period_minutes[a.period][1]

    def minutes(self, origin: str, destination: str) -> int | None:
        """Driving minutes, or None where the instance gives none (a hand-edited roster)."""
        return self.travel.get((origin, destination))

    def by_specialist_day(self, assignments: Iterable[Assignment]) -> dict[SpecialistDay, list[Assignment]]:
        """Each specialist's days in date order, each day's assignments in period order.

        Eight rules and terms ask this of the same assignments in one check, so the days are
        grouped and sorted once (`grouped`); each caller gets its own lists."""
        grouped = self.grouped("by_specialist_day", assignments, self._by_specialist_day)
        return {key: list(todays) for key, todays in grouped.items()}

    def _by_specialist_day(self, assignments: tuple[Assignment, ...]) -> dict[SpecialistDay, list[Assignment]]:
        days: dict[SpecialistDay, list[Assignment]] = defaultdict(list)
        for a in assignments:
            days[(a.specialist, a.date)].append(a)
        return {
            key: sorted(days[key], key=lambda a: (self.period_rank[a.period], a.site, a.activity, a.demand or ""))
            for key in sorted(days)
        }

    def grouped(self, kind: str, assignments: Iterable[Assignment], build: Callable[[tuple[Assignment, ...]], T]) -> T:
        """`build(assignments)`, worked out once per check while the same assignments come
        again (compared item by item): rules asked in turn for the same grouping share it.
        The answer is shared too: callers copy what they hand out."""
        given = tuple(assignments)
        last = self._grouped.get(kind)
        if last is None or last[0] != given:
            last = (given, build(given))
            self._grouped[kind] = last
        answer: T = last[1]
        return answer

    def day_ends(self, specialist: str, day: dt.date) -> tuple[str, str]:
        """Where a specialist's day starts and ends: home, or the stay of the night before and
        of that night (rule overnight_stay)."""
        home = self.specialists[specialist].home
        before = self.stay_at.get((specialist, day - dt.timedelta(days=1)), home)
        return before, self.stay_at.get((specialist, day), home)

    def route(self, specialist: str, day: list[Assignment]) -> list[tuple[str, str]]:
        """The day's legs: from where it starts (home or a stay) to the first site, site to
        site in period order, last site to where it ends."""
        start, end = self.day_ends(specialist, day[0].date) if day else (self.specialists[specialist].home,) * 2
        stops = [start, *(a.site for a in day), end]
        return list(pairwise(stops))

    def day_travel(self, specialist: str, day: list[Assignment]) -> int:
        """Minutes driven in the day, from where it starts to where it ends (`route`: home or
        a night's stay), as rule daily_travel, term travel and the fairness burden count them;
        a leg with no known time counts 0 (known_ids reports it).

        Remembered by the day's sites: one check asks it of each day three times (the rule,
        the term, the burden), and a caller pricing many rosters with one context
        (`checker.Pricer`) asks it of days that have not changed."""
        key = (specialist, day[0].date if day else dt.date.min, tuple(a.site for a in day))
        known = self._day_travel.get(key)
        if known is None:
            known = self._day_travel[key] = sum(self.minutes(a, b) or 0 for a, b in self.route(specialist, day))
        return known
