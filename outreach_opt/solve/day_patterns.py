"""Day patterns: every way one specialist's day can go that the day-local hard rules allow.

A pattern fixes, for each period of one date, where the specialist is (a site, or nowhere),
and whether that is a commitment. Enumerating them lets the model choose exactly one pattern
per specialist and day, which makes the day's travel, the daily travel limit and the times
the day starts and ends exact linear functions of the pattern choice. Its LP relaxation is the
convex hull of each day's feasible set: much stronger than linking pairwise site variables.

Rules applied while enumerating (each a named predicate, the ids of models/MODEL.md):
`one_place` (one site per period by construction), `commitments` and `unavailability`
(through each period's options), `travel_between`, `daily_travel` and `daily_sessions`
(pruned as the day is extended, so infeasible prefixes are never completed).

A day starts and ends at home unless given a `start` or `end` site: the place of a night's
stay (rule `overnight_stay`, solve/stay_rules.py), where the day's first drive begins or its
last one ends. Such a day has at least one session (a stay lies between two working days);
its travel, `leave` and `back` are measured from and to those sites, so `daily_travel` and
`rest` (rest at the stay) read them unchanged.

In explain mode (`enumerate_day(..., explain=True)`) nothing is pruned and a committed period
may also be left empty: each pattern instead lists in `breaks` the groups (rule id, key) of
the day-local rules it breaks, and the builder forbids it only while those groups are assumed.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from outreach_opt.domain.prepared import Prepared

COMMITMENT = "commitment"


@dataclass(frozen=True)
class _Ends:
    """Where a day begins and ends (None: home): what the enumeration is asked for, and what
    each `DayPattern` it makes keeps. Keyword-only, so a pattern's own fields come first."""

    start: str | None = field(default=None, kw_only=True)
    """Where the day begins: the previous night's stay site, or None for home."""
    end: str | None = field(default=None, kw_only=True)
    """Where the day ends: that night's stay site, or None for home."""

    def first(self, home: str) -> str:
        return self.start or home

    def last(self, home: str) -> str:
        return self.end or home

    @property
    def at_home(self) -> bool:
        """Starts and ends at home: no stay the night before or after (an idle day is allowed)."""
        return self.start is None and self.end is None


@dataclass(frozen=True)
class DayPattern(_Ends):
    """One feasible day: `stops[p]` is the site at period p, or None when free."""

    stops: tuple[str | None, ...]
    committed: tuple[bool, ...]
    travel: int
    leave: int | None
    """Minute the specialist leaves home (may be negative: before midnight); None if idle."""
    back: int | None
    """Minute the specialist is home again; None if idle."""
    sessions: int
    outreach: int
    minutes: int
    """Working minutes: the lengths of the periods with a session."""
    evenings: int
    breaks: tuple[tuple[str, tuple[str | int, ...]], ...] = ()
    """Explain mode only: the day-local rule groups this pattern breaks."""

    @property
    def idle(self) -> bool:
        return self.sessions == 0

    def occupies(self, periods: frozenset[int]) -> bool:
        return any(self.stops[p] is not None for p in periods)


def period_options(prep: Prepared, spec: str, day: int, explain: bool = False) -> list[list[tuple[str | None, bool]]]:
    """Per period: the (site, is_commitment) choices. A commitment is the only choice in its
    period (rule `commitments`); an unavailable period has none but idle (`unavailability`);
    otherwise idle or any site with a demand candidate there (`demand_fit` made the list).
    In explain mode a committed period may also be left empty or given to a demand."""
    demand_sites: dict[int, set[str]] = defaultdict(set)
    for cand in prep.candidates_by_day.get((spec, day), ()):
        demand_sites[cand.period].add(cand.site)
    options: list[list[tuple[str | None, bool]]] = []
    for p in range(prep.n_periods):
        com = prep.commitment_at.get((spec, day, p))
        if com is not None:
            free = ([(None, False)] + [(site, False) for site in sorted(demand_sites[p])]) if explain else []
            options.append([(com.site, True), *free])
        elif (spec, day, p) in prep.unavailable:
            options.append([(None, False)])
        else:
            options.append([(None, False)] + [(site, False) for site in sorted(demand_sites[p])])
    return options


def travel_between_ok(prep: Prepared, stops: list[tuple[int, str]], period: int, site: str) -> bool:
    """Rule `travel_between`: from every earlier session of the day (not only the last one)
    the specialist can reach `site` before `period` starts."""
    start = prep.period_start[period]
    return all(prep.period_end[q] + prep.leg(s, site) <= start for q, s in stops)


def daily_travel_ok(prep: Prepared, spec: str, minutes: int) -> bool:
    """Rule `daily_travel`: the day's driving (from its start to its end) within the specialist's
    daily limit."""
    limit = prep.specialists[spec].max_travel_minutes_per_day
    return limit is None or minutes <= limit


def daily_sessions_ok(prep: Prepared, spec: str, sessions: int) -> bool:
    """Rule `daily_sessions`: no more sessions in a day than the specialist's limit."""
    limit = prep.specialists[spec].max_sessions_per_day
    return limit is None or sessions <= limit


DayKey = tuple[object, ...]
"""What a non-explain enumeration depends on: home, the daily limits, the period options and
the start and end sites."""


def enumerate_day(
    prep: Prepared,
    spec: str,
    day: int,
    explain: bool = False,
    cache: dict[DayKey, list[DayPattern]] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[DayPattern]:
    """All feasible patterns of one specialist-day, in a fixed order (idle first if allowed).
    With `explain`, every pattern, each tagged with the day-local groups it breaks. With a
    `start` or `end` site (a night's stay), only working days, driving from and to them.

    With `cache`, days with the same home, limits and period options share one enumeration
    (patterns are immutable): most specialist-days of a generated instance repeat another's,
    and enumerating was 40 % of building a four-week model."""
    ends = _Ends(start=start, end=end)
    if explain:
        return _enumerate_explained(prep, spec, day, ends)
    options = period_options(prep, spec, day)
    person = prep.specialists[spec]
    key: DayKey = (person.home, person.max_travel_minutes_per_day, person.max_sessions_per_day, repr(options))
    if start is not None or end is not None:
        key = (*key, start, end)  # home-to-home days keep their key (and so their cache)
    if cache is not None and key in cache:
        return cache[key]
    found = _enumerate(prep, spec, options, ends)
    if cache is not None:
        cache[key] = found
    return found


def _enumerate(
    prep: Prepared, spec: str, options: list[list[tuple[str | None, bool]]], ends: _Ends = _Ends()
) -> list[DayPattern]:
    """Depth-first over the periods, keeping the driving so far as it goes; a prefix over a
    limit is dropped (driving and sessions only grow), and a complete day is checked with its
    drive to where it ends before any pattern is made."""
    home = prep.specialists[spec].home
    found: list[DayPattern] = []
    stops: list[tuple[int, str]] = []
    chosen: list[tuple[str | None, bool]] = []

    def extend(p: int, driven: int) -> None:
        if p == prep.n_periods:
            if not stops:
                if ends.at_home:  # a stay lies between two working days: no idle day at one
                    found.append(_finish(prep, home, stops, chosen))
            elif daily_travel_ok(prep, spec, driven + prep.leg(stops[-1][1], ends.last(home))):
                found.append(_finish(prep, home, stops, chosen, ends))
            return
        for site, committed in options[p]:
            if site is None:
                chosen.append((None, False))
                extend(p + 1, driven)
                chosen.pop()
                continue
            if not travel_between_ok(prep, stops, p, site):
                continue
            driven_now = driven + prep.leg(stops[-1][1] if stops else ends.first(home), site)
            stops.append((p, site))
            if daily_travel_ok(prep, spec, driven_now) and daily_sessions_ok(prep, spec, len(stops)):
                chosen.append((site, committed))
                extend(p + 1, driven_now)
                chosen.pop()
            stops.pop()

    extend(0, 0)
    return found


def _finish(
    prep: Prepared,
    home: str,
    stops: list[tuple[int, str]],
    chosen: list[tuple[str | None, bool]],
    ends: _Ends = _Ends(),
) -> DayPattern:
    sites = tuple(site for site, _ in chosen)
    committed = tuple(flag for _, flag in chosen)
    if not stops:
        return DayPattern(sites, committed, 0, None, None, 0, 0, 0, 0, start=ends.start, end=ends.end)
    first, last = ends.first(home), ends.last(home)
    travel = prep.leg(first, stops[0][1]) + prep.leg(stops[-1][1], last)
    for (_, a), (_, b) in itertools.pairwise(stops):
        travel += prep.leg(a, b)
    first_p, first_site = stops[0]
    last_p, last_site = stops[-1]
    return DayPattern(
        stops=sites,
        committed=committed,
        travel=travel,
        leave=prep.period_start[first_p] - prep.leg(first, first_site),
        back=prep.period_end[last_p] + prep.leg(last_site, last),
        sessions=len(stops),
        outreach=sum(1 for _, s in stops if s != home),
        minutes=sum(prep.period_minutes[p] for p, _ in stops),
        evenings=sum(1 for p, _ in stops if prep.evening[p]),
        start=ends.start,
        end=ends.end,
    )


def _enumerate_explained(prep: Prepared, spec: str, day: int, ends: _Ends = _Ends()) -> list[DayPattern]:
    """Every combination of the period options, unpruned, tagged with what it breaks:
    `commitments` (spec, day, period) per commitment left out, `travel_between`,
    `daily_travel` and `daily_sessions` (spec, day). A day at a stay is never idle: that is
    the stay's structure, not a group."""
    home = prep.specialists[spec].home
    found = []
    for chosen in itertools.product(*period_options(prep, spec, day, explain=True)):
        stops = [(p, site) for p, (site, _) in enumerate(chosen) if site is not None]
        if not stops and not ends.at_home:
            continue
        pat = _finish(prep, home, stops, list(chosen), ends)
        breaks: list[tuple[str, tuple[str | int, ...]]] = [
            ("commitments", (spec, day, p))
            for p in range(prep.n_periods)
            if (spec, day, p) in prep.commitment_at and not chosen[p][1]
        ]
        if any(not travel_between_ok(prep, stops[:i], p, site) for i, (p, site) in enumerate(stops)):
            breaks.append(("travel_between", (spec, day)))
        if not daily_travel_ok(prep, spec, pat.travel):
            breaks.append(("daily_travel", (spec, day)))
        if not daily_sessions_ok(prep, spec, pat.sessions):
            breaks.append(("daily_sessions", (spec, day)))
        found.append(dataclasses.replace(pat, breaks=tuple(breaks)))
    return found
