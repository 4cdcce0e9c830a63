"""Why each uncovered session is uncovered, in the checker's rule ids.

For every demand and week short of its minimum, every specialist with the demand's skills is
tried in every slot the demand takes that week: the session is put into the roster (in place
of a commitment held then, beside any other session) and the independent checker says which
rules that breaks. Those rule ids are the reasons: `commitments` (a fixed duty then),
`one_place` (already serving another demand), `unavailability`, `travel_between`,
`daily_travel`, `rest`, `weekly_sessions`, `capacity`, `max_specialists`, `day_off` … the same
ids as models/MODEL.md. Specialists without the skills are listed under `demand_fit`; a slot where a specialist
already serves the demand is listed as such, not tried.

A slot where nothing breaks is free, and the session's price there is the checker's objective
change. Since covering a session may also mean moving others, `cost_to_cover` adds the best
roster with one more session (solve/cover.py): infeasible means the hard rules stop it,
otherwise its objective against this roster's says what covering it costs under the weights;
where the solve finds nothing cheaper in its time, a free slot's roster answers (`_or_free`).
With it, everything shares one time limit (`time_limit`): the reasons up to `REASONS_SHARE`
of it, then the cover model's build, then the solves, each demand-week the time left divided
by the demand-weeks left, so a solve that ends early leaves its time to the next.

Each session is tried alone, so twenty short weekend sessions may each look coverable while
the weekend limits let no roster cover more than a few of them together: `weekend_shortfall`
says how many of them every roster leaves short (solve/weekend_bound.py's MIP, counting).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.domain.instance import Demand, Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report.trials import Slot, Trials
from outreach_opt.solve.cover import CoverCost, OneMore
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.weekend_bound import weekend_cover, weekend_prepared, weekend_short

MIN_COVER_SECONDS = 0.1
"""A demand-week whose share of the time left is less than this is not asked (its cover is
'not decided within the time limit'): CP-SAT's own least limit."""
LOCAL_TRIALS = True
"""Judge and price each trial on the assignments it can change a verdict or a term of
(report/trials.py), not the whole roster: the same reasons and prices (tests/test_uncovered.py
holds both equal), a fraction of the time."""
REASONS_SHARE = 0.5
"""Of `why_uncovered`'s time limit (with the cover solves), the most the reasons may take
before the demand-weeks not reached are left untried: on a 300 x 40 week with thirty
specialists away (27 short demand-weeks, about 600 trials each) the reasons took 3 min 30 s
of a `--time-limit 30` explanation. What they leave goes to the cover solves."""
WEEKEND_SHARE = 0.25
"""Of `explain --roster`'s time limit, the most the weekend count (`weekend_shortfall`) may
take; the reasons and the cover solves have the rest. It proved Curtois & Qu Instance12's count in 1.1 s, and
needed 13.7 s on a roster of Instance13 (models/MODEL.md, "Why uncovered")."""


@dataclass(frozen=True)
class FreeSlot:
    date: dt.date
    period: str
    delta: int
    """The checker's objective change when the session is added here (negative: cheaper)."""
    terms: dict[str, int]
    """The change of each objective term that moves."""
    site: str
    """Where it is served from at that price (a remote surgery may have several consoles)."""


@dataclass(frozen=True)
class Candidate:
    """One specialist with the skills: which rules stop them in which slots, and free slots."""

    specialist: str
    blocked: dict[str, list[Slot]] = field(default_factory=dict)
    """Rule id -> the slots where putting the session breaks it."""
    example: dict[str, str] = field(default_factory=dict)
    """Rule id -> the checker's message at its first slot."""
    free: list[FreeSlot] = field(default_factory=list)
    serving: list[Slot] = field(default_factory=list)
    """Slots where they already serve this demand: not tried (a second copy of the same
    session covers nothing; the checker would only say one_place and capacity)."""


@dataclass(frozen=True)
class Uncovered:
    demand: str
    week: int
    short: int
    cost: int
    slots: list[Slot]
    """The slots of that week the demand takes (its days and periods)."""
    candidates: list[Candidate]
    unskilled: list[str]
    cover: CoverCost | None = None
    """The best roster serving one more session, when asked for (`cost_to_cover`)."""
    tried: bool = True
    """False: the time limit came before this demand-week's reasons were tried (no candidates
    listed, not even those without the skills)."""


def why_uncovered(
    instance: Instance,
    roster: Roster,
    past: Sequence[Assignment] = (),
    cost_to_cover: bool = False,
    time_limit: float = 10.0,
    workers: int = 1,
    only: Collection[str] = (),
    report: CheckReport | None = None,
) -> list[Uncovered]:
    """Every demand-week short of its minimum (of the demands in `only`, when given),
    explained (see the module docstring), in demand and week order; the dearest are tried
    first, so a time limit that stops the reasons leaves the cheapest untried.

    With `cost_to_cover`, the whole takes about `time_limit` seconds: the reasons first (a
    few checks per specialist and slot), demand-week by demand-week until `REASONS_SHARE` of
    the limit has passed (those not reached or not finished are `tried=False`), then the cover model is built
    and the cover solves (on `workers` cores) share what is left, so a slow start leaves them
    less time rather than the command running past its limit. Without it every reason is
    tried (the summary after `solve` asks only when that is quick). `report`: the checker's
    verdict on `roster` when the caller has it (each command has; at 1000 x 60 x 4 weeks a
    check of the roster took 1.1-1.3 s)."""
    began = time.perf_counter()
    baseline = check_roster(instance, roster, past) if report is None else report
    trials = Trials(instance, roster, past, baseline, LOCAL_TRIALS)
    demands = {d.id: d for d in instance.demands}
    shorts = sorted((key, short) for key, short in baseline.uncovered.items() if not only or key[0] in only)
    serving: dict[str, set[tuple[str, dt.date, str]]] = {d: set() for d in demands}
    for a in roster.assignments:
        if a.demand in serving:
            serving[a.demand].add((a.specialist, a.date, a.period))
    answers = []
    reasons_until = began + REASONS_SHARE * time_limit if cost_to_cover else float("inf")
    for (demand_id, week), short in sorted(shorts, key=lambda item: -demands[item[0][0]].priority * item[1]):
        demand = demands[demand_id]
        slots = demand_slots(instance, demand, week)
        cost = instance.weights.uncovered_session * demand.priority * short
        found = _reasons(trials, demand, slots, serving[demand_id], reasons_until)
        if found is None:
            answers.append(Uncovered(demand_id, week, short, cost, slots, [], [], tried=False))
        else:
            answers.append(Uncovered(demand_id, week, short, cost, slots, *found))
    answers.sort(key=lambda answer: (answer.demand, answer.week))
    if not cost_to_cover or not answers:
        return answers
    left = time_limit - (time.perf_counter() - began)
    if left < MIN_COVER_SECONDS:  # the reasons took the time: no cover is asked
        return [replace(answer, cover=_or_free(answer, CoverCost(Status.UNKNOWN), baseline)) for answer in answers]
    one_more = OneMore(instance, roster, past, seconds=left)
    left = time_limit - (time.perf_counter() - began)
    covered = []
    for i, answer in enumerate(answers):
        share = left / (len(answers) - i)
        asked = time.perf_counter()
        if share >= MIN_COVER_SECONDS:
            cover = one_more.cost(answer.demand, answer.week, share, workers)
        else:
            cover = CoverCost(Status.UNKNOWN)
        left -= time.perf_counter() - asked
        covered.append(replace(answer, cover=_or_free(answer, cover, baseline)))
    return covered


def _or_free(answer: Uncovered, cover: CoverCost, baseline: CheckReport) -> CoverCost:
    """`cover`, or the roster with the reasons' cheapest free slot added where that is
    cheaper than any roster the solve found (or the solve found none, or was not asked).

    Why: a free slot is a roster serving one more session, judged by the checker to break
    nothing and priced by it, so it answers the question at least as an upper bound. At 300
    x 40 with thirty away (`--time-limit 30`), every one of 27 cover solves over the shortlist
    found no roster in its share, while the reasons listed free slots 639,374 cheaper.
    A proven answer (optimal, or infeasible: then no slot can be free) stands as it is."""
    if cover.status in (Status.OPTIMAL, Status.INFEASIBLE):
        return cover
    free = [(slot.delta, c.specialist, slot) for c in answer.candidates for slot in c.free]
    if not free:
        return cover
    delta, specialist, slot = min(free, key=lambda found: (found[0], found[1]))
    objective = baseline.objective + delta
    if cover.objective is not None and cover.objective <= objective:
        return cover
    breakdown = {term: value + slot.terms.get(term, 0) for term, value in baseline.breakdown.items()}
    added = (specialist, slot.date, slot.period, slot.site)
    return CoverCost(Status.FEASIBLE, objective, breakdown, cover.shortlist, added)


def _reasons(
    trials: Trials, demand: Demand, slots: list[Slot], serving: set[tuple[str, dt.date, str]], until: float
) -> tuple[list[Candidate], list[str]] | None:
    """Each specialist with the skills tried in each slot, and those without them; None when
    the clock passes `until` first (between specialists: at 1000 x 60 one demand-week's
    trials took minutes), since some specialists' reasons would read as everyone's."""
    candidates, unskilled = [], []
    for spec in trials.instance.specialists:
        if time.perf_counter() > until:
            return None
        if not set(demand.skills) <= set(spec.skills):
            unskilled.append(spec.id)
            continue
        candidate = Candidate(spec.id)
        sites = _sites(trials.instance, demand, spec.home)
        trial = trials.of(demand, spec.id, slots, sites)
        for date, period in slots:
            if (spec.id, date, period) in serving:
                candidate.serving.append((date, period))
                continue
            # A remote surgery: from each site it may use; the one that breaks least, and
            # of those that break nothing the cheapest (`Trial.priced`: the whole roster's
            # objective, from its terms' change on the cut and everyone's burdens).
            tries = [(site, trial.new(date, period, site)) for site in sites]
            fewest = min(len(new) for _, new in tries)
            new = next(new for _, new in tries if len(new) == fewest)
            for v in new:
                candidate.blocked.setdefault(v.rule, [])
                if (date, period) not in candidate.blocked[v.rule]:
                    candidate.blocked[v.rule].append((date, period))
                candidate.example.setdefault(v.rule, v.message)
            if not new:
                (objective, after), site = min(
                    ((trial.priced(date, period, site), site) for site, new in tries if not new),
                    key=lambda found: found[0][0],
                )
                was = trials.baseline.breakdown
                terms = {k: v - was[k] for k, v in after.items() if v != was[k]}
                candidate.free.append(FreeSlot(date, period, objective - trials.baseline.objective, terms, site))
        candidates.append(candidate)
    return candidates, unskilled


@dataclass(frozen=True)
class WeekendShortfall:
    """Of the sessions short on weekend-only demand-weeks, how many no roster can cover."""

    least: int
    """Every roster leaves at least this many of them short (the weekend rules alone)."""
    proven: bool
    """`least` is the weekend MIP's optimum, not only its bound when its time ran out."""
    short: int
    """This roster's sessions short over the same demand-weeks."""


def weekend_shortfall(
    instance: Instance, report: CheckReport, past: Sequence[Assignment] = (), seconds: float = 10.0
) -> WeekendShortfall | None:
    """When the roster leaves weekend-only sessions short: how many of them every roster
    leaves short, proven by the weekend days alone (`weekend_short`, at most `seconds`); None
    when the roster leaves none (no MIP then) or the MIP proves none.

    Only the demands that ask on some weekend day get candidates (`_weekend_pairs`): no other
    demand's week can be weekend-only, and the MIP's other candidates sit in no cover row, only
    in its limits, so its optimum sets them to 0 and is the same without them. Preparing every
    candidate took 12.4 s of a 40 s explanation at 1000 specialists x 60 sites x 4 weeks, and
    those demands' alone still 6 s there, for a MIP too large to try (1.06M weekend
    candidates): `weekend_prepared` counts first, and stops at its cap."""
    prep = weekend_prepared(prepare(instance, past, pairs=frozenset()), _weekend_pairs(instance))
    cover = None if prep is None else weekend_cover(prep)
    if prep is None or cover is None:
        return None
    short = sum(n for key, n in report.uncovered.items() if key in cover.keys)
    found = weekend_short(prep, cover, seconds) if short else None
    if found is None or found[0] <= 0:
        return None
    return WeekendShortfall(*found, short)


def _weekend_pairs(instance: Instance) -> frozenset[tuple[str, str]]:
    """(specialist, demand) for every specialist and every demand asking on a Saturday or
    Sunday of the horizon (the weekend days of `Prepared.weekends`)."""
    weekend = [d for d in instance.horizon.dates() if d.weekday() >= 5]
    demands = [dem.id for dem in instance.demands if any(dem.on(d) for d in weekend)]
    return frozenset((spec.id, dem) for spec in instance.specialists for dem in demands)


def _sites(instance: Instance, demand: Demand, home: str) -> list[str]:
    """Where to try the session from: the sites the demand is served from (`served_from`, as
    the candidates are made), so a console that is not linked to the patient's site cannot
    hide the reason a linked one fails; only when no site is linked, every console, so the
    reason given is `remote_link`."""
    return instance.served_from(demand, home) or instance.served_from(demand, home, only_linked=False)


def demand_slots(instance: Instance, demand: Demand, week: int) -> list[Slot]:
    """The slots of that week the demand takes: its days (weekdays or dates) x its periods."""
    start = instance.horizon.start
    days = range(7 * week, min(7 * week + 7, instance.horizon.days))
    periods = [p.id for p in instance.periods if demand.periods is None or p.id in demand.periods]
    dates = [start + dt.timedelta(days=t) for t in days]
    return [(d, p) for d in dates if demand.on(d) for p in periods]  # its weekdays, or its dates
