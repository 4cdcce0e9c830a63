"""Peer (b) of issue 8: the same problem solved by Timefold Solver (`pip install timefold`,
JDK 17), the leading open rostering solver, as its own documentation models rostering.

The problem (benchmarks/timefold_model.py): one planning entity per demand session slot, its
planning variable the specialist who serves it (from the slot's own candidates) or nobody;
commitments are pinned entities. Constraint streams hold every hard rule that generated
instances use as hard constraints and every objective term as soft ones with the instance's
weights, so that the soft score (plus a constant for demand-weeks no slot can serve) is the
objective the checker recomputes. Instances using anything else are refused.

Timefold's own configuration is kept: its default construction heuristic, then its
default local search, stopped when what the limit leaves after building and converting the
plan has passed (the JVM start and the translation to Java are not on the clock: see
`solve_timefold`). Each new best solution that breaks no hard constraint is a roster.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

if "JAVA_HOME" not in os.environ and os.path.isdir("/usr/lib/jvm/java-17-openjdk-amd64"):
    os.environ["JAVA_HOME"] = "/usr/lib/jvm/java-17-openjdk-amd64"  # the machine's JDK 17

from _jpyinterpreter import convert_to_java_python_like_object, unwrap_python_like_object
from timefold.solver import SolutionManager, SolverFactory
from timefold.solver.config import (
    Duration,
    EnvironmentMode,
    ScoreDirectorFactoryConfig,
    SolverConfig,
    SolverConfigOverride,
    TerminationConfig,
)
from timefold.solver.domain import (
    PlanningEntityCollectionProperty,
    PlanningId,
    PlanningPin,
    PlanningScore,
    PlanningVariable,
    ProblemFactCollectionProperty,
    ValueRangeProvider,
    planning_entity,
    planning_solution,
)
from timefold.solver.score import (
    ConstraintCollectors,
    ConstraintFactory,
    HardSoftScore,
    Joiners,
    constraint_provider,
)
from timefold_model import PeerProblem, build_problem, peer_prep, refusal, roster_from_choice

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster

BIG = 1 << 30
"""A limit that is not there."""


@dataclass(eq=False)
class Doctor:
    """A specialist, with travel from home to each site (`to_site`) and back (`back`) by
    site index, and limits (BIG where none)."""

    id: Annotated[str, PlanningId]
    index: int
    home: int
    to_site: list[int]
    back: list[int]
    max_sessions: int
    max_outreach: int
    max_drive: int
    max_days: int
    max_run: int
    max_evenings: int
    max_weekends: int
    factor: int
    sharer: bool


@dataclass(eq=False)
class DemandWeek:
    """One demand in one week it asks in: what `uncovered` and `demand_max` count against."""

    id: Annotated[str, PlanningId]
    least: int
    most: int
    cost: int
    """weights.uncovered_session x priority."""


@dataclass(eq=False)
class DayRequest:
    """A soft request: `off` costs when a session falls in `mask`'s periods, `on` when none does."""

    id: Annotated[str, PlanningId]
    doctor: int
    day: int
    mask: int
    off: bool
    cost: int


@dataclass(eq=False)
class Place:
    """Where and when sessions are: a site in one period of one day, with the resource held
    there (`cap_key`, None if none) and how much of it is left. Shared by every slot and
    commitment there, so the plan converts it to Java once rather than once per session
    (`to_plan`). `to[j]`: minutes from its site to site j."""

    id: Annotated[str, PlanningId]
    day: int
    period: int
    week: int
    site: int
    start: int
    end: int
    evening: int
    weekend: int
    """Weekend index of its day, -1 on a weekday."""
    cap_key: str | None
    cap_left: int
    to: list[int]


@planning_entity
@dataclass(eq=False)
class Session:
    """A demand session slot, or (pinned) a commitment, at `at`."""

    id: Annotated[str, PlanningId]
    dw: DemandWeek | None
    at: Place
    pinned: Annotated[bool, PlanningPin]
    allowed: Annotated[list[Doctor], ValueRangeProvider(id="allowed")]
    specialist: Annotated[
        Doctor | None, PlanningVariable(value_range_provider_refs=["allowed"], allows_unassigned=True)
    ] = field(default=None)


@planning_solution
@dataclass
class Plan:
    doctors: Annotated[list[Doctor], ProblemFactCollectionProperty]
    demand_weeks: Annotated[list[DemandWeek], ProblemFactCollectionProperty]
    requests: Annotated[list[DayRequest], ProblemFactCollectionProperty]
    places: Annotated[list[Place], ProblemFactCollectionProperty]
    sessions: Annotated[list[Session], PlanningEntityCollectionProperty]
    score: Annotated[HardSoftScore | None, PlanningScore] = field(default=None)


@dataclass(frozen=True)
class Settings:
    """Instance-wide numbers the constraints read."""

    rest: int
    travel_weight: int
    sharers: int
    outreach_points: int
    evening_points: int
    weekend_points: int
    fairness_max: int
    fairness_deviation: int


def day_drive(doctor: Doctor, todays: list[Session], n_periods: int) -> int:
    """Home -> each session's site in period order -> home, as the checker sums it."""
    total = 0
    prev = None
    for p in range(n_periods):
        for s in todays:
            if s.at.period == p:
                total += doctor.to_site[s.at.site] if prev is None else prev.at.to[s.at.site]
                prev = s
    return total + (doctor.back[prev.at.site] if prev is not None else 0)


def longest_excess(days: set[int], limit: int) -> int:
    """Days beyond `limit` in each run of consecutive working days."""
    excess = 0
    for d in days:
        if d - 1 not in days:
            length = 1
            while d + length in days:
                length += 1
            if length > limit:
                excess += length - limit
    return excess


def spread(burdens: list[int], n: int, w_max: int, w_dev: int) -> int:
    """fairness_max and fairness_deviation over `n` sharers; those without a session
    (absent from `burdens`) have burden 0."""
    total = 0
    top = 0
    for b in burdens:
        total += b
        top = max(top, b)
    deviation = (n - len(burdens)) * total
    for b in burdens:
        deviation += abs(n * b - total)
    return w_max * top + w_dev * deviation


def make_constraints(settings: Settings, n_periods: int) -> Callable[..., Any]:
    """The constraint provider for one instance's instance-wide numbers."""
    rest = settings.rest
    travel_weight = settings.travel_weight
    n_sharers = settings.sharers
    out_points = settings.outreach_points
    eve_points = settings.evening_points
    we_points = settings.weekend_points
    w_max = settings.fairness_max
    w_dev = settings.fairness_deviation

    def burden_points(s: Session) -> int:
        away = 1 if s.at.site != s.specialist.home else 0
        return out_points * away + eve_points * s.at.evening

    @constraint_provider
    def constraints(cf: ConstraintFactory) -> list[Any]:
        hard = HardSoftScore.ONE_HARD
        soft = HardSoftScore.ONE_SOFT
        out = [
            cf.for_each_unique_pair(
                Session,
                Joiners.equal(lambda s: s.specialist),
                Joiners.equal(lambda s: s.at.day),
                Joiners.equal(lambda s: s.at.period),
            )
            .penalize(hard)
            .as_constraint("one_place"),
            cf.for_each(Session)
            .filter(lambda s: s.dw is not None)
            .group_by(lambda s: s.dw, ConstraintCollectors.count())
            .filter(lambda dw, n: n > dw.most)
            .penalize(hard, lambda dw, n: n - dw.most)
            .as_constraint("demand_max"),
            cf.for_each(Session)
            .filter(lambda s: s.at.cap_key is not None)
            .group_by(lambda s: s.at.cap_key, lambda s: s.at.cap_left, ConstraintCollectors.count())
            .filter(lambda key, left, n: n > left)
            .penalize(hard, lambda key, left, n: n - left)
            .as_constraint("capacity"),
            cf.for_each(Session)
            .join(
                Session,
                Joiners.equal(lambda s: s.specialist),
                Joiners.equal(lambda s: s.at.day),
                Joiners.less_than(lambda s: s.at.period),
            )
            .filter(lambda a, b: a.at.end + a.at.to[b.at.site] > b.at.start)
            .penalize(hard)
            .as_constraint("travel_between"),
            cf.for_each(Session)
            .group_by(lambda s: s.specialist, lambda s: s.at.day, ConstraintCollectors.to_list())
            .filter(lambda d, day, todays: day_drive(d, todays, n_periods) > d.max_drive)
            .penalize(hard, lambda d, day, todays: day_drive(d, todays, n_periods) - d.max_drive)
            .as_constraint("daily_travel"),
            cf.for_each(Session)
            .join(
                Session,
                Joiners.equal(lambda s: s.specialist),
                Joiners.equal(lambda s: s.at.day + 1, lambda s: s.at.day),
            )
            .if_not_exists(
                Session,
                Joiners.equal(lambda a, b: a.specialist, lambda c: c.specialist),
                Joiners.equal(lambda a, b: a.at.day, lambda c: c.at.day),
                Joiners.less_than(lambda a, b: a.at.period, lambda c: c.at.period),
            )
            .if_not_exists(
                Session,
                Joiners.equal(lambda a, b: b.specialist, lambda c: c.specialist),
                Joiners.equal(lambda a, b: b.at.day, lambda c: c.at.day),
                Joiners.greater_than(lambda a, b: b.at.period, lambda c: c.at.period),
            )
            .filter(
                lambda a, b: (
                    b.at.start - a.specialist.to_site[b.at.site] + 1440 - a.at.end - a.specialist.back[a.at.site] < rest
                )
            )
            .penalize(hard)
            .as_constraint("rest"),
            cf.for_each(Session)
            .group_by(lambda s: s.specialist, lambda s: s.at.week, ConstraintCollectors.count())
            .filter(lambda d, w, n: n > d.max_sessions)
            .penalize(hard, lambda d, w, n: n - d.max_sessions)
            .as_constraint("weekly_sessions"),
            cf.for_each(Session)
            .filter(lambda s: s.at.site != s.specialist.home)
            .group_by(lambda s: s.specialist, lambda s: s.at.week, ConstraintCollectors.count())
            .filter(lambda d, w, n: n > d.max_outreach)
            .penalize(hard, lambda d, w, n: n - d.max_outreach)
            .as_constraint("weekly_outreach"),
            cf.for_each(Session)
            .filter(lambda s: s.at.evening == 1)
            .group_by(lambda s: s.specialist, lambda s: s.at.week, ConstraintCollectors.count())
            .filter(lambda d, w, n: n > d.max_evenings)
            .penalize(hard, lambda d, w, n: n - d.max_evenings)
            .as_constraint("weekly_evenings"),
            cf.for_each(Session)
            .group_by(
                lambda s: s.specialist, lambda s: s.at.week, ConstraintCollectors.count_distinct(lambda s: s.at.day)
            )
            .filter(lambda d, w, n: n > d.max_days)
            .penalize(hard, lambda d, w, n: n - d.max_days)
            .as_constraint("working_days"),
            cf.for_each(Session)
            .group_by(lambda s: s.specialist, ConstraintCollectors.to_set(lambda s: s.at.day))
            .filter(lambda d, days: longest_excess(days, d.max_run) > 0)
            .penalize(hard, lambda d, days: longest_excess(days, d.max_run))
            .as_constraint("max_consecutive_days"),
            cf.for_each(Session)
            .filter(lambda s: s.at.weekend >= 0)
            .group_by(lambda s: s.specialist, ConstraintCollectors.count_distinct(lambda s: s.at.weekend))
            .filter(lambda d, n: n > d.max_weekends)
            .penalize(hard, lambda d, n: n - d.max_weekends)
            .as_constraint("max_weekends"),
            cf.for_each_including_unassigned(Session)
            .filter(lambda s: s.dw is not None)
            .group_by(lambda s: s.dw, ConstraintCollectors.sum(lambda s: 0 if s.specialist is None else 1))
            .filter(lambda dw, n: n < dw.least)
            .penalize(soft, lambda dw, n: (dw.least - n) * dw.cost)
            .as_constraint("uncovered"),
            cf.for_each(Session)
            .group_by(lambda s: s.specialist, lambda s: s.at.day, ConstraintCollectors.to_list())
            .penalize(soft, lambda d, day, todays: travel_weight * day_drive(d, todays, n_periods))
            .as_constraint("travel"),
            cf.for_each(DayRequest)
            .filter(lambda r: r.off)
            .if_exists(
                Session,
                Joiners.equal(lambda r: r.doctor, lambda s: s.specialist.index),
                Joiners.equal(lambda r: r.day, lambda s: s.at.day),
                Joiners.filtering(lambda r, s: (r.mask >> s.at.period) & 1 == 1),
            )
            .penalize(soft, lambda r: r.cost)
            .as_constraint("requests off"),
            cf.for_each(DayRequest)
            .filter(lambda r: not r.off)
            .if_not_exists(
                Session,
                Joiners.equal(lambda r: r.doctor, lambda s: s.specialist.index),
                Joiners.equal(lambda r: r.day, lambda s: s.at.day),
                Joiners.filtering(lambda r, s: (r.mask >> s.at.period) & 1 == 1),
            )
            .penalize(soft, lambda r: r.cost)
            .as_constraint("requests on"),
        ]
        if w_max > 0 or w_dev > 0:
            out.append(
                cf.for_each(Session)
                .filter(lambda s: s.specialist.sharer)
                .group_by(
                    lambda s: s.specialist,
                    ConstraintCollectors.sum(burden_points),
                    ConstraintCollectors.conditionally(
                        lambda s: s.at.weekend >= 0, ConstraintCollectors.count_distinct(lambda s: s.at.day)
                    ),
                )
                .map(lambda d, points, weekend_days: d.factor * (points + we_points * weekend_days))
                .group_by(ConstraintCollectors.to_list())
                .penalize(soft, lambda burdens: spread(burdens, n_sharers, w_max, w_dev))
                .as_constraint("fairness")
            )
        return out

    return constraints


def to_plan(problem: PeerProblem) -> tuple[Plan, Settings]:
    """Timefold's planning solution for the problem, and the instance-wide numbers."""
    prep = problem.prep
    instance = prep.instance
    sites = [s.id for s in instance.sites]
    where = {sid: j for j, sid in enumerate(sites)}
    sharers = set(instance.outreach_sharers())
    leg = prep.travel

    def minutes(a: str, b: str) -> int:
        return leg.get((a, b), 0)  # a pair no one can combine (references.py): never driven

    # Converting the plan to Java (convert_to_java_python_like_object) costs JPype round
    # trips per object and per reference, and converts each Python object once however often
    # it is referred to. So whatever many objects hold alike is held once and shared: the rows
    # of the travel matrix (a site's `to`, a home's `to_site` and `back`), the value ranges
    # (at XL the 26,514 slots have 228 candidate sets: 62,488 references to convert rather
    # than 10,625,947) and the Places (the 34,283 sessions at XL are at 7,347 of them).
    # benchmarks/timefold_build.py times it. Nothing mutates them.
    rows = {a: [minutes(a, b) for b in sites] for a in sites}
    columns = {b: [minutes(a, b) for a in sites] for b in sites}
    doctors = []
    for i, spec in enumerate(instance.specialists):
        doctors.append(
            Doctor(
                id=spec.id,
                index=i,
                home=where[spec.home],
                to_site=rows[spec.home],
                back=columns[spec.home],
                max_sessions=_limit(spec.max_sessions_per_week),
                max_outreach=_limit(spec.max_outreach_sessions_per_week),
                max_drive=_limit(spec.max_travel_minutes_per_day),
                max_days=_limit(spec.max_working_days_per_week),
                max_run=_limit(spec.max_consecutive_working_days),
                max_evenings=_limit(spec.max_evening_sessions_per_week),
                max_weekends=_limit(spec.max_weekends),
                factor=spec.burden_factor,
                sharer=spec.id in sharers,
            )
        )
    by_id = {d.id: d for d in doctors}
    alone = {d.id: [d] for d in doctors}  # a commitment's value range
    weekend_of = {t: j for j, days in enumerate(prep.weekends) for t in days}
    weights = instance.weights
    demand_weeks = {
        (dem.id, w): DemandWeek(
            f"{dem.id}|{w}", dem.sessions.min, dem.sessions.max, weights.uncovered_session * dem.priority
        )
        for dem in instance.demands
        for w in prep.demand_weeks[dem.id]
    }

    places: dict[tuple[int, int, str, str | None], Place] = {}

    def at(t: int, p: int, site: str, resource: str | None, left: int) -> Place:
        """The one Place of (day, period, site, resource): `left` depends on nothing else."""
        key = (t, p, site, resource)
        assert key not in places or places[key].cap_left == left, key  # shared: one capacity per key
        if key not in places:
            places[key] = Place(
                id=f"{site}|{resource}|{t}|{p}",
                day=t,
                period=p,
                week=prep.week[t],
                site=where[site],
                start=prep.period_start[p],
                end=prep.period_end[p],
                evening=1 if prep.evening[p] else 0,
                weekend=weekend_of.get(t, -1),
                cap_key=None if resource is None else f"{site}|{resource}|{t}|{p}",
                cap_left=left,
                to=rows[site],
            )
        return places[key]

    sessions = [
        Session(
            id=f"commitment|{spec}|{t}|{p}",
            dw=None,
            at=at(t, p, prep.commitment_at[(spec, t, p)].site, None, 0),
            pinned=True,
            allowed=alone[spec],
            specialist=by_id[spec],
        )
        for spec, t, p in problem.commitments
    ]
    ranges: dict[tuple[str, ...], list[Doctor]] = {}
    for slot in problem.slots:
        allowed = ranges.get(slot.allowed)
        if allowed is None:
            allowed = ranges[slot.allowed] = [by_id[s] for s in slot.allowed]
        sessions.append(
            Session(
                id=slot.key,
                dw=demand_weeks[(slot.demand, slot.week)],
                at=at(slot.day, slot.period, slot.site, slot.resource, slot.capacity_left),
                pinned=False,
                allowed=allowed,
            )
        )
    requests = [
        DayRequest(
            f"request|{r.index}",
            by_id[r.specialist].index,
            r.day,
            sum(1 << p for p in r.periods),
            r.want == "off",
            weights.request * r.weight,
        )
        for r in prep.requests
        if not r.hard
    ]
    burden = instance.fairness.burden
    settings = Settings(
        rest=instance.rules.min_rest_minutes,
        travel_weight=weights.travel_minute,
        sharers=len(sharers),
        outreach_points=burden.outreach_session,
        evening_points=burden.evening_session,
        weekend_points=burden.weekend_day,
        fairness_max=weights.fairness_max,
        fairness_deviation=weights.fairness_deviation,
    )
    return Plan(doctors, list(demand_weeks.values()), requests, list(places.values()), sessions), settings


def _limit(value: int | None) -> int:
    return BIG if value is None else value


def solve_timefold(
    instance: Instance,
    time_limit: float,
    on_solution: Callable[[float, int], None] | None = None,
    shortlist: bool = False,
) -> tuple[Roster | None, dict[str, Any]]:
    """Solve with Timefold; refuse (ValueError) an instance that uses an unmodelled rule.
    With `shortlist`, the value ranges are the engine's shortlist where the engine models the
    instance over one (`timefold_model.peer_prep`): the status then says "(restricted model)".

    The clock runs from the call, except while Timefold translates the Python domain and
    constraints to Java bytecode (`startup_s`, reported apart): a one-time cost per process
    that a planning service pays once, not per instance, and that on this shared machine
    alone took 15-55 s, more than the S limit. Everything per instance counts: preparing the
    slots, converting the plan to Java, the search. `on_solution(elapsed, objective)` hears,
    once the search is over and in order, each new best roster that breaks no hard constraint
    with every slot considered, at the time Timefold found it."""
    started = time.perf_counter()
    refused = refusal(instance)
    if refused:
        raise ValueError(
            "the Timefold peer does not model what this instance uses, so it refuses it: "
            + "; ".join(refused[:10])
            + (f" (and {len(refused) - 10} more)" if len(refused) > 10 else "")
        )
    prep, restricted = peer_prep(instance, time_limit, shortlist)
    problem = build_problem(prep)
    plan, settings = to_plan(problem)
    translating = time.perf_counter()
    config = SolverConfig(
        solution_class=Plan,
        entity_class_list=[Session],
        environment_mode=EnvironmentMode.NO_ASSERT,
        random_seed=0,
        score_director_factory_config=ScoreDirectorFactoryConfig(
            constraint_provider_function=make_constraints(settings, problem.prep.n_periods)
        ),
    )
    factory = SolverFactory.create(config)
    startup = time.perf_counter() - translating
    converting = time.perf_counter()
    java_plan = convert_to_java_python_like_object(plan)  # what Solver.solve does first
    convert_s = time.perf_counter() - converting
    build_s = time.perf_counter() - started - startup
    # The search gets what is left, less as long again as the conversion for reading back.
    search_s = max(0.1, time_limit - build_s - convert_s)
    limit = TerminationConfig(spent_limit=Duration(milliseconds=round(1000 * search_s)))
    solver = factory.build_solver(SolverConfigOverride(termination_config=limit))
    heard_at: list[tuple[float, int, int]] = []
    """(elapsed, hard, soft) of each new best solution with every slot considered."""

    def heard(hard: int, soft: int, initialized: bool) -> None:
        if initialized:
            heard_at.append((time.perf_counter() - started - startup, hard, soft))

    _listen(solver, heard)
    searching = time.perf_counter()
    solved = unwrap_python_like_object(solver._delegate.solve(java_plan))
    read_back = time.perf_counter()
    searched = read_back - searching
    chosen = {s.id: (s.specialist.id if s.specialist is not None else None) for s in solved.sessions if not s.pinned}
    roster = roster_from_choice(problem, chosen, "unknown")
    wall = time.perf_counter() - started - startup
    # When the time limit cuts a construction step short, Timefold (1.24) returns, and sends in
    # its last event, the score of the move it last tried and undid, not the solution's
    # (-1hard/-733578soft where the solution scores 0hard/-732052soft, which the checker
    # confirms; fixed upstream in timefold-solver PR #2596). Score the returned solution
    # afresh, outside the timed part.
    complete = bool(heard_at)
    returned = solved.score
    score = SolutionManager.create(factory).update(solved) if complete else None
    feasible = score is not None and score.hard_score == 0
    out: dict[str, Any] = {
        "status": ("feasible" if feasible else ("hard score below 0" if complete else "no solution"))
        + ("" if restricted is None else " (restricted model)"),
        "startup_s": round(startup, 2),
        "build_s": round(build_s, 2),
        "wall_s": round(wall, 2),
        "search_s": round(searched, 2),
        "search_limit_s": round(search_s, 2),
        "timefold_score": str(score),
        "timefold_returned_score": str(returned),
        "entities": len(plan.sessions),
    }
    if restricted is not None:
        out["restricted"] = restricted
    if not complete:
        return None, out  # Timefold reported no solution: no roster to judge
    timeline = [(t, -soft + problem.constant_cost) for t, hard, soft in heard_at[:-1] if hard == 0]
    if feasible and score is not None:
        objective = -score.soft_score + problem.constant_cost
        out["solver_objective"] = objective
        timeline.append((heard_at[-1][0], objective))  # the last event's roster, its own cost
    if on_solution is not None:
        for elapsed, cost in timeline:  # heard after the search: the last event's score needs the rescoring
            on_solution(elapsed, cost)
    return roster.model_copy(update={"status": "feasible" if feasible else "unknown"}), out


def _listen(solver: Any, heard: Callable[[int, int, bool], None]) -> None:
    """Hear each new best score from Java directly. `Solver.add_event_listener` converts the
    whole best solution back to Python at every improvement, which would slow Timefold's
    search down for a number only the timeline needs."""
    from jpype import JImplements, JOverride

    @JImplements("ai.timefold.solver.core.api.solver.event.SolverEventListener")
    class Listener:
        @JOverride
        def bestSolutionChanged(self, event: Any) -> None:  # noqa: N802 (Java's name)
            score = event.getNewBestScore()
            heard(int(score.hardScore()), int(score.softScore()), bool(event.isNewBestSolutionInitialized()))

    solver._delegate.addEventListener(Listener())
