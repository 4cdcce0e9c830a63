"""An instance turned into the integer, index-based data the model builder works on.

Everything here is minutes, indices and sets, computed once, so the builder never parses a
clock time or walks a weekday list. Days are indices into the horizon (`t`), periods indices
into `instance.periods` (`p`). This module imports no solver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

from outreach_opt.domain.history import HistoryFacts, history_facts
from outreach_opt.domain.instance import Commitment, Demand, Instance, Specialist
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import TravelMatrix, travel_matrix

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Candidate:
    """A demand session one specialist could serve: the decision the solver makes."""

    specialist: str
    demand: str
    day: int
    period: int
    site: str
    """Where it is served from: the demand's site, or for a remote demand the specialist's home
    (teleconsultation) or a site with the master console (remote surgery)."""
    role: str | None = None
    """The team role it fills, for a demand with a `team`."""


@dataclass(frozen=True)
class DayRequest:
    """A request on one day of the horizon: periods as indices, all when it names none."""

    specialist: str
    day: int
    periods: frozenset[int]
    want: str
    weight: int
    hard: bool
    index: int = -1
    """Its place in `instance.requests`."""


@dataclass(frozen=True)
class Prepared:
    instance: Instance
    dates: list[dt.date]
    weekday: list[int]
    week: list[int]
    n_weeks: int
    period_ids: list[str]
    period_start: list[int]
    period_end: list[int]
    travel: TravelMatrix
    specialists: dict[str, Specialist]
    demands: dict[str, Demand]
    unavailable: frozenset[tuple[str, int, int]]
    commitment_at: dict[tuple[str, int, int], Commitment]
    candidates: list[Candidate]
    capacity: dict[tuple[str, str], int]
    candidates_by_day: dict[tuple[str, int], list[Candidate]]
    days_of_week: list[list[int]] = field(default_factory=list)
    period_minutes: list[int] = field(default_factory=list)
    evening: list[bool] = field(default_factory=list)
    requests: list[DayRequest] = field(default_factory=list)
    weekends: list[list[int]] = field(default_factory=list)
    """Day indices of each weekend (Saturday and Sunday of one calendar week) in the horizon."""
    history: HistoryFacts = field(default_factory=HistoryFacts)
    demand_weeks: dict[str, list[int]] = field(default_factory=dict)
    """Week indices in which each demand asks for sessions: every week, or for a demand with
    `dates` only the weeks holding one of them (uncovered sessions count only there)."""
    date_index: dict[dt.date, int] = field(init=False)
    """Day index of each date of the horizon (the inverse of `dates`): made once, from `dates`,
    for every reader of dated input (pins, hints, a published roster). Derived, never passed,
    so no `Prepared` can hold dates without their index."""
    period_index: dict[str, int] = field(init=False)
    """Index of each period id (the inverse of `period_ids`), derived likewise."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date_index", {d: t for t, d in enumerate(self.dates)})
        object.__setattr__(self, "period_index", {p: i for i, p in enumerate(self.period_ids)})

    @property
    def n_days(self) -> int:
        return len(self.dates)

    @property
    def n_periods(self) -> int:
        return len(self.period_ids)

    def leg(self, a: str, b: str) -> int:
        return self.travel[(a, b)]

    def commitment_assignment(self, spec: str, day: int, period: int) -> Assignment:
        """The roster's row for the commitment `spec` holds then (`commitment_at`), its resource
        included: one way for every solver and peer to write it."""
        com = self.commitment_at[(spec, day, period)]
        return self._assignment(spec, day, period, com.site, com.activity, None, com.resource, commitment=True)

    def session_assignment(
        self, spec: str, day: int, period: int, site: str, demand: str, role: str | None = None
    ) -> Assignment:
        """The roster's row for a session of `demand` served from `site` (a candidate's site: the
        demand's own, or a remote demand's home or console site), its resource included."""
        dem = self.demands[demand]
        return self._assignment(spec, day, period, site, dem.activity, dem.id, dem.resource, role=role)

    def _assignment(
        self,
        spec: str,
        day: int,
        period: int,
        site: str,
        activity: str,
        demand: str | None,
        resource: str | None,
        commitment: bool = False,
        role: str | None = None,
    ) -> Assignment:
        extra = {"resource": resource} if resource is not None else {}
        return Assignment(
            specialist=spec,
            date=self.dates[day],
            period=self.period_ids[period],
            site=site,
            activity=activity,
            demand=demand,
            commitment=commitment,
            role=role,
            **extra,
        )


def prepare(
    instance: Instance,
    past: Sequence[Assignment] = (),
    free_commitments: bool = False,
    pairs: frozenset[tuple[str, str]] | None = None,
) -> Prepared:
    """Expand weekdays into dates, commitments into occurrences, demands into candidates;
    `past` (assignments before the horizon, see domain/history.py) becomes history facts.
    With `free_commitments` (explain mode, where a commitment may be left out) a committed
    period still has its demand candidates. With `pairs` (specialist, demand), only those
    pairs get candidates (the shortlist of solve/shortlist.py for instances too large to
    model whole)."""
    dates = instance.horizon.dates()
    week = [t // 7 for t in range(len(dates))]
    n_weeks = week[-1] + 1
    period_ids = [p.id for p in instance.periods]
    pidx = {pid: i for i, pid in enumerate(period_ids)}
    date_index = {d: t for t, d in enumerate(dates)}

    unavailable: set[tuple[str, int, int]] = set()
    for spec in instance.specialists:
        for off in spec.unavailable:
            t = date_index.get(off.date)
            if t is None:
                continue  # outside the horizon: no effect here
            for pid in off.periods or period_ids:
                unavailable.add((spec.id, t, pidx[pid]))

    commitment_at: dict[tuple[str, int, int], Commitment] = {}
    for com in instance.commitments:
        days = com.weekdays()
        p = pidx[com.period]
        for t, date in enumerate(dates):
            if date.weekday() in days and (com.specialist, t, p) not in unavailable:
                commitment_at[(com.specialist, t, p)] = com

    demand_weeks: dict[str, list[int]] = {}
    for dem in instance.demands:
        on_days = _on_days(dem, dates, date_index)
        demand_weeks[dem.id] = sorted({week[t] for t in on_days}) if dem.dates is not None else list(range(n_weeks))
    candidates = list(_candidates(instance, dates, unavailable, commitment_at, free_commitments, pairs))

    capacity = {(s.id, r): n for s in instance.sites for r, n in s.resources.items()}
    by_day = _by_day(candidates)
    requests = [
        DayRequest(
            r.specialist,
            date_index[r.date],
            frozenset(pidx[pid] for pid in r.periods) if r.periods else frozenset(range(len(period_ids))),
            r.want,
            r.weight,
            r.hard,
            i,
        )
        for i, r in enumerate(instance.requests)
        if r.date in date_index  # outside the horizon: no effect here
    ]
    weekends: dict[dt.date, list[int]] = {}
    for t, date in enumerate(dates):
        if date.weekday() >= 5:
            weekends.setdefault(date - dt.timedelta(days=date.weekday()), []).append(t)
    travel = travel_matrix(instance)
    return Prepared(
        instance=instance,
        dates=dates,
        weekday=[d.weekday() for d in dates],
        week=week,
        n_weeks=n_weeks,
        period_ids=period_ids,
        period_start=[p.start_minute for p in instance.periods],
        period_end=[p.end_minute for p in instance.periods],
        travel=travel,
        specialists={s.id: s for s in instance.specialists},
        demands={d.id: d for d in instance.demands},
        unavailable=frozenset(unavailable),
        commitment_at=commitment_at,
        candidates=candidates,
        capacity=capacity,
        candidates_by_day=by_day,
        days_of_week=[[t for t in range(len(dates)) if week[t] == w] for w in range(n_weeks)],
        period_minutes=[p.end_minute - p.start_minute for p in instance.periods],
        evening=[p.is_evening for p in instance.periods],
        requests=requests,
        weekends=list(weekends.values()),
        history=history_facts(instance, travel, past),
        demand_weeks=demand_weeks,
    )


def with_pairs(prep: Prepared, pairs: frozenset[tuple[str, str]] | None) -> Prepared:
    """`prep` with the candidates of `pairs` (all, with None) in place of its own: the same as
    `prepare(instance, past, pairs=pairs)` for a `prep` of `prepare(instance, past)` (with any
    `pairs`, and without `free_commitments`), since nothing else it holds depends on pairs.

    Why: solve/shortlist.py prepares a sample's candidates, then the whole instance's or a
    shortlist's for each shape tried; each `prepare` redid the commitments, requests, travel
    and history, and checked the skills of every specialist for every demand (1000 x 60 x 4
    weeks: six prepares, 12.9 of plan_model's 31 profiled seconds)."""
    candidates = list(_candidates(prep.instance, prep.dates, prep.unavailable, prep.commitment_at, False, pairs))
    return dataclasses.replace(prep, candidates=candidates, candidates_by_day=_by_day(candidates))


def candidates_on(
    prep: Prepared, pairs: frozenset[tuple[str, str]] | None, days: Collection[int]
) -> Iterator[Candidate]:
    """The candidates `with_pairs(prep, pairs)` would hold on `days`, one at a time and in
    the same order, without making the others.

    Why: to ask whether a part of an instance is small enough before preparing it (the
    weekends' count at 1000 x 60 x 4 weeks prepared 2.46M candidates in 6 s to find 1.06M of
    them on weekend days, twenty times what its MIP takes, solve/weekend_bound.py)."""
    return _candidates(prep.instance, prep.dates, prep.unavailable, prep.commitment_at, False, pairs, frozenset(days))


def _on_days(dem: Demand, dates: list[dt.date], date_index: dict[dt.date, int]) -> list[int]:
    if dem.dates is not None:  # dated: look up its few dates, not every day of the horizon
        return sorted({date_index[d] for d in dem.dates if d in date_index})
    weekdays = dem.weekdays()
    return [t for t, date in enumerate(dates) if date.weekday() in weekdays]


def _candidates(
    instance: Instance,
    dates: list[dt.date],
    unavailable: frozenset[tuple[str, int, int]] | set[tuple[str, int, int]],
    commitment_at: dict[tuple[str, int, int], Commitment],
    free_commitments: bool,
    pairs: frozenset[tuple[str, str]] | None,
    days: frozenset[int] | None = None,
) -> Iterator[Candidate]:
    """Every demand session a specialist with its skills could serve (only `pairs`' if
    given, only on `days` if given), by demand, role, specialist (the instance's orders), day,
    period and site."""
    date_index = {d: t for t, d in enumerate(dates)}
    pidx = {p.id: i for i, p in enumerate(instance.periods)}
    paired: dict[str, set[str]] | None = None
    if pairs is not None:
        paired = {}
        for spec_id, dem_id in pairs:
            paired.setdefault(dem_id, set()).add(spec_id)
    skills = {spec.id: frozenset(spec.skills) for spec in instance.specialists}
    by_id = {spec.id: spec for spec in instance.specialists}
    position = {spec.id: i for i, spec in enumerate(instance.specialists)}
    for dem in instance.demands:
        specs = instance.specialists
        if paired is not None:
            if dem.id not in paired:
                continue
            # the demand's few paired specialists in the instance's order, not every specialist
            specs = [by_id[s] for s in sorted(paired[dem.id] & by_id.keys(), key=position.__getitem__)]
        on_days = _on_days(dem, dates, date_index)
        if days is not None:
            on_days = [t for t in on_days if t in days]
        periods = [pidx[pid] for pid in dem.periods] if dem.periods is not None else range(len(pidx))
        for role in dem.roles:  # a team's roles; one role, None, without a team
            needs = set(dem.role_skills(role))
            for spec in specs:
                if not needs <= skills[spec.id]:
                    continue
                # teleconsultation, console_site and remote_link: where it can be served from
                sites = instance.served_from(dem, spec.home)
                for t in on_days:
                    for p in periods:
                        key = (spec.id, t, p)
                        if key in unavailable or (key in commitment_at and not free_commitments):
                            continue
                        for site in sites:
                            yield Candidate(spec.id, dem.id, t, p, site, role)


def _by_day(candidates: list[Candidate]) -> dict[tuple[str, int], list[Candidate]]:
    by_day: dict[tuple[str, int], list[Candidate]] = {}
    for cand in candidates:
        by_day.setdefault((cand.specialist, cand.day), []).append(cand)
    return by_day
