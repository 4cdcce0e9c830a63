"""Infeasibility explained (issue 6, item 1): minimal conflicting rule groups, in the user's terms.

Each case is an instance that cannot hold for one cause, built on the rule-test world of
tests/support.py (home; near 20 min; far 40 min, near-far 30; am 08:00-12:00, pm 13:30-17:00,
eve 19:00-22:30). The explanation must name exactly the expected rule ids, and be minimal:
the groups it names cannot hold together, and leaving out any one of them lets the rest hold
(checked here with `is_feasible_with`, independently of the deletion filter).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from support import INSTANCES, base, commit_dict, demand, duty, instance, specialist

from outreach_opt.cli.explain import explain_command
from outreach_opt.io.load import load_instance
from outreach_opt.io.located_yaml import read_located
from outreach_opt.solve.explain import explain, is_feasible_with

TWO_DAYS = {"start": "2025-10-20", "days": 2}  # Monday, Tuesday


def _a(**fields: Any) -> list[dict[str, Any]]:
    return [specialist("a", name="Doctor A", **fields)]


CASES: dict[str, tuple[dict[str, Any], set[str], bool]] = {
    # far am ends 12:00, near pm starts 12:10, the drive takes 30 min
    "travel_between": (
        base(
            periods=[{"id": "am", "start": "08:00", "end": "12:00"}, {"id": "pm", "start": "12:10", "end": "17:00"}],
            commitments=[commit_dict("mon", "am", "far"), commit_dict("mon", "pm", "near")],
        ),
        {"travel_between", "commitments"},
        False,
    ),
    # home -> far -> home is 80 min, the limit 60
    "daily_travel": (
        base(specialists=_a(max_travel_minutes_per_day=60), commitments=[commit_dict("mon", "am", "far")]),
        {"daily_travel", "commitments"},
        False,
    ),
    # home at 23:10 after the far evening, leaving 07:20 for far am: 490 min < 600
    "rest": (
        base(
            horizon=TWO_DAYS,
            rules={"min_rest_minutes": 600},
            commitments=[commit_dict("mon", "eve", "far"), commit_dict("tue", "am", "far")],
        ),
        {"rest", "commitments"},
        False,
    ),
    "weekly_sessions": (
        base(specialists=_a(max_sessions_per_week=1), commitments=[commit_dict("mon", "am"), commit_dict("mon", "pm")]),
        {"weekly_sessions", "commitments"},
        False,
    ),
    "weekly_outreach": (
        base(specialists=_a(max_outreach_sessions_per_week=0), commitments=[commit_dict("mon", "am", "near")]),
        {"weekly_outreach", "commitments"},
        False,
    ),
    "daily_sessions": (
        base(specialists=_a(max_sessions_per_day=1), commitments=[commit_dict("mon", "am"), commit_dict("mon", "pm")]),
        {"daily_sessions", "commitments"},
        False,
    ),
    "weekly_evenings": (
        base(specialists=_a(max_evening_sessions_per_week=0), commitments=[commit_dict("mon", "eve")]),
        {"weekly_evenings", "commitments"},
        False,
    ),
    "period_sessions": (
        base(specialists=_a(max_sessions_by_period={"eve": 0}), commitments=[commit_dict("mon", "eve")]),
        {"period_sessions", "commitments"},
        False,
    ),
    # two commitments in far's one cath lab on Monday am
    "capacity": (
        base(
            specialists=[specialist("a"), specialist("b")],
            commitments=[
                commit_dict("mon", "am", "far", activity="pci", resource="cath_lab"),
                commit_dict("mon", "am", "far", who="b", activity="pci", resource="cath_lab"),
            ],
        ),
        {"capacity", "commitments"},
        False,
    ),
    "day_off": (
        base(
            commitments=[commit_dict("mon", "pm")],
            requests=[{"specialist": "a", "date": "2025-10-20", "want": "off", "hard": True}],
        ),
        {"day_off", "commitments"},
        False,
    ),
    "max_consecutive_days": (
        base(
            horizon={"start": "2025-10-20", "days": 3},
            specialists=_a(max_consecutive_working_days=2),
            commitments=[commit_dict(day, "am") for day in ("mon", "tue", "wed")],
        ),
        {"max_consecutive_days", "commitments"},
        False,
    ),
    "forbidden_successions": (
        base(
            horizon=TWO_DAYS,
            rules={
                "min_rest_minutes": 0,
                "forbidden_successions": [{"today": {"period": "eve"}, "tomorrow": {"period": "am"}}],
            },
            commitments=[commit_dict("mon", "eve"), commit_dict("tue", "am")],
        ),
        {"forbidden_successions", "commitments"},
        False,
    ),
    # near wants two sessions on Monday, am or pm; the home clinic holds pm
    "demand_min": (
        base(
            commitments=[commit_dict("mon", "pm")],
            demands=[demand("d1", "near", periods=["am", "pm"], sessions={"min": 2, "max": 2})],
        ),
        {"demand_min", "commitments"},
        True,
    ),
    # two demands each needing their one session on Monday am: one doctor, one place at a time
    "demand_min_one_place": (
        base(
            demands=[
                demand("d1", "near", periods=["am"]),
                demand("d2", "far", periods=["am"]),
            ]
        ),
        {"demand_min"},
        True,
    ),
    # the home morning clinic is 240 minutes, the week's limit 200
    "weekly_minutes": (
        base(specialists=_a(max_minutes_per_week=200), commitments=[commit_dict("mon", "am")]),
        {"weekly_minutes", "commitments"},
        False,
    ),
    "horizon_minutes": (
        base(specialists=_a(max_minutes_total=200), commitments=[commit_dict("mon", "am")]),
        {"horizon_minutes", "commitments"},
        False,
    ),
    "working_days": (
        base(
            horizon=TWO_DAYS,
            specialists=_a(max_working_days_per_week=1),
            commitments=[commit_dict("mon", "am"), commit_dict("tue", "am")],
        ),
        {"working_days", "commitments"},
        False,
    ),
    # Tuesday alone is a run of one working day; nothing can be added around it
    "min_consecutive_days": (
        base(
            horizon={"start": "2025-10-20", "days": 3},
            specialists=_a(min_consecutive_working_days=2),
            commitments=[commit_dict("tue", "am")],
        ),
        {"min_consecutive_days", "commitments"},
        False,
    ),
    # Monday and Wednesday worked: one day off between, two wanted
    "min_days_off": (
        base(
            horizon={"start": "2025-10-20", "days": 3},
            specialists=_a(min_consecutive_days_off=2),
            commitments=[commit_dict("mon", "am"), commit_dict("wed", "am")],
        ),
        {"min_days_off", "commitments"},
        False,
    ),
    "max_weekends": (
        base(
            horizon={"start": "2025-10-25", "days": 2},  # Saturday, Sunday
            specialists=_a(max_weekends=0),
            commitments=[commit_dict("sat", "am")],
        ),
        {"max_weekends", "commitments"},
        False,
    ),
    # two sessions at near on Monday am need two doctors; one may serve it
    "max_specialists": (
        base(
            specialists=[specialist("a"), specialist("b")],
            demands=[demand("d1", "near", periods=["am"], sessions={"min": 2, "max": 2}, max_specialists=1)],
        ),
        {"max_specialists", "demand_min"},
        True,
    ),
    # two sessions of a one-a-week demand pinned
    "demand_max": (
        base(
            demands=[demand("d1", "near")],
            pins=[{"specialist": "a", "date": "2025-10-20", "period": p, "demand": "d1"} for p in ("am", "pm")],
        ),
        {"demand_max", "pins"},
        False,
    ),
    "pins": (
        base(
            commitments=[commit_dict("mon", "am")],
            demands=[demand("d1", "near")],
            pins=[{"specialist": "a", "date": "2025-10-20", "period": "am", "demand": "d1"}],
        ),
        {"pins", "commitments"},
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_explanation_names_exactly_the_conflict_and_is_minimal(case: str) -> None:
    data, expected, hard_minimums = CASES[case]
    inst = instance(data)
    result = explain(inst, time_limit=20, hard_minimums=hard_minimums)
    assert not result.feasible and result.decided and result.minimal
    assert result.rules == expected, [c.sentence for c in result.conflicts]
    groups = result.groups
    assert len(set(groups)) == len(groups)
    assert not is_feasible_with(inst, groups, hard_minimums=hard_minimums)
    for group in groups:
        rest = [g for g in groups if g != group]
        assert is_feasible_with(inst, rest, hard_minimums=hard_minimums), f"not minimal: {group} can go"
    for c in result.conflicts:
        assert c.rule in c.sentence and c.path, c


def test_commitments_named_each_with_its_instance_path() -> None:
    data, _, _ = CASES["rest"]
    result = explain(instance(data))
    commitments = sorted(c.path for c in result.conflicts if c.rule == "commitments")
    assert commitments == [("commitments", 0), ("commitments", 1)]
    rest = next(c for c in result.conflicts if c.rule == "rest")
    assert rest.path == ("rules", "min_rest_minutes")
    # the numbers the user needs: home 23:10 after the far evening, leave 07:20, 490 < 600
    for words in ("Doctor A", "23:10", "07:20", "Mon 2025-10-20", "Tue 2025-10-21", "490", "600"):
        assert words in rest.sentence, rest.sentence


def test_travel_sentence_has_the_drive_and_the_times() -> None:
    data, _, _ = CASES["travel_between"]
    sentence = next(c.sentence for c in explain(instance(data)).conflicts if c.rule == "travel_between")
    for words in ("30-minute drive", "far", "near", "12:00", "12:10"):
        assert words in sentence, sentence


def test_daily_travel_route_names_each_place_once_in_a_row() -> None:
    """A home duty in the morning and a far one after it: the route reads home -> far ->
    home, not home -> home -> far -> home (the morning's site is where the day starts)."""
    data = base(
        specialists=_a(max_travel_minutes_per_day=60),
        commitments=[commit_dict("mon", "am", "home"), commit_dict("mon", "pm", "far")],
    )
    sentence = next(c.sentence for c in explain(instance(data)).conflicts if c.rule == "daily_travel")
    assert "the commitments need at least 80 min (home -> far -> home)" in sentence, sentence


def test_weekly_limit_sentence_says_the_cap_first() -> None:
    """With --hard-minimums a weekly limit conflicts with a demand, not with commitments: the
    sentence leads with the cap ("sessions away from home in the week … are capped at 1")
    rather than "has 0 sessions away from home fixed", which read as if nothing were wrong."""
    data = base(
        specialists=_a(max_outreach_sessions_per_week=1),
        demands=[demand("d1", "far", sessions={"min": 2, "max": 2})],
    )
    result = explain(instance(data), hard_minimums=True)
    sentence = next(c.sentence for c in result.conflicts if c.rule == "weekly_outreach")
    assert sentence.startswith(
        "Doctor A's sessions away from home in the week from Mon 2025-10-20 are capped at 1 "
        "(max_outreach_sessions_per_week); commitments fix 0 of them"
    ), sentence


def test_feasible_instance() -> None:
    data = base(commitments=[commit_dict("mon", "am", "far")], demands=[demand("d1", "near", periods=["pm"])])
    assert explain(instance(data)).feasible
    assert explain(instance(data), hard_minimums=True).feasible


@pytest.mark.parametrize("name", ["anzhen-tongzhou-week", "ruijin-jiading-week", "tiny"])
def test_sample_instances_are_feasible(name: str) -> None:
    assert explain(load_instance(str(INSTANCES / f"{name}.yaml")), time_limit=30).feasible


def test_cli_exit_3_with_the_commitment_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _, _ = CASES["rest"]
    monkeypatch.chdir(tmp_path)
    path = Path("clash.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(explain_command, [str(path), "--time-limit", "10"])
    assert result.exit_code == 3, result.output
    line, _ = read_located(str(path)).place(("commitments", 1))
    assert line is not None
    assert "specialist: a" in path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert f"clash.yaml:{line}" in result.output
    assert "rest" in result.output and "infeasible" in result.output


def test_cli_exit_0_when_the_rules_hold(tmp_path: Path) -> None:
    path = tmp_path / "fine.yaml"
    path.write_text(yaml.safe_dump(base(commitments=[commit_dict("mon", "am")]), sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(explain_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert "can all hold" in result.output


def test_rest_after_history() -> None:
    """Home at 23:10 on Sunday (a published roster: far evening), far am on Monday: the past
    is not a group, so the conflict is the rest rule and Monday's commitment."""
    past = [duty("eve", "far", date=dt.date(2025, 10, 19))]
    data = base(rules={"min_rest_minutes": 600}, commitments=[commit_dict("mon", "am", "far")])
    inst = instance(data)
    result = explain(inst, past=past)
    assert set(result.groups) == {("commitments", ("a", 0, 0)), ("rest", ("a", -1))}
    for group in result.groups:
        assert is_feasible_with(inst, [g for g in result.groups if g != group], past=past)
    rest = next(c for c in result.conflicts if c.rule == "rest")
    assert "23:10" in rest.sentence and "history" in rest.sentence, rest.sentence
