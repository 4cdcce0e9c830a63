"""The relaxation bound (solve/relaxation.py): never above the instance's optimum, and it
sees what the plain LP cannot, the integrality of burden points.

Never above: against optima CP-SAT proves on the whole model (drawn instances with every rule,
history, the samples) and against every valid roster drawn for an instance (a bound is below
all of them). Useful: hand-worked cases where the bound is the optimum itself."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import INSTANCES, base, demand, instance, optimum, proven_sample, specialist
from test_properties import PROPERTY_SETTINGS, instances, instances_with_rosters, trips

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.check.context import Context
from outreach_opt.check.sharing import scaled_burdens
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve import search_run
from outreach_opt.solve import solve as solve_module
from outreach_opt.solve.bound_process import _IN_MIP, BoundInBackground
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Progress, Status
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import at_total, lower_bound
from outreach_opt.solve.solve import solve


def bound(
    inst: Instance,
    past: list[Assignment] | None = None,
    seconds: float = 20.0,
    grouped: bool | None = None,
    integral: bool = False,
) -> int | None:
    return lower_bound(relaxation(inst, past or [], grouped), time.perf_counter() + seconds, integral=integral)


def bounds(inst: Instance, seconds: float = 20.0) -> list[int | None]:
    """The bound counting each specialist alone and counting alike specialists together."""
    return [bound(inst, seconds=seconds, grouped=grouped) for grouped in (False, True)]


def _saturday() -> dict[str, Any]:
    """Three specialists, one Saturday session at near, outreach and weekend days as burden."""
    return _sharing(
        horizon={"start": "2025-10-20", "days": 7},
        specialists=[specialist("a"), specialist("b"), specialist("c")],
        demands=[demand("d", site="near", days=["sat"], periods=["am", "pm"])],
        fairness={"burden": {"outreach_session": 1, "weekend_day": 1}},
    )


def _sharing(**changes: Any) -> dict[str, Any]:
    """Two specialists at home, one session wanted at near; fairness counts outreach only."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d", site="near")],
        fairness={"burden": {"outreach_session": 1}},
        weights={"uncovered_session": 1000, "travel_minute": 0, "fairness_deviation": 1},
    )
    data.update(changes)
    return data


def test_integrality_of_the_burden_is_the_bound() -> None:
    """One session between two full-time specialists: whoever goes has burden 100, the other
    0, total 100, so n x the deviations is |200 - 100| + |0 - 100| = 200 whatever the roster
    (leaving it uncovered costs 1000). Half a session each, the plain LP's answer, would be 0."""
    data = _sharing()
    assert optimum(data) == 200
    assert bounds(instance(data)) == [200, 200]
    assert len(relaxation(instance(data), grouped=True).members) == 1  # a and b counted together


def test_the_bound_at_one_total() -> None:
    """The same pair: every roster holding the session has T = 100 and costs 200; the only one
    with T = 0 leaves it uncovered, 1000. The bound with the total fixed knows each, and the
    least of them is the bound."""
    for grouped in (False, True):
        relax = relaxation(instance(_sharing()), grouped=grouped)
        assert [at_total(relax, total, 20) for total in (0, 100)] == [1000, 200]


def test_history_counts_in_the_bound() -> None:
    """b already carries two outreach sessions: a takes this one (100 and 200 against a mean
    of 150: 2 x 100 = 200); b taking it would cost 600. The bound knows b's past."""
    past = [
        Assignment(specialist="b", date=dt.date(2025, 10, d), period="am", site="near", activity="clinic", demand="d")
        for d in (18, 19)
    ]
    data = _sharing()
    assert optimum(data, past=past) == 200
    assert bound(instance(data), past) == 200
    # counted together, b's past is still b's: the best split of the pair's points gives a the session
    assert bound(instance(data), past, grouped=True) == 200
    assert len(relaxation(instance(data), past, grouped=True).members) == 1


def test_a_group_splits_its_points_at_best() -> None:
    """Three alike specialists, two sessions: two go once each (burdens 100, 100, 0 against a
    total of 200: |300 - 200| x 2 + |0 - 200| = 400). Counted as one unit, the bound must still
    let two members take their first point (a step per member, not one per level: 800)."""
    data = _sharing(
        specialists=[specialist("a"), specialist("b"), specialist("c")],
        demands=[demand("d", site="near", sessions={"min": 2, "max": 2})],
    )
    assert optimum(data) == 400
    assert len(relaxation(instance(data), grouped=True).members) == 1
    # Split down to single values of T: exactly 400. Stopping at intervals narrower than n
    # (one unit of the mean), as the search once did, left it at 397 ([199, 201]: 199 + 2 x 99).
    assert bounds(instance(data)) == [400, 400]


def test_the_total_lies_on_the_factors_lattice() -> None:
    """a (FTE 80, factor 125) shares outreach but cannot reach near within its daily limit
    (30 minutes, round trip 40); b (FTE 100, factor 100) goes. So T = 100 and the deviations
    are |2 x 100 - 100| + |0 - 100| = 200. The bound keeps T on the multiples of
    gcd(125, 100) = 25: on the multiples of 125 (the larger factor wrongly taken) T = 100
    would be lost and the bound would claim the uncovered 1000, above the optimum."""
    data = _sharing(specialists=[specialist("a", fte=80, max_travel_minutes_per_day=30), specialist("b")])
    assert optimum(data) == 200
    assert bounds(instance(data)) == [200, 200]


def test_integer_counts_see_a_whole_weekend_session() -> None:
    """Three specialists, one Saturday session at near (am or pm), fairness counting outreach
    and weekend days. Whoever goes has 2 points (the session and the day), burden 200 against
    a total of 200: |600 - 200| + 2 x |0 - 200| = 800 (uncovered costs 1000). The LP counts a
    weekend session as 1.5 points (a weekend day may hold two) and may split it in thirds, so it
    stays below; with integer counts (the MIP of solve/relaxation_mip.py) one specialist takes
    the whole session and its whole day: 800."""
    data = _saturday()
    assert optimum(data) == 800
    plain = bound(instance(data), grouped=False)
    assert plain is not None and plain < 800
    assert bound(instance(data), grouped=False, integral=True) == 800
    assert bound(instance(data), grouped=True, integral=True) == plain  # one unit of three: no MIP
    # beside a search, the child process runs the MIP only when asked to, and only until
    # `integral_until` when given (solve: while the greedy roster runs): a moment already past
    # leaves the LPs' bound
    now = time.perf_counter()
    for integral, until, expected in (
        (True, None, 800),
        (False, None, plain),
        (True, now, plain),
        (True, now + 20, 800),
    ):
        background = BoundInBackground(
            instance(data), [], time.perf_counter() + 20, integral=integral, integral_until=until
        )
        background._thread.join(20)  # the child ends when its rounds do
        assert background.stop() == expected
    # the gate asked just before the MIP (the child's: has the parent ended the integer phase?)
    relax = relaxation(instance(data), grouped=False)
    assert lower_bound(relax, time.perf_counter() + 20, integral=True, integral_gate=lambda: False) == plain
    assert lower_bound(relax, time.perf_counter() + 20, integral=True, integral_gate=lambda: True) == 800


def test_an_unreachable_specialist_is_a_forced_deviation() -> None:
    """b cannot drive to near and back within the day (limit 30, round trip 40), so a takes
    both sessions: burdens 200 and 0, deviations 2 x 200 = 400 (and 40 minutes each way are
    free here); the bound sees b is stuck at 0."""
    data = _sharing(
        specialists=[specialist("a"), specialist("b", max_travel_minutes_per_day=30)],
        demands=[demand("d", site="near", sessions={"min": 2, "max": 2})],
    )
    assert optimum(data) == 400
    assert bounds(instance(data)) == [400, 400]  # different daily limits: never counted together


@pytest.mark.parametrize(
    ("name", "proven"),
    [
        ("anzhen-tongzhou-week.yaml", 1320),
        ("ruijin-jiading-week.yaml", 1190),
        ("tiny.yaml", 4220),
        ("anzhen-cardiology-4weeks.yaml", 16880),
    ],
)
def test_samples_bound_below_their_proven_optima(name: str, proven: int) -> None:
    """The sample optima (proven by the whole model, tests/test_samples.py) are never beaten."""
    for found in bounds(load_instance(str(INSTANCES / name))):
        assert found is not None and 0 < found <= proven


def test_generated_week_bound_below_its_optimum() -> None:
    """20 specialists, 6 sites (benchmark size S, seed 1): its optimum 43544 was proven by the
    engine and HiGHS alike (benchmarks/RESULTS.md); the bound comes within a few percent."""
    for found in bounds(instance_from_data(generate(20, 6, 1, 1), "S-1")):
        assert found is not None and 0.9 * 43544 <= found <= 43544


@settings(PROPERTY_SETTINGS, max_examples=80)
@given(instances(rich=True))
def test_bound_below_the_proven_optimum(data: dict[str, Any]) -> None:
    """Every rule of the product drawn: whenever the whole model proves its optimum, the
    relaxation's bound is at most that optimum."""
    inst = instance_from_data(data, "property test")
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    event(f"status {result.status.value}")
    if result.status is not Status.OPTIMAL or result.objective is None:
        return
    alone, grouped = bounds(inst)
    assert alone is not None and alone <= result.objective
    assert grouped is not None and grouped <= result.objective
    integral = bound(inst, integral=True)  # the integer counts' MIP after the LPs (relaxation_mip.py)
    assert integral is not None and alone <= integral <= result.objective
    event("bound is the optimum" if alone == result.objective else "bound below the optimum")
    event("integer counts raise it" if integral > alone else "integer counts do not raise it")
    event(_grouping(inst))


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(instances(), st.integers(0, 3))
def test_grouped_bound_below_the_proven_optimum_with_twins(data: dict[str, Any], outreach: int) -> None:
    """Drawn specialists are rarely alike, so each drawn instance gets a twin of its first
    specialist (same home, skills and limits that a group shares) with other days off and
    another weekly outreach limit: the grouped bound still never passes the proven optimum."""
    twin = {**data["specialists"][0], "id": "twin", "unavailable": [], "max_outreach_sessions_per_week": outreach}
    data = {**data, "specialists": [*data["specialists"], twin]}
    inst = instance_from_data(data, "property test")
    assert len(relaxation(inst, grouped=True).members) < len(inst.specialists)
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    event(f"status {result.status.value}")
    if result.status is not Status.OPTIMAL or result.objective is None:
        return
    found = bound(inst, grouped=True)
    assert found is not None and found <= result.objective
    event("bound is the optimum" if found == result.objective else "bound below the optimum")


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(trips())
def test_bound_below_the_proven_optimum_with_stays(data: dict[str, Any]) -> None:
    """Far sites that allow stays (a day may start or end there): still never above."""
    inst = instance_from_data(data, "property test")
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    if result.status is not Status.OPTIMAL or result.objective is None:
        return
    for found in bounds(inst):
        assert found is not None and found <= result.objective


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(st.one_of(instances_with_rosters(), instances_with_rosters(rich=True)))
def test_bound_below_every_valid_roster(case: tuple[Instance, Roster]) -> None:
    """A roster the checker accepts costs at least the bound (grown from a drawn roster while
    the checker accepts it, it lands on the rules' boundaries, where a relaxation that cuts too
    deep would show)."""
    inst, roster = case
    grown = _grown(inst, roster)
    if grown is None:
        return
    roster, report = grown
    for found in bounds(inst):
        assert found is not None and found <= report.objective
    event(_grouping(inst))


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(st.one_of(instances_with_rosters(), instances_with_rosters(rich=True)))
def test_bound_at_a_roster_total_lies_between(case: tuple[Instance, Roster]) -> None:
    """The bound with the total fixed at a valid roster's own `T` is at most that roster's
    cost (the roster is a point of that LP) and at least the bound over every total."""
    inst, roster = case
    grown = _grown(inst, roster)
    if grown is None:
        return
    roster, report = grown
    total = sum(scaled_burdens(Context.of(inst, (), roster.stays), roster.assignments).values())
    for grouped in (False, True):
        relax = relaxation(inst, grouped=grouped)
        least = lower_bound(relax, time.perf_counter() + 20)
        at = at_total(relax, total, 20)
        assert least is not None and at is not None and least <= at <= report.objective


def _grown(inst: Instance, drawn: Roster) -> tuple[Roster, CheckReport] | None:
    """The drawn roster's commitments and pinned sessions, then each other session of it in
    turn while the checker still accepts the roster; None when the first part breaks a rule.
    Drawn whole, nearly every roster breaks one (3 of 200 were valid), so a test of valid
    rosters would hardly run. With the richer rules the first part itself mostly breaks one
    (a minimum of minutes worked, pins, stays: 6 of 200 ran), so the tests draw plain
    instances half the time."""
    pinned = {(p.specialist, p.date, p.period) for p in inst.pins}
    first = [a for a in drawn.assignments if a.commitment or (a.specialist, a.date, a.period) in pinned]
    roster = drawn.model_copy(update={"assignments": first})
    report = check_roster(inst, roster)
    if report.violations:
        return None
    for a in drawn.assignments:
        if a in first:
            continue
        longer = roster.model_copy(update={"assignments": [*roster.assignments, a]})
        longer_report = check_roster(inst, longer)
        if not longer_report.violations:
            roster, report = longer, longer_report
    event(f"{len(roster.assignments) - len(first)} of {len(drawn.assignments) - len(first)} sessions kept")
    return roster, report


def _grouping(inst: Instance) -> str:
    """For the statistics: whether the drawn instance had specialists counted together."""
    merged = len(inst.specialists) - len(relaxation(inst, grouped=True).members)
    return "some specialists counted together" if merged else "every specialist alone"


class _KnownBound:
    """Stands in for BoundInBackground with a bound known to hold (a proven optimum), so the
    wiring is tested apart from the relaxation's strength, which the tests above hold."""

    def __init__(self, value: int) -> None:
        self.value = value
        self.events: list[str] = []
        """What `solve` asked of it, in order: each start (with its integer-count settings)
        and each `end_integral`."""
        self.times: list[tuple[float, float | None]] = []
        """Each start's (until, integral_until)."""

    def __call__(
        self,
        instance: Instance,
        past: Any,
        until: float,
        on_bound: Any = None,
        integral: bool = False,
        integral_until: float | None = None,
        relax: bool = True,
        weekends: Any = None,
        weekends_seconds: float = 0.0,
    ) -> _KnownBound:
        self.events.append(f"bound: integral {integral}, until {'given' if integral_until else None}")
        self.times.append((until, integral_until))
        if on_bound is not None:
            on_bound(self.value)
        return self

    def stop(self) -> int:
        return self.value

    def end_integral(self) -> None:
        """The real one ends the child's MIP; here there is none."""
        self.events.append("end integral")


def test_a_large_whole_model_reports_the_higher_of_the_two_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole model from `RELAXATION_FROM_VARIABLES` up gets the relaxation's bound beside
    CP-SAT's, and reports the higher, in progress (rising only) and in the result. S seed 1's
    optimum 43544 (proven by CP-SAT and HiGHS, benchmarks/RESULTS.md) stands in for the
    relaxation's; CP-SAT does not prove it in 3 s (10.6 s idle), the limit waited out."""
    monkeypatch.setattr(solve_module, "RELAXATION_FROM_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "BoundInBackground", _KnownBound(43544))
    inst = instance_from_data(generate(20, 6, 1, 1), "S-1")
    seen: list[Progress] = []
    result = solve(inst, SolveOptions(time_limit=3, workers=2), on_progress=seen.append)
    assert result.restricted is None and result.roster is not None
    assert result.bound == 43544 and result.roster.bound == 43544
    assert result.status is (Status.OPTIMAL if result.objective == 43544 else Status.FEASIBLE)
    bounds = [p.bound for p in seen if p.bound is not None]
    assert bounds == sorted(bounds) and bounds[-1] == 43544
    report = check_roster(inst, result.roster)
    assert report.violations == [] and report.objective == result.objective


def test_the_relaxation_beside_a_whole_model_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real relaxation beside a whole model's search: the bound reported is at least the
    relaxation's (computed alone) and at most the proven optimum."""
    monkeypatch.setattr(solve_module, "RELAXATION_FROM_VARIABLES", 0)
    inst = instance_from_data(generate(20, 6, 1, 1), "S-1")
    result = solve(inst, SolveOptions(time_limit=5, workers=2))
    relaxed = bound(inst, seconds=10)
    assert relaxed is not None and result.bound is not None
    assert relaxed <= result.bound <= 43544
    assert result.roster is not None and check_roster(inst, result.roster).violations == []


def _no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CP-SAT search left out (no roster comes back): for tests of what `solve` starts
    before it, which would otherwise wait out their limit (S-1 is not proven in it)."""
    monkeypatch.setattr(search_run.SearchRun, "search", lambda *_: None)


def test_only_large_whole_models_run_the_relaxation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below `RELAXATION_FROM_VARIABLES` (20 specialists, the samples) CP-SAT's bound alone. 3 s:
    with 1 s the build could run out of its share on a busy machine, before any bound starts.
    The bound starts before the search, which is left out (`_no_search`)."""
    started: list[Instance] = []

    def spy(instance: Instance, *args: Any, **kwargs: Any) -> _KnownBound:
        started.append(instance)
        return _KnownBound(0)

    monkeypatch.setattr(solve_module, "BoundInBackground", spy)
    _no_search(monkeypatch)
    solve(instance_from_data(generate(20, 6, 1, 1), "S-1"), SolveOptions(time_limit=3, workers=2))
    assert started == []
    monkeypatch.setattr(solve_module, "RELAXATION_FROM_VARIABLES", 0)
    solve(instance_from_data(generate(20, 6, 1, 1), "S-1"), SolveOptions(time_limit=3, workers=2))
    assert len(started) == 1


def test_the_integer_counts_run_beside_the_greedy_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large model with the relaxation and the greedy roster starts the bound with the MIP
    (`INTEGER_BESIDE_GREEDY`) limited to `MIP_SHARE` of the time left after the build (1.0:
    the whole limit; the greedy's own share, 0.5, was its limit until 380e5fd), and says when
    the greedy returns: no MIP starts after. `integer_bound` runs it to the end instead;
    without the default, no MIP beside the greedy. All of it happens before the search, which
    is left out (`_no_search`)."""
    _no_search(monkeypatch)
    known = _KnownBound(0)
    events = known.events

    real_greedy = solve_module.greedy_roster

    def greedy(*args: Any, **kwargs: Any) -> Any:
        first = real_greedy(*args, **kwargs)
        events.append("greedy returned")
        return first

    monkeypatch.setattr(solve_module, "RELAXATION_FROM_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "GREEDY_FROM_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "greedy_roster", greedy)
    monkeypatch.setattr(solve_module, "BoundInBackground", known)
    inst = instance_from_data(generate(20, 6, 1, 1), "S-1")
    solve(inst, SolveOptions(time_limit=3, workers=2))
    assert events == ["bound: integral True, until given", "greedy returned", "end integral"]
    until, integral_until = known.times[-1]
    assert integral_until is not None and integral_until < until
    monkeypatch.setattr(solve_module, "MIP_SHARE", 1.0)
    solve(inst, SolveOptions(time_limit=3, workers=2))
    until, integral_until = known.times[-1]
    assert integral_until == pytest.approx(until)
    monkeypatch.setattr(solve_module, "MIP_SHARE", 0.4)
    events.clear()
    solve(inst, SolveOptions(time_limit=3, workers=2, integer_bound=True))
    assert events == ["bound: integral True, until None", "greedy returned"]
    events.clear()
    monkeypatch.setattr(solve_module, "INTEGER_BESIDE_GREEDY", False)
    solve(inst, SolveOptions(time_limit=3, workers=2))
    assert events == ["bound: integral False, until None", "greedy returned", "end integral"]


def test_a_running_mip_is_left_to_its_own_limit() -> None:
    """`end_integral` while the child's MIP runs does not end the child (HiGHS tells its bound
    only at its limit, so ending it would lose the bound and the LPs' with it if not yet sent):
    here the parent marks the MIP running before the child has even built the relaxation; the
    child still sends the LPs' bound, and, its gate now closed, no MIP's."""
    data = _saturday()
    plain = bound(instance(data), grouped=False)
    background = BoundInBackground(
        instance(data), [], time.perf_counter() + 20, integral=True, integral_until=time.perf_counter() + 20
    )
    with background._integral.get_lock():
        background._integral.value = _IN_MIP
    background.end_integral()
    background._thread.join(20)
    assert plain is not None and plain < 800
    assert background.stop() == plain


def test_progress_from_two_bound_sources_is_one_rising_bound() -> None:
    """CP-SAT's and the relaxation's bounds interleave: a lower bound-only report is dropped,
    a roster report without or below the highest bound carries the highest."""
    seen: list[Progress] = []
    report = solve_module._rising_bounds(seen.append)
    for p in [
        Progress(1.0, 900, None),  # a roster before any bound
        Progress(1.5, None, 500),  # the relaxation
        Progress(2.0, 880, 300),  # a roster with CP-SAT's lower bound
        Progress(2.5, None, 400),  # CP-SAT's bound, below the relaxation's
        Progress(3.0, 870, None),  # a roster with no bound of its own
        Progress(3.5, None, 600),  # CP-SAT overtakes
    ]:
        report(p)
    assert [(p.objective, p.bound) for p in seen] == [(900, None), (None, 500), (880, 500), (870, 500), (None, 600)]


def _bound_in_a_daemon(inst: Instance, integral: bool, queue: Any) -> None:
    """In a daemonic process (as a Dask worker is): the bound that `BoundInBackground` reaches."""
    background = BoundInBackground(inst, [], time.perf_counter() + 30, integral=integral)
    background._thread.join(30)
    queue.put(background.stop())


def bound_in_a_daemon(inst: Instance, integral: bool = False) -> int | None:
    """`_bound_in_a_daemon` run in a daemonic child process; its bound."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_bound_in_a_daemon, args=(inst, integral, queue), daemon=True)
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    found: int | None = queue.get(timeout=5)
    return found


def test_the_bound_runs_in_a_daemonic_process() -> None:
    """A daemonic process may not fork a child (a Dask worker is daemonic by default: it raised
    'daemonic processes are not allowed to have children'); the bound runs in a thread there
    and reaches the same value as in the foreground."""
    path = str(INSTANCES / "anzhen-tongzhou-week.yaml")
    expected = lower_bound(relaxation(load_instance(path)), time.perf_counter() + 30)
    assert bound_in_a_daemon(load_instance(path)) == expected
    assert expected is not None and expected <= proven_sample(INSTANCES / "anzhen-tongzhou-week.yaml").report.objective


def test_a_daemonic_process_runs_no_mip() -> None:
    """In a thread (a daemonic process's bound) HiGHS's MIP could not be ended when the solve
    stops, so there integer counts are not run: the Saturday case gets the LPs' bound, below
    the 800 the MIP proves in a child process (test_integer_counts_see_a_whole_weekend_session)."""
    data = _saturday()
    plain = bound(instance(data), grouped=False)
    assert plain is not None and plain < 800
    assert bound_in_a_daemon(instance(data), integral=True) == plain
