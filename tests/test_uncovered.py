"""Why a session is uncovered: the reasons are the checker's rule ids, per specialist and
slot, and covering one more session is priced by a second solve.

The world of tests/support.py: home, near (20 min), far (40 min; near-far 30); am 08:00-12:00,
pm 13:30-17:00, eve 19:00-22:30; one day, Monday 2025-10-20.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from support import INSTANCES, MON, SHARED, base, demand, instance, solve_checked, specialist
from support import commit_dict as commit

from outreach_opt.check.checker import RULES, check_roster
from outreach_opt.cli.main import main
from outreach_opt.cli.uncovered import (
    SUMMARY_WORK,
    SUMMARY_WORK_WHOLE,
    _cover_text,
    print_uncovered,
    summary_is_quick,
    uncovered_lines,
)
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.curtois_qu import load_curtois_qu
from outreach_opt.io.load import load_instance
from outreach_opt.report.trials import Trials
from outreach_opt.report.uncovered import why_uncovered
from outreach_opt.solve.cover import CoverCost, OneMore
from outreach_opt.solve.outcome import Status


def _solved(data: dict[str, object]):  # type: ignore[no-untyped-def]
    inst = instance(data)
    result, report = solve_checked(inst)
    assert result.roster is not None and report is not None
    return inst, result.roster, report


def test_each_specialist_gets_the_rule_that_stops_them() -> None:
    """Far wants a clinic in the morning. a is at a home clinic then (commitments); b is on
    leave (unavailability); c may drive 60 minutes a day, and far is 40 each way
    (daily_travel); d lacks the skill (demand_fit). No roster covers it."""
    data = base(
        specialists=[
            specialist("a"),
            specialist("b", unavailable=[{"date": "2025-10-20"}]),
            specialist("c", max_travel_minutes_per_day=60),
            specialist("d", skills=["pci"]),
        ],
        commitments=[commit("mon", "am", who="a")],
        demands=[demand("d1", "far", periods=["am"])],
    )
    inst, roster, _ = _solved(data)
    (answer,) = why_uncovered(inst, roster, cost_to_cover=True)
    assert (answer.demand, answer.week, answer.short, answer.slots) == ("d1", 0, 1, [(MON, "am")])
    blocked = {c.specialist: c.blocked for c in answer.candidates}
    assert blocked == {
        "a": {"commitments": [(MON, "am")]},
        "b": {"unavailability": [(MON, "am")]},
        "c": {"daily_travel": [(MON, "am")]},
    }
    assert answer.unskilled == ["d"]
    assert all(rule in RULES for c in answer.candidates for rule in c.blocked)
    assert "Doctor C" in answer.candidates[2].example["daily_travel"]
    assert answer.cover is not None and answer.cover.status is Status.INFEASIBLE


def test_not_worth_it_under_the_weights_with_the_numbers() -> None:
    """An uncovered session costs 50 here, and serving far costs 2 x 40 = 80 of driving: the
    optimum leaves it uncovered (50). The free slots say +30 each (travel +80, uncovered
    -50), and the best roster covering it costs 80, 30 more than this one."""
    data = base(demands=[demand("d1", "far", periods=["am", "pm"])], weights={"uncovered_session": 50})
    inst, roster, report = _solved(data)
    assert report.objective == 50
    (answer,) = why_uncovered(inst, roster, cost_to_cover=True)
    (a,) = answer.candidates
    assert a.blocked == {}
    assert [(f.period, f.delta, f.terms) for f in a.free] == [
        ("am", 30, {"uncovered": -50, "travel": 80}),
        ("pm", 30, {"uncovered": -50, "travel": 80}),
    ]
    assert answer.cover is not None and answer.cover.status is Status.OPTIMAL
    assert answer.cover.objective == 80


def _three_short(monkeypatch: pytest.MonkeyPatch, time_limit: float) -> tuple[list[object], list[tuple[str, float]]]:
    """Three far clinics the optimum leaves uncovered (50 each against 80 of driving), explained
    with their cover solves under one `time_limit`; returns the answers' covers and each solve
    asked (demand, its limit)."""
    data = base(
        demands=[demand(d, "far", periods=["am"]) for d in ("d1", "d2", "d3")], weights={"uncovered_session": 50}
    )
    inst, roster, report = _solved(data)
    assert report.objective == 150
    asked: list[tuple[str, float]] = []
    real = OneMore.cost

    def recording(self: OneMore, demand_id: str, week: int, time_limit: float, workers: int = 1):  # type: ignore[no-untyped-def]
        asked.append((demand_id, time_limit))
        return real(self, demand_id, week, time_limit, workers)

    monkeypatch.setattr(OneMore, "cost", recording)
    answers = why_uncovered(inst, roster, cost_to_cover=True, time_limit=time_limit)
    return [a.cover for a in answers], asked


def test_the_cover_solves_share_one_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """`explain --roster --time-limit 30` with three short demand-weeks: the first solve may
    take a third, and each ends at once here, so the next has the time left over the ones
    left: about 15, then about 30. Each solve had the whole limit before (23 demand-weeks of
    Curtois & Qu Instance12 took 129 s of solves at `--time-limit 5`)."""
    covers, asked = _three_short(monkeypatch, 30.0)
    assert [d for d, _ in asked] == ["d1", "d2", "d3"]
    first, second, third = (limit for _, limit in asked)
    assert 9.5 < first < 10.0  # the reasons and the model's build count in the limit
    assert 14.0 < second < 15.0 and 28.0 < third < 30.0
    assert all(c is not None and c.status is Status.OPTIMAL and c.objective == 180 for c in covers)


def test_a_share_below_the_least_is_not_asked_and_its_time_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """0.25 s for three: a third is below CP-SAT's least limit (0.1 s), so the first is not
    asked, and the second has half of all of it. The first's answer is then its free slot's
    roster: a, Monday morning at far, 150 + 30, not proven."""
    covers, asked = _three_short(monkeypatch, 0.25)
    first = covers[0]
    assert isinstance(first, CoverCost) and first.status is Status.FEASIBLE and first.objective == 180
    assert first.added == ("a", MON, "am", "far")
    assert (first.breakdown["uncovered"], first.breakdown["travel"]) == (100, 80)
    assert [d for d, _ in asked] == ["d2", "d3"]
    assert 0.1 <= asked[0][1] < 0.125


def _unsolved(monkeypatch: pytest.MonkeyPatch, found: CoverCost) -> tuple[Instance, Roster, Any]:
    """The not-worth-it case (far at 80 of driving against 50 uncovered) with every cover
    solve answering `found`; its answer."""
    data = base(demands=[demand("d1", "far", periods=["am", "pm"])], weights={"uncovered_session": 50})
    inst, roster, _ = _solved(data)
    monkeypatch.setattr(OneMore, "cost", lambda *_args, **_kwargs: found)
    (answer,) = why_uncovered(inst, roster, cost_to_cover=True)
    return inst, roster, answer


@pytest.mark.parametrize(
    "found",
    [CoverCost(Status.UNKNOWN), CoverCost(Status.FEASIBLE, 95, {"uncovered": 0, "travel": 95})],
    ids=["no roster found", "a dearer one found"],
)
def test_a_free_slot_answers_when_the_solves_found_nothing_cheaper(
    monkeypatch: pytest.MonkeyPatch, found: CoverCost
) -> None:
    """The solves found no roster (or one of 95): the cover is the roster with the cheapest
    free slot added, a on Monday morning at far (80, +30), not proven; the checker, given
    that roster, finds it breaks nothing and costs what the answer says."""
    inst, roster, answer = _unsolved(monkeypatch, found)
    cover = answer.cover
    assert cover is not None and cover.status is Status.FEASIBLE and cover.added == ("a", MON, "am", "far")
    assert cover.objective == 80
    session = Assignment(specialist="a", date=MON, period="am", site="far", activity="clinic", demand="d1")
    report = check_roster(inst, roster.model_copy(update={"assignments": [*roster.assignments, session]}))
    assert report.ok and report.objective == cover.objective and report.breakdown == cover.breakdown
    text = _cover_text(answer, 50, check_roster(inst, roster).breakdown, {"a": "Doctor A"})
    assert "with Doctor A added Mon am" in text and "+30" in text and "costs at most +30" in text


def test_a_solves_roster_at_most_the_free_slots_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    """A roster found by the solves at 80 or less is kept as the answer, not the free slot."""
    found = CoverCost(Status.FEASIBLE, 80, {"uncovered": 0, "travel": 80})
    _inst, _roster, answer = _unsolved(monkeypatch, found)
    assert answer.cover == found


def test_the_reasons_count_in_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """`explain --roster --time-limit 30` ran 60-90 s at 80 x 15: the reasons (thousands of
    checks) and the cover model's build came on top of the solves' 30 s. Now all of it counts:
    with no time at all, no reason is tried, the cover model is not even built and each cover
    is 'not decided'."""
    built: list[object] = []
    monkeypatch.setattr("outreach_opt.report.uncovered.OneMore", lambda *args, **kwargs: built.append(args))
    covers, asked = _three_short(monkeypatch, 0.0)
    assert built == [] and asked == []
    assert all(c is not None and c.status is Status.UNKNOWN for c in covers)


def _slow_trials(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Each specialist's trials for a demand-week take `seconds` longer: a clock to cut."""
    real = Trials.of

    def slow(self: Trials, *args: Any) -> Any:
        time.sleep(seconds)
        return real(self, *args)

    monkeypatch.setattr(Trials, "of", slow)


def test_reasons_past_their_share_of_the_limit_are_left_untried(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 300 x 40 (27 short demand-weeks) the reasons took 3 min 30 s of a 30 s explanation.
    Now they stop at `REASONS_SHARE` (half) of the limit, between demand-weeks: with 1.6 s
    and each demand-week's trials taking 0.5 s, the first two are tried (started at 0 and
    0.5 s, before 0.8 s) and the third is said to be untried, with no candidates (not a list
    that looks complete); its cover is still asked."""
    data = base(
        demands=[demand(d, "far", periods=["am"]) for d in ("d1", "d2", "d3")], weights={"uncovered_session": 50}
    )
    inst, roster, _ = _solved(data)
    _slow_trials(monkeypatch, 0.5)
    answers = why_uncovered(inst, roster, cost_to_cover=True, time_limit=1.6)
    assert [(a.demand, a.tried, len(a.candidates)) for a in answers] == [
        ("d1", True, 1),
        ("d2", True, 1),
        ("d3", False, 0),
    ]
    assert all(a.cover is not None for a in answers)
    console = Console(record=True, width=300)
    print_uncovered(console, inst, answers, 150, check_roster(inst, roster).breakdown)
    text = console.export_text()
    assert text.count("reasons: not tried within the time limit (they may take 50% of --time-limit") == 1


def test_a_demand_week_the_limit_cuts_short_is_untried_not_half_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 1000 x 60 one demand-week's trials took minutes, so the clock is read between
    specialists: with 1 s (the reasons' half: 0.5 s) and each specialist's trials taking
    0.6 s, the first demand-week stops after a, and is said untried rather than listing a
    alone as if b could not be asked."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d1", "far", periods=["am"])],
        weights={"uncovered_session": 50},
    )
    inst, roster, _ = _solved(data)
    assert [a for a in roster.assignments if a.demand] == []
    _slow_trials(monkeypatch, 0.6)
    (answer,) = why_uncovered(inst, roster, cost_to_cover=True, time_limit=1.0)
    assert (answer.tried, answer.candidates, answer.unskilled) == (False, [], [])


def test_the_dearest_are_tried_first_and_printed_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """With time for two demand-weeks' reasons of three (0.5 s each, 0.8 s for reasons), the
    two that cost most short (d2 at priority 5, d3 at 3; none worth the 80 minutes' drive) are
    the ones tried, and the answers still come in demand order."""
    data = base(
        demands=[demand(d, "far", periods=["am"], priority=p) for d, p in (("d1", 1), ("d2", 5), ("d3", 3))],
        weights={"uncovered_session": 10},
    )
    inst, roster, _ = _solved(data)
    assert sorted(check_roster(inst, roster).uncovered) == [("d1", 0), ("d2", 0), ("d3", 0)]
    _slow_trials(monkeypatch, 0.5)
    answers = why_uncovered(inst, roster, cost_to_cover=True, time_limit=1.6)
    assert [(a.demand, a.tried) for a in answers] == [("d1", False), ("d2", True), ("d3", True)]


def test_cli_explains_only_the_demands_asked(tmp_path: Path) -> None:
    """`explain --roster --demand d2` explains d2's short week alone; a demand id the instance
    does not have is refused with exit status 2 and the closest id, before any work."""
    data = base(
        demands=[demand(d, "far", periods=["am"]) for d in ("d1", "d2", "d3")], weights={"uncovered_session": 50}
    )
    path, out = tmp_path / "inst.json", tmp_path / "roster.json"
    path.write_text(json.dumps(data))
    solved = CliRunner().invoke(main, ["solve", str(path), "--workers", "1", "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    args = ["explain", str(path), "--roster", str(out), "--time-limit", "5"]
    shown = CliRunner().invoke(main, [*args, "--demand", "d2"])
    assert shown.exit_code == 0, shown.output
    assert "d2 (" in shown.stdout and "d1 (" not in shown.stdout and "d3 (" not in shown.stdout
    wrong = CliRunner().invoke(main, [*args, "--demand", "d22"])
    assert wrong.exit_code == 2
    assert "'d22' is not a demand of" in wrong.output and "did you mean 'd2'?" in wrong.output
    assert "Traceback" not in wrong.output


def test_the_callers_check_is_not_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """`explain --roster`, and the summary after `solve` and `repair`, have the checker's
    verdict on the roster already; given it, `why_uncovered` does not check the whole roster
    again (1.1-1.3 s at 1000 x 60 x 4 weeks), and answers as it does without it."""
    data = base(demands=[demand("d1", "far", periods=["am"])], weights={"uncovered_session": 50})
    inst, roster, report = _solved(data)
    alone = why_uncovered(inst, roster)
    checked: list[object] = []
    real = check_roster

    def counting(*args: Any) -> Any:
        checked.append(args)
        return real(*args)

    monkeypatch.setattr("outreach_opt.report.uncovered.check_roster", counting)
    assert why_uncovered(inst, roster, report=report) == alone
    assert checked == []


def test_busy_elsewhere_and_weekly_limit() -> None:
    """a serves near in the morning and may do one session a week: the far clinic (am only)
    meets one_place in the morning, and weekly_sessions too."""
    data = base(
        specialists=[specialist("a", max_sessions_per_week=1)],
        demands=[demand("d1", "near", periods=["am"], priority=5), demand("d2", "far", periods=["am"])],
    )
    inst, roster, _ = _solved(data)
    (answer,) = why_uncovered(inst, roster)
    assert answer.demand == "d2"
    assert set(answer.candidates[0].blocked) == {"one_place", "weekly_sessions"}
    assert answer.cover is None


def test_cli_explain_roster_and_solve_summary(tmp_path: Path) -> None:
    """`explain INSTANCE --roster ROSTER` prints the reasons with the rule ids and the cost of
    covering; `solve` prints the one-line summary under the roster."""
    data = base(
        specialists=[specialist("a", unavailable=[{"date": "2025-10-20", "periods": ["am"]}])],
        demands=[demand("d1", "far", periods=["am"])],
    )
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "roster.json"
    solved = CliRunner().invoke(main, ["solve", str(path), "--workers", "1", "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    assert "d1, week 1, 1 short — Doctor A: unavailability" in solved.stdout

    # the hint is a command to copy: the roster just written, not a placeholder
    def squeezed(text: str) -> str:  # the console may wrap a long line anywhere
        return "".join(text.split())

    assert squeezed(f"outreach-opt explain {path} --roster {out}`") in squeezed(solved.stdout)
    unwritten = CliRunner().invoke(main, ["solve", str(path), "--workers", "1"])
    assert squeezed(f"outreach-opt explain {path} --roster ROSTER.json`") in squeezed(unwritten.stdout)
    shown = CliRunner().invoke(main, ["explain", str(path), "--roster", str(out), "--time-limit", "5"])
    assert shown.exit_code == 0, shown.output
    assert "Doctor A: unavailability: its only slot" in shown.stdout
    assert "covering one more session: no roster can" in shown.stdout


def test_a_slot_the_specialist_already_serves_is_said_so() -> None:
    """Near wants two morning clinics on the one Monday; Doctor A holds one. Trying A in that
    same slot again is no way to cover the second: it is listed as served by A, not blamed on
    one_place and capacity (which read "booked 2 times: clinic at near for d1; clinic at near
    for d1")."""
    data = base(demands=[demand("d1", "near", periods=["am"], sessions={"min": 2, "max": 2})])
    inst, roster, _ = _solved(data)
    ((answer,),) = [why_uncovered(inst, roster)]
    (candidate,) = answer.candidates
    assert candidate.serving == [(MON, "am")] and candidate.blocked == {} and candidate.free == []
    lines = uncovered_lines(inst, [answer])
    assert lines == ["d1, week 1, 1 short — Doctor A: already serves it Mon am"]


def test_a_demand_on_given_dates_is_tried_on_those_dates_only() -> None:
    """A clinic asked on Wednesday 22 October alone, in a week Doctor A is away that day: its
    slots are that Wednesday's, and the one reason is `unavailability`. Tried on every day of
    the week (as weekday demands are), six of the seven days were blamed on `demand_fit`."""
    wednesday = MON + dt.timedelta(days=2)
    data = base(
        horizon={"start": MON.isoformat(), "days": 7},
        specialists=[specialist("a", unavailable=[{"date": wednesday.isoformat()}])],
        demands=[demand("d1", "near", dates=[wednesday.isoformat()], periods=["am"])],
    )
    inst, roster, _ = _solved(data)
    (answer,) = why_uncovered(inst, roster)
    assert answer.slots == [(wednesday, "am")]
    (candidate,) = answer.candidates
    assert candidate.blocked == {"unavailability": [(wednesday, "am")]}


def test_remote_sessions_are_tried_where_they_are_served_from() -> None:
    """A remote surgery on far's robot (consoles at home and near) and a teleconsultation
    with far, both mornings; b, based at near, has a clinic there then. The one reason is
    commitments: the trial session is put where it is served from (a console; b's home), not
    at far, where console_site, capacity or teleconsultation would have been blamed too."""
    sites = [
        {"id": "home", "resources": {"clinic_room": 2, "console": 1, "terminal": 1}},
        {"id": "near", "resources": {"clinic_room": 1, "console": 1, "terminal": 1}},
        {"id": "far", "resources": {"clinic_room": 1, "robot": 1}},
    ]
    surgery = demand("op", activity="surgery", periods=["am"], remote=True, resource="console", remote_resource="robot")
    tele = demand("tele", periods=["am"], remote=True, resource="terminal")
    duties = [commit("mon", "am", site="near", who="b")]
    for wanted in (surgery, tele):
        data = base(sites=sites, demands=[wanted], specialists=[specialist("b", home="near")], commitments=duties)
        inst, roster, _ = _solved(data)
        ((answer,),) = [why_uncovered(inst, roster)]
        (candidate,) = answer.candidates
        assert set(candidate.blocked) == {"commitments"}, candidate.example


def test_a_remote_surgery_is_tried_only_from_consoles_linked_to_the_patient() -> None:
    """Consoles at home and near; `remote_links` links only near to far's robot. a (home) may
    drive 30 minutes a day, and near's console is 20 each way: daily_travel is why a cannot
    operate. Trying home's unlinked console as well used to win on the tie (one rule broken
    either way, no driving) and blamed remote_link instead. With no linked console at all,
    every console is tried and remote_link is the reason."""
    sites = [
        {"id": "home", "resources": {"clinic_room": 2, "console": 1}},
        {"id": "near", "resources": {"clinic_room": 1, "console": 1}},
        {"id": "far", "resources": {"clinic_room": 1, "robot": 1}},
    ]
    surgery = demand("op", activity="surgery", periods=["am"], remote=True, resource="console", remote_resource="robot")
    surgeon = [specialist("a", max_travel_minutes_per_day=30)]
    for links, reason in (([["near", "far"]], "daily_travel"), ([["near", "home"]], "remote_link")):
        inst, roster, _ = _solved(base(sites=sites, demands=[surgery], specialists=surgeon, remote_links=links))
        ((answer,),) = [why_uncovered(inst, roster)]
        (candidate,) = answer.candidates
        assert set(candidate.blocked) == {reason}, candidate.example


def test_a_trial_sees_the_robot_a_console_elsewhere_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Judged near the trial, only the slot's sessions at the sites the trial uses are read,
    and those serving a demand of those sites: far's robot is held by b's remote surgery of
    another demand from near's console (another kind, which the trial never uses). a, tried
    for the first demand from home's console, is stopped by capacity (the robot), as judged
    on the whole roster."""
    sites = [
        {"id": "home", "resources": {"clinic_room": 2, "console": 1}},
        {"id": "near", "resources": {"clinic_room": 1, "console_b": 1}},
        {"id": "far", "resources": {"clinic_room": 1, "robot": 1}},
    ]
    remote = {"activity": "surgery", "periods": ["am"], "remote": True, "remote_resource": "robot"}
    surgeries = [demand("op1", resource="console", **remote), demand("op2", resource="console_b", priority=5, **remote)]
    people = [specialist("a"), specialist("b", home="near")]
    inst, roster, _ = _solved(base(sites=sites, demands=surgeries, specialists=people))
    (held,) = [a for a in roster.assignments if a.demand]
    assert (held.demand, held.site) == ("op2", "near")
    (answer,) = why_uncovered(inst, roster)
    assert answer.demand == "op1"
    other = next(c for c in answer.candidates if c.specialist != held.specialist)
    assert other.blocked == {"capacity": [(MON, "am")]}, other.example
    monkeypatch.setattr("outreach_opt.report.uncovered.LOCAL_TRIALS", False)
    assert why_uncovered(inst, roster) == [answer]


def test_a_free_slot_is_priced_with_the_trainees_other_teaching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Priced on the part of the roster a trial can change, the teaching target must still
    see the trainee's other teaching: t1's target for the day (1) is met by b's afternoon list
    at far, so a's free morning clinic at far, which also teaches t1, changes no
    teaching_target term (the cut without b's list would have said -30). As priced on the
    whole roster, term by term."""
    data = base(
        specialists=[
            specialist("a", skills=["clinic"]),
            specialist("b", skills=["pci"], unavailable=[{"date": "2025-10-20", "periods": ["am"]}]),
        ],
        demands=[
            demand("d1", "far", periods=["am"], teaches=["t1"]),
            demand("e", "far", activity="surgery", skills=["pci"], periods=["pm"], teaches=["t1"], priority=5),
        ],
        trainees=[{"id": "t1", "site": "far", "sessions_per_month": 28}],
        weights={"uncovered_session": 50, "teaching_session": 30},
    )
    inst, roster, _ = _solved(data)
    assert {(a.specialist, a.demand) for a in roster.assignments if a.demand} == {("b", "e")}
    (answer,) = why_uncovered(inst, roster)
    (candidate,) = [c for c in answer.candidates if c.specialist == "a"]
    (free,) = candidate.free
    assert "teaching_target" not in free.terms and free.terms["uncovered"] == -50
    monkeypatch.setattr("outreach_opt.report.uncovered.LOCAL_TRIALS", False)
    assert why_uncovered(inst, roster) == [answer]


def test_the_summary_after_solve_weighs_the_roster_it_checks_each_time() -> None:
    """The same short demand-week is quick to explain beside a small roster and not beside a
    long one: each trial's time follows the roster's size (a 91-day roster once spent 15 s of
    a CLI solve), and more so with on-call entries, where each trial checks the whole roster."""
    data = base(
        specialists=[specialist("a", unavailable=[{"date": "2025-10-20", "periods": ["am"]}])],
        demands=[demand("d1", "far", periods=["am"])],
    )
    inst, roster, report = _solved(data)
    assert report.uncovered and summary_is_quick(inst, roster, report.uncovered)
    # Only how many assignments each trial would read counts here, not what they are.
    long = roster.model_copy(update={"assignments": [None] * SUMMARY_WORK})
    assert not summary_is_quick(inst, long, report.uncovered)
    # One slot (Monday am) is tried, not every period of every weekday: 1 x (SUMMARY_WORK / 4) fits.
    longer = roster.model_copy(update={"assignments": [None] * (SUMMARY_WORK // 4)})
    assert summary_is_quick(inst, longer, report.uncovered)
    on_call = inst.model_copy(update={"on_call": [None]})  # only whether it has any counts here
    assert not summary_is_quick(
        on_call, roster.model_copy(update={"assignments": [None] * SUMMARY_WORK_WHOLE}), report.uncovered
    )
    assert summary_is_quick(
        on_call, roster.model_copy(update={"assignments": [None] * (SUMMARY_WORK_WHOLE // 4)}), report.uncovered
    )


@pytest.mark.parametrize(
    "source",
    ["tiny.yaml", "anzhen-tongzhou-week.yaml", "ruijin-jiading-week.yaml", "anzhen-cardiology-4weeks.yaml", "cq1"],
)
def test_trials_judged_near_give_the_reasons_the_whole_roster_gives(
    monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """Each trial judged on the assignments it can change a verdict of (`LOCAL_TRIALS`) gives
    every specialist the same reasons, examples and free slots as judged on the whole roster.
    The samples (stays, teams, remote surgery, four weeks; their on-call entries dropped, with
    which the whole roster is judged anyway) and Curtois & Qu Instance1 (runs, weekends, minutes),
    each solved and then a fifth of its demand sessions taken out, so that many are short."""
    if source == "cq1":
        inst = load_curtois_qu(str(SHARED / "benchmarks" / "curtois-qu" / "Instance1.txt"))
    else:
        inst = load_instance(str(INSTANCES / source)).model_copy(update={"on_call": []})
    result, _ = solve_checked(inst, time_limit=5.0)
    assert result.roster is not None
    served = [a for a in result.roster.assignments if a.demand is not None]
    gone = set(served[::5])
    roster = result.roster.model_copy(update={"assignments": [a for a in result.roster.assignments if a not in gone]})
    near = why_uncovered(inst, roster)
    monkeypatch.setattr("outreach_opt.report.uncovered.LOCAL_TRIALS", False)
    whole = why_uncovered(inst, roster)
    assert near == whole
    assert sum(len(c.blocked) for answer in near for c in answer.candidates) > 0


def test_trials_judged_near_give_the_whole_rosters_reasons_with_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """With earlier weeks as history, the cut keeps the specialist's and the demand's past
    (rest into the first day, runs of days, distinct servers, burden so far): the Anzhen
    four-week sample solved, its last two weeks the horizon and the first two the past, a
    quarter of the sessions taken out. Reasons and prices as judged on the whole roster (they
    differ when the cut drops the past)."""
    inst = load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml")).model_copy(update={"on_call": []})
    result, _ = solve_checked(inst, time_limit=5.0)
    assert result.roster is not None
    start = inst.horizon.start + dt.timedelta(days=14)
    past = [a for a in result.roster.assignments if a.date < start]
    later = [a for a in result.roster.assignments if a.date >= start]
    gone = set([a for a in later if a.demand is not None][::4])
    roster = result.roster.model_copy(
        update={
            "assignments": [a for a in later if a not in gone],
            "stays": [stay for stay in result.roster.stays if stay.night >= start],
        }
    )
    weeks = inst.model_copy(update={"horizon": inst.horizon.model_copy(update={"start": start, "days": 14})})
    near = why_uncovered(weeks, roster, past)
    monkeypatch.setattr("outreach_opt.report.uncovered.LOCAL_TRIALS", False)
    assert near == why_uncovered(weeks, roster, past)
    assert past and sum(len(c.free) for answer in near for c in answer.candidates) > 0


def test_a_trial_sees_the_room_another_specialist_holds_and_the_demands_other_server() -> None:
    """Judged near the trial, the checker must still see (1) the room at far held by the
    other specialist's session of another demand in that slot (capacity) and (2) the other
    serving the same demand at another time when at most one specialist may
    (max_specialists; each may work one session)."""
    room = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[
            demand("d1", "far", periods=["am"], resource="clinic_room"),
            demand("d2", "far", periods=["am"], resource="clinic_room", priority=5),
        ],
    )
    inst, roster, _ = _solved(room)
    (answer,) = why_uncovered(inst, roster)
    assert answer.demand == "d1"
    server = next(a.specialist for a in roster.assignments if a.demand == "d2")
    other = next(c for c in answer.candidates if c.specialist != server)
    assert other.blocked == {"capacity": [(MON, "am")]}
    one = base(
        specialists=[specialist("a", max_sessions_per_week=1), specialist("b", max_sessions_per_week=1)],
        demands=[demand("d1", "near", periods=["am", "pm"], sessions={"min": 2, "max": 2}, max_specialists=1)],
    )
    inst, roster, _ = _solved(one)
    (answer,) = why_uncovered(inst, roster)
    assert answer.short == 1
    (server,) = {a.specialist for a in roster.assignments if a.demand == "d1"}
    other = next(c for c in answer.candidates if c.specialist != server)
    assert set(other.blocked) == {"max_specialists"}
