"""The search after building: CP-SAT on the whole model, fairness windows that narrow it and
restart, the switch to neighbourhoods, and stopping on a signal (`SearchRun`)."""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.fairness_window import Window
from outreach_opt.solve.first_roster import complete_hint, hint, hint_solution
from outreach_opt.solve.greedy import greedy_roster
from outreach_opt.solve.lns import Found, Search, own_cost
from outreach_opt.solve.lns_beside import Beside
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import _STATUS, Progress, Status, cost_bound, relative_gap
from outreach_opt.solve.sub_model import Ints, Terms

logger = logging.getLogger(__name__)


FULL_SHARE = 0.1
"""Share of the search time CP-SAT spends on the whole model (proving the bound, finding
rosters) before the neighbourhoods take over (solve/lns.py). Measured on Curtois & Qu (60 s, 2 workers, shared
machine, one run each, neighbourhoods by one two-worker configured_solver), 10 % against 35 %:
Instance12 6778 against 8370, Instance8 1968 against 2162, Instance7 1177 against 1162. The
whole model's roster stalls long before its bound (Instance12: bound 0 at 60 s); earlier,
with neighbourhoods solved with CP-SAT's default parameters, whole model for 60 s against
21 s of it then neighbourhoods had been mixed (Instance8 3844 against 3083, Instance6 2545
against 2555)."""
RESTRICTED_FULL_SHARE = 0.0
"""The whole-model share of a restricted model (solve/shortlist.py) with neighbourhoods: none,
the greedy roster goes straight to them. Why: the shortlist's own bound is no bound of the
instance (the relaxation's is reported), so the share could only prove the shortlist or find
rosters, and at 300 x 40 (60 s, loaded, 6 runs of main) its 3-6 s ended each time at the greedy
roster's objective with CP-SAT's bound at 0. It also settles the switch: a shortlist whose own
bound came within `LNS_FROM_GAP` would otherwise keep the whole model to the end."""
LNS_FROM_GAP = 0.2
"""...unless the whole-model roster is then within this relative gap of the bound, where the
whole model still does better: at 5 % the neighbourhoods took over Curtois & Qu Instance3 at
about 1106 against a bound of 1000 and stayed there (60 s, shared), where the whole model had
reached 1002; Instance2 ended at 834 against 829. Instances 6-12 switch at gaps of 20-90 %."""
BESIDE = True
"""...and then one lane of neighbourhoods probes beside it (solve/lns_beside.py): when the
lane's rosters leave the whole model's behind, the neighbourhoods take over after all."""
PROBE_SHARE = 0.1
"""The lane runs for this share of the search's time (as long as the whole model's share
before it, `FULL_SHARE`) and no longer unless it hands over. Run to the end instead, it left
Curtois & Qu Instance4 proven at 30.4 and 51.6 s of 60 and once not at all, Instance6 at 42.7
and 44.4 s and once not (alone, 18-56 s and 27-49 s): two cores shared by three searches."""

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


class SearchCallback(cp_model.CpSolverSolutionCallback):
    """Hears each roster of the whole-model search: reports it, hands it to neighbourhoods
    beside the search, and asks whether to restart with a fairness window.

    Each roster is priced from its own values (`terms`), as `solve` prices the roster it
    returns: CP-SAT's `objective_value` here was seen above the roster's cost (the four-week
    sample, 4 s, 2 workers: 5 of 17 rosters, by 8000-14000, e.g. 265980 for a roster of
    251980), which the live panel showed and the neighbourhoods beside compared with their own
    rosters' true costs. Reading the values took 19 ms per roster at 80 specialists (106,532
    variables)."""

    def __init__(
        self,
        on_progress: Callable[[Progress], None] | None,
        started: float,
        terms: Terms,
        restart: Callable[[int, float], bool] | None = None,
    ) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._terms = terms
        self._restart = restart
        """Asked at each roster (objective, bound): True stops the search to restart it."""
        self.beside: Beside | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self._started  # from the start of the build, as for bounds
        self.values = np.asarray(self.response_proto.solution, dtype=np.int64)
        self.objective = sum(self._terms.read(self.values).values())
        progress = Progress(elapsed, self.objective, cost_bound(self.best_objective_bound))
        if self.beside is not None:
            # Reported only when cheaper than the lane's rosters too, in order with them.
            self.beside.heard(self.values, self.objective, lambda: self._progress(progress))
        else:
            self._progress(progress)
        if self._restart is not None and self._restart(self.objective, self.best_objective_bound):
            self.stop_search()

    def _progress(self, progress: Progress) -> None:
        if self._on_progress is not None:
            self._on_progress(progress)

    objective: int | None = None
    """The last roster's cost, from its values."""
    values: Ints | None = None
    """The last roster's values."""


class SearchRun:
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
        whole_share: float | None = None,
    ) -> None:
        self.built, self.options, self.started = built, options, started
        self.whole_share = FULL_SHARE if whole_share is None else whole_share
        """The whole model's share of the search before neighbourhoods (`FULL_SHARE`)."""
        self.until = until if until is not None else started + options.time_limit
        self.on_progress, self.lns_until = on_progress, lns_until
        self.signals: list[int] = []
        self.status = Status.UNKNOWN
        self.best: cp_model.CpSolver | None = None
        self.bound: int | None = None
        self._current: cp_model.CpSolver | None = None
        self.lns = Search(built, self.solver, options.seed) if lns_until is not None else None
        """Only with neighbourhoods: preparing them walks every variable of the model."""
        self._terms: Terms | None = None
        self.seen_bound: float | None = None
        self.switched = False
        self.beside: Beside | None = None
        """Neighbourhoods beside the whole model, from a switch that kept it (`BESIDE`)."""
        self._search_seconds = 0.0
        """The time the search had when it began (with neighbourhoods)."""
        self.window: Window | None = None
        self.windowed_at: int | None = None
        """The cost of the roster the last fairness window was cut at."""
        self.windows = 0
        self.restart = False
        self.start: cp_model.CpSolver | None = None
        """A solver holding the complete greedy roster the search was hinted with: the roster
        when the search finds none (at 80 specialists on a busy machine CP-SAT had reported
        nothing, not even the hint, when the whole model's share ended)."""

    def terms(self) -> Terms:
        """The objective's terms flattened, once: the neighbourhoods' when they run."""
        if self._terms is None:
            self._terms = self.lns.terms if self.lns is not None else Terms(self.built.terms)
        return self._terms

    def on_bound(self, bound: float) -> None:
        self.seen_bound = bound
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started, None, cost_bound(bound)))

    def _switch(self, solver: cp_model.CpSolver, callback: SearchCallback) -> None:
        """At `whole_share` of the time: stop the whole-model search for neighbourhoods unless
        its roster is within `LNS_FROM_GAP` of its bound (a proof may be near)."""
        gap = relative_gap(callback.objective, None if self.seen_bound is None else round(self.seen_bound))
        logger.info("whole-model search at its share: objective %s, gap %s", callback.objective, gap)
        if gap is None or gap > LNS_FROM_GAP:
            self.switched = True
            solver.stop_search()
        elif BESIDE and callback.values is not None and callback.objective is not None and self.lns is not None:
            assert self.lns_until is not None  # a switch is timed only with neighbourhoods
            until = min(self.lns_until, time.perf_counter() + PROBE_SHARE * self._search_seconds)
            beside = Beside(self.lns, until, self._report, lambda: self.seen_bound, solver.stop_search)
            beside.start(callback.values, callback.objective)
            self.beside = callback.beside = beside

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
        self._cut(own_cost(self.built, solver))
        hint_solution(self.built, solver.response_proto.solution)
        left = self.until - time.perf_counter()
        return self.solver(left) if left > 0.1 else None

    def stop(self, signum: int) -> None:
        self.signals.append(signum)
        if self.lns is not None:
            self.lns.stop()
        if self._current is not None:
            self._current.stop_search()

    def search(self, solver: cp_model.CpSolver, callback: SearchCallback | None) -> None:
        if self.lns_until is not None and self.whole_share <= 0:
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

    def _whole_model(self, solver: cp_model.CpSolver, callback: SearchCallback | None) -> None:
        self._current = solver
        timer = None
        if self.lns_until is not None and callback is not None:
            self._search_seconds = self.lns_until - time.perf_counter()
            share = self.whole_share * self._search_seconds
            timer = threading.Timer(share, self._switch, (solver, callback))
            timer.daemon = True
            timer.start()
        code = solver.solve(self.built.model, callback)
        bounds = [solver.best_objective_bound]  # each search's: every narrowed model's holds for the instance
        while self.restart and not self.signals and code == cp_model.FEASIBLE:
            self.best = solver
            following = self._narrow(solver)
            if following is None:
                break
            solver = self._current = following
            solver.best_bound_callback = self.on_bound
            code = solver.solve(self.built.model, callback)
            if code == cp_model.INFEASIBLE:  # the window holds its own roster: never expected
                logger.warning("the model narrowed at %s has no roster; the roster found stands", self.windowed_at)
            else:
                bounds.append(solver.best_objective_bound)
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                # No roster in the time left (the hint not taken): the last one stands; its
                # window holds every roster as good, so no other status is known.
                code = cp_model.FEASIBLE if code != cp_model.MODEL_INVALID else code
                if code == cp_model.FEASIBLE:
                    solver = self.best
            elif code == cp_model.FEASIBLE and own_cost(self.built, solver) > own_cost(self.built, self.best):
                solver = self.best  # a fresh search that did not take the hint found worse: the last roster stands
        if timer is not None:
            timer.cancel()
        found = self.beside.finish() if self.beside is not None else None
        if self.beside is not None and self.beside.handed_over:
            self.switched = True  # the neighbourhoods go on, with every worker
        if code == cp_model.MODEL_INVALID:  # a bug in the builder, never the user's input
            raise RuntimeError(f"CP-SAT rejected the model: {self.built.model.validate()}")
        self.status = _STATUS[code]
        if self.status in (Status.OPTIMAL, Status.FEASIBLE):
            self.best = solver
        elif self.status is Status.UNKNOWN and self.start is not None:
            self.best, self.status = self.start, Status.FEASIBLE
        if self._lane_wins(found):  # solve() calls it optimal if it meets the bound
            assert found is not None
            self.best, self.status = found.solver, Status.FEASIBLE
        proven = [b for b in bounds if math.isfinite(b)]
        if self.status is not Status.INFEASIBLE and proven:
            # The whole model's bound holds with or without a roster of its own: a roster
            # found later (regardless of cost, then neighbourhoods) is measured against it.
            # The highest of the searches': a restarted search starts again from its root
            # LP, and the search before it may have proved more (S seed 3: 20007 before the
            # window's restart, 19850 when the restarted search stopped).
            self.bound = cost_bound(max(proven))

    def _lane_wins(self, found: Found | None) -> bool:
        """Does the roster of the neighbourhoods beside the whole model (`BESIDE`) cost less
        than the whole model's, which is not proven optimal?"""
        if found is None or self.status is Status.OPTIMAL or self.lns is None:
            return False
        return self.best is None or found.objective < self.lns.cost(self.best)

    def _any_roster(self, lns: Search) -> cp_model.CpSolver | None:
        """A roster with no regard to cost: the start for the neighbourhoods."""
        model = self.built.model.clone()
        model.clear_objective()
        remaining = self.lns_until - time.perf_counter()  # type: ignore[operator]
        solver = configured_solver(self.options, remaining=remaining, model=model)
        solver.parameters.catch_sigint_signal = lns.catch_sigint
        self._current = solver
        code = solver.solve(model) if not self.signals else cp_model.UNKNOWN
        self._current = None
        logger.info("a roster regardless of cost: %s", solver.status_name(code))
        if code == cp_model.INFEASIBLE:
            self.status = Status.INFEASIBLE
        return solver if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def solver(self, limit: float) -> cp_model.CpSolver:
        """Configured as the whole model's (`configured_solver`), for `limit` seconds, but with
        presolve on whatever the whole model's size: the neighbourhoods' models are small
        copies (solve/sub_model.py), and the fairness windows' restarts kept it as they were."""
        return configured_solver(self.options, remaining=limit)

    def _report(self, objective: int) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(time.perf_counter() - self.started, objective, self.bound))


def stoppable(stop_search: Callable[[int], None], search: Callable[[], None]) -> None:
    """Run `search` with SIGINT/SIGTERM turned into `stop_search` (`SearchRun.stop`, which
    records the signal; or the by-specialist search's, solve/long_horizon.py)."""

    def stop(signum: int, _frame: object) -> None:
        logger.info("signal %d: stopping the search, keeping the best roster", signum)
        stop_search(signum)

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
