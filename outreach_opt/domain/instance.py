"""The instance: what a department head writes down about one planning horizon.

The models mirror ../shared/format/README.md field for field. They are frozen and forbid
unknown keys so that a misspelt key is an error with a suggestion rather than a silently
ignored setting. Checks that need more than one field of one object (cross-references,
duplicate ids, travel completeness) live in one place, `domain.references`, and run from
`Instance`'s after-validator so that every way of building an instance gets them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
MOST_ID_CHARACTERS = 100
"""An id's pattern and longest length, also held by readers of other formats at their own lines
(io/curtois_qu.py)."""
Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MOST_ID_CHARACTERS,
        pattern=ID_PATTERN,
        description="An identifier: letters, digits, '-', '_' or '.', starting with a letter or digit.",
    ),
]


def _not_a_flag(value: object) -> object:
    """Refuse true/false where a number belongs: pydantic's lax mode reads them as 1 and 0,
    so `days: true` planned a one-day horizon and a travel leg of `true` took 1 minute."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, found {str(value).lower()}; write the number")
    return value


Int = Annotated[int, BeforeValidator(_not_a_flag)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60), BeforeValidator(_not_a_flag)]
MOST_COUNT = 100_000
"""The largest count or weight an instance holds (`Count`)."""
MOST_DAYS = 366
"""The longest horizon, in days."""
Count = Annotated[int, Field(ge=0, le=MOST_COUNT), BeforeValidator(_not_a_flag)]

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class Weekday(StrEnum):
    """A day of the week, as written in instances (`mon` … `sun`)."""

    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"

    @property
    def number(self) -> int:
        """Monday is 0, as in `datetime.date.weekday()`. A lookup: `explain --roster` on an
        80 x 15 week checks thousands of trial rosters, and the list this built each call was
        15 of its 115 s under cProfile (3.8M calls); the command took 67-69 s before, 60 s after
        (`explain M1.yaml --roster ... --time-limit 30`, ten specialists away a week, idle)."""
        return _WEEKDAY_NUMBER[self]


_WEEKDAY_NUMBER = {day: number for number, day in enumerate(Weekday)}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
"""The dates a horizon may start on. Day arithmetic reaches a day (and a week) past either
end: a start of 0001-01-01 or 9999-12-30 validated and then crashed `solve` (OverflowError)."""


class Horizon(_Frozen):
    """`days` consecutive dates from `start`; weeks are 7-day blocks from `start`."""

    start: dt.date = Field(
        ge=FIRST_DATE, le=LAST_DATE, description="The first date of the horizon (ISO date), from 1900 to 2999."
    )
    days: Int = Field(ge=1, le=MOST_DAYS, description="Number of consecutive dates planned.")

    def dates(self) -> list[dt.date]:
        """Every date of the horizon, in order: the one enumeration the rest of the code reads."""
        return [self.start + dt.timedelta(days=t) for t in range(self.days)]


def clock_to_minutes(text: str) -> int:
    """Minutes after midnight of an "HH:MM" clock time ("24:00" is the end of the day)."""
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f'{text!r} is not a clock time; write it as "HH:MM", e.g. "08:00"')
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if total > 24 * 60:
        raise ValueError(f"{text!r} is past 24:00")
    return total


class Period(_Frozen):
    """A session of the day with its clock times; periods are listed in time order."""

    id: Id
    start: str = Field(description='Clock time "HH:MM" at which the session starts.')
    end: str = Field(description='Clock time "HH:MM" at which the session ends (after start).')

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_to_minutes(value)
        return value

    @model_validator(mode="after")
    def _forward(self) -> Period:
        if clock_to_minutes(self.end) <= clock_to_minutes(self.start):
            raise ValueError(
                f"period {self.id!r} ends at {self.end}, not after its start {self.start}; "
                "a period must end later on the same day"
            )
        return self

    evening: bool | None = Field(
        default=None,
        description="An evening session (weekly evening limits); when absent: it starts at 18:00 or later.",
    )

    @property
    def is_evening(self) -> bool:
        return self.evening if self.evening is not None else self.start_minute >= 18 * 60

    @property
    def start_minute(self) -> int:
        return clock_to_minutes(self.start)

    @property
    def end_minute(self) -> int:
        return clock_to_minutes(self.end)


class SiteKind(StrEnum):
    """What a site is in the consortium; it only labels, it does not change any rule."""

    main_campus = "main_campus"
    branch_campus = "branch_campus"
    county_hospital = "county_hospital"
    district_hospital = "district_hospital"
    community_centre = "community_centre"
    other = "other"


class Site(_Frozen):
    """A place where specialists work, with the resources that limit parallel sessions."""

    id: Id
    name: str = Field(default="", description="Display name; the id is shown when empty.")
    kind: SiteKind = SiteKind.other
    resources: dict[Id, Count] = Field(
        default_factory=dict,
        description="How many of each resource (clinic_room, cath_lab, robot …) the site has.",
    )
    overnight: bool = Field(
        default=False,
        description=(
            "Specialists may stay the night here between two working days instead of driving home "
            "(rule overnight_stay): a weekend clinic far away on Saturday and Sunday. Each night "
            "costs weights.overnight_stay."
        ),
    )


class Unavailable(_Frozen):
    """A date on which a specialist cannot work, the whole day or the listed periods."""

    date: dt.date
    periods: list[Id] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Periods of that date; the whole day when not given. An empty list is refused: it "
            "could mean 'no period' or 'the whole day', and the roster must not guess."
        ),
    )


class Preference(_Frozen):
    """A specialist's liking for outreach sessions by site, weekday and period (each optional;
    all given must match). `avoid`: each matching demand session costs `weight`; `prefer`: each
    demand session that does not match costs `weight`. Commitments are fixed and not weighed."""

    kind: Literal["prefer", "avoid"]
    site: Id | None = None
    days: list[Weekday] | None = None
    periods: list[Id] | None = None
    weight: Count = 1

    def matches(self, site: str, weekday: int, period: str) -> bool:
        return (
            (self.site is None or self.site == site)
            and (self.days is None or weekday in {d.number for d in self.days})
            and (self.periods is None or period in self.periods)
        )


class Specialist(_Frozen):
    """A doctor who can be rostered, with a home site and weekly limits."""

    id: Id
    name: str = ""
    grade: str | None = None
    home: Id = Field(description="The site the specialist starts and ends each day from.")
    skills: list[Id] = Field(default_factory=list)
    max_sessions_per_week: Count | None = Field(
        default=None, description="All assignments in a week, commitments included; no limit when absent."
    )
    max_outreach_sessions_per_week: Count | None = Field(
        default=None, description="Assignments away from home in a week; no limit when absent."
    )
    max_travel_minutes_per_day: Minutes | None = Field(
        default=None,
        description="Driving in a day, from where it starts to where it ends (home, or a night's stay); "
        "no limit when absent.",
    )
    unavailable: list[Unavailable] = Field(default_factory=list)
    max_sessions_per_day: Count | None = Field(default=None, description="Sessions in one day; no limit when absent.")
    min_minutes_per_week: Count | None = Field(default=None, description="Working minutes in each week, at least.")
    max_minutes_per_week: Count | None = Field(default=None, description="Working minutes in each week, at most.")
    min_minutes_total: Count | None = Field(default=None, description="Working minutes over the horizon, at least.")
    max_minutes_total: Count | None = Field(default=None, description="Working minutes over the horizon, at most.")
    max_working_days_per_week: Count | None = Field(default=None, description="Days with any session in a week.")
    max_consecutive_working_days: Count | None = Field(default=None, description="Longest run of working days.")
    min_consecutive_working_days: Count | None = Field(
        default=None, description="Shortest run of working days (a run touching the horizon's ends counts too)."
    )
    min_consecutive_days_off: Count | None = Field(
        default=None, description="Shortest run of days off between working days (runs at the horizon's ends are free)."
    )
    max_evening_sessions_per_week: Count | None = Field(default=None, description="Evening sessions in a week.")
    max_weekends: Count | None = Field(
        default=None, description="Weekends worked in the horizon; a weekend counts when Saturday or Sunday is worked."
    )
    max_sessions_by_period: dict[Id, Count] = Field(
        default_factory=dict,
        description="Sessions in each listed period over the whole horizon, at most, commitments included "
        "(e.g. {eve: 4}: four evening lists); 0 keeps the specialist out of that period.",
    )
    preferences: list[Preference] = Field(default_factory=list)
    fte: Int = Field(
        default=100, ge=1, le=100, description="Full-time equivalent in percent; fairness weighs burden by it."
    )

    @property
    def burden_factor(self) -> int:
        """Integer multiplier that puts burden on a full-time scale: 100 at full time, 200 at
        half time (round(10000 / fte)); integers keep the model and the checker exact."""
        return round(10000 / self.fte)

    @property
    def label(self) -> str:
        return self.name or self.id


class _OnDays(_Frozen):
    """Shared handling of `day:` / `days:` so both spellings mean the same everywhere."""

    day: Weekday | None = None
    days: list[Weekday] | None = None

    @model_validator(mode="after")
    def _one_day_field(self) -> _OnDays:
        if self.day is not None and self.days is not None:
            raise ValueError("give either 'day' or 'days', not both")
        return self

    def weekdays(self) -> frozenset[int]:
        """Weekday indices (Monday 0) this applies to; all seven when neither field is given."""
        if self.day is not None:
            return frozenset({self.day.number})
        if self.days is not None:
            return frozenset(d.number for d in self.days)
        return frozenset(range(7))


class _OnDates(_OnDays):
    """Weekdays (`day:`/`days:`) or given `dates`, never both: demands and on-call windows."""

    dates: list[dt.date] | None = Field(
        default=None,
        min_length=1,
        description="Only on these dates (instead of weekdays); dates outside the horizon have no effect.",
    )

    @model_validator(mode="after")
    def _dates_or_weekdays(self) -> _OnDates:
        if self.dates is not None and (self.day is not None or self.days is not None):
            raise ValueError("give either 'dates' or 'day'/'days', not both: dates already fix the weekdays")
        return self

    def on(self, date: dt.date) -> bool:
        """Does it hold on this date (one of its dates, or one of its weekdays)?"""
        if self.dates is not None:
            return date in self.dates
        return date.weekday() in self.weekdays()


class Commitment(_OnDays):
    """A fixed home duty that holds every week on its weekday(s); hard."""

    specialist: Id
    period: Id
    site: Id
    activity: Id
    resource: Id | None = None

    @model_validator(mode="after")
    def _needs_day(self) -> Commitment:
        if self.day is None and self.days is None:
            raise ValueError("a commitment needs 'day' (or 'days'): the weekday(s) it holds on")
        return self


class SessionRange(_Frozen):
    """How many sessions a demand wants in each week: `min` is soft, `max` is hard."""

    min: Count = 0
    max: Count

    @model_validator(mode="after")
    def _ordered(self) -> SessionRange:
        if self.min > self.max:
            raise ValueError(f"sessions.min ({self.min}) is above sessions.max ({self.max})")
        return self


class TeamRole(_Frozen):
    """One role of a team session: how many members fill it and the skills each needs on top of
    the demand's own `skills` (e.g. one lead operator with `pci`)."""

    role: Id
    skills: list[Id] = Field(
        default_factory=list, description="Skills each member of this role needs besides the demand's."
    )
    count: Int = Field(default=1, ge=1, le=20, description="Members in this role at every session.")


class Demand(_OnDates):
    """Sessions a partner site asks for in each week, with the skills they need."""

    id: Id
    name: str = ""
    site: Id
    activity: Id
    skills: list[Id] = Field(default_factory=list)
    sessions: SessionRange
    periods: list[Id] | None = Field(default=None, description="Allowed periods; all when not given.")
    resource: Id | None = None
    priority: Count = Field(default=1, description="Weight of one uncovered session.")
    continuity: bool = Field(
        default=False, description="Few distinct specialists should serve it: each costs weights.distinct_specialist."
    )
    preferred: list[Id] = Field(
        default_factory=list,
        description="Specialists it prefers (e.g. the teacher of its local doctors); others cost "
        "weights.non_preferred_session per session.",
    )
    max_specialists: Count | None = Field(
        default=None, description="At most this many distinct specialists serve it over the horizon (hard)."
    )
    teaches: list[Id] = Field(
        default_factory=list,
        description="Trainees (local doctors, `trainees`) taught in its sessions; a session teaches those "
        "of them who are available then.",
    )

    remote: bool = Field(
        default=False,
        description="A teleconsultation: the specialist serves it from their own home site, with no travel, "
        "using `resource` (e.g. a telemedicine terminal) there; the partner site needs nothing but the slot. "
        "With remote_resource: a remote surgery (see there).",
    )
    remote_resource: Id | None = Field(
        default=None,
        description="Remote surgery: a resource of the demand's own site (e.g. the robot) held in the same "
        "slot while the surgeon operates from `resource` (the master console) at any site that has one, "
        "their home or another they drive to (rule console_site). Needs remote and resource.",
    )
    team: list[TeamRole] | None = Field(
        default=None,
        min_length=1,
        description="A team per session: every role with its count must be there, or the session is not held "
        "(rule team_complete). The demand's `skills` are needed by every member. Absent: one specialist "
        "with the demand's skills is one session.",
    )
    surplus_weight: Count = Field(
        default=0, description="Each session above sessions.min in a week costs this much; 0: extra sessions are free."
    )

    @model_validator(mode="after")
    def _distinct_roles(self) -> Demand:
        roles = [r.role for r in self.team or []]
        twice = sorted({r for r in roles if roles.count(r) > 1})
        if twice:
            raise ValueError(f"team role {twice[0]!r} is listed twice; give each role once, with its count")
        if self.remote_resource is not None and not self.remote:
            raise ValueError("remote_resource (the robot of a remote surgery) needs 'remote: true'")
        if self.remote_resource is not None and self.resource is None:
            raise ValueError(
                "a remote surgery (remote_resource) needs 'resource': the master console the surgeon operates from"
            )
        if self.remote and self.team:
            raise ValueError("a remote demand (teleconsultation) cannot need a team: each member sits elsewhere")
        return self

    @property
    def is_remote_surgery(self) -> bool:
        """A remote demand holding a robot at its site: served from a console, not from home."""
        return self.remote_resource is not None

    def role_skills(self, role: str | None) -> list[str]:
        """The skills a member in `role` needs: the demand's, and the role's own (a demand
        without a team has one role, None)."""
        extra = next((r.skills for r in self.team or [] if r.role == role), [])
        return [*self.skills, *(s for s in extra if s not in self.skills)]

    @property
    def roles(self) -> list[str | None]:
        """The roles of a session: the team's, or [None] for one specialist."""
        return [r.role for r in self.team] if self.team else [None]


class OnCall(_OnDates):
    """A green channel: in each of its periods on its days (`day`/`days`, or `dates`), at least
    `count` specialists with `skills` are somewhere from which they reach `site` within
    `reach_minutes`. Rule `on_call_reach`: hard, or with `weight` a soft shortfall."""

    id: Id
    name: str = ""
    site: Id = Field(description="The hospital the on-call specialists must be able to reach.")
    skills: list[Id] = Field(default_factory=list)
    count: Count = Field(default=1, description="Specialists within reach in each period of the window.")
    reach_minutes: Minutes = Field(description="Most minutes by car from where they are to `site`.")
    periods: list[Id] | None = Field(
        default=None, min_length=1, description="The periods it holds in; all when not given."
    )
    weight: Count | None = Field(
        default=None,
        description="When given, the rule is soft: each specialist short in a period costs `weight` "
        "(term on_call_shortfall); when absent it is hard.",
    )


MONTH_DAYS = 28
"""A "month" of teaching targets: four weeks from the horizon's start."""


class Trainee(_Frozen):
    """A local doctor taught by visiting specialists in the sessions of demands that name them
    (`demands[].teaches`). Terms `teaching_continuity` and `teaching_target`."""

    id: Id
    name: str = ""
    site: Id = Field(description="Where the trainee works.")
    unavailable: list[Unavailable] = Field(default_factory=list)
    sessions_per_month: Count = Field(
        default=0,
        description="Teaching sessions wanted in each 4-week block from the horizon's start (a shorter "
        "last block wants that share, rounded down); each one short costs weights.teaching_session.",
    )

    @property
    def label(self) -> str:
        return self.name or self.id

    def is_off(self, date: dt.date, period: str) -> bool:
        return any(off.date == date and (off.periods is None or period in off.periods) for off in self.unavailable)

    def target_blocks(self, days: int) -> list[tuple[int, int, int]]:
        """(first day, length, target) of each 4-week block of a `days`-long horizon: the whole
        `sessions_per_month` for four weeks, a shorter last block its share rounded down. One
        definition for the model and the checker of `teaching_target`."""
        blocks = []
        for start in range(0, days, MONTH_DAYS):
            length = min(MONTH_DAYS, days - start)
            blocks.append((start, length, self.sessions_per_month * length // MONTH_DAYS))
        return blocks


class SessionMatch(_Frozen):
    """Which sessions of a day a succession rule means: by period, by activity, or both."""

    period: Id | None = None
    activity: Id | None = None

    def matches(self, period: str, activity: str) -> bool:
        """Whether a session in `period` with `activity` is one it means (each when named)."""
        return (self.period is None or self.period == period) and (self.activity is None or self.activity == activity)


class Succession(_Frozen):
    """A pair that may not follow each other: a session matching `today` on one day and one
    matching `tomorrow` on the next (e.g. an evening surgery list, then a morning clinic)."""

    today: SessionMatch
    tomorrow: SessionMatch
    specialists: list[Id] | None = Field(default=None, description="Whom it binds; everyone when absent.")


class Request(_Frozen):
    """A specialist's wish for a date: to work (`on`) or not (`off`) in the listed periods or
    the whole day. A soft request costs `weight` when not granted; a `hard` day off binds."""

    specialist: Id
    date: dt.date
    periods: list[Id] | None = Field(default=None, min_length=1, description="The whole day when absent.")
    want: Literal["on", "off"]
    weight: Count = 1
    hard: bool = False

    @model_validator(mode="after")
    def _hard_is_off(self) -> Request:
        if self.hard and self.want == "on":
            raise ValueError("only a day off can be hard ('want: off'); a wish to work is always soft")
        return self


class Pin(_Frozen):
    """A session that must stay as it is: the specialist serves the demand on that date and
    period (e.g. one already announced to a partner hospital). Hard: rule `pins`."""

    specialist: Id
    date: dt.date
    period: Id
    demand: Id


class StayPin(_Frozen):
    """A night away that must stay as it is: the specialist sleeps at `site` after `night`
    (one already announced, a room booked). Hard: rule `pins`. `solve --pin ROSTER` pins
    every stay of ROSTER along with its sessions."""

    specialist: Id
    night: dt.date
    site: Id


class Burden(_Frozen):
    """What makes a specialist's week heavy, in points, for fairness: each outreach session,
    evening session, weekend day worked and minute driven adds its points."""

    outreach_session: Count = 1
    evening_session: Count = 0
    weekend_day: Count = 0
    travel_minute: Count = 0


class Fairness(_Frozen):
    """How outreach burden is measured when it is to be shared (weights.fairness_*)."""

    burden: Burden = Field(default_factory=Burden)


class Rules(_Frozen):
    """Global hard-rule parameters."""

    min_rest_minutes: Minutes = Field(
        default=0,
        description="From getting home after the last session to leaving for the next day's first.",
    )
    forbidden_successions: list[Succession] = Field(default_factory=list)
    runs_at_horizon_ends: Literal["held", "free"] = Field(
        default="held",
        description="Must a run of working days touching the horizon's first or last day meet "
        "min_consecutive_working_days? held: yes, days outside count as off; free: no, it may continue "
        "outside (the Curtois & Qu benchmark's reading; with history the first day is judged against it).",
    )


class Weights(_Frozen):
    """Objective weights; a term whose weight is 0 is not built."""

    uncovered_session: Count = Field(default=1000, description="Per uncovered session, times priority.")
    travel_minute: Count = Field(default=1, description="Per minute driven.")
    request: Count = Field(default=1, description="Multiplies each unmet request's own weight.")
    fairness_max: Count = Field(default=0, description="Per point of the largest FTE-scaled burden.")
    fairness_deviation: Count = Field(
        default=0, description="Per point of n x the sum of |FTE-scaled burden - mean| (n specialists sharing)."
    )
    distinct_specialist: Count = Field(default=0, description="Per distinct specialist serving a continuity demand.")
    preference: Count = Field(default=1, description="Multiplies each preference's own weight.")
    non_preferred_session: Count = Field(
        default=0, description="Per session of a demand served by a non-preferred specialist."
    )
    distinct_teacher: Count = Field(default=0, description="Per distinct specialist teaching a trainee.")
    teaching_session: Count = Field(
        default=0, description="Per teaching session a trainee is short of their monthly target."
    )
    overnight_stay: Count = Field(
        default=60,
        description="Per night a specialist stays away from home (sites[].overnight); by default a night "
        "weighs an hour of driving, so a stay is chosen only where it saves more than that.",
    )


TravelLeg = tuple[Id, Id, Minutes]


class Instance(_Frozen):
    """One planning problem: horizon, sites, travel, specialists, commitments and demands."""

    name: str = Field(min_length=1)
    horizon: Horizon
    periods: list[Period] = Field(min_length=1, max_length=48)
    sites: list[Site] = Field(min_length=1)
    travel: list[TravelLeg] = Field(
        default_factory=list,
        description="[from, to, minutes] one way by car; the reverse takes the same unless listed.",
    )
    derive_missing_travel: bool = Field(
        default=False,
        description=(
            "When true, a pair of sites missing from `travel` gets the shortest route over the "
            "listed legs; when false (the default) a missing pair that a specialist could "
            "combine is an error."
        ),
    )
    specialists: list[Specialist] = Field(min_length=1)
    commitments: list[Commitment] = Field(default_factory=list)
    demands: list[Demand] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)
    pins: list[Pin] = Field(
        default_factory=list, description="Sessions that must stay: specialist, date, period, demand (hard)."
    )
    pinned_stays: list[StayPin] = Field(
        default_factory=list, description="Nights away that must stay: specialist, night, site (hard, rule pins)."
    )
    on_call: list[OnCall] = Field(
        default_factory=list, description="Green channels: specialists within reach of a hospital (on_call_reach)."
    )
    trainees: list[Trainee] = Field(default_factory=list, description="Local doctors taught by demands' sessions.")
    remote_links: list[tuple[Id, Id]] = Field(
        default_factory=list,
        description="Site pairs with a link for remote work (either way); when any is listed, a remote demand "
        "is served only from a site linked to its own (rule remote_link). None listed: every pair is linked.",
    )
    fairness: Fairness = Field(default_factory=Fairness)
    rules: Rules = Field(default_factory=Rules)
    weights: Weights = Field(default_factory=Weights)

    def linked(self, a: str, b: str) -> bool:
        """Can remote work join sites a and b? Always when no links are listed, or a == b."""
        return not self.remote_links or a == b or (a, b) in self.remote_links or (b, a) in self.remote_links

    def served_from(self, demand: Demand, home: str, only_linked: bool = True) -> list[str]:
        """The sites a specialist whose home is `home` can serve `demand` from: its own site;
        home for a teleconsultation (rule teleconsultation); for a remote surgery every site
        with a master console (its `resource`), home or not (rule console_site); a remote
        demand only from a site linked to the demand's (rule remote_link; `only_linked=False`
        keeps the others, to say why they fail). One definition for the candidates and the
        travel pairs they need."""
        if not demand.remote:
            return [demand.site]
        if demand.is_remote_surgery:
            sites = [s.id for s in self.sites if s.resources.get(demand.resource or "", 0) > 0]
        else:
            sites = [home]
        return [site for site in sites if not only_linked or self.linked(site, demand.site)]

    def outreach_sharers(self) -> list[str]:
        """Specialists among whom outreach burden is shared: those with every skill of some
        demand away from their home. Model and checker both measure fairness over these.
        Demands are read as their distinct (site, skills): a year of day-shift covers holds
        thousands of demands and a handful of those (Curtois & Qu Instance24: 11,648)."""
        wanted = {(d.site, frozenset(d.skills)) for d in self.demands}
        return [
            spec.id
            for spec in self.specialists
            if any(site != spec.home and skills <= set(spec.skills) for site, skills in wanted)
        ]

    @model_validator(mode="after")
    def _references(self) -> Instance:
        # Imported here: references.py needs the classes above.
        from outreach_opt.domain.references import raise_reference_problems

        raise_reference_problems(self)
        return self


RosterStatus = Literal["optimal", "feasible", "infeasible", "unknown", "interrupted"]
