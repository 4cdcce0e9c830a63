"""Large neighbourhood search around the best roster: free a few specialists, or a few days,
fix every other specialist-day to the roster, and let CP-SAT re-solve what is free.

Why: on rostering models whose bound is good but whose search is not (Curtois & Qu Instance7:
bound 1029 against the optimum 1056 after 60 s, roster 1392), CP-SAT's own neighbourhoods
(random variables and constraints, one thread shared with local search at 2 workers) rarely
free what belongs together: one person's whole month, or everybody's week. These do.

A neighbourhood is a set of specialist-days (units); each keeps its day-pattern,
demand-session and overnight-stay variables fixed to the roster unless freed. The other
variables (uncovered counts, weekend and succession indicators, team sessions) follow. The
neighbourhood is solved as a small model of only the free units' variables and the
auxiliaries connected to them, the fixed values folded in as constants (solve/sub_model.py),
and its solution written over the roster's full value vector, on which the cost is read as
on any roster of the whole model. A model with a constraint kind the sub-model does not fold
(or with `SUB_MODELS` off) is narrowed instead: a copy of the whole model with the fixed
units' domains narrowed to the roster. Four kinds take turns (solve/lns_choice.py `KINDS`;
from 200 specialists fewer and smaller ones, solve/lns_focus.py), and a fifth where
`max_weekends` binds:

- `specialists`: whole horizons of a few specialists (their own rules: runs, minutes);
- `days`: every specialist over a window of days (cover between people);
- `block`: several specialists over a longer window;
- `pair`: every specialist over two shorter windows, one around a short day;
- `weekends`: more specialists over every weekend with its Friday and Monday (who works which
  weekend, `lns_choice.WEEKENDS`).

With more than one worker, as many neighbourhoods are solved at once, each by one CP-SAT
worker (`PARALLEL_LANES`, `REPLAY`).

Each kind keeps its own size (the share of its units freed): grown when CP-SAT closes the
neighbourhood within its time (nothing better there), shrunk when it runs out of time.
Drawing the kind by its recent gain per second (10 % floor each) instead of in turn was
measured and left out: Curtois & Qu Instance8 1657 / 1851 / 1953 against 1958 / 1761 / 2132,
Instance12 5178 / 4944 / 5146 against 5055 / 4823 / 4828 (60 s, seeds 0-2, alternated,
shared machine). In those runs `days` improved the roster in 19 of 20 steps (8) and 14 of 16
(12), `specialists` in 8 of 21 and 9 of 16: at 60 s most steps still improve.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import DayRequest
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns_choice import Neighbourhoods, SpecDay, weekend_days
from outreach_opt.solve.lns_floor import period_floors
from outreach_opt.solve.lns_focus import FairFocus
from outreach_opt.solve.sub_model import Ints, Solution, SubModels, Terms, values_of

logger = logging.getLogger(__name__)

STEP_SECONDS = 1.0
"""Time for one neighbourhood. CP-SAT closes (or improves) most neighbourhoods of 50-200
free specialist-days within it; on Curtois & Qu Instance7 (2 workers, shared) 4 s steps
made 15 neighbourhoods in 30 s and took the roster from 1962 to 1766, 1 s steps made 69 in
50 s and took 3687 to 1572: many small steps climb faster than few long ones. Half-second
steps were not better (Instance8 1936 / 1740 against 1747 / 1447, Instance12 5262 / 4743
against 4833 / 4732; 60 s, 2 workers, alternated pairs, shared machine, load 2-2.7). Nor
were 2 s steps at 300 specialists x 40 sites, where many steps end at the limit: seeds 1-3
at 60 s, two alternated rounds, idle (`benchmarks/ab_settings.py --time-limit 60 --rounds 2
--a lns.STEP_SECONDS=1.0 --b lns.STEP_SECONDS=2.0`): 5,474,455 / 5,523,081, 5,640,496 /
5,602,460, 5,502,950 / 5,479,205 against 5,443,609 / 5,456,809, 5,560,289 / 5,579,395,
5,527,570 / 5,494,627 (sums +0.49 %, cheaper only at seed 3); nor 0.5 s steps there, the same
way just after: 5,455,940 / 5,455,624, 5,624,842 / 5,652,096, 5,527,098 / 5,515,193 against
5,443,078 / 5,390,142, 5,580,114 / 5,606,794, 5,527,729 / 5,505,726 (sums +0.54 %, cheaper in 1
pair of 6, by 631). Nor, kept as a rule, steps doubled after every 20 neighbourhoods in a row
without a better roster, up to 8 s (tried for Curtois & Qu Instance7, where 1 s steps stall at
1060-1067 from about 25 s with neighbourhoods of up to 500 of 560 specialist-days open at the
limit). Curtois & Qu 7, 8, 12 at 60 s, seed 0, three alternated rounds, idle (a copy of the
tree, `benchmarks/curtois_qu_seed.py` through a scratch wrapper setting the cap to 3 or 0
doublings): 1071 / 1059 / 1066, 1452 / 1439 / 1357, 4686 / 4323 / 4309 against 1067 / 1073 /
1063, 1625 / 1532 / 1449, 4491 / 4513 / 4196: sums -1.2 %, cheaper in 5 of 9, Instance8 in all
3. But `benchmarks/ab_settings.py`, one round, the same hour: 80 x 15 at 30 s 545,104 /
362,297 / 319,555 against 541,520 / 362,297 / 319,553 (+0.29 %), 300 x 40 at 60 s 5,364,020 /
5,629,113 / 5,449,128 against 5,337,280 / 5,579,015 / 5,490,742 (+0.21 %, cheaper in 1 of 3):
the rule set before the runs (neither size dearer by more than 0.2 %) rejects it, though both
are within those sizes' run-to-run spread (80 x 15 seed 1 on one code: 541,386-545,229).
Tried again on the instances that stall longest (`benchmarks/ab_settings.py --a
lns.MAX_DOUBLINGS=0 --b lns.MAX_DOUBLINGS=3 cq:18 cq:15` at 300 s, then `cq:7 cq:8 cq:12` at
60 s, one round, from a copy of the tree, idle, 2026-12-06): 4877 / 4105 against 4858 / 4003,
and 1067 / 1449 / 4591 against 1066 / 1533 / 4291: dearer in 4 of 5 (Instance8 cheaper again);
the M and L rounds were not run."""
FLOORS = True
"""Leave out of the neighbourhoods' focus a period's short sessions once they are down to
the floor no roster goes below (solve/lns_floor.py, `Search.short`)."""
SUB_MODELS = True
"""Solve each neighbourhood as a sub-model of only what is free (solve/sub_model.py) rather
than as a narrowed copy of the whole model. Measured (shared machine, load 3-4; workers=1,
the same start and seed, 40 neighbourhoods of 0.3 deterministic seconds each, so the
rosters do not depend on the load): a step with nothing free took 0.015-0.04 CPU s against
0.04-0.14 (80 specialists x 15 sites, seeds 1-3) and 0.01 against 0.03 (Curtois & Qu
Instance12); the rosters reached 553,842 / 398,182 / 369,917 against 561,444 / 394,739 /
369,969, and 5508 against 5721 on Instance12: cheaper steps, rosters within the noise."""
REPLAY = True
"""With lanes: a neighbourhood that improved on the roster it started from, when another
lane has meanwhile replaced that roster by a cheaper one, is solved once more around the
new best, hinted with the lane's values on what it freed. The two lanes' changes are often
apart (different days or people), and the hint then holds at once. Without it, two lanes
made 1.8x the neighbourhoods of one but no more better rosters (Curtois & Qu 8 and 12,
60 s: 124-132 against 72-78 and 90-94 against 49-50 neighbourhoods, 31-43 better rosters
against 31-37; loaded machine)."""
JOIN_SECONDS = 0.2
"""How often the caller's thread wakes while lanes run, to run Python's signal handlers: a
signal that reaches another thread only sets a flag the main thread reads between its own
steps, and a join without a timeout would read it only when the lanes end."""

PARALLEL_LANES = True
"""Solve as many neighbourhoods at once as the whole model has workers, each with one CP-SAT
worker, rather than one at a time with all of them. On Curtois & Qu Instance8 (60 s, shared
machine) a neighbourhood took as long with one worker as with two (72 against 74 steps in
the same time): the second worker (the portfolio's `core`) added nothing to a small model,
so the second lane doubles the neighbourhoods tried. Measured A/B: see models/NEIGHBOURHOODS.md."""


def breakdown(built: RosterModel, solver: cp_model.CpSolver, terms: Terms | None = None) -> dict[str, int]:
    """Each objective term of the roster `solver` holds, from the roster's own values: at a
    time limit CP-SAT's objective_value was seen 2000-12000 above their sum (four-week sample,
    3-6 s, 2 workers), so costs are never read from it. `terms`: the model's terms flattened
    already (a search's `Search.terms`; flattening them took 0.54 s at XL)."""
    return (terms if terms is not None else Terms(built.terms)).read(values_of(solver))


def own_cost(built: RosterModel, solver: cp_model.CpSolver) -> int:
    """The cost of the roster `solver` holds, the sum of its terms (`breakdown`), as `solve`
    reports it: CP-SAT's `objective_value` is not always that roster's (4804 was seen for a
    roster of 4703)."""
    return sum(breakdown(built, solver).values())


@dataclass
class Found:
    """The best roster so far: the solver whose last response holds it, and its cost."""

    solver: cp_model.CpSolver
    objective: int


class Search:
    """One LNS run over a built model; `stop()` (from a signal handler) ends it soon."""

    def __init__(self, built: RosterModel, new_solver: Callable[[float], cp_model.CpSolver], seed: int) -> None:
        self.built = built
        self.new_solver = new_solver
        """A solver configured as for the whole model, for a time limit in seconds."""
        self.seed = seed
        self.stopped = False
        self.catch_sigint = True
        """Off when the caller handles SIGINT itself (and calls `stop`)."""
        self._running: set[cp_model.CpSolver] = set()
        """The solvers of the neighbourhoods being solved (one per lane), for `stop`."""
        self._lock = threading.Lock()
        """Guards the best roster, the neighbourhoods' sizes and draws, and the counts."""
        self._best: Found | None = None
        self._on_better: Callable[[int], None] | None = None
        self._steps = self._better = 0
        self._failed: list[BaseException] = []
        self._sub: cp_model.CpModel | None = None
        """The model narrowed to the last neighbourhood (`_narrowed`)."""
        self._free_in_sub: set[SpecDay] = set()
        self._agreeing: list[cp_model.CpSolver] = []
        """Rosters that agree with the narrowed model's fixed units."""
        self._sub_models: SubModels | None = None
        """The whole model indexed for sub-models, made at the first neighbourhood."""
        self.terms = Terms(built.terms)
        """The objective's terms flattened once: each neighbourhood's roster is priced with them."""
        self._cut = SUB_MODELS
        self._focus: FairFocus | None = None
        """Set by `improve` for large instances with a fairness term (solve/lns_focus.py)."""
        self.units: dict[SpecDay, list[int]] = {
            key: [var.index for _, var in choices] for key, choices in built.days.items()
        }
        for (spec, t, _site), var in built.nights.items():  # a night away belongs to its day
            self.units[(spec, t)].append(var.index)
        self.able: dict[tuple[str, int], list[SpecDay]] = defaultdict(list)
        for cand, var in built.x.items():
            self.units[(cand.specialist, cand.day)].append(var.index)
            self.able[(cand.demand, built.prep.week[cand.day])].append((cand.specialist, cand.day))
        self.floors = period_floors(built.prep, built.x, built.uncovered) if FLOORS else []
        """Periods whose uncovered sessions no roster brings below a floor (`short`)."""
        self.requests: list[tuple[DayRequest, Ints]] = [
            (req, np.array([var.index for var in built.working_in(req)], dtype=np.int64))
            for req in built.prep.requests
            if not req.hard and req.weight > 0
        ]
        """Each soft request with the pattern variables that work in its periods (one pattern
        a day, so their sum is 0 or 1), as the `requests` term reads it (`requests_term`)."""

    def stop(self) -> None:
        self.stopped = True
        for solver in list(self._running):
            solver.stop_search()

    def short(self, solver: cp_model.CpSolver) -> list[SpecDay]:
        """(specialist, day) of every candidate of a demand-week the roster leaves short,
        but for a period's demand-weeks once they are down to its floor (solve/lns_floor.py):
        no roster leaves fewer of them short."""
        values = values_of(solver)
        uncovered = self.built.uncovered
        floored = {
            key
            for floor in self.floors
            if sum(int(values[uncovered[key].index]) for key in floor.keys) <= floor.least
            for key in floor.keys
        }
        return [
            spec_day
            for key, var in uncovered.items()
            if values[var.index] and key not in floored
            for spec_day in self.able[key]
        ]

    def _fair(self, found: Found) -> Callable[[int, random.Random], list[str]] | None:
        """The `fair` kind's draw around `found` (solve/lns_focus.py), for large instances."""
        focus = self._focus
        if focus is None:
            return None
        return lambda k, rng: focus.people(values_of(found.solver), k, rng)

    def unmet(self, solver: cp_model.CpSolver) -> list[SpecDay]:
        """(specialist, day) of every soft request the roster does not grant."""
        return [(req.specialist, req.day) for req in self.unmet_requests(solver)]

    def unmet_requests(self, solver: cp_model.CpSolver) -> list[DayRequest]:
        """The soft requests the roster does not grant (each costs its weight)."""
        values = values_of(solver)
        return [req for req, busy in self.requests if bool(values[busy].sum()) == (req.want == "off")]

    def cost(self, solver: cp_model.CpSolver) -> int:
        """The roster's own cost, the sum of its terms (as `solve` reports it)."""
        return sum(self.terms.read(values_of(solver)).values())

    def improve(
        self,
        found: Found,
        deadline: float,
        on_better: Callable[[int], None] | None = None,
        beside: bool = False,
    ) -> Found:
        """Neighbourhood after neighbourhood until `deadline` (perf_counter) or `stop()`;
        returns the best roster found (possibly the one given). With sub-models and more
        than one worker, `lanes` threads each solve their own neighbourhood with one CP-SAT
        worker (see `PARALLEL_LANES`). `beside`: a whole-model search has the workers
        (solve/lns_beside.py), so one lane, one CP-SAT worker, on the calling thread."""
        people = sorted({s for s, _ in self.units})
        fair = self.built.fairness is not None
        prep = self.built.prep
        hoods = Neighbourhoods.sized(people, prep.n_days, random.Random(self.seed), fair, weekend_days(prep))
        # Neighbourhoods.sized decides whether the instance is large enough for the `fair` kind.
        self._focus = FairFocus.of(self.built) if "fair" in hoods.size else None
        self._best, self._on_better = found, on_better
        self._steps = self._better = 0
        self._failed = []
        if self._sub_model() is not None and not self.stopped and deadline - time.perf_counter() >= 0.2:
            # First every auxiliary and no unit: what a narrowed copy frees at each step.
            self._step(hoods, deadline, lane=0, settle=True, one_worker=beside)
        lanes = self.lanes() if self._sub_model() is not None and not beside else 1
        if lanes == 1:
            self._lane(hoods, deadline, 0, 1, one_worker=beside)
        else:
            threads = [threading.Thread(target=self._lane, args=(hoods, deadline, k, lanes)) for k in range(lanes)]
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    while thread.is_alive():  # a blocking join would hold off Python's signal handlers
                        thread.join(JOIN_SECONDS)
            except BaseException:  # KeyboardInterrupt from Python's handler: no lane outlives the call
                self.stop()
                for thread in threads:
                    thread.join()
                raise
        if self._failed:
            raise self._failed[0]
        found = self._best
        assert found is not None  # set above, only ever replaced
        logger.info(
            "lns: %d neighbourhoods in %d lanes, %d better rosters, cost %d",
            self._steps,
            lanes,
            self._better,
            found.objective,
        )
        return found

    @property
    def best(self) -> Found | None:
        """The best roster so far (None before `improve`)."""
        return self._best

    def offer(self, found: Found) -> None:
        """A roster found elsewhere (the whole-model search beside the lane): the best from
        now on when it is cheaper; lanes that started from the old best then replay or drop
        what they find (`lane_decision`)."""
        with self._lock:
            if self._best is not None and found.objective < self._best.objective:
                self._best = found

    def lanes(self) -> int:
        """How many neighbourhoods are solved at once: the whole model's workers (for 0, the
        cores this process may run on)."""
        workers = self.new_solver(1.0).parameters.num_workers
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return max(1, workers or cores or 1) if PARALLEL_LANES else 1

    def _lane(self, hoods: Neighbourhoods, deadline: float, lane: int, lanes: int, one_worker: bool = False) -> None:
        try:
            while not self.stopped and deadline - time.perf_counter() >= 0.2:
                self._step(hoods, deadline, lane, one_worker=one_worker or lanes > 1)
        except BaseException as exc:  # re-raised by `improve` on the caller's thread
            self._failed.append(exc)
            self.stop()

    def _step(
        self, hoods: Neighbourhoods, deadline: float, lane: int, settle: bool = False, one_worker: bool = False
    ) -> None:
        """One neighbourhood around the best roster so far; the roster found replaces the
        best when it costs less (or as much, when it was found around the best itself: a
        plateau move). Another lane may have replaced the best meanwhile: a roster found
        around an older one is still a whole valid roster, kept if it is cheaper; if it is
        cheaper only than the roster it started from, the same neighbourhood is solved once
        more around the new best, hinted with what the lane found there (`REPLAY`)."""
        with self._lock:
            base = self._best
            assert base is not None  # set by `improve`
            if settle:
                kind, free = "auxiliaries", set[SpecDay]()
            else:
                kind, free = hoods.next(self.short(base.solver), self.unmet(base.solver), self._fair(base))
            size = hoods.size.get(kind, 0.0)
        hint: Ints | None = None
        while True:
            began = time.perf_counter()
            limit = min(STEP_SECONDS, deadline - began)
            if limit <= 0:
                return
            solver, closed = self._solve(base, free, limit, settle, lane, one_worker, hint)
            value = self.cost(solver) if solver is not None else None
            with self._lock:
                self._steps += 1
                logger.debug(
                    "lns %d %s%s %.3f: %d free, %s in %.2fs%s",
                    lane,
                    kind,
                    " again" if hint is not None else "",
                    size,
                    len(free),
                    "closed" if closed else "open",
                    time.perf_counter() - began,
                    "" if value is None else f", {base.objective} -> {value}",
                )
                if kind in hoods.size and hint is None:
                    (hoods.closed if closed else hoods.timed_out)(kind)
                if solver is None or value is None:
                    return
                best = self._best
                assert best is not None
                decision = lane_decision(value, base, best, replayed=hint is not None)
                if decision == "accept":
                    if value < best.objective:
                        self._better += 1
                        if self._on_better is not None:  # under the lock: reports fall in order
                            self._on_better(value)
                    self._best = Found(solver, value)
                    return
                if decision == "reject" or self.stopped:
                    return
                base, hint = best, values_of(solver)

    def _narrowed(self, found: Found, free: set[SpecDay]) -> cp_model.CpModel:
        """The model with every unit outside `free` fixed to `found`. One copy of the model
        serves every step: only units whose state changes are written, since a roster found
        in the last neighbourhood agrees with its start outside it. Writing every unit each
        step took 0.13 of each 1 s step on Curtois & Qu Instance12 (24k variables), 0.9 s on
        Instance13 (90k), cloning the model another 0.04 and 0.2 s."""
        values = values_of(found.solver).tolist()
        if self._sub is None:
            self._sub = self.built.model.clone()
        if not any(found.solver is agreeing for agreeing in self._agreeing):
            self._free_in_sub = set(self.units)  # unknown roster: write every unit
        proto, whole = self._sub.proto, self.built.model.proto
        for key in self._free_in_sub - free:
            for i in self.units[key]:
                domain = proto.variables[i].domain
                domain[0] = domain[1] = values[i]
        for key in free - self._free_in_sub:
            for i in self.units[key]:
                domain, bounds = proto.variables[i].domain, whole.variables[i].domain
                domain[0], domain[1] = bounds[0], bounds[1]
        self._free_in_sub = set(free)
        self._agreeing = [found.solver]
        return self._sub

    def _sub_model(self) -> SubModels | None:
        """The index for sub-models; None when the model cannot be cut (solve/sub_model.py)
        or was changed since it was indexed."""
        if self._cut and (self._sub_models is None or not self._sub_models.current()):
            units = (i for indices in self.units.values() for i in indices)
            self._sub_models = SubModels.for_model(self.built.model.proto, units)
            self._cut = self._sub_models is not None
            logger.info("lns: neighbourhoods as %s", "sub-models" if self._cut else "narrowed copies")
        return self._sub_models if self._cut else None

    def _solve(
        self,
        found: Found,
        free: set[SpecDay],
        limit: float,
        auxiliaries: bool = False,
        lane: int = 0,
        one_worker: bool = False,
        hint: Ints | None = None,
    ) -> tuple[cp_model.CpSolver | None, bool]:
        """Re-solve with every unit outside `free` fixed to `found`; (the solver, or the
        `Solution`, holding the roster found, whether the neighbourhood was closed). A
        sub-model keeps only the auxiliaries the free units reach, the others at the roster's
        values; with `auxiliaries` it keeps every one, as a narrowed copy always does: a
        roster's auxiliaries need not be at their cheapest (a hint completed to its first
        solution, a roster found regardless of cost), and those no unit reaches would stay so.
        With `hint` (a whole roster), the free units' variables are hinted with its values;
        everything outside them is the roster's, so the sub-model is the same."""
        models = self._sub_model()
        if models is None:
            return self._solve_narrowed(found, free, limit, one_worker)
        values = values_of(found.solver)
        variables = [i for key in free for i in self.units[key]]
        if hint is not None:  # only kept variables differ: the fixed constants stay the roster's
            values = values.copy()
            values[variables] = hint[variables]
        if auxiliaries:
            variables.extend(np.flatnonzero(~models.is_unit).tolist())
        sub, kept = models.cut(values, variables)
        code, solver = self._run(sub, limit, len(free) + 7919 * lane, one_worker)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if code == cp_model.INFEASIBLE:  # the roster is a solution of it: never expected
                logger.error("lns: a sub-model around a roster has no solution (%d free)", len(free))
            return None, code == cp_model.INFEASIBLE
        full = values.copy()
        full[kept] = np.asarray(solver.response_proto.solution, dtype=np.int64)
        return Solution(full, models.objective_value(full)), code == cp_model.OPTIMAL

    def _run(
        self, model: cp_model.CpModel, limit: float, n: int, one_worker: bool = False
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        """Solve one neighbourhood's model (its hint set) as the whole model is configured,
        or with `one_worker` as the whole model's first worker is (one lane of several). A
        lane never lets CP-SAT catch SIGINT: its handler belongs to the thread that set it,
        and the lanes' threads come and go. The caller's thread waits for the lanes in short
        joins (`JOIN_SECONDS`), so Python's handlers run there while the lanes solve: the
        CLI's (solve/search_run.py `stoppable`) calls `stop`; Python's default raises
        KeyboardInterrupt, on which `improve` stops every lane and re-raises."""
        solver = self.new_solver(limit)
        solver.parameters.random_seed = self.seed + n
        solver.parameters.catch_sigint_signal = self.catch_sigint and not one_worker
        solver.parameters.log_search_progress = False  # one log per second would bury the whole model's
        if one_worker:
            solver.parameters.num_workers = 1
            solver.parameters.subsolvers.clear()
        with self._lock:
            if self.stopped:
                return cp_model.UNKNOWN, solver
            self._running.add(solver)
        try:
            code = solver.solve(model)
        finally:
            with self._lock:
                self._running.discard(solver)
        return code, solver

    def _solve_narrowed(
        self, found: Found, free: set[SpecDay], limit: float, one_worker: bool = False
    ) -> tuple[cp_model.CpSolver | None, bool]:
        """`_solve` on the whole model narrowed to the neighbourhood (`_narrowed`)."""
        values = values_of(found.solver).tolist()
        sub = self._narrowed(found, free)
        proto = sub.proto
        sub.clear_hints()
        proto.solution_hint.vars.extend(range(len(values)))
        proto.solution_hint.values.extend(values)
        code, solver = self._run(sub, limit, len(free), one_worker)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, code == cp_model.INFEASIBLE
        self._agreeing.append(solver)
        return solver, code == cp_model.OPTIMAL


def lane_decision(value: int, base: Found, best: Found, replayed: bool) -> str:
    """What a lane does with the roster of `value` it found around `base` when `best` is the
    best roster now: "accept" it as the new best when it is cheaper (or as cheap, found around
    the best itself: a plateau move); "replay" the neighbourhood around `best` when it improved
    only on its own stale start (`REPLAY`, once); else "reject"."""
    if value < best.objective or (value == best.objective and base is best):
        return "accept"
    if not REPLAY or replayed or value >= base.objective:
        return "reject"
    return "replay"
