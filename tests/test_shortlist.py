"""The shortlist for instances too large to model whole (solve/shortlist.py): the samples are
modelled whole, a restricted solve never claims a proof or a bound of its own (only the
relaxation's of the whole instance), and its rosters pass the independent checker like any other."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import event, given, settings
from support import INSTANCES, base, demand, solve_checked, specialist
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.travel import shortest_routes, travel_matrix
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve import relaxation as relaxation_module
from outreach_opt.solve import search_run
from outreach_opt.solve import shortlist as shortlist_module
from outreach_opt.solve import solve as solve_module
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Progress, Status
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import lower_bound
from outreach_opt.solve.shortlist import fitting_specialists, plan_model, restricted, round_trip, select_pairs
from outreach_opt.solve.solve import solve


def _generated(specialists: int, sites: int, seed: int = 1) -> Any:
    return instance_from_data(generate(specialists, sites, 1, seed), "generated")


@pytest.mark.parametrize(
    "name", ["anzhen-tongzhou-week.yaml", "ruijin-jiading-week.yaml", "anzhen-cardiology-4weeks.yaml"]
)
def test_samples_are_modelled_whole(name: str) -> None:
    """Within `FULL_MODEL_VARIABLES` nothing is left out: the plan's candidates are
    `prepare`'s, so the sample optima stay proven optima of the instance."""
    inst = load_instance(str(INSTANCES / name))
    plan = plan_model(inst, [], time_limit=10)
    assert plan.shortlist is None
    assert plan.prep.candidates == prepare(inst).candidates


def test_restricting_prepared_data_is_preparing_with_the_pairs() -> None:
    """`restricted` (filtering the whole prepared data) and `prepare(..., pairs=)` agree, and
    keep exactly the shortlisted pairs that have candidates."""
    inst = _generated(40, 8)
    pairs = select_pairs(inst, fitting_specialists(inst, travel_matrix(inst)), 2, 1)
    whole = prepare(inst)
    narrowed = restricted(whole, pairs)
    assert narrowed.candidates == prepare(inst, pairs=pairs).candidates
    assert {(c.specialist, c.demand) for c in narrowed.candidates} <= pairs
    assert 0 < len(narrowed.candidates) < len(whole.candidates)
    assert sum(len(v) for v in narrowed.candidates_by_day.values()) == len(narrowed.candidates)


def test_every_fitting_specialist_gets_an_option() -> None:
    """Picks go to the least loaded first: with picks enough for every fitting specialist (10
    per session), each one who can serve some demand within a day's travel is shortlisted for
    one, while the nearest of them would take all the picks of a near demand (distance alone
    left 39 of 300 without any option, and fairness then could not be evened out)."""
    inst = _generated(120, 20)
    fitting = fitting_specialists(inst, travel_matrix(inst))
    pairs = select_pairs(inst, fitting, 4, 10)
    able = {spec for ranked in fitting.values() for _, spec, _ in ranked}
    assert len(able) > 100
    assert able <= {spec for spec, _ in pairs}
    load: defaultdict[str, int] = defaultdict(int)
    for spec, _ in pairs:
        load[spec] += 1
    assert max(load.values()) <= 4 * min(load.values()) + 8


def test_pins_and_preferred_specialists_are_kept() -> None:
    """A demand's preferred specialist and a pinned session stay in the shortlist even when
    nearer, less loaded specialists would be picked first."""
    data = generate(60, 10, 1, 2)
    demand = data["demands"][0]
    far = data["specialists"][-1]["id"]
    demand["preferred"] = [far]
    other = data["demands"][1]
    pinned = data["specialists"][-2]["id"]
    data["pins"] = [{"specialist": pinned, "demand": other["id"], "date": "2025-11-05", "period": "am"}]
    inst = instance_from_data(data, "generated")
    pairs = select_pairs(inst, fitting_specialists(inst, travel_matrix(inst)), 1, 1)
    assert (far, demand["id"]) in pairs
    assert (pinned, other["id"]) in pairs


def test_pairs_a_caller_keeps_are_in_every_shortlist(monkeypatch: pytest.MonkeyPatch) -> None:
    """A repair keeps the published roster's pairs: pairs the narrowest shortlist would not
    pick are in it when kept, and in the model `plan_model` plans for a short limit."""
    inst = _generated(60, 10, 2)
    fitting = fitting_specialists(inst, travel_matrix(inst))
    narrow = select_pairs(inst, fitting, 1, 1)
    left_out = sorted({(spec, dem) for (dem, _), ranked in fitting.items() for _, spec, _ in ranked} - narrow)[:5]
    assert len(left_out) == 5
    assert set(left_out) <= select_pairs(inst, fitting, 1, 1, keep=frozenset(left_out))
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    plan = plan_model(inst, (), 1.0, keep=frozenset(left_out))
    assert plan.shortlist is not None
    assert set(left_out) <= {(c.specialist, c.demand) for c in plan.prep.candidates}


def test_restricted_solve_claims_only_the_relaxations_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced onto the shortlist, a small instance's solve says so, reports `feasible` even
    when the shortlist's own model is proven (its optimum is not the instance's), and its
    bounds, in progress and result, are the relaxation's of the whole instance: below the
    proven optimum 43544 (benchmarks/RESULTS.md, S seed 1), never the shortlist's."""
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    inst = _generated(20, 6)
    seen: list[Progress] = []
    result = solve(inst, SolveOptions(time_limit=5, workers=2), on_progress=seen.append)
    assert result.restricted is not None and "relaxation" in result.restricted
    assert result.status is Status.FEASIBLE
    relaxed = lower_bound(relaxation(inst), time.perf_counter() + 10)  # alone, to the end
    assert relaxed is not None and result.bound is not None and result.bound <= relaxed <= 43544
    assert result.roster is not None and result.roster.bound == result.bound
    bounds = [p.bound for p in seen if p.objective is None]
    assert bounds == sorted(bounds) and bounds[-1] == result.bound
    assert {p.bound for p in seen if p.objective is not None} <= {None, *bounds}  # none of the shortlist's
    report = check_roster(inst, result.roster)
    assert report.violations == []
    assert report.objective == result.objective


def test_restricted_solve_goes_straight_to_neighbourhoods(monkeypatch: pytest.MonkeyPatch) -> None:
    """A restricted model with neighbourhoods gives the whole model no share
    (`search_run.RESTRICTED_FULL_SHARE`): CP-SAT never searches the whole shortlist, whatever
    its bound would be, and the roster (the greedy's, improved) is still checked. 4 s with
    neighbourhoods from 1 s left (`solve.LNS_FROM_SECONDS`, 5 s, made it 8 s, waited out):
    without neighbourhoods the whole model would be searched, so `whole` still tells."""
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "LNS_FROM_SECONDS", 1.0)
    whole: list[int] = []
    monkeypatch.setattr(search_run.SearchRun, "_whole_model", lambda *_: whole.append(1))
    inst = _generated(20, 6)
    result = solve(inst, SolveOptions(time_limit=4, workers=2, lns=True))
    assert whole == []
    assert result.status is Status.FEASIBLE and result.roster is not None
    report = check_roster(inst, result.roster)
    assert report.violations == []
    assert report.objective == result.objective


def test_restricted_solve_without_the_relaxation_claims_no_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the relaxation is too large to solve beside the search (`AFFORDABLE_COLUMNS`),
    a restricted solve claims no bound at all: the shortlist's own never leaks through. 3 s
    (the search waits it out): the first roster comes at about 0.6 s, load 5."""
    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    monkeypatch.setattr(relaxation_module, "AFFORDABLE_COLUMNS", 0)
    seen: list[Progress] = []
    result = solve(_generated(20, 6), SolveOptions(time_limit=3, workers=2), on_progress=seen.append)
    assert result.status is Status.FEASIBLE and result.roster is not None
    assert result.bound is None and result.roster.bound is None and result.gap is None
    assert seen and all(p.bound is None for p in seen)


def test_cli_says_the_model_was_restricted(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """As a user sees it: the solve line carries no proof, and the restriction is printed."""
    from click.testing import CliRunner

    from outreach_opt.cli.main import main

    monkeypatch.setattr(shortlist_module, "FULL_MODEL_VARIABLES", 0)
    path = str(INSTANCES / "anzhen-tongzhou-week.yaml")
    result = CliRunner().invoke(main, ["solve", path, "--quiet", "--time-limit", "5", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "restricted model:" in result.output
    assert "feasible: objective" in result.output and "bound" in result.output
    assert "optimal" not in result.output


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(instances())
def test_restricted_rosters_pass_the_checker(data: dict[str, Any]) -> None:
    """Every drawn instance solved over its shortlist: the roster breaks no rule and costs
    what the solver says; `infeasible` is never claimed (the shortlist cannot prove it)."""
    inst = instance_from_data(data, "property test")
    previous = shortlist_module.FULL_MODEL_VARIABLES
    shortlist_module.FULL_MODEL_VARIABLES = 0
    try:
        result = solve(inst, SolveOptions(time_limit=3, workers=1, seed=0))
    finally:
        shortlist_module.FULL_MODEL_VARIABLES = previous
    event(f"status {result.status.value}")
    assert result.status is not Status.INFEASIBLE
    if result.status is Status.OPTIMAL:  # only when the roster meets the relaxation's bound
        assert result.bound == result.objective
    if result.roster is not None:
        report = check_roster(inst, result.roster)
        assert report.violations == [], report.violations
        assert report.objective == result.objective, (report.breakdown, result.breakdown)


def test_a_far_site_that_allows_stays_stays_on_the_shortlist() -> None:
    """A site beyond a day's round trip is dropped only when it allows no stay: with a night
    there the drive splits over two days (rule overnight_stay), so the Anzhen week's Chengde
    weekend (2 x 170 min from Chaoyang against Gao Yu's 200-minute daily limit) must stay reachable."""
    inst = load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml"))
    travel = travel_matrix(inst)
    gao = next(s for s in inst.specialists if s.id == "gao-yu")
    stays = [site.id for site in inst.sites if site.overnight]
    assert "chengde-central" in stays
    assert round_trip(travel, gao, "chengde-central") is None
    assert round_trip(travel, gao, "chengde-central", stays) == 340
    fitting = fitting_specialists(inst, travel)
    chengde = [ranked for (dem, _), ranked in fitting.items() if dem.startswith("chengde")]
    assert chengde and all(any(spec == "gao-yu" for _, spec, _ in ranked) for ranked in chengde)


def test_a_pinned_night_away_keeps_its_site_on_the_shortlist() -> None:
    """A pinned night (`pinned_stays`) needs its specialist able to work at that site: the
    pairs of that specialist and the demands they could serve there are kept, even when the
    shortlist would pick others (without them the restricted model could not keep the pin and
    would call the week infeasible)."""
    data = generate(60, 10, 1, 2)
    inst = instance_from_data(data, "generated")
    fitting = fitting_specialists(inst, travel_matrix(inst))
    home = {s["id"]: s["home"] for s in data["specialists"]}
    before = select_pairs(inst, fitting, 1, 1)
    demand_id, spec, site = next(
        (dem, spec, site)
        for (dem, _), ranked in fitting.items()
        for _, spec, site in ranked
        if (spec, dem) not in before and site != home[spec]
    )
    for s in data["sites"]:
        if s["id"] == site:
            s["overnight"] = True
    data["pinned_stays"] = [{"specialist": spec, "night": data["horizon"]["start"], "site": site}]
    pinned = instance_from_data(data, "generated")
    assert (spec, demand_id) in select_pairs(pinned, fitting_specialists(pinned, travel_matrix(pinned)), 1, 1)


def test_a_site_reached_only_by_a_detour_stays_on_the_shortlist() -> None:
    """Travel times need not obey the triangle inequality: here home -> far is 90 minutes but
    home -> near -> far 50. A's daily limit (100) rules out a day home -> far -> home (180), yet
    a day near (am), far (pm), near (evening) drives 20 + 30 + 30 + 20 = 100: a feasible roster
    serves far, so the shortlist must keep (a, far), judged by shortest routes."""
    data = base(
        travel=[["home", "near", 20], ["home", "far", 90], ["near", "far", 30]],
        specialists=[specialist("a", max_travel_minutes_per_day=100)],
        demands=[
            demand("near-am", site="near", periods=["am"]),
            demand("far-pm", site="far", periods=["pm"]),
            demand("near-eve", site="near", periods=["eve"]),
        ],
        weights={"uncovered_session": 1000, "travel_minute": 0},
    )
    inst = instance_from_data(data, "detour")
    result, report = solve_checked(inst)
    assert result.objective == 0 and report is not None  # all three covered, checked
    travel = travel_matrix(inst)
    a = inst.specialists[0]
    assert travel[("home", "far")] + travel[("far", "home")] > 100  # the direct round trip is over
    assert round_trip(shortest_routes(travel, [s.id for s in inst.sites]), a, "far") == 100
    fitting = fitting_specialists(inst, travel)
    assert [spec for _, spec, _ in fitting[("far-pm", None)]] == ["a"]


@pytest.mark.parametrize(("specialists", "sites", "seed"), [(60, 10, 1), (60, 10, 2), (120, 20, 1)])
def test_every_sharer_gets_a_plain_away_option(specialists: int, sites: int, seed: int) -> None:
    """Each outreach sharer with a plain away candidate in the whole instance (a weekday, not
    an evening, away from home: one burden point) keeps one on the shortlist, whatever its
    shape. Picks by load and distance alone left 16 of 60 (1 x 1) up to 37 of 120 (2 x 1)
    with weekend clinics, evening sessions or nothing: two points or none, which for a
    half-time sharer (burden factor 200) is 400 or 0 against a mean near 200."""
    inst = _generated(specialists, sites, seed)
    fitting = fitting_specialists(inst, travel_matrix(inst))
    whole = prepare(inst)
    home = {s.id: s.home for s in inst.specialists}
    sharers = set(inst.outreach_sharers())

    def plain(prep: Any) -> set[str]:
        return {
            c.specialist
            for c in prep.candidates
            if prep.weekday[c.day] < 5 and not prep.evening[c.period] and c.site != home[c.specialist]
        }

    could = plain(whole) & sharers
    assert len(could) == len(sharers)
    for shape in [(1, 1), (2, 1), (4, 3)]:
        assert could <= plain(restricted(whole, select_pairs(inst, fitting, *shape))), shape


@pytest.mark.parametrize(("specialists", "sites", "seed"), [(60, 10, 1), (60, 10, 2), (120, 20, 1)])
def test_every_one_session_sharer_gets_a_two_point_option(specialists: int, sites: int, seed: int) -> None:
    """Each outreach sharer allowed one outreach session a week, with a candidate away on a
    weekend-only or evening-only demand in the whole instance (two burden points: the one
    session can bring them to the mean), keeps one on the shortlist, whatever its shape. The
    rounds and the plain options alone left such sharers only one-point sessions (at 300 x 40
    seed 2, spec-109 ended at 100 against a mean near 185)."""
    inst = _generated(specialists, sites, seed)
    fitting = fitting_specialists(inst, travel_matrix(inst))
    whole = prepare(inst)
    once = {s.id for s in inst.specialists if s.max_outreach_sessions_per_week == 1} & set(inst.outreach_sharers())
    home = {s.id: s.home for s in inst.specialists}
    demands = {d.id: d for d in inst.demands}
    evening = {p.id for p in inst.periods if p.is_evening}

    def two_points(prep: Any) -> set[str]:
        out = set()
        for c in prep.candidates:
            dem = demands[c.demand]
            weekend = min(dem.weekdays()) >= 5
            late = dem.periods is not None and all(p in evening for p in dem.periods)
            if c.specialist in once and c.site != home[c.specialist] and (weekend or late):
                out.add(c.specialist)
        return out

    could = two_points(whole)
    assert could  # the generated instances have such sharers
    for shape in [(1, 1), (2, 1), (4, 3)]:
        assert could <= two_points(restricted(whole, select_pairs(inst, fitting, *shape))), shape


@pytest.mark.parametrize(("specialists", "sites", "seed"), [(60, 10, 2), (80, 15, 3), (120, 20, 2)])
def test_a_narrow_sharer_keeps_every_demand_it_fits(specialists: int, sites: int, seed: int) -> None:
    """Each outreach sharer fitting at most `NARROW` demands (the echo-only residents) keeps
    all of them, whatever the shape: which of them holds a scarce session decides most of
    `fairness_deviation` (a half-timer's session counts twice a full-timer's), and the rounds
    alone leave each one or two. Sharers fitting more keep only their picks. (At 60 x 10 seed 1
    the plain options alone happen to cover every narrow pair, so that size is not used.)"""
    inst = _generated(specialists, sites, seed)
    fitting = fitting_specialists(inst, travel_matrix(inst))
    sharers = set(inst.outreach_sharers())
    fits: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    for (demand_id, _role), ranked in fitting.items():
        for _, spec, _ in ranked:
            if spec in sharers:
                fits[spec].add((spec, demand_id))
    narrow = set().union(*(p for p in fits.values() if len(p) <= shortlist_module.NARROW))
    wide = set().union(*(p for p in fits.values() if len(p) > shortlist_module.NARROW))
    assert narrow and wide
    for shape in [(1, 1), (2, 1), (4, 3)]:
        pairs = select_pairs(inst, fitting, *shape)
        assert narrow <= pairs, shape
        assert not wide <= pairs, shape
        assert not narrow <= select_pairs(inst, fitting, *shape, plain_options=False), shape
