"""History: earlier published rosters count across the week boundary (issue: rules, item 8).

The horizon starts Monday 2025-10-20; history days are Saturday 18 and Sunday 19. Each rule
that reads history is shown with and without it, numbers worked out by hand (tests/support.py
world: near 40 minutes of driving, far 80, an uncovered session 1000).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from support import UNCOVERED, base, demand, instance, optimum, solve_checked, specialist, visit
from support import commit_dict as commit

from outreach_opt.check.checker import check_roster
from outreach_opt.cli.main import main
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import model_accepts

SAT, SUN = dt.date(2025, 10, 18), dt.date(2025, 10, 19)


def worked(
    date: dt.date, period: str = "am", site: str = "near", activity: str = "clinic", who: str = "a"
) -> Assignment:
    return Assignment(specialist=who, date=date, period=period, site=site, activity=activity, demand="d")


def test_rest_into_the_first_day() -> None:
    """Sunday's evening list at far ends 22:30, home 23:10; Monday's 08:00 home clinic leaves
    530 minutes of rest, short of 600: infeasible with that history, fine without. A roster
    is judged the same way by checker and model."""
    data = base(rules={"min_rest_minutes": 600}, commitments=[commit("mon", "am")])
    sunday_list = [worked(SUN, "eve", "far", "surgery")]
    result, _ = solve_checked(instance(data), past=sunday_list)
    assert result.status is Status.INFEASIBLE
    assert optimum(data) == 0
    roster = Roster(
        instance="rule test",
        assignments=[visit("am", "home", "x").model_copy(update={"demand": None, "commitment": True})],
    )
    report = check_roster(instance(data), roster, sunday_list)
    assert {v.rule for v in report.violations} == {"rest"}
    assert model_accepts(instance(data), roster, past=sunday_list)[0] is False
    assert check_roster(instance(data), roster).ok and model_accepts(instance(data), roster)[0]


def test_max_consecutive_days_across_the_boundary() -> None:
    """Worked Saturday and Sunday, at most 3 days in a row: of Monday's and Tuesday's
    mornings at near only one can be served, 1000 + 40; without history both, 80."""
    data = base(
        horizon={"start": "2025-10-20", "days": 2},
        specialists=[specialist("a", max_consecutive_working_days=3)],
        demands=[demand("d", "near", periods=["am"], sessions={"min": 2, "max": 2})],
    )
    assert optimum(data, past=[worked(SAT), worked(SUN)]) == UNCOVERED + 40
    assert optimum(data) == 80


def test_min_consecutive_days_continue_a_run() -> None:
    """At least 2 days in a row and only Monday has work: alone it is a run of one (1000);
    after a worked Sunday it continues that run and is served, 40."""
    data = base(
        horizon={"start": "2025-10-20", "days": 3},
        specialists=[specialist("a", min_consecutive_working_days=2)],
        demands=[demand("d", "near", days=["mon"], periods=["am"])],
    )
    assert optimum(data) == UNCOVERED
    assert optimum(data, past=[worked(SUN)]) == 40


def test_min_days_off_after_history() -> None:
    """Two days off needed between working days; only Tuesday has work. Without history
    Monday's day off touches the horizon's start and is free: 40. After a worked Sunday it
    is a single day off between two working days: Tuesday stays uncovered, 1000."""
    data = base(
        horizon={"start": "2025-10-20", "days": 2},
        specialists=[specialist("a", min_consecutive_days_off=2)],
        demands=[demand("d", "near", days=["tue"], periods=["am"])],
    )
    assert optimum(data) == 40
    assert optimum(data, past=[worked(SUN)]) == UNCOVERED


def test_forbidden_succession_from_sunday() -> None:
    """No morning after an evening surgery list: Sunday had one, so Monday's morning clinic
    at near stays uncovered (1000); without history, 40."""
    rule = {"today": {"period": "eve", "activity": "surgery"}, "tomorrow": {"period": "am"}}
    data = base(rules={"forbidden_successions": [rule]}, demands=[demand("d", "near", periods=["am"])])
    assert optimum(data, past=[worked(SUN, "eve", "far", "surgery")]) == UNCOVERED
    assert optimum(data) == 40


def test_fairness_counts_past_burden() -> None:
    """Two doctors, one clinic at near; a already did an outreach session on Sunday. With the
    max form (travel unweighted), b takes it: max(100, 100) = 100 rather than 200."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d", "near")],
        weights={"uncovered_session": 1000, "travel_minute": 0, "fairness_max": 1},
    )
    result, _ = solve_checked(instance(data), past=[worked(SUN)])
    assert result.objective == 100 and result.roster is not None
    assert [a.specialist for a in result.roster.assignments] == ["b"]


def test_continuity_counts_past_servers() -> None:
    """a served the continuity demand last week: a again costs 30 (one specialist in all) + 40,
    b would make two (60 + 40). a is chosen, 70."""
    data = base(
        specialists=[specialist("a"), specialist("b")],
        demands=[demand("d", "near", continuity=True)],
        weights={"uncovered_session": 1000, "travel_minute": 1, "distinct_specialist": 30},
    )
    result, _ = solve_checked(instance(data), past=[worked(SUN)])
    assert result.objective == 70 and result.roster is not None
    assert [a.specialist for a in result.roster.assignments] == ["a"]


def test_cli_history_folder(tmp_path: Path) -> None:
    """`solve --history DIR` and `check --history DIR` read earlier rosters: with Sunday's late
    list in the folder, Monday's commitment breaks rest (exit 3); `check` of a roster made
    without history names the rule (exit 1)."""
    import yaml

    data = base(rules={"min_rest_minutes": 600}, commitments=[commit("mon", "am")])
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    folder = tmp_path / "history"
    folder.mkdir()
    last_week = {"instance": "last week", "assignments": [worked(SUN, "eve", "far", "surgery").model_dump(mode="json")]}
    (folder / "2025-10-13.json").write_text(json.dumps(last_week), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "roster.json"
    assert runner.invoke(main, ["solve", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    solved = runner.invoke(main, ["solve", str(path), "--workers", "1", "--history", str(folder)])
    assert solved.exit_code == 3
    checked = runner.invoke(main, ["check", str(path), str(out), "--history", str(folder)])
    assert checked.exit_code == 1 and "rest" in checked.stdout
    missing = runner.invoke(main, ["check", str(path), str(out), "--history", str(tmp_path / "nope")])
    assert missing.exit_code == 2


def test_cli_history_of_this_week_only_says_nothing_counts(tmp_path: Path) -> None:
    """A history folder holding this week's own roster (dates inside the horizon) counted
    nothing, silently: a note on standard error says so and which dates count; a folder with
    last week's roster gets no note."""
    import yaml

    data = base(commitments=[commit("mon", "am")])
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    folder = tmp_path / "history"
    folder.mkdir()
    out = folder / "this-week.json"
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(path), "--workers", "1", "--out", str(out)]).exit_code == 0
    checked = runner.invoke(main, ["check", str(path), str(out), "--history", str(folder)])
    assert checked.exit_code == 0, checked.output
    given = len(json.loads(out.read_text(encoding="utf-8"))["assignments"])
    assert f"note: --history {folder}: none of its {given} assignment(s) counts; only sessions dated before the " in (
        checked.stderr
    )
    last_week = {"instance": "last week", "assignments": [worked(SUN, "eve", "far", "surgery").model_dump(mode="json")]}
    out.write_text(json.dumps(last_week), encoding="utf-8")
    again = runner.invoke(main, ["check", str(path), str(out), "--history", str(folder)])
    assert "note: --history" not in again.stderr
