"""How many weekend sessions no roster covers (report/uncovered.py `weekend_shortfall`, CLI
`explain --roster`): the weekends' MIP (solve/weekend_bound.py) counting sessions short, set
beside the roster's own count. Each per-session reason tries one session alone; this line is
what the weekend rules allow together."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from support import UNCOVERED, demand, instance, optimum, solve_checked
from test_relaxation_weekends import _one_weekend_and_a_day_off

from outreach_opt.check.checker import RULES, check_roster
from outreach_opt.cli.main import main
from outreach_opt.cli.uncovered import print_weekend_shortfall
from outreach_opt.domain.prepared import Candidate, prepare
from outreach_opt.report import uncovered as uncovered_module
from outreach_opt.report.uncovered import WeekendShortfall, weekend_shortfall
from outreach_opt.solve import weekend_bound as weekend_bound_module
from outreach_opt.solve.weekend_bound import RULES as WEEKEND_RULES
from outreach_opt.solve.weekend_bound import weekend_bound, weekend_cover, weekend_short


def test_the_least_counts_sessions_not_their_cost() -> None:
    """Four sessions asked over two weekends, one specialist who may work one of them and is
    off the first Sunday: two stay short in every roster. At priority 3 the bound is 6,000,
    the count still 2, proven."""
    data = _one_weekend_and_a_day_off()
    data["demands"][0]["priority"] = 3
    assert optimum(data) == 2 * 3 * UNCOVERED
    prep = prepare(instance(data))
    assert weekend_bound(prep, 20) == 2 * 3 * UNCOVERED
    cover = weekend_cover(prep)
    assert cover is not None
    found = weekend_short(prep, cover, 20)
    assert found is not None
    assert found == (2, True)
    assert set(cover.keys) == {("w", 0), ("w", 1)}


def test_the_best_roster_and_an_empty_one_against_the_least() -> None:
    """The solved roster leaves the two no roster covers; the same roster emptied leaves all
    four, and the least stays 2. A Monday session nobody has the skills for is short too, and
    counted in neither (not a weekend-only demand-week)."""
    data = _one_weekend_and_a_day_off()
    data["demands"].append(demand("mon", site="home", days=["mon"], skills=["echo"]))
    inst = instance(data)
    result, report = solve_checked(inst)
    assert result.roster is not None and report is not None
    assert report.uncovered == {("w", 0): 2, ("mon", 0): 1, ("mon", 1): 1}  # the second weekend worked
    assert weekend_shortfall(inst, report) == WeekendShortfall(least=2, proven=True, short=2)
    empty = result.roster.model_copy(update={"assignments": []})
    assert weekend_shortfall(inst, check_roster(inst, empty)) == WeekendShortfall(least=2, proven=True, short=4)


def test_no_mip_when_the_roster_leaves_no_weekend_session_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the weekend limit and the day off the specialist holds all four weekend
    sessions; only a Monday session nobody has the skills for is short. No line, and the MIP
    is not even run."""
    data = _one_weekend_and_a_day_off()
    data["specialists"][0].pop("max_weekends")
    data["requests"] = []
    data["demands"].append(demand("mon", site="home", days=["mon"], skills=["echo"]))
    inst = instance(data)
    _result, report = solve_checked(inst)
    assert report is not None and report.uncovered == {("mon", 0): 1, ("mon", 1): 1}

    def not_run(*_args: object) -> None:
        raise AssertionError("the weekends' MIP ran for a roster with no weekend session short")

    monkeypatch.setattr(uncovered_module, "weekend_short", not_run)
    assert weekend_shortfall(inst, report) is None


def test_a_mip_too_large_is_counted_not_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case has 8 weekend candidates, 2 of them on the Sunday off: its MIP has 6. At
    `MOST_CANDIDATES` 6 the count is what it was (all 8 drawn); at 2 no MIP is tried, and
    no more candidates are made than it takes to know: the first Saturday's two, the Sunday
    off's two and one more (5), and never the whole preparation (`with_pairs`)."""
    inst = instance(_one_weekend_and_a_day_off())
    _result, report = solve_checked(inst)
    assert report is not None
    drawn: list[object] = []
    counted = weekend_bound_module.candidates_on

    def counting(*args: Any) -> Iterator[Candidate]:
        for c in counted(*args):
            drawn.append(c)
            yield c

    def not_prepared(*_args: object) -> None:
        raise AssertionError("the candidates were prepared for a MIP too large to try")

    monkeypatch.setattr(weekend_bound_module, "candidates_on", counting)
    monkeypatch.setattr(weekend_bound_module, "MOST_CANDIDATES", 6)
    assert weekend_shortfall(inst, report) == WeekendShortfall(least=2, proven=True, short=2)
    assert len(drawn) == 8
    drawn.clear()
    monkeypatch.setattr(weekend_bound_module, "MOST_CANDIDATES", 2)
    monkeypatch.setattr(weekend_bound_module, "with_pairs", not_prepared)
    assert weekend_shortfall(inst, report) is None
    assert len(drawn) == 5


def test_the_rules_named_are_the_checkers_ids() -> None:
    """One rule, one id: the sentence names the MIP's rules as the checker does."""
    assert set(WEEKEND_RULES) <= set(RULES)


def _printed(found: WeekendShortfall) -> str:
    console = Console(width=400, record=True)
    print_weekend_shortfall(console, found, 7)
    return console.export_text()


def test_the_sentence_says_whether_the_least_is_proven_and_what_is_left() -> None:
    proven = _printed(WeekendShortfall(least=11, proven=True, short=15))
    assert "every roster leaves at least 11 short, which" in proven and "this roster leaves 15." in proven
    assert "day_off, unavailability, commitments; proven)" in proven and "the other 4 are not ruled out" in proven
    stopped = _printed(WeekendShortfall(least=11, proven=False, short=11))
    assert "the MIP was stopped at 7 s, the least may be higher" in stopped
    assert "covers as many of them as any roster can" in stopped


def test_cli_explain_roster_says_how_many_no_roster_covers(tmp_path: Path) -> None:
    path = tmp_path / "inst.json"
    path.write_text(json.dumps(_one_weekend_and_a_day_off()))
    out = tmp_path / "roster.json"
    solved = CliRunner().invoke(main, ["solve", str(path), "--workers", "1", "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    shown = CliRunner().invoke(main, ["explain", str(path), "--roster", str(out), "--time-limit", "5"])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())  # the console may wrap a long line anywhere
    assert "every roster leaves at least 2 short, which" in text and "this roster leaves 2." in text
    assert "max_weekends" in text and "covers as many of them as any roster can" in text


def test_only_demands_asking_on_weekends_are_prepared_and_the_count_is_the_same() -> None:
    """The count prepares candidates only for demands asking on a Saturday or Sunday: the
    Monday demand gets none, and a Friday-and-Saturday demand whose only server is away on
    Fridays (so its weeks are weekend-only by its candidates, not by its days) keeps them. The
    weekend-only demand-weeks and the count are those of every demand's candidates."""
    data = _one_weekend_and_a_day_off()
    data["demands"] += [
        demand("mon", site="home", days=["mon"]),
        demand("fs", site="home", days=["fri", "sat"], periods=["am"]),
    ]
    data["specialists"][0]["unavailable"] = [{"date": "2025-10-24"}, {"date": "2025-10-31"}]
    inst = instance(data)
    assert {dem for _, dem in uncovered_module._weekend_pairs(inst)} == {"w", "fs"}
    whole, cut = prepare(inst), prepare(inst, pairs=uncovered_module._weekend_pairs(inst))
    assert {c.demand for c in cut.candidates} == {"w", "fs"} and "mon" in {c.demand for c in whole.candidates}
    covers = weekend_cover(whole), weekend_cover(cut)
    assert covers[0] is not None and covers[1] is not None
    assert covers[0].keys == covers[1].keys and ("fs", 0) in covers[1].keys
    assert weekend_short(whole, covers[0], 20) == weekend_short(cut, covers[1], 20) is not None
    _result, report = solve_checked(inst)
    assert report is not None
    least, proven = weekend_short(whole, covers[0], 20) or (0, False)
    short = sum(n for key, n in report.uncovered.items() if key in covers[0].keys)
    assert weekend_shortfall(inst, report) == WeekendShortfall(least, proven, short)
