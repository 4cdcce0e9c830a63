"""Solve an instance: build the model, run CP-SAT within limits, read back a roster.

`solve()` never prints; it logs to this module's logger and returns a `Result`. No roster is
not an exception (status says why); only bad input raises, and that happens at loading.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.domain.roster import Assignment, Roster, Stay
from outreach_opt.solve.builder import BuildOptions, BuildTimeoutError, RosterModel
from outreach_opt.solve.fairness_window import Window
from outreach_opt.solve.first_roster import FirstRoster, greedy_roster, hint
from outreach_opt.solve.lns import Found, Search, breakdown
from outreach_opt.solve.reach_rules import on_call_listing
from outreach_opt.solve.relaxation import bound_affordable
from outreach_opt.solve.relaxation_bound import BoundInBackground
from outreach_opt.solve.shortlist import plan_model

logger = logging.getLogger(__name__)


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


PORTFOLIO = ("max_lp", "core", "quick_restart", "default_lp", "reduced_costs", "no_lp", "pseudo_costs")
"""Full-problem CP-SAT subsolvers, most useful first; CP-SAT runs as many as there are workers."""


PRESOLVE_UP_TO_VARIABLES = 20_000
"""Above this many model variables CP-SAT's presolve is skipped. Measured on a 54-specialist,
6-site, 4-week instance (69k variables: 50k candidate sessions, 19k day patterns; 2 workers):
presolve took 12-18 s and the first roster came after it; without presolve the first roster
came at 0.9 s and the roster at 30 s cost half as much. The sample weeks (about 1k variables)
keep presolve: it proves their optima about 2x faster. A heuristic for the benchmarks issue."""


MAX_CANDIDATES = 2_000_000
"""Demand sessions the model may weigh (specialist x demand x day x period that fit), after
the shortlist of an instance too large to model whole (solve/shortlist.py): the benchmark's
largest size (1000 specialists x 60 sites x 4 weeks: 4.2M fitting, 128k shortlisted)
stays well below; above it the build alone would take minutes and gigabytes, so the
instance is refused before building."""
MAX_DAY_OPTIONS = 200_000
"""Ways one specialist-day could go before pruning (product of the options per period)."""


GREEDY_FROM_VARIABLES = 10_000
"""Models this large (about 50 specialist-weeks and up) start from the greedy first roster;
smaller ones from the commitments-only roster, as before. Measured: at 80 specialists x 15
sites (48k variables) the greedy start took the roster at 30 s from 116 of 118 sessions
uncovered to none, at 60 x 10 x 4 weeks from 369 of 384 to 8; at 20 x 6 (3k variables) and on
the samples, which CP-SAT solves or nearly solves alone, it made no measurable difference, and
there it would only change which of several equally good rosters comes back."""


LNS_FROM_VARIABLES = GREEDY_FROM_VARIABLES
"""With `SolveOptions.lns` None, models this large (and restricted ones) switch to
neighbourhoods when far from their bound. Measured idle (2 workers, one run each, at
a8c4af8 with `solve --lns`): 80 specialists x 15 sites at 30 s, seeds 1-3: 631167 / 540065 / 510662 against
708927 / 542139 / 519731 without; 300 x 40 (restricted) at 60 s: 7252626 against 7863922.
The samples are below it (the four-week one, 5.9k variables, proves its optimum sooner
without)."""


RELAXATION_FROM_VARIABLES = GREEDY_FROM_VARIABLES
"""A whole model this large also gets the relaxation's bound (solve/relaxation.py) beside
the search, when affordable; the bound reported is the higher of it and CP-SAT's (both hold
for the instance). At 80 specialists x 15 sites (shared machine, seeds 1-3) the relaxation
gave 528k / 341k / 303k in about 2.5 s, while CP-SAT's only bound came from its root LP at
19-29 s (527k / 264k / 304k), so at 30 s a gap was often not known at all. Below it (20
specialists, the samples) CP-SAT proves or nearly proves alone and the thread would only
take CPU from it."""


BUILD_SHARE = 0.9
"""Building gives up (status unknown, no roster) past this share of the time limit: freeing
a half-built model takes about a tenth of the time spent building it (300 specialists x 40
sites, limit 20 s: 20.5 s to give up, 22.3 s until `solve` had returned), so the caller still
gets its answer within the limit."""


IMPROVE_SHARE = 0.5
"""Share of the time left after building that the greedy first roster may
spend moving sessions to cheaper places (and building again towards fairness targets,
`first_roster.TARGET_SHARES`) before the search starts from it. At 60 specialists
and 4 weeks CP-SAT's neighbourhood search managed five moves a minute there (each
neighbourhood copies a 128k-variable model), while the plain-Python moves took the fairness
term from 1.51M to 1.42M in 10 s; on small models the moves run out long before the share.
0.5 rather than 0.3 since the targets (shared machine, load ~6, one run each): 80 specialists x
15 sites seed 1 at 30 s 565866 against 600666 (the neighbourhoods after it found nothing
better in either); 300 x 40 seed 1 at 60 s 5964401 against 5964295. 0.7 was worse at load ~7
(80 x 15 seed 3, 30 s: the model took 10 s, and the best try, ending at 22 s, could no longer
be completed in the time left: 607852 against 414465)."""


FULL_SHARE = 0.1
"""Share of the search time CP-SAT spends on the whole model (proving the bound, finding
rosters) before the neighbourhoods take over (solve/lns.py). Measured on Curtois & Qu (60 s, 2 workers, shared
machine, one run each, neighbourhoods by one two-worker configured_solver), 10 % against 35 %:
Instance12 6778 against 8370, Instance8 1968 against 2162, Instance7 1177 against 1162. The
whole model's roster stalls long before its bound (Instance12: bound 0 at 60 s); earlier,
with neighbourhoods solved with CP-SAT's default parameters, whole model for 60 s against
21 s of it then neighbourhoods had been mixed (Instance8 3844 against 3083, Instance6 2545
against 2555)."""
LNS_FROM_GAP = 0.2
"""...unless the whole-model roster is then within this relative gap of the bound, where the
whole model still does better: at 5 % the neighbourhoods took over Curtois & Qu Instance3 at
about 1106 against a bound of 1000 and stayed there (60 s, shared), where the whole model had
reached 1002; Instance2 ended at 834 against 829. Instances 6-12 switch at gaps of 20-90 %."""
LNS_FROM_SECONDS = 5.0
"""Searches shorter than this run on the whole model only: the sample weeks are proven in
well under a second, and a short limit would leave the neighbourhoods no time."""


STOP_SECONDS_PER_VARIABLE = 1.2e-5

WINDOW_FROM_GAP = 0.1
"""A whole model searched without neighbourhoods, with `fairness_deviation`, narrows its
total burden's window (solve/fairness_window.py) and restarts from its roster once a roster
is within this gap of CP-SAT's bound (a roster further off gives a window too wide to cut)."""
WINDOW_GAIN = 0.01
"""...and again each time a roster is this much below the cost the last window was cut at."""
MAX_WINDOWS = 4
"""Each window restarts the search (presolve again, its learning lost): a few at most."""
WINDOW_SECONDS = 1.0
"""No window with less time left than this: the LPs and the restart would eat it."""
PRE_WINDOW_SECONDS = 1.0
"""The greedy roster whose cost cuts the first window (before the search) gets this long for
its moves, and its completion as long again (at 20 specialists both take 0.1-0.3 s); not
with less than `PRE_WINDOW_FROM_SECONDS` of search left, which is better spent searching (the
four-week sample's window, translation and LPs took 2-6 s under load)."""
PRE_WINDOW_FROM_SECONDS = 5.0
"""No window with less time left than this: the LPs and the restart would eat it."""
"""Time kept back from CP-SAT's limit for it to stop and for the roster to be read back, per
model variable: on a 146k-variable model (60 specialists, 4 weeks, 2 busy cores) the search
returned 1.9 s after its limit and reading the roster took 0.6 s; the sample weeks need
almost nothing. With it, `solve` returns within its limit plus about a second at every size."""


def stop_reserve(built: RosterModel, remaining: float) -> float:
    """Seconds to keep back from the search (at most a quarter of what is left)."""
    return min(remaining / 4, STOP_SECONDS_PER_VARIABLE * len(built.model.proto.variables))


def check_size(prep: Prepared) -> None:
    """Refuse, before building, an instance whose model would be too large to solve here."""
    problems = []
    if len(prep.candidates) > MAX_CANDIDATES:
        problems.append(
            f"the instance asks the model to weigh {len(prep.candidates):,} possible demand sessions, over the "
            f"limit of {MAX_CANDIDATES:,}; split the horizon into shorter runs or narrow demands' days and periods"
        )
    for (spec, t), cands in prep.candidates_by_day.items():
        # ways[k]: ways to fill the day with k sessions, up to max_sessions_per_day (the
        # enumeration never grows a day past it: one shift a day over 18 shift types is 19
        # ways, not 2**18)
        most = prep.specialists[spec].max_sessions_per_day
        most = prep.n_periods if most is None else min(most, prep.n_periods)
        ways = [1] + [0] * most
        for p in range(prep.n_periods):
            sites = len({c.site for c in cands if c.period == p})
            for k in range(most, 0, -1):
                ways[k] += ways[k - 1] * sites
        options = sum(ways)
        if options > MAX_DAY_OPTIONS:
            problems.append(
                f"{spec} could be at so many sites on {prep.dates[t]} ({options:,} ways to fill the day, over "
                f"{MAX_DAY_OPTIONS:,}); narrow the demands' days or periods"
            )
            break
    if problems:
        raise InputError([Problem((), message) for message in problems])


@dataclass(frozen=True)
class Progress:
    """What the search has reached so far: sent at each better roster (objective set) and at
    each better proven bound (objective None)."""

    elapsed: float
    objective: int | None
    bound: int | None
    """For a restricted model (solve/shortlist.py) the relaxation's bound of the whole instance
    (solve/relaxation.py), never the shortlist's; None until it has one."""


@dataclass(frozen=True)
class Result:
    status: Status
    roster: Roster | None
    objective: int | None
    bound: int | None
    breakdown: dict[str, int] = field(default_factory=dict)
    wall_time: float = 0.0
    build_time: float = 0.0
    """Everything before the search: the model, and for a large one the greedy roster, its
    tries (up to `IMPROVE_SHARE` of the time left) and their completion."""
    interrupted: bool = False
    """The search was stopped by SIGINT/SIGTERM; the roster is the best found until then."""
    model_time: float = 0.0
    """Preparing the instance and building the CP-SAT model alone (part of `build_time`)."""
    restricted: str | None = None
    """Set when the instance was too large to model whole: what the shortlist left out
    (solve/shortlist.py). The status is then `feasible` at best (`optimal` only when the roster
    meets the bound) and the bound the relaxation's (solve/relaxation.py)."""

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: int | None, bound: int | None) -> float | None:
    """(objective - bound) / |objective|: 0 when the roster is proven best; None without both."""
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(1, abs(objective))


@dataclass
class SolveOptions:
    time_limit: float = 10.0
    workers: int = 0
    """CP-SAT search workers; 0 lets CP-SAT use every core."""
    seed: int = 0
    log_search: bool = False
    greedy_hint: bool = True
    """Start the search of a large model (`GREEDY_FROM_VARIABLES`) from the greedy first
    roster (solve/first_roster.py); off, or for a small model, from the commitments-only
    roster."""
    lns: bool | None = None
    """When the whole-model search has not come within `LNS_FROM_GAP` of its bound after
    `FULL_SHARE` of the time, spend the rest on neighbourhoods around its roster
    (solve/lns.py), or, with no roster yet, on finding any roster first. None (the default)
    decides by size: on for a model of `LNS_FROM_VARIABLES` or more and for a restricted one,
    off below. On the four-week sample (5.9k variables; 30 s, 2 workers, shared) the whole
    model was at 124590 (gap 87 %) at the switch and proves 16880 a few seconds later, while
    the neighbourhoods ended at 24940; on Curtois & Qu it helps
    (benchmarks/RESULTS-curtois-qu.md), and at the benchmark's M and L (see
    `LNS_FROM_VARIABLES`)."""
    build: BuildOptions = field(default_factory=BuildOptions)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        on_progress: Callable[[Progress], None] | None,
        started: float,
        restart: Callable[[int, float], bool] | None = None,
    ) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._restart = restart
        """Asked at each roster (objective, bound): True stops the search to restart it."""

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self._started  # from the start of the build, as for bounds
        self.objective = round(self.objective_value)
        if self._on_progress is not None:
            self._on_progress(Progress(elapsed, self.objective, round(self.best_objective_bound)))
        if self._restart is not None and self._restart(self.objective, self.best_objective_bound):
            self.stop_search()

    objective: int | None = None
    """The last roster's objective, as CP-SAT reports it (for the switch to neighbourhoods)."""


def solve(
    instance: Instance,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop_on_signals: bool = False,
    past: Sequence[Assignment] = (),
) -> Result:
    """Build and solve; the roster returned is the best found within the limits.

    With `stop_on_signals` (the CLI sets it), SIGINT and SIGTERM stop the search instead of
    the process, and the best roster so far comes back with `interrupted` set. Handlers are
    restored afterwards; library callers that do not ask get no signal handling at all.
    `past` holds assignments before the horizon (domain/history.py) that the rules count.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    plan = plan_model(instance, past, options.time_limit)
    prep = plan.prep
    check_size(prep)
    restricted = plan.shortlist.describe() if plan.shortlist is not None else None
    if restricted is not None:
        logger.info("solve: %s", restricted)
    try:
        deadline = dataclasses.replace(options.build, deadline=started + BUILD_SHARE * options.time_limit)
        built = RosterModel(prep, deadline, pattern_cache=plan.cache).build()
    except BuildTimeoutError as stop:
        wall = time.perf_counter() - started
        logger.info("solve: %s after %.2fs", stop, wall)
        return Result(Status.UNKNOWN, None, None, None, {}, wall, wall, restricted=restricted)
    now = time.perf_counter()
    model_time = now - started
    improve_until = now + IMPROVE_SHARE * max(0.0, options.time_limit - (now - started))
    variables = len(built.model.proto.variables)  # each size rule below is judged on it
    large = variables >= GREEDY_FROM_VARIABLES
    filled: list[tuple[FirstRoster, Completed]] = []
    listener = on_progress = None if on_progress is None else _rising_bounds(on_progress)
    relax = restricted is not None or variables >= RELAXATION_FROM_VARIABLES

    def start_bound(until: float) -> BoundInBackground | None:
        """The relaxation's bound of the whole instance (for a restricted model the only one;
        for a large whole model a second one beside CP-SAT's), computed in a child process
        beside the greedy roster and the search (solve/relaxation_bound.py), started right
        after the build: the child's Python does not slow the greedy roster's moves, and at 80
        specialists x 15 sites the bound arrives before the 30 s mark (started after the
        greedy roster's tries, which take half the time left, it came at about 33 s of 60)."""
        if not relax or not bound_affordable(instance):
            return None

        def on_bound(bound: int) -> None:
            if listener is not None:
                listener(Progress(time.perf_counter() - started, None, bound))

        return BoundInBackground(instance, past, until, on_bound)

    relaxed = start_bound(started + options.time_limit)
    reached: int | None = None
    try:  # the bound's process or thread is stopped however the solve ends (an error, Ctrl-C in the greedy)

        def completion_limit() -> float:
            """A roster not completed is lost: a third of the time left (a quarter had been too
            little for the best greedy try at 80 specialists on a busy machine)."""
            return max(0.1, options.time_limit - (time.perf_counter() - started)) / 3

        def on_filled(roster: FirstRoster) -> None:
            """The greedy roster before its moves is a roster already: completed, it is the
            first one reported (and the fallback should the improved one not complete); so is
            each cheaper one the greedy improvement ends a try with."""
            hint(built, roster)
            completed = complete_hint(built, completion_limit())
            if completed is not None:
                filled.append((roster, completed))
                logger.info("solve: greedy roster completed after %.2fs", time.perf_counter() - started)
                if on_progress is not None:
                    on_progress(Progress(time.perf_counter() - started, completed.objective, None))

        first = greedy_roster(built, improve_until, on_filled) if options.greedy_hint and large else None
        start: Completed | None = None
        """The complete roster the search starts from, should the search find none of its own."""
        if first is not None:
            logger.info("solve: greedy first roster after %.2fs", time.perf_counter() - started)
            start = filled[-1][1] if filled else None
            if start is None or (filled[-1][0].chosen, filled[-1][0].served) != (first.chosen, first.served):
                hint(built, first)  # else the roster reported last: completed already
                start = complete_hint(built, completion_limit()) or start
            if start is not None:
                start.set_as_hint(built)
            logger.info("solve: hint completed after %.2fs", time.perf_counter() - started)
        else:
            built.hint_commitments_only()
        build_time = time.perf_counter() - started
        remaining = options.time_limit - build_time
        search_until = time.perf_counter() + remaining - stop_reserve(built, remaining)
        wanted = options.lns if options.lns is not None else restricted is not None or variables >= LNS_FROM_VARIABLES
        lns = wanted and remaining > LNS_FROM_SECONDS
        solver = configured_solver(options, remaining=search_until - time.perf_counter())
        if len(built.model.proto.variables) > PRESOLVE_UP_TO_VARIABLES:
            solver.parameters.cp_model_presolve = False
        if restricted is not None and on_progress is not None:
            on_progress = _without_bounds(on_progress)  # the shortlist's bounds are not the instance's
        run = _Run(built, options, started, on_progress, search_until if lns else None, search_until)
        run.start = None if start is None else start.solver
        windows = not lns and restricted is None and built.fairness is not None and not built.options.explain
        # Without a listener, neighbourhoods or windows, no callbacks: the search runs as it did.
        callback = (
            _Callback(on_progress, started, run.wants_window if windows else None)
            if on_progress is not None or lns or windows
            else None
        )
        if windows and options.greedy_hint and not large:
            run.first_window()
            solver.parameters.max_time_in_seconds = max(0.1, search_until - time.perf_counter())
        if callback is not None:
            solver.best_bound_callback = run.on_bound
        if stop_on_signals:
            solver.parameters.catch_sigint_signal = False
            if run.lns is not None:
                run.lns.catch_sigint = False
            _stoppable(run, lambda: run.search(solver, callback))
        else:
            run.search(solver, callback)
        status, best = run.status, run.best
        if restricted is not None:  # proven only for the shortlist, not for the instance
            status = {Status.OPTIMAL: Status.FEASIBLE, Status.INFEASIBLE: Status.UNKNOWN}.get(status, status)
        searched = time.perf_counter()
        logger.info("search took %.2fs against %.2fs allowed", searched - started - build_time, remaining)
        wall = time.perf_counter() - started
        logger.info("solve: %s in %.2fs (build %.2fs)", status.value, wall, build_time)
        interrupted = bool(run.signals)
    finally:
        if relaxed is not None:
            reached = relaxed.stop()
    bound = _lower_bound(run, reached, restricted is not None)
    if best is None:
        return Result(status, None, None, bound, {}, wall, build_time, interrupted, model_time, restricted)
    # The cost of the roster returned, from its own values (lns.breakdown): the CLI once
    # refused a valid roster whose CP-SAT objective_value claimed more than it cost.
    terms = breakdown(built, best)
    objective = sum(terms.values())
    if status is Status.FEASIBLE and bound is not None and objective <= bound:
        status = Status.OPTIMAL  # the neighbourhoods reached the bound the full search proved
    roster = read_roster(built, best, status, objective, bound, interrupted)
    wall = time.perf_counter() - started
    logger.info("reading the roster back took %.2fs", time.perf_counter() - searched)
    return Result(status, roster, objective, bound, terms, wall, build_time, interrupted, model_time, restricted)


def _lower_bound(run: _Run, relaxed: int | None, restricted: bool) -> int | None:
    """The instance's bound: a restricted model's is the relaxation's alone (never the
    shortlist's own, whatever the shortlist's status); a whole model's the higher of
    CP-SAT's and the relaxation's, both lower bounds of the same instance. A whole model
    proven infeasible has none."""
    if restricted:
        return relaxed
    if run.status is Status.INFEASIBLE:
        return None
    return max((b for b in (run.bound, relaxed) if b is not None), default=None)


def _rising_bounds(listener: Callable[[Progress], None]) -> Callable[[Progress], None]:
    """Bounds from two sources (CP-SAT's, the relaxation's; two threads) as one rising bound:
    a report whose bound is missing or below the highest so far carries the highest instead,
    and a bound-only report that does not raise it is not passed on."""
    highest: int | None = None
    lock = threading.Lock()

    def report(progress: Progress) -> None:
        nonlocal highest
        with lock:
            if progress.bound is not None and (highest is None or progress.bound > highest):
                highest = progress.bound
            elif progress.objective is None:
                return
            else:
                progress = dataclasses.replace(progress, bound=highest)
            listener(progress)

    return report


def _without_bounds(listener: Callable[[Progress], None]) -> Callable[[Progress], None]:
    """A restricted model's progress: its rosters, without the bounds of the shortlist (the
    relaxation's bounds are sent on their own)."""

    def report(progress: Progress) -> None:
        if progress.objective is not None:
            listener(dataclasses.replace(progress, bound=None))

    return report


class _Run:
    """The search after building: CP-SAT on the whole model; then, with `lns_until` set and
    the roster not proven best, neighbourhoods around it (solve/lns.py) until that time.
    When the whole-model share ends with no roster, a search for any roster (objective
    dropped) gives the neighbourhoods their start. `stop()` ends whatever is running."""

    def __init__(
        self,
        built: RosterModel,
        options: SolveOptions,
        started: float,
        on_progress: Callable[[Progress], None] | None,
        lns_until: float | None,
        until: float | None = None,
    ) -> None:
        self.built, self.options, self.started = built, options, started
        self.until = until if until is not None else started + options.time_limit
        self.on_progress, self.lns_until = on_progress, lns_until
        self.signals: list[int] = []
        self.status = Status.UNKNOWN
        self.best: cp_model.CpSolver | None = None
        self.bound: int | None = None
        self._current: cp_model.CpSolver | None = None
        self.lns = Search(built, self._solver, options.seed) if lns_until is not None else None
        """Only with neighbourhoods: preparing them walks every variable of the model."""
        self.seen_bound: float | None = None
        self.switched = False
        self.window: Window | None = None
        self.windowed_at: int | None = None
        """The cost of the roster the last fairness window was cut at."""
        self.windows = 0
        self.restart = False
        self.start: cp_model.CpSolver | None = None
        """A solver holding the complete greedy roster the search was hinted with: the roster
        when the search finds none (at 80 specialists on a busy machine CP-SAT had reported
        nothing, not even the hint, when the whole model's share ended)."""

    def on_bound(self, bound: float) -> None:
        self.seen_bound = bound
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started, None, round(bound)))

    def _switch(self, solver: cp_model.CpSolver, callback: _Callback) -> None:
        """At `FULL_SHARE` of the time: stop the whole-model search for neighbourhoods unless
        its roster is within `LNS_FROM_GAP` of its bound (a proof may be near)."""
        gap = relative_gap(callback.objective, None if self.seen_bound is None else round(self.seen_bound))
        logger.info("whole-model search at its share: objective %s, gap %s", callback.objective, gap)
        if gap is None or gap > LNS_FROM_GAP:
            self.switched = True
            solver.stop_search()

    def wants_window(self, objective: int, bound: float) -> bool:
        """At each roster: restart with a (narrower) fairness window? See `WINDOW_FROM_GAP`."""
        if self.windows >= MAX_WINDOWS or self.signals or not math.isfinite(bound):
            return False
        if self.until - time.perf_counter() < WINDOW_SECONDS:
            return False
        if relative_gap(objective, math.ceil(bound)) > WINDOW_FROM_GAP:  # type: ignore[operator]
            return False
        if self.windowed_at is not None and objective > (1 - WINDOW_GAIN) * self.windowed_at:
            return False
        self.restart = True
        return True

    def first_window(self) -> None:
        """Before the search: the window at the cost of the greedy roster (a roster, so a valid
        `UB`), which is also the search's hint. At 20 specialists the root bound then starts
        within 0.3-1 % of the optimum (3 % without) and both seeds measured proved in 7-10 s
        shared, where neither proved in 20 s before (benchmarks/RESULTS-speed.md)."""
        if self.until - time.perf_counter() < PRE_WINDOW_FROM_SECONDS:
            return
        first = greedy_roster(self.built, time.perf_counter() + PRE_WINDOW_SECONDS)
        if first is None:
            return
        hint(self.built, first)
        completed = complete_hint(self.built, PRE_WINDOW_SECONDS)
        if completed is None:
            self.built.hint_commitments_only()
            return
        self.start = completed.solver  # the window keeps it: the roster should the search find none
        self._cut(completed.objective)

    def _cut(self, objective: int) -> None:
        self.windows += 1
        self.windowed_at = objective
        fairness = self.built.fairness
        assert fairness is not None  # windows are cut only with a fairness term
        if self.window is None:
            self.window = Window(self.built.model, fairness)
        found = self.window.narrow(objective, (self.until - time.perf_counter()) / 2)
        logger.info("fairness window at %s: %s", objective, found)
        if found is not None:
            self.window.apply(*found)

    def _narrow(self, solver: cp_model.CpSolver) -> cp_model.CpSolver | None:
        """After a restart was asked: the fairness window at the roster's cost, the roster as
        the hint, and a new solver for the time left (None when none is left)."""
        self.restart = False
        self._cut(round(solver.objective_value))
        model = self.built.model
        model.clear_hints()
        hints = model.proto.solution_hint
        hints.vars.extend(range(len(solver.response_proto.solution)))
        hints.values.extend(solver.response_proto.solution)
        left = self.until - time.perf_counter()
        return self._solver(left) if left > 0.1 else None

    def stop(self, signum: int) -> None:
        self.signals.append(signum)
        if self.lns is not None:
            self.lns.stop()
        if self._current is not None:
            self._current.stop_search()

    def search(self, solver: cp_model.CpSolver, callback: _Callback | None) -> None:
        if self.lns_until is not None and FULL_SHARE <= 0:
            # No share for the whole model: a timer at 0 s would fire before CP-SAT starts,
            # and CP-SAT ignores a stop that comes before its search.
            self.switched = True
        else:
            self._whole_model(solver, callback)
            if not self.switched or self.status in (Status.OPTIMAL, Status.INFEASIBLE) or self.signals:
                return
        lns = self.lns
        assert lns is not None and self.lns_until is not None  # switched only when set
        if self.best is None and self.start is not None:
            self.best, self.status = self.start, Status.FEASIBLE
        if self.best is None:
            self.best = self._any_roster(lns)
            if self.best is None:
                return
            self.status = Status.FEASIBLE
            self._report(lns.cost(self.best))
        found = lns.improve(Found(self.best, lns.cost(self.best)), self.lns_until, self._report)
        self.best = found.solver

    def _whole_model(self, solver: cp_model.CpSolver, callback: _Callback | None) -> None:
        self._current = solver
        timer = None
        if self.lns_until is not None and callback is not None:
            share = FULL_SHARE * (self.lns_until - time.perf_counter())
            timer = threading.Timer(share, self._switch, (solver, callback))
            timer.daemon = True
            timer.start()
        code = solver.solve(self.built.model, callback)
        bounded = solver  # the last search's bound: each narrowed model's holds for the instance
        while self.restart and not self.signals and code == cp_model.FEASIBLE:
            self.best = solver
            following = self._narrow(solver)
            if following is None:
                break
            solver = self._current = following
            solver.best_bound_callback = self.on_bound
            code = solver.solve(self.built.model, callback)
            bounded = solver
            if code == cp_model.INFEASIBLE:  # the window holds its own roster: never expected
                logger.warning("the model narrowed at %s has no roster; the roster found stands", self.windowed_at)
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                # No roster in the time left (the hint not taken): the last one stands; its
                # window holds every roster as good, so no other status is known.
                code = cp_model.FEASIBLE if code != cp_model.MODEL_INVALID else code
                if code == cp_model.FEASIBLE:
                    solver = self.best
            elif code == cp_model.FEASIBLE and solver.objective_value > self.best.objective_value:
                solver = self.best  # a fresh search that did not take the hint found worse: the last roster stands
        if timer is not None:
            timer.cancel()
        if code == cp_model.MODEL_INVALID:  # a bug in the builder, never the user's input
            raise RuntimeError(f"CP-SAT rejected the model: {self.built.model.validate()}")
        self.status = _STATUS[code]
        if self.status in (Status.OPTIMAL, Status.FEASIBLE):
            self.best = solver
        elif self.status is Status.UNKNOWN and self.start is not None:
            self.best, self.status = self.start, Status.FEASIBLE
        if self.status is not Status.INFEASIBLE and math.isfinite(bounded.best_objective_bound):
            # The whole model's bound holds with or without a roster of its own: a roster
            # found later (regardless of cost, then neighbourhoods) is measured against it.
            self.bound = round(bounded.best_objective_bound)

    def _any_roster(self, lns: Search) -> cp_model.CpSolver | None:
        """A roster with no regard to cost: the start for the neighbourhoods."""
        model = self.built.model.clone()
        model.clear_objective()
        solver = self._solver(self.lns_until - time.perf_counter())  # type: ignore[operator]
        solver.parameters.catch_sigint_signal = lns.catch_sigint
        solver.parameters.cp_model_presolve = len(model.proto.variables) <= PRESOLVE_UP_TO_VARIABLES
        self._current = solver
        code = solver.solve(model) if not self.signals else cp_model.UNKNOWN
        self._current = None
        logger.info("a roster regardless of cost: %s", solver.status_name(code))
        if code == cp_model.INFEASIBLE:
            self.status = Status.INFEASIBLE
        return solver if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def _solver(self, limit: float) -> cp_model.CpSolver:
        """Configured as the whole model's (`configured_solver`), for `limit` seconds."""
        return configured_solver(self.options, remaining=limit)

    def _report(self, objective: int) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started, objective, self.bound))


@dataclass(frozen=True)
class Completed:
    """A complete hint: a value for every model variable, the roster's objective, and the
    solver whose response holds it."""

    values: list[int]
    objective: int
    solver: cp_model.CpSolver | None = None

    def set_as_hint(self, built: RosterModel) -> None:
        built.model.clear_hints()
        hints = built.model.proto.solution_hint
        hints.vars.extend(range(len(self.values)))
        hints.values.extend(self.values)


def complete_hint(built: RosterModel, limit: float) -> Completed | None:
    """Extend the hint on the decisions to every variable (auxiliaries follow by propagation
    once the decisions are fixed), so that CP-SAT takes it as its first roster at once: on a
    100k-variable model it otherwise ignored a feasible partial hint for the whole minute.
    Returns None (hint left as it was) when the fixed decisions admit no completion within
    `limit` seconds, e.g. under a rule the greedy builder does not know."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False  # everything that matters is fixed already
    solver.parameters.linearization_level = 0
    code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        logger.info("greedy hint not completed: %s", solver.status_name(code))
        return None
    completed = Completed(list(solver.response_proto.solution), round(solver.objective_value), solver)
    completed.set_as_hint(built)
    return completed


def _stoppable(run: _Run, search: Callable[[], None]) -> None:
    """Run `search` with SIGINT/SIGTERM turned into `run.stop`, which records the signal."""

    def stop(signum: int, _frame: object) -> None:
        logger.info("signal %d: stopping the search, keeping the best roster", signum)
        run.stop(signum)

    # Python runs signal handlers only on the main thread, between bytecodes; a main thread
    # blocked inside CP-SAT's C++ would see the signal only when the search ends. So the search
    # runs in a worker thread and the main thread waits in short joins, free to stop it.
    failed: list[BaseException] = []

    def target() -> None:
        try:
            search()
        except BaseException as exc:  # re-raised on the main thread below
            failed.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        raise failed[0]


def configured_solver(options: SolveOptions, remaining: float | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    limit = options.time_limit if remaining is None else remaining
    solver.parameters.max_time_in_seconds = max(0.1, limit)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = options.seed
    solver.parameters.log_search_progress = options.log_search
    # The day-pattern encoding is strongest in the full LP relaxation (linearization level 2).
    # CP-SAT's own portfolio only adds that worker ("max_lp") from about 8 workers on; on the
    # 2-core machines we target, the Anzhen week then stalled at a bound of 365 against 830,
    # while max_lp proves 830 in 0.1 s. So one worker runs with level 2, and several run a
    # portfolio that starts with max_lp.
    solver.parameters.linearization_level = 2
    if options.workers != 1:
        solver.parameters.subsolvers.extend(PORTFOLIO)
    return solver


def read_roster(
    built: RosterModel,
    solver: cp_model.CpSolver,
    status: Status,
    objective: int,
    bound: int | None,
    interrupted: bool = False,
) -> Roster:
    """The roster a solution describes: chosen day patterns give commitments, x gives demands."""
    prep: Prepared = built.prep
    served: dict[tuple[str, int, int], tuple[str, str | None]] = {}
    for cand, var in built.x.items():
        if solver.boolean_value(var):
            served[(cand.specialist, cand.day, cand.period)] = (cand.demand, cand.role)
    assignments = []
    order = {s.id: i for i, s in enumerate(prep.instance.specialists)}
    chosen: dict[str, list[tuple[int, int, str, bool]]] = defaultdict(list)
    patterns = {}
    for (spec, t), choices in built.days.items():
        for pat, var in choices:
            if solver.boolean_value(var):
                patterns[(spec, t)] = pat
                for p, site in enumerate(pat.stops):
                    if site is not None:
                        chosen[spec].append((t, p, site, pat.committed[p]))
    for spec in sorted(chosen, key=order.__getitem__):
        for t, p, site, committed in sorted(chosen[spec]):
            if committed:
                assignments.append(prep.commitment_assignment(spec, t, p))
            else:
                demand_id, role = served[(spec, t, p)]
                assignments.append(prep.session_assignment(spec, t, p, site, demand_id, role))
    stays = [
        Stay(specialist=spec, night=prep.dates[t], site=site)
        for (spec, t, site), var in sorted(built.nights.items(), key=lambda item: (order[item[0][0]], item[0][1]))
        if solver.boolean_value(var)
    ]
    return Roster(
        instance=prep.instance.name,
        status="interrupted" if interrupted else status.value,
        objective=objective,
        bound=bound,
        assignments=assignments,
        stays=stays,
        **({"on_call": on_call_listing(prep, patterns)} if prep.instance.on_call else {}),
    )


def model_accepts(
    instance: Instance, roster: Roster, time_limit: float = 10.0, past: Sequence[Assignment] = ()
) -> tuple[bool, list[str]]:
    """Does the model admit exactly this roster? Every variable is hinted from the roster and
    fixed to its hint; a feasible solve means yes. Symmetry breaking is off: a valid roster
    need not list interchangeable specialists in the model's chosen order.

    Returns the verdict and, when the roster cannot even be expressed (a day the enumeration
    did not produce, a session with no candidate variable), what could not be expressed.
    """
    built = RosterModel(prepare(instance, past), BuildOptions(symmetry_breaking=False)).build()
    unexpressed = built.hint_roster(roster)
    if unexpressed:
        return False, unexpressed
    solver = configured_solver(SolveOptions(time_limit=time_limit, workers=1))
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = solver.solve(built.model)
    if code == cp_model.UNKNOWN:
        raise RuntimeError("the fixed-roster check did not finish within its time limit")
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE), []
