"""Neighbourhoods around the best roster (solve/lns.py): every roster they return is one the
independent checker accepts at the cost the model reports, never dearer than where they
started; and `solve(..., lns=True)` hands back such a roster with a bound that holds."""

from __future__ import annotations

import random
import signal
import threading
import time

import numpy as np
import pytest
from ortools.sat.python import cp_model
from support import EXAMPLE, INSTANCES, SHARED

from outreach_opt.check.checker import check_roster
from outreach_opt.check.lone_line import line_holds
from outreach_opt.domain.prepared import prepare
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.io.load import load_instance
from outreach_opt.solve import lns, lns_choice, search_run
from outreach_opt.solve import options as options_module
from outreach_opt.solve import solve as solve_module
from outreach_opt.solve.builder import RosterModel
from outreach_opt.solve.lns import Found, Neighbourhoods, Search, breakdown, lane_decision
from outreach_opt.solve.lns_choice import GROW, MIN_SHARE
from outreach_opt.solve.lns_focus import large_kinds
from outreach_opt.solve.options import SolveOptions, configured_solver
from outreach_opt.solve.outcome import Status, read_roster
from outreach_opt.solve.solve import solve
from outreach_opt.solve.sub_model import SubModels, values_of

FOUR_WEEKS_OPTIMUM = 16880


def _any_roster(built: RosterModel) -> cp_model.CpSolver:
    """A roster found with the objective dropped: valid, and far from the cheapest."""
    model = built.model.clone()
    model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return solver


def _one_worker(limit: float) -> cp_model.CpSolver:
    return configured_solver(SolveOptions(workers=1), remaining=limit)


# The searches on the contract example below run to their deadline (neighbourhoods do not stop
# at a bound); 2 s, not 4: a neighbourhood of the example solves in milliseconds.


def test_neighbourhoods_improve_a_poor_roster_and_stay_valid() -> None:
    inst = load_instance(str(EXAMPLE))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, _one_worker, seed=3)
    start = _any_roster(built)
    before = search.cost(start)
    found = search.improve(Found(start, before), deadline=time.perf_counter() + 2)
    assert found.objective == search.cost(found.solver) <= before
    roster = read_roster(built, found.solver, Status.FEASIBLE, found.objective, 0)
    report = check_roster(inst, roster)
    assert report.violations == []
    assert report.objective == found.objective
    assert found.objective < before  # the objective-blind roster always leaves something to gain here
    assert breakdown(built, found.solver) == {name: report.breakdown[name] for name in built.terms}


def test_a_stopped_search_returns_its_start() -> None:
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    search = Search(built, _one_worker, seed=0)
    start = _any_roster(built)
    search.stop()
    found = search.improve(Found(start, search.cost(start)), deadline=time.perf_counter() + 30)
    assert found.solver is start


def test_neighbourhoods_free_what_they_say() -> None:
    """Each kind frees whole horizons, whole windows of every specialist, a block, or one
    pair of windows over everyone; the uncovered pairs given pull a window over one of their days."""
    hoods = Neighbourhoods(["a", "b", "c", "d"], 10, random.Random(0))
    kind, free = hoods.next([("c", 7)])
    assert kind == "specialists" and {s for s, _ in free} >= {"c"}
    assert all(len({t for s2, t in free if s2 == s}) == 10 for s in {s for s, _ in free})
    kind, free = hoods.next([("c", 7)])
    assert kind == "days" and {s for s, _ in free} == {"a", "b", "c", "d"} and 7 in {t for _, t in free}
    kind, free = hoods.next([])
    assert kind == "block" and free
    kind, free = hoods.next([("a", 1)])
    assert kind == "pair" and {s for s, _ in free} == {"a", "b", "c", "d"} and 1 in {t for _, t in free}
    assert len(free) == 4 * len({t for _, t in free})
    before = hoods.size["days"]
    hoods.closed("days")
    assert hoods.size["days"] > before
    hoods.timed_out("days")
    hoods.timed_out("days")
    assert hoods.size["days"] < before


def test_a_pair_of_windows_can_lie_apart() -> None:
    """`pair` frees two windows of half the width each, the first around a short day, the
    second drawn anywhere: over many draws some pairs lie apart (a gap between them), which
    one window of the same width never frees."""
    hoods = Neighbourhoods(["a", "b"], 28, random.Random(1), size={"pair": 0.25})
    apart = 0
    for _ in range(50):
        kind, free = hoods.next([("a", 3)])
        days = sorted({t for _, t in free})
        assert kind == "pair" and 3 in days and len(days) <= 7
        apart += days[-1] - days[0] + 1 > len(days)
    assert apart > 0


def _short_lns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neighbourhoods from 1 s of search left (`solve.LNS_FROM_SECONDS`, 5 s), so that the
    tests forcing them wait out 4 s, not 7-8: on the four-week sample the roster regardless
    of cost comes in about 0.9 s (two workers, load 5), and the rest goes to neighbourhoods."""
    monkeypatch.setattr(solve_module, "LNS_FROM_SECONDS", 1.0)


@pytest.mark.parametrize("no_roster_first", [False, True])
def test_solve_switches_to_neighbourhoods_and_returns_a_checked_roster(
    monkeypatch: pytest.MonkeyPatch, no_roster_first: bool
) -> None:
    """Forced to switch at once (share ~0, any gap): the four-week sample still comes back as
    a checked roster, its cost the checker's, the bound below the optimum. With the
    whole-model search given no time at all, the roster regardless of cost starts them (with
    0.2 of 4 s it may or may not have found one first on a busy machine: not asserted). 4 s
    with neighbourhoods from 1 s left (`_short_lns`)."""
    _short_lns(monkeypatch)
    monkeypatch.setattr(search_run, "FULL_SHARE", 0.0 if no_roster_first else 0.2)
    monkeypatch.setattr(search_run, "LNS_FROM_GAP", -1.0)
    any_roster = search_run.SearchRun._any_roster
    calls: list[int] = []

    def spy(run: search_run.SearchRun, lns: Search) -> cp_model.CpSolver | None:
        calls.append(1)
        return any_roster(run, lns)

    monkeypatch.setattr(search_run.SearchRun, "_any_roster", spy)
    inst = load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml"))
    result = solve(inst, SolveOptions(time_limit=4, workers=2, seed=0, lns=True))
    if no_roster_first:  # with a share the whole model may or may not find one first: timing
        assert len(calls) == 1
    assert result.roster is not None, result.status
    report = check_roster(inst, result.roster)
    assert report.violations == []
    assert report.objective == result.objective
    assert result.objective is not None and result.objective >= FOUR_WEEKS_OPTIMUM
    if result.bound is not None:
        assert result.bound <= FOUR_WEEKS_OPTIMUM


def test_solve_command_takes_lns() -> None:
    """`--lns` reaches the search; the tiny sample is proven long before any switch."""
    from click.testing import CliRunner

    from outreach_opt.cli.main import main

    done = CliRunner().invoke(main, ["solve", str(INSTANCES / "tiny.yaml"), "--lns", "--time-limit", "6", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "optimal" in done.output


def test_no_neighbourhood_search_is_prepared_without_lns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Preparing the neighbourhoods walks every variable of the model: without `lns` that
    is never done."""

    def refuse(*_args: object, **_kwargs: object) -> Search:
        raise AssertionError("Search built with lns off")

    monkeypatch.setattr(search_run, "Search", refuse)
    result = solve(load_instance(str(INSTANCES / "tiny.yaml")), SolveOptions(time_limit=6, workers=1))
    assert result.status is Status.OPTIMAL


@pytest.mark.parametrize(
    ("lns", "from_variables", "prepared"),
    [(None, 10**9, False), (None, 0, True), (False, 0, False), (True, 10**9, True)],
)
def test_neighbourhoods_by_default_only_for_large_models(
    monkeypatch: pytest.MonkeyPatch, lns: bool | None, from_variables: int, prepared: bool
) -> None:
    """`SolveOptions.lns` None turns the neighbourhoods on from `LNS_FROM_VARIABLES` (the
    benchmark's M and L: better rosters at the same limit), off below (the samples, which
    prove sooner without); True and False decide whatever the size."""
    built: list[object] = []

    def spy(*args: object, **kwargs: object) -> Search:
        built.append(args)
        return Search(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_run, "Search", spy)
    monkeypatch.setattr(solve_module, "LNS_FROM_VARIABLES", from_variables)
    result = solve(load_instance(str(INSTANCES / "tiny.yaml")), SolveOptions(time_limit=6, workers=1, lns=lns))
    assert result.status is Status.OPTIMAL
    assert bool(built) is prepared


@pytest.mark.parametrize(("lns", "judged", "prepared"), [(None, True, True), (None, False, True), (False, True, False)])
def test_neighbourhoods_by_default_for_nurse_rosters(
    monkeypatch: pytest.MonkeyPatch, lns: bool | None, judged: bool, prepared: bool
) -> None:
    """A model of the kind the first-lines start accepts (Curtois & Qu's Instance1: 8 people,
    well below `LNS_FROM_VARIABLES`; nothing ties its people but the cover) gets the
    neighbourhoods by default, as the CLI's Curtois & Qu runs measured better with them, with
    or without a judge for the first lines; `--no-lns` still turns them off. The tiny sample,
    as small but tied by a resource, gets none (the test above)."""
    built: list[object] = []

    def spy(*args: object, **kwargs: object) -> Search:
        built.append(args)
        return Search(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_run, "Search", spy)
    inst = load_curtois_qu(str(SHARED / "benchmarks" / "curtois-qu" / "Instance1.txt"))
    result = solve(inst, SolveOptions(time_limit=6, workers=1, lns=lns), judge=line_holds if judged else None)
    assert result.status is Status.OPTIMAL
    assert result.objective == 607  # the file's proven optimum (best_known.csv)
    assert result.roster is not None
    report = check_roster(inst, result.roster)
    assert report.violations == [] and report.objective == 607
    assert bool(built) is prepared


def test_every_solver_of_the_search_is_configured_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The roster regardless of cost and every neighbourhood are solved with the options'
    parameters (`configured_solver`), as the whole model is, not with parameters set by hand."""
    _short_lns(monkeypatch)
    monkeypatch.setattr(search_run, "FULL_SHARE", 0.0)
    monkeypatch.setattr(search_run, "LNS_FROM_GAP", -1.0)
    configured = configured_solver
    made: list[float | None] = []

    def spy(
        options: SolveOptions, remaining: float | None = None, model: cp_model.CpModel | None = None
    ) -> cp_model.CpSolver:
        made.append(remaining)
        return configured(options, remaining, model)

    monkeypatch.setattr(solve_module, "configured_solver", spy)  # the whole model's
    monkeypatch.setattr(search_run, "configured_solver", spy)  # the later searches'
    # The example, not the four-week sample: its neighbourhoods begin within 0.2 s, where the
    # sample's began at 3 s of 7, and in one run on a busy machine (load 5) not at all.
    inst = load_instance(str(EXAMPLE))
    result = solve(inst, SolveOptions(time_limit=4, workers=2, seed=0, lns=True))
    assert result.roster is not None
    assert len(made) >= 3  # the whole model's, the roster regardless of cost's, neighbourhoods'


def test_only_the_whole_models_searches_presolve_by_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the whole model above `PRESOLVE_UP_TO_VARIABLES`, its own search and the roster
    regardless of cost skip presolve, but every neighbourhood keeps it: theirs are small
    copies (solve/sub_model.py), and a rule read off the whole model's size would switch it off
    for every step at 80 specialists and up."""
    _short_lns(monkeypatch)
    monkeypatch.setattr(search_run, "FULL_SHARE", 0.0)
    monkeypatch.setattr(search_run, "LNS_FROM_GAP", -1.0)
    monkeypatch.setattr(options_module, "PRESOLVE_UP_TO_VARIABLES", 0)
    made: list[tuple[bool, bool]] = []  # (given the whole model, presolve)

    def spy(
        options: SolveOptions, remaining: float | None = None, model: cp_model.CpModel | None = None
    ) -> cp_model.CpSolver:
        solver = configured_solver(options, remaining, model)
        made.append((model is not None, solver.parameters.cp_model_presolve))
        return solver

    monkeypatch.setattr(solve_module, "configured_solver", spy)
    monkeypatch.setattr(search_run, "configured_solver", spy)
    result = solve(load_instance(str(EXAMPLE)), SolveOptions(time_limit=4, workers=2, seed=0, lns=True))
    assert result.roster is not None
    whole = [presolve for given, presolve in made if given]
    steps = [presolve for given, presolve in made if not given]
    assert len(whole) == 2 and not any(whole)  # the whole model's search, the roster regardless of cost
    assert steps and all(steps)


def test_the_narrowed_model_is_rewritten_only_where_needed_and_stays_exact() -> None:
    """One copy of the model serves every neighbourhood; after steps that improved the roster
    and steps that did not, each unit outside the next neighbourhood is fixed to the roster
    and each unit inside it has the whole model's domain again."""
    built = RosterModel(prepare(load_instance(str(EXAMPLE)))).build()
    search = Search(built, _one_worker, seed=1)
    start = _any_roster(built)
    found = search.improve(Found(start, search.cost(start)), deadline=time.perf_counter() + 3)
    keys = sorted(search.units)
    for free in ({keys[0], keys[-1]}, set(keys[::3]), set()):
        sub = search._narrowed(found, free).proto
        values = found.solver.response_proto.solution
        for key, indices in search.units.items():
            for i in indices:
                want = list(built.model.proto.variables[i].domain) if key in free else [values[i], values[i]]
                assert list(sub.variables[i].domain) == want, (key, i)
    assert list(built.model.proto.variables[0].domain) == [0, 1]  # the whole model is never narrowed


def test_pair_alone_mends_an_uncovered_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """With `pair` the only kind, the search still takes an objective-blind roster's
    uncovered sessions down: everyone over two windows, one around a short day, is enough
    to mend one. The roster stays valid at the checker's cost."""
    monkeypatch.setattr(lns, "Neighbourhoods", _only("pair"))
    inst = load_instance(str(EXAMPLE))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, _one_worker, seed=0)
    start = _any_roster(built)
    assert breakdown(built, start)["uncovered"] > 0  # the start leaves something to mend
    found = search.improve(Found(start, search.cost(start)), deadline=time.perf_counter() + 2)
    assert breakdown(built, found.solver)["uncovered"] < breakdown(built, start)["uncovered"]
    report = check_roster(inst, read_roster(built, found.solver, Status.FEASIBLE, found.objective, 0))
    assert report.violations == [] and report.objective == found.objective


def _only(kind: str) -> type[Neighbourhoods]:
    """Neighbourhoods of one kind only."""

    class Only(Neighbourhoods):
        def __post_init__(self) -> None:
            super().__post_init__()
            self.size = {kind: self.size[kind]}
            self.floor = {kind: self.floor[kind]}

    return Only


def test_two_workers_solve_two_neighbourhoods_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers, two lanes each solve neighbourhoods with one CP-SAT worker; the
    roster they end with is valid at the checker's cost and no dearer than the start."""
    lanes: list[tuple[int, int]] = []
    run = Search._run

    def spy(self: Search, model: cp_model.CpModel, limit: float, n: int, one_worker: bool = False) -> object:
        code, solver = run(self, model, limit, n, one_worker)
        lanes.append((threading.get_ident(), solver.parameters.num_workers))
        return code, solver

    monkeypatch.setattr(Search, "_run", spy)
    inst = load_instance(str(EXAMPLE))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, lambda limit: configured_solver(SolveOptions(workers=2), remaining=limit), seed=0)
    assert search.lanes() == 2
    start = _any_roster(built)
    before = search.cost(start)
    found = search.improve(Found(start, before), deadline=time.perf_counter() + 2)
    threads = {ident for ident, workers in lanes if workers == 1}
    assert len(threads) == 2  # besides the first step's (all auxiliaries), two lanes of one worker
    assert found.objective == search.cost(found.solver) <= before
    report = check_roster(inst, read_roster(built, found.solver, Status.FEASIBLE, found.objective, 0))
    assert report.violations == [] and report.objective == found.objective


def test_a_replay_keeps_the_roster_and_hints_what_the_lane_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """A neighbourhood solved once more around a newer best (`lns.REPLAY`) is the newer
    best's sub-model: every fixed value is the newer roster's, only the free units' hint is
    the lane's roster. The roster it returns is valid at the checker's cost."""
    inst = load_instance(str(EXAMPLE))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, _one_worker, seed=0)
    start = _any_roster(built)
    lane, _ = search._solve(Found(start, search.cost(start)), set(search.units), 5.0)
    assert lane is not None
    newer = _any_roster(built)  # another roster: the "best" another lane left
    free = {key for key in search.units if key[1] < 3}
    cuts: list[tuple[np.ndarray, list[int]]] = []
    cut = SubModels.cut

    def spy(self: SubModels, values: np.ndarray, variables: list[int]) -> object:
        cuts.append((values.copy(), list(variables)))
        return cut(self, values, variables)

    monkeypatch.setattr(SubModels, "cut", spy)
    solver, _ = search._solve(Found(newer, search.cost(newer)), free, 3.0, hint=values_of(lane))
    values, variables = cuts[-1]
    inside = np.zeros(len(values), dtype=bool)
    inside[variables] = True
    assert np.array_equal(values[inside], values_of(lane)[inside])
    assert np.array_equal(values[~inside], values_of(newer)[~inside])
    assert not np.array_equal(values_of(lane)[inside], values_of(newer)[inside])  # the hint is not the base's
    assert solver is not None
    value = search.cost(solver)
    report = check_roster(inst, read_roster(built, solver, Status.FEASIBLE, value, 0))
    assert report.violations == [] and report.objective == value


def test_a_lane_accepts_replays_or_rejects() -> None:
    """`lane_decision`, the rule every lane's roster goes through: cheaper than the best is
    accepted; as cheap only when found around the best itself (a plateau move); cheaper only
    than its own stale start is solved once more around the best (`REPLAY`), once; the rest
    is rejected."""
    stale, best = Found(cp_model.CpSolver(), 100), Found(cp_model.CpSolver(), 90)
    assert lane_decision(85, stale, best, replayed=False) == "accept"
    assert lane_decision(90, best, best, replayed=False) == "accept"  # plateau around the best
    assert lane_decision(90, stale, best, replayed=False) == "replay"
    assert lane_decision(95, stale, best, replayed=False) == "replay"
    assert lane_decision(95, stale, best, replayed=True) == "reject"  # a replay is not replayed
    assert lane_decision(100, stale, best, replayed=False) == "reject"  # no better than its start
    assert lane_decision(95, best, best, replayed=False) == "reject"


def test_ctrl_c_stops_every_lane_and_keeps_the_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real SIGINT while two lanes run, handled as the CLI handles it (a Python handler
    calling `stop`, CP-SAT told not to catch it): every lane stops and `improve` returns the
    best roster so far, valid at the checker's cost. The signal is sent to a lane's thread
    once its first neighbourhood starts (the kernel may hand a process's signal to any
    thread); the deadline is a minute away, so returning long before it means the caller's
    thread ran the handler while the lanes ran (with a join without a timeout: at the
    deadline)."""
    run = Search._run
    timers: list[threading.Timer] = []

    def spy(self: Search, model: cp_model.CpModel, limit: float, n: int, one_worker: bool = False) -> object:
        if one_worker and not timers:
            lane = threading.get_ident()  # the signal reaches a lane's thread, not the caller's
            timers.append(threading.Timer(0.3, signal.pthread_kill, (lane, signal.SIGINT)))
            timers[0].start()
        return run(self, model, limit, n, one_worker)

    monkeypatch.setattr(Search, "_run", spy)
    inst = load_instance(str(EXAMPLE))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, lambda limit: configured_solver(SolveOptions(workers=2), remaining=limit), seed=0)
    search.catch_sigint = False
    start = _any_roster(built)
    before = search.cost(start)
    previous = signal.signal(signal.SIGINT, lambda *_: search.stop())
    try:
        began = time.perf_counter()
        found = search.improve(Found(start, before), deadline=began + 60)
        returned = time.perf_counter() - began
    finally:
        signal.signal(signal.SIGINT, previous)
    assert timers, "no lane started"
    timers[0].join()
    assert search.stopped and returned < 30
    assert found.objective == search.cost(found.solver) <= before
    report = check_roster(inst, read_roster(built, found.solver, Status.FEASIBLE, found.objective, 0))
    assert report.violations == [] and report.objective == found.objective


def test_unmet_requests_are_what_the_requests_term_charges() -> None:
    """`Search.unmet_requests` lists exactly the soft requests the roster leaves unmet: their
    weights sum to the `requests` term, the model's and the independent checker's, on a
    roster found with no objective (so that some are unmet)."""
    inst = load_curtois_qu(str(SHARED / "benchmarks" / "curtois-qu" / "Instance1.txt"))
    built = RosterModel(prepare(inst)).build()
    search = Search(built, _one_worker, seed=0)
    start = _any_roster(built)
    unmet = search.unmet_requests(start)
    assert unmet and all(not r.hard for r in unmet)
    assert sum(r.weight for r in unmet) == breakdown(built, start)["requests"]
    report = check_roster(inst, read_roster(built, start, Status.FEASIBLE, search.cost(start), 0))
    assert report.violations == [] and report.breakdown["requests"] == sum(r.weight for r in unmet)
    assert search.unmet(start) == [(r.specialist, r.day) for r in unmet]


def test_request_focus_centres_neighbourhoods_on_unmet_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """With short demands and unmet requests both, `REQUEST_FOCUS` of the neighbourhoods take
    their window and first people from an unmet request: with it at 1 every one does, at 0
    none (the short demand's day and person then)."""
    short, unmet = [("a", 2)], [("d", 17)]
    monkeypatch.setattr(lns_choice, "REQUEST_FOCUS", 1.0)
    hoods = Neighbourhoods(["a", "b", "c", "d"], 28, random.Random(3), size={"days": 0.1, "specialists": 0.25})
    for _ in range(10):
        kind, free = hoods.next(short, unmet)
        if kind == "days":
            assert 17 in {t for _, t in free} and 2 not in {t for _, t in free}
        else:
            assert {s for s, _ in free} == {"d"}
    monkeypatch.setattr(lns_choice, "REQUEST_FOCUS", 0.0)
    for _ in range(10):
        kind, free = hoods.next(short, unmet)
        assert (2 in {t for _, t in free}) if kind == "days" else {s for s, _ in free} == {"a"}
    kind, free = hoods.next([], unmet)  # no short demand: the unmet requests whatever the share
    assert kind == "days" and 17 in {t for _, t in free}


def test_a_timeout_never_grows_a_kind() -> None:
    """A kind that starts below `MIN_SHARE` (the large instances' kinds: 60 specialist-days
    of 1000 x 28) shrinks after a timeout, or stays; before, the floor took it up to 0.01."""
    start = large_kinds(1000, 28, fair=True)
    hoods = Neighbourhoods([f"s{i}" for i in range(1000)], 28, random.Random(0), size=dict(start))
    for kind in start:
        hoods.timed_out(kind)
        assert hoods.size[kind] <= start[kind] < MIN_SHARE
    hoods.closed("fair")
    hoods.closed("fair")
    hoods.timed_out("fair")
    assert start["fair"] < hoods.size["fair"] < start["fair"] * GROW**2
    small = Neighbourhoods(["a", "b"], 7, random.Random(0))
    for _ in range(40):
        small.timed_out("days")
    assert small.size["days"] == MIN_SHARE
