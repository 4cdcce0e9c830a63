"""Horizons past twelve weeks go by specialist in `solve` (solve/long_horizon.py), priced by
the model of the roster's own pairs: the independent checker accepts the roster and its
objective equals the solver's."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from outreach_opt.check.checker import check_roster
from outreach_opt.check.lone_line import line_holds
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.curtois_qu import START, load_curtois_qu
from outreach_opt.solve import long_horizon
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import solve


def cover_file(days: int) -> str:
    """Three people, two shifts, one of each wanted every day (100 a session short, 1 over),
    at most five days in a row, a day off between runs, and one on-request a week for A."""
    staff = [
        f"A,E={days}|L={days},{480 * days},0,5,1,1,{days // 7}",
        f"B,E={days}|L={days},{480 * days},0,5,1,1,{days // 7}",
        f"C,E={days}|L=0,{480 * days},0,5,1,1,{days // 7}",
    ]
    cover = [f"{d},{s},1,100,1" for d in range(days) for s in ("E", "L")]
    requests = [f"A,{d},L,3" for d in range(0, days, 7)]
    sections = [
        ["SECTION_HORIZON", str(days)],
        ["SECTION_SHIFTS", "E,480,", "L,480,E"],
        ["SECTION_STAFF", *staff],
        ["SECTION_DAYS_OFF", "C,0"],
        ["SECTION_SHIFT_ON_REQUESTS", *requests],
        ["SECTION_SHIFT_OFF_REQUESTS"],
        ["SECTION_COVER", *cover],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def loaded(tmp_path: Path, days: int) -> Instance:
    path = tmp_path / f"cover{days}.txt"
    path.write_text(cover_file(days), encoding="utf-8")
    return load_curtois_qu(str(path))


@pytest.fixture
def by_specialist_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long horizons go by specialist whatever their size: the small instances here would
    otherwise be solved as one model (`long_horizon.whole_fits`)."""
    monkeypatch.setattr(long_horizon, "MOST_WHOLE_SESSIONS", 0)


def test_applies_to_long_horizons_that_decompose(tmp_path: Path) -> None:
    """Thirteen weeks with only the cover tying people, too large for the limit: by
    specialist. Twelve weeks, a fairness weight, a past, or no judge: the whole model."""
    long = loaded(tmp_path, 91)
    limit = 0.5  # 350 sessions a limit may take whole, where 455 fit
    assert long_horizon.applies(long, (), line_holds, limit)
    assert not long_horizon.applies(loaded(tmp_path, long_horizon.LONGEST_WHOLE_DAYS), (), line_holds, limit)
    fair = long.model_copy(update={"weights": long.weights.model_copy(update={"fairness_max": 1})})
    assert not long_horizon.applies(fair, (), line_holds, limit)
    past = [Assignment(specialist="A", date=START, period="E", site="ward", activity="E")]
    assert not long_horizon.applies(long, past, line_holds, limit)
    assert not long_horizon.applies(long, (), None, limit)


def test_long_horizons_small_for_the_limit_are_solved_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sessions that fit by skills are the prepared model's candidates here (two people
    with both shifts, one with E only: 91 x (2 + 2 + 1)); the whole model is taken when they
    are at most `WHOLE_SESSIONS_PER_SECOND` a second of the limit and `MOST_WHOLE_SESSIONS`."""
    long = loaded(tmp_path, 91)
    assert long_horizon.fitting_sessions(long) == len(prepare(long).candidates) == 455
    assert long_horizon.whole_fits(long, 455 / long_horizon.WHOLE_SESSIONS_PER_SECOND)
    assert not long_horizon.whole_fits(long, 454 / long_horizon.WHOLE_SESSIONS_PER_SECOND)
    assert not long_horizon.applies(long, (), line_holds, 1.0)
    monkeypatch.setattr(long_horizon, "MOST_WHOLE_SESSIONS", 454)
    assert long_horizon.applies(long, (), line_holds, 1000.0)


def test_solve_takes_the_whole_model_where_it_fits(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`solve` on thirteen weeks small for the limit builds the whole model: it reports a
    bound (the by-specialist route claims none), and the checker accepts the roster at the
    solver's objective."""
    instance = loaded(tmp_path, 91)
    with caplog.at_level(logging.INFO, logger="outreach_opt.solve.solve"):
        result = solve(instance, SolveOptions(time_limit=5, workers=1), judge=line_holds)
    assert not any("by specialist" in record.getMessage() for record in caplog.records)
    assert result.roster is not None and result.bound is not None
    report = check_roster(instance, result.roster)
    assert report.ok, report.violations[:3]
    assert report.objective == result.objective


def test_solve_goes_by_specialist_and_its_objective_is_the_checkers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, by_specialist_route: None
) -> None:
    """`solve` on thirteen weeks takes the by-specialist route; the roster keeps every hard
    rule, and the objective priced by the model of its pairs is the checker's, term by term.
    No bound is claimed."""
    instance = loaded(tmp_path, 91)
    with caplog.at_level(logging.INFO, logger="outreach_opt.solve.solve"):
        result = solve(instance, SolveOptions(time_limit=10, workers=1), judge=line_holds)
    assert any("by specialist" in record.getMessage() for record in caplog.records)
    assert result.status is Status.FEASIBLE and result.roster is not None
    assert result.bound is None and not result.interrupted
    report = check_roster(instance, result.roster)
    assert report.ok, report.violations[:3]
    assert report.objective == result.objective
    assert {k: v for k, v in report.breakdown.items() if v} == {k: v for k, v in result.breakdown.items() if v}
    assert result.breakdown["uncovered"] < 100 * 2 * 91  # the cover was worked at, not left


def test_a_signal_before_the_first_pass_ends_leaves_no_roster(tmp_path: Path) -> None:
    """Ctrl-C during the first pass (here: before it starts) stops the search between two
    people's steps; a roster missing someone's line is none, and the result says interrupted."""

    def signalled_at_once(stop: Callable[[int], None], search: Callable[[], None]) -> None:
        stop(signal.SIGINT)
        search()

    instance = loaded(tmp_path, 91)
    result = long_horizon.solve_by_specialist(
        instance, SolveOptions(time_limit=10, workers=1), time.perf_counter(), line_holds, run=signalled_at_once
    )
    assert result.interrupted and result.roster is None and result.status is Status.UNKNOWN


ALIKE = """\
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,3360,0,5,1,1,1
B,D=7,3360,0,5,1,1,1

SECTION_COVER
""" + "".join(f"{d},D,1,100,1\n" for d in range(7))


def test_a_roster_of_two_alike_specialists_is_priced_as_it_is(tmp_path: Path) -> None:
    """A and B are alike in every field (the whole model would order their schedules, more
    sessions first); B works days 1-2, A day 0 only. The model of the roster's own pairs has
    no (A, day-1 cover): ordered, the roster could not be expressed and would be lost.
    Priced as it is, its cost is the checker's: four days uncovered."""
    path = tmp_path / "alike.txt"
    path.write_text(ALIKE, encoding="utf-8")
    instance = load_curtois_qu(str(path))

    def on(who: str, day: int) -> Assignment:
        date = START + dt.timedelta(days=day)
        return Assignment(specialist=who, date=date, period="D", site="ward", activity="D", demand=f"cover-{day}-D")

    roster = Roster(instance=instance.name, assignments=[on("A", 0), on("B", 1), on("B", 2)])
    report = check_roster(instance, roster)
    assert report.ok and report.breakdown["uncovered"] == 4 * 100
    priced = long_horizon.price(instance, roster, 10)
    assert priced is not None
    _, completed = priced
    assert completed.objective == report.objective


def test_a_search_that_ends_before_its_limit_says_why(tmp_path: Path) -> None:
    """Thirteen weeks of three people: the CP-SAT passes prove every line the best given the
    others' long before a 60 s limit. The result says the search ended early and why (the
    CLI prints it under the summary), where before it came back early without a word."""
    instance = loaded(tmp_path, 91)
    result = long_horizon.solve_by_specialist(
        instance, SolveOptions(time_limit=60, workers=1), time.perf_counter(), line_holds
    )
    assert result.roster is not None and not result.interrupted
    assert result.wall_time < 30
    assert result.ended_early is not None
    assert "a longer --time-limit gives the same roster this way" in result.ended_early
    assert "one model" not in result.ended_early  # 455 sessions fit: whole from 0.65 s, below 60 s


def test_an_early_end_names_the_limit_that_takes_the_whole_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit it ran with, a longer one may take the whole model (`whole_from`), so
    "more time gives the same roster" would not be true: the message names that limit."""
    monkeypatch.setattr(long_horizon, "WHOLE_SESSIONS_PER_SECOND", 5)  # 455 sessions: whole from 91 s
    instance = loaded(tmp_path, 91)
    assert long_horizon.whole_from(instance) == 91.0
    result = long_horizon.solve_by_specialist(
        instance, SolveOptions(time_limit=60, workers=1), time.perf_counter(), line_holds
    )
    assert result.ended_early is not None
    said = "; from --time-limit 91 it is solved as one model instead, which may find a cheaper one"
    assert result.ended_early.endswith(said)
    monkeypatch.setattr(long_horizon, "MOST_WHOLE_SESSIONS", 454)
    assert long_horizon.whole_from(instance) is None
