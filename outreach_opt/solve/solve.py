"""Solve an instance: build the model, run CP-SAT within limits, read back a roster.

`solve()` never prints; it logs (here and in solve/search_run.py) and returns a `Result`. No roster is
not an exception (status says why); only bad input raises, and that happens at loading.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve import long_horizon
from outreach_opt.solve.bound_process import BoundInBackground
from outreach_opt.solve.builder import BuildOptions, BuildTimeoutError, RosterModel
from outreach_opt.solve.by_specialist import Judge, ties
from outreach_opt.solve.first_roster import Completed, FirstRoster, complete_hint, hint
from outreach_opt.solve.greedy import greedy_roster
from outreach_opt.solve.line_start import greedy_cheaper, lines_start
from outreach_opt.solve.lns import breakdown
from outreach_opt.solve.lns_choice import weekend_days
from outreach_opt.solve.options import SolveOptions, configured_solver, stop_reserve
from outreach_opt.solve.outcome import Progress, Result, Status, read_roster
from outreach_opt.solve.relaxation import bound_affordable
from outreach_opt.solve.search_run import RESTRICTED_FULL_SHARE, SearchCallback, SearchRun, stoppable
from outreach_opt.solve.shortlist import plan_model
from outreach_opt.solve.size_limits import check_size

logger = logging.getLogger(__name__)

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
without). Smaller nurse rosters (no history and nothing tying specialists beyond the cover,
`by_specialist.ties`: every person's rules their own, as for `solve/line_start.py`) get them
too: the CLI on Curtois & Qu 1-4, 6, 7, 8, 10 and 12 at 60 s (2 workers, idle, one run each,
2026-12-06 22:59-23:09 UTC) summed 17,469 with them against 18,095 without, none dearer
(8 1450 / 1639, 10 4659 / 4980, 12 4197 / 4303; 1-4 and 6 optimal both ways, 4 proven at
49.9 s with them against 20.2 s without)."""


RELAXATION_FROM_VARIABLES = GREEDY_FROM_VARIABLES
"""A whole model this large also gets the relaxation's bound (solve/relaxation.py) beside
the search, when affordable; the bound reported is the higher of it and CP-SAT's (both hold
for the instance). At 80 specialists x 15 sites (shared machine, seeds 1-3) the relaxation
gave 528k / 341k / 303k in about 2.5 s, while CP-SAT's only bound came from its root LP at
19-29 s (527k / 264k / 304k), so at 30 s a gap was often not known at all. Below it (20
specialists, the samples) CP-SAT proves or nearly proves alone and the thread would only
take CPU from it."""


INTEGER_BESIDE_GREEDY = True
"""A large model (whole or shortlisted) with the relaxation's bound and the greedy first
roster runs the integer counts' MIP in the bound's child while the greedy works, on the core
the one-threaded greedy leaves free, with a time limit of its own (`MIP_SHARE`). When the
greedy returns or is skipped the parent says so (`BoundInBackground.end_integral`): a MIP not
yet started never starts; a running one ends at its own limit (HiGHS tells its bound only
then, so ending it sooner loses all of it). The MIP is written only where every sharing unit
is one specialist (`integral_applies`: not at L's and XL's grouped units).
`SolveOptions.integer_bound` runs it to the end instead. Measured: models/BOUNDS.md, "Integer
counts"."""

MIP_SHARE = 0.4
"""The integer counts' MIP beside the greedy ends by this share of the time left after the
build, whenever the greedy returns: its cost is at most one core for that share, and the bound
no longer depends on the greedy's pace. Until 380e5fd its limit was the greedy's
(`IMPROVE_SHARE`) and the MIP was killed when the greedy returned unless near its limit: since
the greedy's tries hand over sooner, 80 x 15 seed 2's MIP was killed and its bound fell from
355,717 to the LPs' 345,648 (idle, one run). The MIP needs about 10 s in all at 80 x 15 seed 2
(`lower_bound(..., integral=True)` alone, shared machine: 5 s 346,033, 10 s and 20 s 355,700)."""

WEEKEND_BOUND = True
"""Nurse rosters whose weekends bind (whole models) get the weekends' bound beside the search
(solve/weekend_bound.py): one core for the MIP's seconds (Curtois & Qu 12 1 s, 13 18 s). A
switch for measuring what that costs the search (models/BOUNDS.md, "The weekends' bound")."""

WEEKEND_SHARE = 0.1
"""The weekends' MIP stops by this share of the time limit (HiGHS's bound then is still one):
its core is the search's second. On Curtois & Qu Instance13 at 30 s (`solve` with the first
lines' judge and `lns`, idle), with the MIP to the limit (18 s of one core), two runs each:
6832 and 5791 with it, 5362 and 4690 without; with this share (3 s, bound 600), three
alternated pairs: 4689 with, 4690 without, every run. At 300 s it still finishes (13's 1,100),
and at 60 s 12's (1 s)."""

BUILD_SHARE = 0.9
"""Building gives up (status unknown, no roster) past this share of the time limit: freeing
a half-built model takes about a tenth of the time spent building it (300 specialists x 40
sites, limit 20 s: 20.5 s to give up, 22.3 s until `solve` had returned), so the caller still
gets its answer within the limit."""


IMPROVE_SHARE = 0.5
"""Share of the time left after building that the greedy first roster may
spend moving sessions to cheaper places (and building again towards fairness targets,
`greedy.TARGET_SHARES`) before the search starts from it. At 60 specialists
and 4 weeks CP-SAT's neighbourhood search managed five moves a minute there (each
neighbourhood copies a 128k-variable model), while the plain-Python moves took the fairness
term from 1.51M to 1.42M in 10 s; on small models the moves run out long before the share.
0.5 rather than 0.3 since the targets (shared machine, load ~6, one run each): 80 specialists x
15 sites seed 1 at 30 s 565866 against 600666 (the neighbourhoods after it found nothing
better in either); 300 x 40 seed 1 at 60 s 5964401 against 5964295. 0.7 was worse at load ~7
(80 x 15 seed 3, 30 s: the model took 10 s, and the best try, ending at 22 s, could no longer
be completed in the time left: 607852 against 414465)."""
LINES_SHARE = 0.2
"""Share of the time left after building that the first-lines roster's rebuilding passes
may take (solve/line_start.py; they usually stop sooner, on a pass that changes few lines)."""
LNS_FROM_SECONDS = 5.0
"""Searches shorter than this run on the whole model only: the sample weeks are proven in
well under a second, and a short limit would leave the neighbourhoods no time."""


def solve(
    instance: Instance,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop_on_signals: bool = False,
    past: Sequence[Assignment] = (),
    judge: Judge | None = None,
) -> Result:
    """Build and solve; the roster returned is the best found within the limits.

    With `stop_on_signals` (the CLI sets it), SIGINT and SIGTERM stop the search instead of
    the process, and the best roster so far comes back with `interrupted` set. Handlers are
    restored afterwards; library callers that do not ask get no signal handling at all.
    `past` holds assignments before the horizon (domain/history.py) that the rules count.
    With a `judge` (the independent checker's `check.lone_line.line_holds`), a whole model
    starts from everyone's first line where they apply (solve/line_start.py), or from the
    greedy roster where that costs less.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    if judge is not None and long_horizon.applies(instance, past, judge, options.time_limit):
        logger.info("solve: %d days, by specialist (solve/long_horizon.py)", instance.horizon.days)
        runner = stoppable if stop_on_signals else None
        return long_horizon.solve_by_specialist(instance, options, started, judge, on_progress, runner)
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
    # Nurse rosters by their kind (what the first lines accept): neighbourhoods by default, and
    # the weekends' bound (solve/weekend_bound.py) where some `max_weekends` binds.
    nurses = not past and not ties(instance)

    def start_bound(until: float) -> BoundInBackground | None:
        """The relaxation's bound of the whole instance (for a restricted model the only one;
        for a large whole model a second one beside CP-SAT's), computed in a child process
        beside the greedy roster and the search (solve/bound_process.py), started right
        after the build: the child's Python does not slow the greedy roster's moves, and at 80
        specialists x 15 sites the bound arrives before the 30 s mark (started after the
        greedy roster's tries, which take half the time left, it came at about 33 s of 60).
        A nurse roster's whole model whose weekends bind (`weekend_days`) gets the weekends'
        bound first (solve/weekend_bound.py), in the same child: CP-SAT's bound does not see
        the weekend cover (Curtois & Qu Instance13: -17 after 300 s, the weekends 1,100)."""
        relaxing = relax and bound_affordable(instance)
        binding = WEEKEND_BOUND and restricted is None and nurses and weekend_days(built.prep)
        weekends = built.prep if binding else None
        if not relaxing and weekends is None:
            return None

        def on_bound(bound: int) -> None:
            if listener is not None:
                listener(Progress(time.perf_counter() - started, None, bound))

        # The integer counts' MIP (solve/relaxation_mip.py) to the end when asked; else started
        # only while the greedy roster runs (plain Python on one core), ending by `MIP_SHARE`.
        beside_greedy = large and options.greedy_hint and INTEGER_BESIDE_GREEDY
        integral = options.integer_bound or beside_greedy
        mip_until = now + MIP_SHARE * max(0.0, options.time_limit - (now - started))
        integral_until = None if options.integer_bound or not integral else mip_until
        return BoundInBackground(
            instance,
            past,
            until,
            on_bound,
            integral,
            integral_until,
            relax=relaxing,
            weekends=weekends,
            weekends_seconds=WEEKEND_SHARE * options.time_limit,
        )

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

        lined = None
        if judge is not None and restricted is None:
            lines_until = now + LINES_SHARE * max(0.0, options.time_limit - (now - started))
            lined = lines_start(built, judge, lines_until, completion_limit(), past)
            if lined is not None:
                logger.info("solve: first-lines roster completed after %.2fs", time.perf_counter() - started)
                if on_progress is not None:
                    on_progress(Progress(time.perf_counter() - started, lined.objective, None))
        greedy = options.greedy_hint and large and (lined is None or greedy_cheaper(built, lined, completion_limit()))
        halted = False
        """A signal (the CLI's Ctrl-C or SIGTERM) in the greedy's tries, which at XL run for minutes
        after the first roster was reported: its last completed roster stands, unsearched."""
        try:
            first = greedy_roster(built, improve_until, on_filled) if greedy else None
        except KeyboardInterrupt:
            if not (stop_on_signals and filled):
                raise
            first, halted = None, True
            logger.info("solve: interrupted in the greedy's tries; its last completed roster stands")
        if relaxed is not None and not options.integer_bound:
            relaxed.end_integral()  # the search wants both cores now (INTEGER_BESIDE_GREEDY)
        start: Completed | None = filled[-1][1] if halted else lined
        """The complete roster the search starts from, should the search find none of its own."""
        if first is not None:
            logger.info("solve: greedy first roster after %.2fs", time.perf_counter() - started)
            start = filled[-1][1] if filled else lined
            if start is lined or (filled[-1][0].chosen, filled[-1][0].served) != (first.chosen, first.served):
                hint(built, first)  # else the roster reported last: completed already
                start = complete_hint(built, completion_limit()) or start
            if start is not None:
                start.set_as_hint(built)
            logger.info("solve: hint completed after %.2fs", time.perf_counter() - started)
        elif lined is not None:
            lined.set_as_hint(built)
        else:
            built.hint_commitments_only()
        build_time = time.perf_counter() - started
        remaining = options.time_limit - build_time
        search_until = time.perf_counter() + remaining - stop_reserve(built, remaining)
        by_default = restricted is not None or variables >= LNS_FROM_VARIABLES or nurses
        wanted = options.lns if options.lns is not None else by_default
        lns = wanted and remaining > LNS_FROM_SECONDS
        solver = configured_solver(options, remaining=search_until - time.perf_counter(), model=built.model)
        if restricted is not None and on_progress is not None:
            on_progress = _without_bounds(on_progress)  # the shortlist's bounds are not the instance's
        share = RESTRICTED_FULL_SHARE if restricted is not None else None
        run = SearchRun(built, options, started, on_progress, search_until if lns else None, search_until, share)
        run.start = None if start is None else start.solver
        windows = not lns and restricted is None and built.fairness is not None and not built.options.explain
        # Without a listener, neighbourhoods or windows, no callbacks: the search runs as it did.
        callback = (
            SearchCallback(on_progress, started, run.terms(), run.wants_window if windows else None)
            if on_progress is not None or lns or windows
            else None
        )
        if windows and options.greedy_hint and not large:
            run.first_window()
            solver.parameters.max_time_in_seconds = max(0.1, search_until - time.perf_counter())
        if callback is not None:
            solver.best_bound_callback = run.on_bound
        if halted:
            assert start is not None  # halted only with a completed roster
            run.best, run.status, run.signals = start.solver, Status.FEASIBLE, [signal.SIGINT]
        elif stop_on_signals:
            solver.parameters.catch_sigint_signal = False
            if run.lns is not None:
                run.lns.catch_sigint = False
            stoppable(run.stop, lambda: run.search(solver, callback))
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
    terms = breakdown(built, best, run.terms())
    objective = sum(terms.values())
    if status is Status.FEASIBLE and bound is not None and objective <= bound:
        status = Status.OPTIMAL  # the neighbourhoods reached the bound the full search proved
    roster = read_roster(built, best, status, objective, bound, interrupted)
    wall = time.perf_counter() - started
    logger.info("reading the roster back took %.2fs", time.perf_counter() - searched)
    return Result(status, roster, objective, bound, terms, wall, build_time, interrupted, model_time, restricted)


def _lower_bound(run: SearchRun, relaxed: int | None, restricted: bool) -> int | None:
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
