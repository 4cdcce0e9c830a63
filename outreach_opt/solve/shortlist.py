"""A relevance shortlist for instances too large to model whole (issue 8, item 5).

The day-pattern encoding (solve/day_patterns.py) makes one variable per way a specialist's
day can go. A specialist who could serve demands at 37 sites in each of three periods has
about 1,300 such days after travel pruning: 300 specialists x 40 sites x 1 week made 2.4M
patterns (82 s only to create them), and 1,000 x 60 x 4 weeks asks for 4.2M demand sessions
before any pattern. Neither can be built, let alone searched, within its time limit.

For those instances the model is built over a shortlist of (specialist, demand) pairs
instead of every fitting pair: each demand keeps a few specialists per session it may hold,
the least loaded first (sessions shortlisted against their weekly outreach allowance, in
steps of half of it), the nearest among equally loaded (round trip from home), while each
specialist keeps at most a few outreach sites besides home. Picks go round by round over the
demands, so a remote site is not left to nobody because nearer sites took everyone, and the
load spreads the options over everyone: the fairness terms want everyone to take a share,
and picking by distance alone left 39 of 300 specialists with no option at all. Pins, a
demand's preferred specialists and the pairs a caller keeps (a repair: the published roster's)
are always kept. Last, each outreach sharer without one gets a
plain away option (a weekday outside the evening: one burden point), one site over the cap at
most (`_add_plain_options`), and each sharer who fits only a few demands keeps them all
(`_add_narrow`).

This drops feasible rosters, so it is never silent: `solve` uses it only when the whole
model is over `FULL_MODEL_VARIABLES`, and then reports the result as `feasible` at best,
`optimal` only when the roster meets the whole instance's relaxation bound (the restricted
model's bound is not a bound of the instance; the bound reported, where affordable, is the
relaxation's, solve/relaxation.py), and says so. Every
roster it returns is a roster of the whole instance (the rules are the same; the pairs left
out only lose options), which the checker judges as any other. Smaller instances, the
sample instances among them, are modelled whole, exactly as before.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from outreach_opt.domain.instance import Demand, Instance, Specialist
from outreach_opt.domain.prepared import Candidate, Prepared, prepare, with_pairs
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import TravelMatrix, day_drive, shortest_routes
from outreach_opt.solve.day_patterns import DayKey, DayPattern, enumerate_day

logger = logging.getLogger(__name__)

FULL_MODEL_VARIABLES = 400_000
"""Above this many candidate sessions plus day patterns the instance is modelled over a
shortlist. The largest whole models measured (60 specialists x 10 sites x 4 weeks, 146k
variables) build in 7-21 s; 300 x 40 x 1 week (2.5M) could not be built within 190 s."""

VARIABLES_PER_SECOND = 1_500
"""Size of a shortlisted model per second of time limit (candidate sessions plus day
patterns). Measured on the shared 2-core machine: 80 specialists x 15 sites (48k variables)
built in 3.6-4.9 s and had its first roster at 5.4 s; a sixth of the limit for the first
roster leaves the rest to the search."""

SHAPES = ((4, 3), (3, 3), (3, 2), (2, 2), (2, 1), (1, 1))
"""(outreach sites per specialist, specialists kept per session of a demand), widest first:
the first whose model fits the size wanted is used."""


@dataclass(frozen=True)
class Shortlist:
    """What a restricted model left out, for the caller to say."""

    sites_per_specialist: int
    per_session: int
    pairs: int
    """(specialist, demand) pairs kept."""
    fitting_pairs: int
    """(specialist, demand) pairs with the skills (and link) for it: the whole model's."""

    def describe(self) -> str:
        return (
            f"restricted model: {self.pairs:,} of {self.fitting_pairs:,} specialist-demand pairs ("
            f"{self.per_session} per session, at most {self.sites_per_specialist} outreach sites a specialist); "
            "the roster is checked; a bound, if any, is the whole instance's relaxation's "
            "(solve/relaxation.py), never the shortlist's"
        )


@dataclass
class Plan:
    """The prepared data to build from, its day-pattern cache, and the shortlist if any."""

    prep: Prepared
    cache: dict[DayKey, list[DayPattern]]
    shortlist: Shortlist | None = None


def plan_model(
    instance: Instance, past: Sequence[Assignment], time_limit: float, keep: frozenset[tuple[str, str]] = frozenset()
) -> Plan:
    """The whole instance when its model is within `FULL_MODEL_VARIABLES`, else the widest
    shortlist (`SHAPES`) within `VARIABLES_PER_SECOND` x the limit (the narrowest if none is),
    every shortlist with the (specialist, demand) pairs of `keep` (a published roster's, for
    a repair that must be able to keep it).

    Sizes are judged on a sample of specialist-days first (`SAMPLE_DAYS`), and counted in
    full only when the sample leaves it open: counting 2.4M patterns to learn that they are
    too many took longer than building the shortlisted model. Everything but the candidates
    is prepared once (`base`) and shared by the sample, the whole model and every shape."""
    base = prepare(instance, past, pairs=frozenset())
    fitting = fitting_specialists(instance, base.travel)
    n_fitting = sum(len(specs) for specs in fitting.values())
    widest = None
    room = FULL_MODEL_VARIABLES - _candidates_estimate(instance, fitting)
    if room >= 0 and not _clearly_over(base, room):
        whole = with_pairs(base, None)
        cache: dict[DayKey, list[DayPattern]] = {}
        if fits(whole, FULL_MODEL_VARIABLES, cache):
            return Plan(whole, cache)
        widest = whole
    wanted = max(1, round(VARIABLES_PER_SECOND * time_limit))
    for k, (sites, per_session) in enumerate(SHAPES):
        pairs = select_pairs(instance, fitting, sites, per_session, keep=keep)
        # the whole model's candidates, when made, are filtered; else made for the pairs only
        prep = restricted(widest, pairs) if widest is not None else with_pairs(base, pairs)
        cache = {}
        if fits(prep, wanted, cache) or k == len(SHAPES) - 1:
            logger.info(
                "shortlist %d x %d: %d pairs, %d candidates", sites, per_session, len(pairs), len(prep.candidates)
            )
            return Plan(prep, cache, Shortlist(sites, per_session, len(pairs), n_fitting))
    raise AssertionError("unreachable: the last shape is always taken")


SAMPLE_SPECIALISTS = 16
"""Specialists whose days are enumerated to tell, before preparing the whole instance,
that its day patterns are far too many (making L's 150k candidates alone took 1.7 s)."""


def _clearly_over(base: Prepared, room: int) -> bool:
    """Whether the day patterns of a sample of specialists, scaled up, pass `room` by half
    (`base`: the instance prepared without candidates)."""
    instance = base.instance
    specs = [s.id for s in instance.specialists]
    if not specs:
        return False
    sample = specs[:: max(1, len(specs) // SAMPLE_SPECIALISTS)]
    prep = with_pairs(base, frozenset((s, d.id) for s in sample for d in instance.demands))
    scale = len(specs) / len(sample)
    days = [(spec, t) for spec in sample for t in range(prep.n_days)]
    return _patterns(prep, days, {}, stop=1.5 * room / scale) * scale > 1.5 * room


SAMPLE_DAYS = 48
"""Specialist-days enumerated, evenly spread, to estimate a model's day patterns."""


def fits(prep: Prepared, limit: int, cache: dict[DayKey, list[DayPattern]]) -> bool:
    """Whether candidate sessions plus day patterns stay within `limit`: judged on a sample
    (`SAMPLE_DAYS`) when it is clearly over (by half again) or clearly under (by half), else
    counted. Fills `cache` (the builder's enumeration cache), so what is counted is not
    enumerated twice."""
    room = limit - len(prep.candidates)
    if room < 0:
        return False
    days = [(spec, t) for spec in prep.specialists for t in range(prep.n_days)]
    sample = days[:: max(1, len(days) // SAMPLE_DAYS)]
    scale = len(days) / max(1, len(sample))
    estimate = _patterns(prep, sample, cache, stop=1.5 * room / scale) * scale
    if estimate > 1.5 * room:
        return False
    if estimate < 0.5 * room:
        return True
    return _patterns(prep, days, cache, room) <= room


def _patterns(
    prep: Prepared, days: list[tuple[str, int]], cache: dict[DayKey, list[DayPattern]], stop: float = float("inf")
) -> int:
    total = 0
    for spec, t in days:
        total += len(enumerate_day(prep, spec, t, cache=cache))
        if total > stop:
            break
    return total


def restricted(prep: Prepared, pairs: frozenset[tuple[str, str]]) -> Prepared:
    """`prep` with only the candidates of `pairs` (the same as preparing with them)."""
    candidates = [c for c in prep.candidates if (c.specialist, c.demand) in pairs]
    by_day: dict[tuple[str, int], list[Candidate]] = {}
    for cand in candidates:
        by_day.setdefault((cand.specialist, cand.day), []).append(cand)
    return dataclasses.replace(prep, candidates=candidates, candidates_by_day=by_day)


def round_trip(routes: TravelMatrix, spec: Specialist, site: str, stays: Sequence[str] = ()) -> int | None:
    """Minutes home -> site -> home by the shortest `routes`, or None when no day with a
    session at `site` fits the daily limit (`day_drive`: from home or a stay site and back to
    either, by shortest routes, which every day's legs add up to at least; rule `daily_travel`),
    so leaving the pair out loses nothing. A site that allows stays is among `stays`: a night
    there splits the drive over two days (rule `overnight_stay`), the very trip such sites
    exist for; a site near one is reachable from it too."""
    limit = spec.max_travel_minutes_per_day
    if limit is not None and day_drive(routes, spec.home, stays, site) > limit:
        return None
    minutes = routes.get((spec.home, site), math.inf) + routes.get((site, spec.home), math.inf)
    return int(minutes) if math.isfinite(minutes) else 0


Fitting = dict[tuple[str, str | None], list[tuple[int, str, str]]]
"""Per (demand, role): (round-trip minutes, specialist, nearest site to serve it from),
nearest first."""


def fitting_specialists(instance: Instance, travel: TravelMatrix) -> Fitting:
    """Per (demand, role): the specialists with its skills who can serve it from a site
    within a day's travel (`Instance.served_from`: the demand's site, home for a
    teleconsultation, a console site for a remote surgery), nearest first (ties in a fixed
    order of their own per demand, so specialists of one campus are spread over demands
    instead of all going to the first)."""
    fitting: Fitting = {}
    skills = {spec.id: frozenset(spec.skills) for spec in instance.specialists}
    routes = shortest_routes(travel, [site.id for site in instance.sites])
    stays = [site.id for site in instance.sites if site.overnight]
    for dem in instance.demands:
        for role in dem.roles:
            needs = set(dem.role_skills(role))
            ranked = []
            for spec in instance.specialists:
                if not needs <= skills[spec.id]:
                    continue
                reach = [
                    (m, site)
                    for site in instance.served_from(dem, spec.home)
                    if (m := round_trip(routes, spec, site, stays)) is not None
                ]
                if reach:
                    minutes, site = min(reach)
                    ranked.append((minutes, _tie(dem.id, spec.id), spec.id, site))
            fitting[(dem.id, role)] = [(minutes, spec, site) for minutes, _, spec, site in sorted(ranked)]
    return fitting


def _tie(demand: str, spec: str) -> bytes:
    return hashlib.blake2b(f"{demand}\0{spec}".encode(), digest_size=8).digest()


def _candidates_estimate(instance: Instance, fitting: Fitting) -> int:
    """Candidate sessions of the whole model, before unavailability and commitments."""
    total = 0
    for dem in instance.demands:
        for role in dem.roles:
            total += len(fitting[(dem.id, role)]) * asked_slots(instance, dem)
    return total


def asked_slots(instance: Instance, dem: Demand) -> int:
    """The (date, period) slots a demand asks in: its dates (or the horizon's days on its
    weekdays) times its periods (or every period)."""
    on_days = len(dem.dates) if dem.dates is not None else instance.horizon.days * len(dem.weekdays()) // 7
    return on_days * (len(dem.periods) if dem.periods is not None else len(instance.periods))


def select_pairs(
    instance: Instance,
    fitting: Fitting,
    sites_per_specialist: int,
    per_session: int,
    plain_options: bool = True,
    keep: frozenset[tuple[str, str]] = frozenset(),
) -> frozenset[tuple[str, str]]:
    """The (specialist, demand) pairs of the shortlist (see the module docstring). A pair's
    site, for the cap on sites, is the nearest it can be served from (a remote surgery's
    other console sites come with the pair uncounted). Then, with `plain_options`, each
    sharer lacking one gets a plain away option (`_add_plain_options`) and each narrow sharer
    all its demands (`_add_narrow`); without, the rounds' picks alone
    (tests/test_shortlist_pairs.py compares those with the former algorithm)."""
    specs = {s.id: s for s in instance.specialists}
    site_of = {(dem, spec): site for (dem, _), ranked in fitting.items() for _, spec, site in ranked}
    pairs: set[tuple[str, str]] = set(keep)
    sites: dict[str, set[str]] = defaultdict(set)
    for pin in instance.pins:
        pairs.add((pin.specialist, pin.demand))
    for night in instance.pinned_stays:  # the night needs work at its site on one of its days
        pairs.update(
            (spec, dem) for (dem, spec), site in site_of.items() if (spec, site) == (night.specialist, night.site)
        )
    for dem in instance.demands:
        pairs.update((spec, dem.id) for spec in dem.preferred)
    demands = {d.id: d for d in instance.demands}
    for spec, demand_id in pairs:
        site = site_of.get((demand_id, spec))
        if spec in specs and site is not None and site != specs[spec].home:
            sites[spec].add(site)
    allowance = {spec.id: _allowance(spec) for spec in instance.specialists}
    load: dict[str, int] = defaultdict(int)
    """Weekly sessions (demands' maxima) a specialist is shortlisted for, against `allowance`."""
    for spec, demand_id in pairs:
        load[spec] += demands[demand_id].sessions.max if demand_id in demands else 0
    order = sorted(instance.demands, key=lambda d: (-d.priority, d.id))
    wants = {(dem.id, role): per_session * dem.sessions.max * _count(dem, role) for dem in order for role in dem.roles}
    ids = list(specs)
    index = {spec: k for k, spec in enumerate(ids)}
    steps = Steps([2 * load[spec] // allowance[spec] for spec in ids])
    """Load in steps of half the allowance: picks take the lowest step first."""
    left: dict[tuple[str, str | None], Left] = {}
    """Per (demand, role): its fitting specialists not yet found unable, as indices into
    `ids`, nearest first (`fitting`'s rank order)."""

    def able(k: int, demand_id: str) -> bool:
        spec = ids[k]
        return (spec, demand_id) not in pairs and _room(
            specs[spec], site_of[(demand_id, spec)], sites[spec], sites_per_specialist
        )

    active = [(dem, role) for dem in order for role in dem.roles]
    """The (demand, role)s still picking, in round order: one that wants no more or has
    nobody left leaves for good, so later rounds skip it (Instance24's covers want 450 each)."""
    i = 0
    while active:
        still = []
        for dem, role in active:
            key = (dem.id, role)
            if wants[key] <= i:
                continue
            if key not in left:
                left[key] = _left([index[spec] for _, spec, _ in fitting[key]])
            chosen = _least_loaded(left, key, steps, functools.partial(able, demand_id=dem.id))
            if chosen is None:
                continue
            still.append((dem, role))
            spec = ids[chosen]
            site = site_of[(dem.id, spec)]
            if site != specs[spec].home:
                sites[spec].add(site)
            pairs.add((spec, dem.id))
            load[spec] += dem.sessions.max
            steps.set(chosen, 2 * load[spec] // allowance[spec])
        active = still
        i += 1
    if plain_options:
        sharers = instance.outreach_sharers()
        _add_plain_options(instance, sharers, fitting, site_of, pairs, sites)
        _add_narrow(set(sharers), fitting, pairs)
    return frozenset(pairs)


NARROW = 12
"""An outreach sharer fitting at most this many demands keeps every one of them
(`_add_narrow`). Generated instances have two kinds of sharer: echo-only residents, who fit
5-9 demands at 300 x 40 seed 2, 10-15 at seed 3, 13-20 at seed 1 and 25-50 at 1000 x 60 x 4
weeks, and everyone else, who fit 40 or more."""


def _add_narrow(sharers: set[str], fitting: Fitting, pairs: set[tuple[str, str]]) -> None:
    """Give each outreach sharer (`sharers`) who fits at most `NARROW` demands all of them,
    past the cap on sites.

    Why: where a skill's sessions are fewer than its sharers, those sharers stay below the
    mean burden, and each unit of scaled burden one of them gains lowers `fairness_deviation`
    by `2 n` (less what the rise of `T` adds), so a session is worth the most to the one of
    the largest burden factor (a half-timer's session counts 200 where a full-timer's counts
    100). The rounds above pick by load and distance and left each of them one demand: at 300
    x 40 seed 2 (9 echo demands, 13 sessions a week, 60 residents) three half-time residents
    were shortlisted only for demands other half-timers held, and the roster gave 7 sessions to
    full-timers while they sat at 0. A sharer who fits few demands adds few pairs (398 there,
    beside the other 1,336)."""
    demands: dict[str, set[str]] = defaultdict(set)
    for (demand_id, _role), ranked in fitting.items():
        for _minutes, spec, _site in ranked:
            if spec in sharers:
                demands[spec].add(demand_id)
    for spec, fits in demands.items():
        if len(fits) <= NARROW:
            pairs.update((spec, demand_id) for demand_id in fits)


def _add_plain_options(
    instance: Instance,
    sharers: Sequence[str],
    fitting: Fitting,
    site_of: dict[tuple[str, str], str],
    pairs: set[tuple[str, str]],
    sites: dict[str, set[str]],
) -> None:
    """Give each outreach sharer (`sharers`, the instance's) without one a plain away option:
    a demand whose sessions may fall on a weekday outside the evening, so cost one burden point
    (the session away) where a weekend day or an evening adds a second. And each sharer
    allowed one outreach session a week (`max_outreach_sessions_per_week` 1) without one a
    two-point option: a demand every session of which earns a second point (`_two_points`).
    Each the nearest such demand at a site already on the specialist's list, else the nearest
    (one site over `sites_per_specialist` at most per kind).

    Why: the rounds above pick by load and distance, blind to burden points, and left some
    sharers only weekend clinics and evening sessions. For half-time sharers (burden factor
    200) that is 400 (two points) or nothing, against a mean near 200: at 300 x 40 seed 3
    (60 s) spec-217 ended at 0 and spec-275 at 400, seed 1 spec-223 at 400; moving one
    weekday session from a sharer at 400 to spec-217 (outside the shortlist) cut the checker's
    objective by 101,824 of 5,824,570 (notes of branch lzero). The other way for a sharer with
    one session a week: a plain session is one point, 100 at factor 100 against a mean near
    190, where a weekend or evening session would put them at 200; at 300 x 40 seed 2
    spec-109 ended at 100 with 164 such candidates in the instance and none shortlisted."""
    evening = {p.id for p in instance.periods if p.is_evening}
    home = {s.id: s.home for s in instance.specialists}
    plain = {d.id for d in instance.demands if _plain(d, evening)}
    _add_nearest(fitting, site_of, pairs, sites, home, plain, sharers)
    burden = instance.fairness.burden
    two = {d.id for d in instance.demands if _two_points(d, evening, burden.evening_session, burden.weekend_day)}
    sharing = set(sharers)
    once = [s.id for s in instance.specialists if s.max_outreach_sessions_per_week == 1 and s.id in sharing]
    _add_nearest(fitting, site_of, pairs, sites, home, two, once)


def _add_nearest(
    fitting: Fitting,
    site_of: dict[tuple[str, str], str],
    pairs: set[tuple[str, str]],
    sites: dict[str, set[str]],
    home: dict[str, str],
    kind: set[str],
    who: Sequence[str],
) -> None:
    """Each of `who` without an away pair of a demand in `kind` gets the nearest one, at a site
    already on their list first."""
    has = {spec for spec, dem in pairs if dem in kind and site_of.get((dem, spec), home[spec]) != home[spec]}
    best: dict[str, tuple[bool, int, str, str]] = {}
    for (dem_id, _role), ranked in fitting.items():
        if dem_id not in kind:
            continue
        for minutes, spec, site in ranked:
            if spec in has or site == home[spec]:
                continue
            key = (site not in sites[spec], minutes, dem_id, site)
            if spec not in best or key < best[spec]:
                best[spec] = key
    for spec in who:
        if spec in best:
            _, _, dem_id, site = best[spec]
            pairs.add((spec, dem_id))
            sites[spec].add(site)


def _plain(dem: Demand, evening: set[str]) -> bool:
    """Whether a session of `dem` may fall on a weekday in a period that is not an evening."""
    weekday = any(d.weekday() < 5 for d in dem.dates) if dem.dates is not None else min(dem.weekdays()) < 5
    return weekday and (dem.periods is None or any(p not in evening for p in dem.periods))


def _two_points(dem: Demand, evening: set[str], evening_points: int, weekend_points: int) -> bool:
    """Whether every session of `dem` earns a second burden point beside the session away: all
    its days are weekend days, or all its periods evenings (with those points weighted)."""
    days = [d.weekday() for d in dem.dates] if dem.dates is not None else list(dem.weekdays())
    weekend = weekend_points > 0 and bool(days) and min(days) >= 5
    late = evening_points > 0 and dem.periods is not None and all(p in evening for p in dem.periods)
    return weekend or late


NUMPY_FROM = 200
"""Candidate lists at least this long are searched with numpy, shorter ones in plain Python.
Why: a numpy pick (fancy index, argmin, delete) costs about 16 us whatever the length, a
plain one (list of steps, min, index, pop) about 1.5 us + 0.06 us a candidate: measured per
pick, loaded (2 cores, load ~4), 2 -> 1.5 vs 15.7 us, 64 -> 5.3 vs 15.6, 128 -> 9.4 vs 15.9,
256 -> 18.3 vs 16.2, 1000 -> 59.7 vs 20.2 (/tmp/pairs2/bench/cross.py, notes of branch
pairs2). 1000 x 60 x 4 weeks' demands want a dozen picks from a few hundred fitting
specialists at most; Instance24's covers 450 from 150; numpy paid off only on long lists."""

Left = list[int] | npt.NDArray[np.int64]


def _left(indices: list[int]) -> Left:
    return np.array(indices, dtype=np.int64) if len(indices) >= NUMPY_FROM else indices


class Steps:
    """Every specialist's load step, as a list (plain picks) and an array (numpy picks)."""

    def __init__(self, steps: list[int]) -> None:
        self.plain = steps
        self.array = np.array(steps, dtype=np.int64)

    def set(self, k: int, step: int) -> None:
        self.plain[k] = step
        self.array[k] = step


def _least_loaded(
    left: dict[tuple[str, str | None], Left],
    key: tuple[str, str | None],
    steps: Steps,
    able: Callable[[int], bool],
) -> int | None:
    """The able specialist of `left[key]` of the lowest load step, the nearest among those:
    the first least step in rank order. One found unable is dropped from `left[key]` for
    good, since nobody becomes able again (pairs and sites only grow, and a specialist's
    sites stop growing once at the cap); so is the one chosen (now paired). A list shorter
    than `NUMPY_FROM` is searched in plain Python (a numpy array becomes a list once it is).

    Why not scan each step's specialists as before: Instance24's 11,648 covers each pick
    all of their up to 150 specialists, one a round, and every pick moves the picked one up
    a step, so the per-step scans (and a heap keyed by step, every entry stale) cost
    O(specialists) of Python per pick; here that is one min over the list."""
    candidates = left[key]
    while isinstance(candidates, np.ndarray):
        if candidates.size < NUMPY_FROM or not candidates.size:
            candidates = candidates.tolist()
            break
        j = int(np.argmin(steps.array[candidates]))
        k = int(candidates[j])
        candidates = np.delete(candidates, j)
        if able(k):
            left[key] = candidates
            return k
    plain = steps.plain
    while candidates:
        values = [plain[k] for k in candidates]
        k = candidates.pop(values.index(min(values)))
        if able(k):
            left[key] = candidates
            return k
    left[key] = candidates
    return None


def _room(spec: Specialist, site: str, sites: set[str], most: int) -> bool:
    """Whether `site` is home, already among the specialist's sites, or fits under `most`."""
    return site == spec.home or site in sites or len(sites) < most


def _allowance(spec: Specialist) -> int:
    """Sessions a week the specialist may give away from home, as far as the limits say."""
    return max(1, spec.max_outreach_sessions_per_week or spec.max_sessions_per_week or 10)


def _count(dem: Demand, role: str | None) -> int:
    return next((m.count for m in dem.team if m.role == role), 1) if dem.team else 1
