"""A roster built one specialist at a time, for instances whose specialists are tied only by
demands' session counts (issue 8: Curtois & Qu Instances 20-24).

Why: in nurse rostering every hard rule is a person's own (runs, minutes, weekends, days
off); only the cover ties people together, and it is soft. The whole model of a half-year or
a year still has to find every person's line at once: Curtois & Qu Instance22 (50 people x
364 days x 10 shifts, 265k variables) found no roster in 250 s with presolve (2 workers,
shared), and Instance24 (150 x 364 x 32) would not fit in memory. One person's year is a
small model: this solves them one after another, each against what the others already
serve, so the cover drives it (a shift the others fill costs this person surplus, one they
leave short is worth filling).

Each step is the engine's own model of a sub-instance: the one specialist, the demands they
can serve with their weekly `sessions.min` and `max` lowered by what the others serve that
week, their own requests, commitments, pins and past. For a demand asking in one week only
(every Curtois & Qu cover) the step's objective is the whole roster's up to a constant, so
later passes, each step hinted with the person's current line, never make the roster worse.
For demands over several weeks a step sees the busiest week's others for `max` (the hard rule
holds in every week) and the quietest week's for `min` (a heuristic).

The first pass takes each person's line from a construction in plain Python where it
applies (solve/first_line.py, accepted by the caller's judge before it is used: the
independent checker's check/lone_line.py; a few tenths of a second per person of
Instance24 where CP-SAT took 4-9 s to build and find one), and from CP-SAT otherwise.
Later passes first rebuild each line in plain Python against everyone else's, kept only
when worth more (`rebuilt`), while that changes many lines and the first pass's share of
the time lasts (or CP-SAT would get too little a person); then CP-SAT's passes, each step
hinted with the current line, until the time ends or a whole pass changes no line with every
step proven optimal (then no pass changes the roster: `on_settled`). When the time left gives
each person less than `MIN_STEP`, a pass steps as many as it can at `MIN_STEP` each. Before, a
pass with less than `MIN_STEP` a person stepped nobody and the search ended there, as it did
after any pass that changed no line, proven or not: Curtois & Qu Instance20 at `--time-limit
60` returned after 29.7 s, about 21 s of search left unused over 50 people.

The decomposition declines (None) instances with anything else that ties specialists:
teams, resources, distinct-specialist limits or costs, teaching, on-call, fairness. `solve` takes
it for long horizons that decompose (solve/long_horizon.py: Curtois & Qu Instances 20-24), and
uses its first lines and rebuilding passes, not its CP-SAT passes, for the whole model's first
roster (solve/line_start.py). The independent checker judges every roster it gives.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Demand, Instance
from outreach_opt.domain.people import People
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.first_line import better_line, first_line
from outreach_opt.solve.lns import own_cost
from outreach_opt.solve.outcome import Status, read_roster

logger = logging.getLogger(__name__)

Week = tuple[str, int]
"""(demand id, week index)."""


def ties(instance: Instance) -> list[str]:
    """What ties specialists together beyond demands' session counts (empty: the instance
    decomposes by specialist)."""
    found = []
    if any(d.team for d in instance.demands):
        found.append("team demands")
    if any(d.resource or d.remote_resource for d in instance.demands):
        found.append("resources")
    if any(d.max_specialists is not None for d in instance.demands):
        found.append("max_specialists")
    if instance.weights.distinct_specialist and any(d.continuity for d in instance.demands):
        found.append("continuity")
    if instance.trainees or any(d.teaches for d in instance.demands):
        found.append("teaching")
    if instance.on_call:
        found.append("on-call")
    if instance.weights.fairness_max or instance.weights.fairness_deviation:
        found.append("fairness")
    return found


@dataclass
class Lines:
    """Every specialist's current line and the sessions each demand-week gets from them."""

    instance: Instance
    lines: dict[str, list[Assignment]] = field(default_factory=dict)
    served: Counter[Week] = field(default_factory=Counter)
    serving: Counter[str] = field(default_factory=Counter)
    """Sessions of each demand in all lines, over every week: 0 lets `sub_instance` keep the
    demand as it is without looking at its weeks."""
    index: Index = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = Index(self.instance)

    def week(self, a: Assignment) -> int:
        return self.week_of(a.date)

    def week_of(self, date: dt.date) -> int:
        return (date - self.instance.horizon.start).days // 7

    def set(self, spec: str, line: list[Assignment]) -> None:
        for a in self.lines.get(spec, []):
            if a.demand is not None:
                self.served[(a.demand, self.week(a))] -= 1
                self.serving[a.demand] -= 1
        for a in line:
            if a.demand is not None:
                self.served[(a.demand, self.week(a))] += 1
                self.serving[a.demand] += 1
        self.lines[spec] = line

    def roster(self) -> Roster:
        return Roster(
            instance=self.instance.name,
            status="feasible",
            assignments=[a for spec in self.instance.specialists for a in self.lines.get(spec.id, [])],
        )


class Index:
    """What `sub_instance` takes from the instance for each person, gathered once: each
    person's own entries (`People`), and the demands within a set of skills with the weeks
    they ask in.

    Why: on Instance24 (150 people, 11,648 demands, 19,209 requests) every step rescanned all
    of them for one person: 21 % of the first pass (pairs helper, py-spy, loaded)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.people = People(instance)
        start, weeks = instance.horizon.start, (instance.horizon.days + 6) // 7
        every_week = list(range(weeks))
        self.asking: list[tuple[Demand, list[int], int]] = []
        """Each demand with the weeks it asks in (none: asks only outside the horizon, left
        out) and its skill set's number in `skill_sets`."""
        number: dict[frozenset[str], int] = {}
        for dem in instance.demands:
            asks = (
                every_week
                if dem.dates is None
                else sorted({(d - start).days // 7 for d in dem.dates} & set(every_week))
            )
            if asks:
                needs = frozenset(dem.skills)
                self.asking.append((dem, asks, number.setdefault(needs, len(number))))
        self.skill_sets: list[frozenset[str]] = list(number)
        """The distinct skill sets of demands, numbered in `asking`."""

    def within(self, skills: Sequence[str]) -> list[tuple[Demand, list[int]]]:
        """`asking` cut to the demands whose skills are all in `skills` (the others are a
        constant of a step's objective), in the instance's order. The subset test is made
        once per distinct skill set (Curtois & Qu: a few), not once per demand."""
        has = frozenset(skills)
        fits = [needs <= has for needs in self.skill_sets]
        return [(dem, weeks) for dem, weeks, k in self.asking if fits[k]]


def sub_instance(instance: Instance, spec_id: str, lines: Lines) -> Instance:
    """The instance as `spec_id` sees it with everyone else's line fixed (module docstring)."""
    index = lines.index
    assert index.instance is instance  # the index is of the instance the lines are
    spec = index.people.specialists[spec_id]
    own: Counter[Week] = Counter(
        (a.demand, lines.week(a)) for a in lines.lines.get(spec_id, []) if a.demand is not None
    )
    demands: list[Demand] = []
    for dem, weeks in index.within(spec.skills):
        if not lines.serving.get(dem.id):
            demands.append(dem)  # nobody serves it yet (most demands, early in the first pass)
            continue
        others = [lines.served[(dem.id, w)] - own[(dem.id, w)] for w in weeks]
        busiest, quietest = max(others), min(others)
        if busiest == 0:
            demands.append(dem)
            continue
        sessions = dem.sessions.model_copy(
            update={"min": max(0, dem.sessions.min - quietest), "max": max(0, dem.sessions.max - busiest)}
        )
        demands.append(dem.model_copy(update={"sessions": sessions}))
    return index.people.only([spec_id], demands=demands)


def line_step(
    instance: Instance,
    spec_id: str,
    lines: Lines,
    options: Steps,
    limit: float,
    past: Sequence[Assignment] = (),
    retry: float = 0.0,
) -> tuple[list[Assignment] | None, bool]:
    """The specialist's best line found within `limit` seconds given the others' lines, and
    whether CP-SAT proved it so (their step's model solved to optimality: a pass in which every
    step is proven and none changes a line is a roster no further pass changes). With a current
    line it is the hint, kept unless something cheaper comes. Without one, a search that found
    no line in `limit` goes on for up to `retry` seconds more (with tight minute limits a first
    line can take many times the usual: Curtois & Qu Instance22's AA, 111360 to 112320 minutes,
    took 7-8 s where most took 2-5). The line is None when none was found."""
    sub = sub_instance(instance, spec_id, lines)
    built = RosterModel(prepare(sub, [a for a in past if a.specialist == spec_id]), BuildOptions()).build()
    current = lines.lines.get(spec_id)
    before = None
    if current is not None:
        built.hint_roster(Roster(instance=sub.name, assignments=current))
        before = _hinted_cost(built)
    solver = options.solver(limit, hinted=before is not None)
    code = solver.solve(built.model)
    if code == cp_model.UNKNOWN and current is None and retry > 0:  # a first line is worth waiting for
        solver = options.solver(retry)
        solver.parameters.stop_after_first_solution = True
        code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return current, False
    proven = code == cp_model.OPTIMAL
    cost = own_cost(built, solver)
    if before is not None and cost >= before:
        return current, proven
    return read_roster(built, solver, Status.FEASIBLE, cost, None).assignments, proven


Judge = Callable[[Instance, list[Assignment]], bool]
"""Whether a lone specialist's line keeps every hard rule of their sub-instance: the
independent checker's `outreach_opt.check.lone_line.line_holds`, handed in by the caller
(solve does not import check)."""


def built_line(instance: Instance, spec_id: str, lines: Lines, judge: Judge) -> list[Assignment] | None:
    """The specialist's first line built in plain Python (solve/first_line.py) against the
    others' lines, if `judge` (the independent checker) finds every hard rule kept; None
    otherwise (declined, not found, or rejected: CP-SAT's line is used instead)."""
    sub = sub_instance(instance, spec_id, lines)
    line = first_line(sub)
    return line if line is not None and judge(sub, line) else None


def rebuilt(instance: Instance, spec_id: str, lines: Lines, until: float, judge: Judge) -> bool:
    """Replace the specialist's line by one built in plain Python against everyone else's
    current lines when it is worth more and `judge` accepts it;
    whether it was replaced. Nothing is tried after `until`."""
    if time.perf_counter() >= until:
        return False
    sub = sub_instance(instance, spec_id, lines)
    line = better_line(sub, lines.lines[spec_id])
    if line is None or not judge(sub, line):
        return False
    lines.set(spec_id, line)
    return True


def _hinted_cost(built: RosterModel) -> int | None:
    """The cost of the hinted line in this step's model (None if the model rejects it)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = solver.solve(built.model)
    return own_cost(built, solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


@dataclass(frozen=True)
class Steps:
    """How each person's step is solved: CP-SAT with its default parameters (on Curtois &
    Qu Instance22's first eight people, first lines came in 17 s in all against 33 s with
    `configured_solver`'s LP-heavy portfolio, 2 workers, shared)."""

    workers: int = 2
    seed: int = 0

    def solver(self, limit: float, hinted: bool = False) -> cp_model.CpSolver:
        """A step's solver; one hinted with the person's current line presolves once only:
        on Instance22 (shared machine, 3 s a step, eight people after the first lines in plain
        Python) steps with the default presolve found nothing better than the hint for 3 and
        gained 0-1.0 % on the others, with one round 0.01-1.3 % on all but one."""
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        solver.parameters.max_time_in_seconds = max(MIN_STEP, limit)
        if hinted:
            solver.parameters.max_presolve_iterations = 1
        return solver


def _built_pass_due(first_until: float, until: float, people: int) -> bool:
    """Another pass in plain Python: before `first_until`, or after it while CP-SAT would
    get less than CPSAT_STEP a person (Instance24's 150 people)."""
    now = time.perf_counter()
    return now < until and (now < first_until or (until - now) / people < CPSAT_STEP)


BUILT_PASS_CHANGES = 0.25
"""Passes in plain Python stop after one that changed fewer than this share of the lines
(where CP-SAT would get CPSAT_STEP a person; otherwise only after one that changed none:
Instance24 stopped at 251 s of 300 the other way):
on Instance20 (shared machine, 120 s) they took 41263 to 28383, 24838 and 24831 with 41, 31
and 12 of 50 lines changed, where CP-SAT's passes then reached 12407 in the remaining 80 s."""
CPSAT_STEP = 1.0
"""Seconds a person's CP-SAT step needs to be worth it (building one takes 0.5-2 s). Was 2.0:
on Curtois & Qu Instance23 (100 people, 300 s) CP-SAT then got less than 2 s a person, so
the passes in plain Python went on until one changed nothing (passes 6-8, 106-141 s: 14, 1
and 0 lines), and the one CP-SAT pass after them, 1.1 s a person, changed 69 of the 84 it
reached. With 1.0 that run's passes would have given way after pass 6 (1.5 s a person left).
Measured: `benchmarks/ab_settings.py --time-limit 300 --a by_specialist.CPSAT_STEP=2.0 --b
by_specialist.CPSAT_STEP=1.0 cq:23 cq:24` (idle, session 40): Instance23 47635 and, run
again, 46004 against 53650 (the old value's other runs that day: 52429, 53957, 54378);
Instance24 151441 against 151539."""
MIN_STEP = 0.5
"""Seconds a step gets at least, whatever the share left."""
STAGES = 10
"""Stage reports in the first pass (every tenth of the people): on Instance24 it takes
minutes with nothing else to show."""


def _first_pass_fits(began: float, done: int, people: int, end: float, on_stage: Callable[[str], None]) -> bool:
    """Whether the first pass, `done` of `people` lines since `began`, may go on: in its
    second half always (most of the time is spent), in its first half while the pace so far
    ends it by `end`. Otherwise it says so (stage and warning) and the caller gives up.

    Why: on Instance24 (150 people, 1.6-1.8 s a line loaded) the first pass alone took
    ~240 s of a 120 s limit and the CLI came back after 8 minutes; giving up at the first
    tenth says so in ~30 s, with the time it would need."""
    now = time.perf_counter()
    if 2 * done > people:
        return True
    projected = (now - began) * people / done
    if began + projected <= end:
        return True
    message = (
        f"giving up: the first lines would take about {projected:.0f} s ({done} of {people} "
        f"specialists in {now - began:.0f} s), past the time limit by {began + projected - end:.0f} s"
    )
    logger.warning("by specialist: %s", message)
    on_stage(message)
    return False


def by_specialist(
    instance: Instance,
    options: Steps,
    first_until: float,
    until: float | None = None,
    past: Sequence[Assignment] = (),
    on_roster: Callable[[Roster], None] | None = None,
    judge: Judge | None = None,
    stopped: Callable[[], bool] = lambda: False,
    on_stage: Callable[[str], None] = lambda _: None,
    give_up_after: float | None = None,
    on_settled: Callable[[], None] = lambda: None,
) -> Roster | None:
    """A roster specialist by specialist (module docstring), the first pass by `first_until`
    (perf_counter; each person gets an equal share of what is left, and one with no line in
    it is searched for until `until`), then, with `until`, further passes over everyone until
    then. `on_roster` gets the roster after each pass that changed it. Lines built in plain
    Python are used only with a `judge` that accepts them (without one: CP-SAT's only). None
    when the instance does not decompose or someone got no line by `until` (`first_until`
    without it). `stopped` (a signal, solve/long_horizon.py) ends it between two people's
    steps: with the roster of the last pass, or None during the first. `on_settled` is
    called when the CP-SAT passes end before `until` because a whole pass proved every line
    the best given the others' (module docstring). `on_stage` hears
    how far it got, in words (`STAGES` times in the first pass, once after each later one).
    With `give_up_after` (perf_counter), the first pass gives up (None) at a stage report in
    its first half when, at the pace so far, it would end past that moment (`_first_pass_fits`)."""
    reasons = ties(instance)
    if reasons:
        logger.info("by specialist: declined (%s)", ", ".join(reasons))
        return None
    lines = Lines(instance)
    order = [s.id for s in instance.specialists]
    built = 0
    began = time.perf_counter()
    for k, spec in enumerate(order):
        if stopped():
            return None
        line = None if past or judge is None else built_line(instance, spec, lines, judge)
        if line is not None:
            built += 1
        else:
            share = (first_until - time.perf_counter()) / (len(order) - k)
            retry = (until or first_until) - time.perf_counter() - share
            line = line_step(instance, spec, lines, options, share, past, retry)[0]
        if line is None:
            logger.info("by specialist: no line for %s", spec)
            return None
        lines.set(spec, line)
        if (k + 1) % max(1, len(order) // STAGES) == 0 or k + 1 == len(order):
            on_stage(f"first lines: {k + 1} of {len(order)} specialists ({built} built in plain Python)")
            if give_up_after is not None and not _first_pass_fits(began, k + 1, len(order), give_up_after, on_stage):
                return None
    logger.info("by specialist: %d of %d first lines built in plain Python", built, len(order))
    roster = lines.roster()
    if on_roster is not None:
        on_roster(roster)
    passes = 1
    while not past and judge is not None and until is not None and _built_pass_due(first_until, until, len(order)):
        changed = sum(rebuilt(instance, spec, lines, until, judge) for spec in order if not stopped())
        logger.info("by specialist: a pass in plain Python changed %d lines", changed)
        passes += 1
        on_stage(f"pass {passes} in plain Python: {changed} of {len(order)} lines changed")
        if changed and on_roster is not None:
            on_roster(lines.roster())
        if stopped():
            break
        cp_sat_turn = until is not None and (until - time.perf_counter()) / len(order) >= CPSAT_STEP
        if not changed or (changed < len(order) * BUILT_PASS_CHANGES and cp_sat_turn):
            break
    while until is not None and until - time.perf_counter() >= MIN_STEP and not stopped():
        changed, stepped, proven = 0, 0, 0
        for k, spec in enumerate(order):
            left = until - time.perf_counter()
            if left < MIN_STEP or stopped():
                break
            line, best = line_step(instance, spec, lines, options, max(MIN_STEP, left / (len(order) - k)), past)
            stepped, proven = stepped + 1, proven + best
            if line is not None and line is not lines.lines[spec]:
                lines.set(spec, line)
                changed += 1
        passes += 1
        cut = f" ({stepped} of them stepped)" if stepped < len(order) else ""
        on_stage(f"pass {passes} with CP-SAT: {changed} of {len(order)} lines changed{cut}")
        if changed and on_roster is not None:
            on_roster(lines.roster())
        if not changed and proven == len(order):
            logger.info("by specialist: every line proven the best given the others', none changed")
            on_settled()
            break
    logger.info("by specialist: %d passes", passes)
    return lines.roster()
