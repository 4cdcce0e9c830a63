"""The relaxation's away days (solve/relaxation_days.py): a day away pays its whole drive
however few sessions it holds, and the bound stays below every optimum.

The first hand-worked cases have one specialist at `home` and the optimum is the drive
alone; the sessions' shares (a round trip over the three sessions a day could hold) saw a
third of it, and without the away days each of them fails. The cases with two or three
sharers and fairness test the first day away (`add_first_day`), one per kind of row: the
first step's row, the `j + 1` days per `m` points, the steps in order; each fails with its
kind of row removed (checked on mutant copies, see each docstring). One more guards the home
sessions in the row (`H_s`). The drawn outings hold the bound below the proven optimum."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import base, commit_dict, demand, drawn_demands, instance, optimum, specialist
from test_properties import PROPERTY_SETTINGS

from outreach_opt.solve import relaxation_bound
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import lower_bound
from outreach_opt.solve.relaxation_days import DayType, day_types
from outreach_opt.solve.solve import solve


def _bound(data: dict[str, Any], integral: bool = False) -> int | None:
    return lower_bound(relaxation(instance(data), grouped=False), time.perf_counter() + 20, integral=integral)


def test_a_single_evening_session_pays_the_round_trip() -> None:
    """One evening list at far (40 min away): the day drives 80 whatever else it holds; the
    shares said 80 / 3."""
    data = base(demands=[demand("d", site="far", periods=["eve"])])
    assert optimum(data) == 80
    assert _bound(data) == 80


def test_a_clinic_day_holds_two_sessions_at_most() -> None:
    """Two clinic sessions (am, pm) at far on a Monday: one day, one round trip of 80; the
    shares said 2 x 80 / 3."""
    data = base(demands=[demand("d", site="far", periods=["am", "pm"], sessions={"min": 2, "max": 2})])
    assert optimum(data) == 80
    assert _bound(data) == 80


@pytest.mark.parametrize("grouped", [False, True])
def test_one_session_away_a_week_pays_the_round_trip(grouped: bool) -> None:
    """One clinic session asked at far, morning or afternoon: a day could hold two, so the
    drive's share and the day types took half of the 80-minute round trip (40). A specialist
    allowed one session away a week holds one away a day (`away_per_day`): the whole 80, the
    optimum; without the limit the bound stays at 40."""
    limited = base(
        specialists=[specialist("a", max_outreach_sessions_per_week=1)],
        demands=[demand("d", site="far", periods=["am", "pm"], sessions={"min": 1, "max": 2})],
    )
    assert optimum(limited) == 80
    assert lower_bound(relaxation(instance(limited), grouped=grouped), time.perf_counter() + 20) == 80
    free = base(demands=[demand("d", site="far", periods=["am", "pm"], sessions={"min": 1, "max": 2})])
    assert optimum(free) == 80
    assert _bound(free) == 40


@pytest.mark.parametrize("limit", [1, 2])
def test_a_day_away_holds_no_more_sessions_away_than_the_week_allows(limit: int) -> None:
    """Clinics at near and far, morning, afternoon or evening: a day could hold three away,
    but one whose week allows `limit` sessions away holds at most `limit` of them, and so
    does every type of their days away."""
    data = base(
        specialists=[specialist("a", max_outreach_sessions_per_week=limit)],
        demands=[demand("n", site="near", sessions={"min": 1, "max": 2}), demand("f", site="far")],
    )
    kinds = relaxation(instance(data), grouped=False).days["a"]
    assert max(kind.most[("", 0)] for kind in kinds) == limit


def test_two_sites_in_one_day_pay_the_tour() -> None:
    """A morning at near and an afternoon at far on the one day of the horizon: home, near,
    far, home is 20 + 30 + 40 = 90 (the day cannot be two days); the shares said (40 + 80) / 3."""
    data = base(
        demands=[
            demand("n", site="near", periods=["am"]),
            demand("f", site="far", periods=["pm"]),
        ]
    )
    assert optimum(data) == 90
    assert _bound(data) == 90
    assert _bound(data, integral=True) == 90  # no fairness term: the LP's value is final, no MIP runs


def test_two_days_apart_cost_two_round_trips() -> None:
    """Over two days with two specialists' worth of work for one: each evening list at far
    needs its own day (one evening a day), 2 x 80."""
    data = base(
        horizon={"start": "2025-10-20", "days": 2},
        demands=[demand("d", site="far", periods=["eve"], sessions={"min": 2, "max": 2})],
    )
    assert optimum(data) == 160
    assert _bound(data) == 160


def _far_then_near(limit: int | None, masks: dict[str, set[int]]) -> list[DayType] | None:
    """`day_types` of a day with far in am and pm and near in the evening, from home, within
    a daily travel `limit` (minutes; None: none), asking for the periods in `masks`."""
    return day_types(
        [{"far"}, {"far"}, {"near"}],
        [480, 810, 1140],
        [720, 1020, 1350],
        {("home", "far"): 40, ("far", "home"): 40, ("home", "near"): 20, ("near", "home"): 20, ("far", "near"): 30},
        ["home"],
        limit,
        3,
        masks,
    )


def test_day_types_hold_what_a_day_can() -> None:
    """am and pm at far, eve at near: 08:00-12:00 far, 13:30-17:00 far, 19:00 near (30 min
    from far) is one day; its tour 40 + 30 + 20 = 90, and far holds two of its sessions."""
    kinds = _far_then_near(None, {"far": {0b011, 0b111}, "near": {0b111}})
    assert kinds is not None
    by_sites = {k.sites: k for k in kinds}
    both = by_sites[frozenset({"far", "near"})]
    assert both.drive == 90
    assert both.most[("far", 0b011)] == 2 and both.most[("near", 0b111)] == 1
    assert by_sites[frozenset({"far"})].drive == 80
    limited = _far_then_near(85, {"far": {0b111}})
    assert limited is not None and {k.sites for k in limited} == {frozenset({"far"}), frozenset({"near"})}


def test_a_sharer_with_points_pays_a_whole_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sharers, one evening list at far worth two points (outreach, evening): the LP gave
    each half of it, one point each (no deviation), on half a day away each (40 + 40). With
    the first day away (`add_first_day`) a point above none needs a whole day: 80 each, 160;
    the roster (one of them, 80 driven, deviations 200 + 200) costs 480. Without the rows the
    bound is 80."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d", site="far", periods=["eve"])],
        fairness={"burden": {"outreach_session": 1, "evening_session": 1}},
        weights={"uncovered_session": 1000, "travel_minute": 1, "fairness_deviation": 1},
    )
    assert optimum(data) == 480
    assert _bound(data) == 160
    assert _bound(data, integral=True) == 480
    monkeypatch.setattr(relaxation_bound, "add_first_day", lambda *args: None)
    assert _bound(data) == 80


def test_a_point_earned_at_home_needs_no_day_away() -> None:
    """An evening list at home (one evening point) and an optional morning at far: the
    optimum gives the list to one sharer, who drives nothing, and the morning to the other
    (80 driven, no deviation). The first day away counts the home session in place of a day:
    the bound is the optimum, 80; requiring a day away for every point would claim 160.
    A guard against dropping the home sessions (`H_s`) from the row (a mutant without them
    fails it), not a test of the rows' strength: it passes without `add_first_day` too."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[
            demand("h", site="home", periods=["eve"]),
            demand("f", site="far", periods=["am"], sessions={"min": 0, "max": 1}),
        ],
        fairness={"burden": {"outreach_session": 1, "evening_session": 1}},
        weights={"uncovered_session": 1000, "travel_minute": 1, "fairness_deviation": 1},
    )
    assert optimum(data) == 80
    assert _bound(data) == 80
    assert _bound(data, integral=True) == 80


def test_more_points_than_a_day_earns_need_more_days() -> None:
    """Two sharers, three days, one evening list at far each day (two points each:
    outreach, evening; a day away there holds one list, so `m` = 2 points a day). The LP
    splits the lists, 3 points and 1.5 lists each (no deviation) on 1.5 days each (a list
    needs its evening): 240. With `j + 1` days per `m` points a sharer with 3 points above
    none needs `δ_1 + δ_3` = 2 days: 4 x 80 = 320. The roster (4 and 2 points: deviations
    200 + 200, three days driven, 240) costs 640. With only the first step's row (a mutant
    with `taken = [levels[0]]`) the bound is 240 and this fails (checked)."""
    data = base(
        horizon={"start": "2025-10-20", "days": 3},
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d", site="far", periods=["eve"], sessions={"min": 3, "max": 3})],
        fairness={"burden": {"outreach_session": 1, "evening_session": 1}},
        weights={"uncovered_session": 1000, "travel_minute": 1, "fairness_deviation": 1},
    )
    assert optimum(data) == 640
    assert _bound(data) == 320
    assert _bound(data, integral=True) == 640


def test_the_steps_are_taken_in_order() -> None:
    """Three sharers on one Monday; a has an evening commitment at near (3 points: outreach
    1, evening 2; 40 driven), b or c gives the one evening list at far (3 points). Near the
    roster's total (T = 600) a is over the mean and b, c under it while each has at most 2
    points: each point they take lowers their deviation by the same 300, so without the
    order the LP may take b's second step whole and the first in part, and the first day
    away reads only the part (b with 1.5 points: half a day, what the list's own row asks).
    With `δ_1 >= δ_2` the first step is at least half the points: 0.75 of a day each. By
    hand at T = 600: deviations 300 + 150 + 150 and 120 driven, 720 (the relaxation leaves
    out a's drive to the commitment); 600 + 80 = 680 without the ordering rows (a mutant
    without them fails this: checked), as without any first-day row; the bound, the least
    over T, is these. The roster (b gives the list: deviations 300 + 300 + 600, 80 + 40
    driven) costs 1320."""
    data = base(
        specialists=[specialist("a"), specialist("b"), specialist("c")],
        commitments=[commit_dict("mon", "eve", site="near", who="a")],
        demands=[demand("d", site="far", periods=["eve"])],
        fairness={"burden": {"outreach_session": 1, "evening_session": 2}},
        weights={"uncovered_session": 1000, "travel_minute": 1, "fairness_deviation": 1},
    )
    assert optimum(data) == 1320
    assert _bound(data) == 720
    whole = _bound(data, integral=True)
    assert whole is not None and 720 <= whole <= 1320


@st.composite
def _outings(draw: st.DrawFn) -> dict[str, Any]:
    """One to three specialists at home, one to four days, one to four demands at near, far
    or home in drawn periods, daily travel limits and session limits now and then, driving
    weighed, fairness now and then: small enough to prove, with days away to count. Now and
    then a day or some periods unavailable, a home commitment (a day's stop at home), and far
    allowing stays with a price per night (a day may start or end there): the cases the away
    days' free-day rows and tour ends must hold for (review of mbound, finding 3). The
    commitment is now and then at far (an outreach point already had) or on a Saturday (a
    weekend day already had), and now and then an evening teleconsultation for far is given
    from home (a point earned at home, no drive): the cases the first day away's proof reads
    (`lo`, `H_s`; review of mgap2, finding 2)."""
    periods = ["am", "pm", "eve"]
    days = draw(st.integers(1, 4))
    first, weekday = draw(st.sampled_from([(20, "mon"), (24, "fri")]))  # from a Monday or a Friday (weekend days)
    dates = [f"2025-10-{first + d}" for d in range(days)]
    specialists = [
        specialist(
            name,
            max_travel_minutes_per_day=draw(st.sampled_from([None, 60, 90, 130])),
            max_sessions_per_day=draw(st.sampled_from([None, 1, 2])),
            unavailable=draw(
                st.lists(
                    st.builds(
                        lambda day, some: {"date": day, **({"periods": some} if some else {})},
                        st.sampled_from(dates),
                        st.lists(st.sampled_from(periods), max_size=2, unique=True),
                    ),
                    max_size=1,
                )
            ),
        )
        for name in "abc"[: draw(st.integers(1, 3))]
    ]
    commitments = [
        commit_dict(
            draw(st.sampled_from([weekday, "sat"] if weekday == "fri" else [weekday])),  # a weekend commitment
            draw(st.sampled_from(periods)),
            site=draw(st.sampled_from(["home", "far"])),  # away: an outreach point already had
            who=specialists[0]["id"],
        )
    ] * draw(st.integers(0, 1))
    demands = drawn_demands(
        draw,
        st.integers(1, 4),
        st.integers(0, 2),
        True,
        site=st.sampled_from(["near", "far", "home"]),
        periods=st.lists(st.sampled_from(periods), min_size=1, max_size=3, unique=True),
    )
    if draw(st.integers(0, 3)) == 0:  # a teleconsultation: a point-earning session at home, no drive
        demands.append(demand("tele", site="far", periods=["eve"], resource="clinic_room", remote=True))
    data = base(
        horizon={"start": dates[0], "days": days},
        specialists=[{k: v for k, v in spec.items() if v is not None} for spec in specialists],
        commitments=commitments,
        demands=demands,
        weights={"uncovered_session": 1000, "travel_minute": draw(st.integers(1, 3))},
    )
    if draw(st.booleans()):
        next(site for site in data["sites"] if site["id"] == "far")["overnight"] = True
        data["weights"]["overnight_stay"] = draw(st.sampled_from([0, 30]))
    if draw(st.booleans()):
        data["fairness"] = {
            "burden": {
                "outreach_session": 1,
                "evening_session": draw(st.integers(0, 1)),
                "weekend_day": draw(st.integers(0, 1)),
            }
        }
        data["weights"]["fairness_deviation"] = 1
    return data


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(_outings())
def test_away_days_bound_below_the_proven_optimum_on_outings(data: dict[str, Any]) -> None:
    """Drawn days away (near, far, evenings, limits): the bound with away days, as LPs and
    with integer counts, is at most the optimum the whole model proves."""
    inst = instance(data)
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    assert result.status is Status.OPTIMAL and result.objective is not None
    relax = relaxation(inst, grouped=False)
    event("away days" if relax.days else "no away days")
    event("with unavailability" if any(spec.unavailable for spec in inst.specialists) else "all available")
    event("stays allowed" if any(site.overnight for site in inst.sites) else "no stays")
    event("fairness" if inst.weights.fairness_deviation else "no fairness")
    event("weekend days" if inst.horizon.start.weekday() == 4 and inst.horizon.days > 1 else "weekdays only")
    event("away commitment" if any(com.site != "home" for com in inst.commitments) else "no away commitment")
    event("Saturday commitment" if any(5 in com.weekdays() for com in inst.commitments) else "no Saturday commitment")
    event("teleconsultation" if any(dem.remote for dem in inst.demands) else "no teleconsultation")
    found = lower_bound(relax, time.perf_counter() + 20)
    assert found is not None and found <= result.objective
    whole = lower_bound(relax, time.perf_counter() + 20, integral=True)
    assert whole is not None and found <= whole <= result.objective
    event("bound is the optimum" if whole == result.objective else "bound below the optimum")
