"""Rule `overnight_stay` and term `nights_away` three ways, on a weekend at a far hospital.

The world is support.py's, plus `chengde`: 180 min from home (a county hospital beyond the
mountains), one clinic room. Horizon Saturday 2025-10-25 and Sunday. The weekend clinic
wants four sessions, am and pm on both days. The doctor may drive 300 min a day: a day trip
(2 x 180 = 360) is over that, so without a stay the clinic cannot be served at all; with a
stay Saturday is home -> Chengde (180) and Sunday Chengde -> home (180).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from support import UNCOVERED, base, commit_dict, demand, instance, solve_checked

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.roster import Assignment, Roster, Stay
from outreach_opt.solve.explain import explain
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import model_accepts

SAT = dt.date(2025, 10, 25)
SUN = dt.date(2025, 10, 26)
NIGHT = 60  # weights.overnight_stay, the default


def weekend(overnight: bool = True, limit: int | None = 300, **weights: int) -> dict[str, Any]:
    data = base(
        horizon={"start": SAT.isoformat(), "days": 2},
        demands=[
            demand("weekend", "chengde", days=["sat", "sun"], periods=["am", "pm"], sessions={"min": 4, "max": 4})
        ],
    )
    data["sites"].append(
        {"id": "chengde", "kind": "county_hospital", "resources": {"clinic_room": 1}, "overnight": overnight}
    )
    data["travel"] += [["home", "chengde", 180], ["near", "chengde", 170], ["far", "chengde", 150]]
    if limit is not None:
        data["specialists"][0]["max_travel_minutes_per_day"] = limit
    data["weights"].update(weights)
    return data


def weekend_roster(stays: list[Stay]) -> Roster:
    sessions = [
        Assignment(specialist="a", date=day, period=p, site="chengde", activity="clinic", demand="weekend")
        for day in (SAT, SUN)
        for p in ("am", "pm")
    ]
    return Roster(instance="rule test", assignments=sessions, stays=stays)


def verdicts(data: dict[str, Any], roster: Roster) -> tuple[set[str], bool]:
    inst = instance(data)
    accepted, _ = model_accepts(inst, roster)
    return {v.rule for v in check_roster(inst, roster).violations}, accepted


class TestOvernightStay:
    def test_feasible(self) -> None:
        """Chengde allows stays: Saturday's clinic, the night there, Sunday's clinic, home.
        180 + 180 driving + one night (60) = 420, all four sessions served."""
        result, report = solve_checked(instance(weekend()))
        assert result.objective == 360 + NIGHT
        assert result.roster is not None and report is not None
        assert result.roster.stays == [Stay(specialist="a", night=SAT, site="chengde")]
        assert report.travel_minutes == {("a", SAT): 180, ("a", SUN): 180}
        assert result.breakdown["nights_away"] == NIGHT

    def test_forced(self) -> None:
        """Chengde does not allow stays: a day trip is 360 min, over the 300 limit, so all four
        sessions stay uncovered (4000). A roster that stays there anyway is rejected by both
        sides, and so is a stay with no session on Sunday (a stay lies between two working
        days), or one at home."""
        data = weekend(overnight=False)
        result, _ = solve_checked(instance(data))
        assert result.objective == 4 * UNCOVERED
        rules, accepted = verdicts(data, weekend_roster([Stay(specialist="a", night=SAT, site="chengde")]))
        assert rules == {"overnight_stay"} and not accepted
        saturday_only = weekend_roster([Stay(specialist="a", night=SAT, site="chengde")]).model_copy(
            update={"assignments": weekend_roster([]).assignments[:2]}
        )
        rules, accepted = verdicts(weekend(), saturday_only)
        assert "overnight_stay" in rules and not accepted
        rules, accepted = verdicts(weekend(), weekend_roster([Stay(specialist="a", night=SAT, site="home")]))
        assert "overnight_stay" in rules and not accepted

    def test_alternative(self) -> None:
        """Without the daily limit two day trips serve it too (720 driving). A night at 60 is
        cheaper (420); at 400 a night costs more than the 360 min it saves, and the doctor
        drives home on Saturday (720, no stay)."""
        cheap, _ = solve_checked(instance(weekend(limit=None)))
        assert cheap.objective == 360 + NIGHT and cheap.roster is not None and len(cheap.roster.stays) == 1
        dear, _ = solve_checked(instance(weekend(limit=None, overnight_stay=400)))
        assert dear.objective == 720 and dear.roster is not None and dear.roster.stays == []
        assert verdicts(weekend(), weekend_roster([Stay(specialist="a", night=SAT, site="chengde")])) == (set(), True)

    def test_rest_is_at_the_stay(self) -> None:
        """Rest 600: Saturday evening at Chengde ends 22:30, Sunday am starts 08:00 there: 570
        min at the stay, too little, with no driving to blame. One of the two is left out:
        Saturday pm + night + Sunday am and pm (the evening not wanted) would do, so the
        evening-and-morning roster is broken on `rest` and rejected by the model."""
        data = weekend(limit=None)
        data["rules"]["min_rest_minutes"] = 600
        data["demands"][0]["periods"] = ["am", "pm", "eve"]
        roster = weekend_roster([Stay(specialist="a", night=SAT, site="chengde")])
        evening = roster.assignments[1].model_copy(update={"period": "eve"})
        broken = roster.model_copy(update={"assignments": [roster.assignments[0], evening, *roster.assignments[2:]]})
        rules, accepted = verdicts(data, broken)
        assert rules == {"rest"} and not accepted
        assert verdicts(data, roster) == (set(), True)

    def test_on_call_whereabouts_follow_the_stay(self) -> None:
        """Idle periods are spent where the day ends or starts: a green channel at Chengde
        (within 0 min) on Saturday evening and Sunday morning, the clinic Saturday and Sunday
        pm. At 400 a night, two day trips (720) beat a stay (360 + 400); with the channel the
        doctor must be at Chengde after Saturday's clinic and before Sunday's, which only a
        stay gives: 760. Where Chengde allows no stay, nobody can be there: infeasible."""
        data = weekend(limit=None, overnight_stay=400)
        data["demands"][0].update(periods=["pm"], sessions={"min": 2, "max": 2})
        assert solve_checked(instance(data))[0].objective == 720
        data["on_call"] = [
            {
                "id": "sat",
                "site": "chengde",
                "skills": [],
                "count": 1,
                "reach_minutes": 0,
                "days": ["sat"],
                "periods": ["eve"],
            },
            {
                "id": "sun",
                "site": "chengde",
                "skills": [],
                "count": 1,
                "reach_minutes": 0,
                "days": ["sun"],
                "periods": ["am"],
            },
        ]
        result, _ = solve_checked(instance(data))
        assert result.objective == 360 + 400 and result.roster is not None and len(result.roster.stays) == 1
        data["sites"][-1]["overnight"] = False
        assert solve_checked(instance(data))[0].status is Status.INFEASIBLE


def test_show_and_travel_view_name_the_night(tmp_path: Path) -> None:
    """`show` puts the night in the specialist's grid on its date, and the travel view has
    Saturday's drive end at Chengde and Sunday's start there (no drive home on Saturday)."""
    import json

    import yaml
    from click.testing import CliRunner

    from outreach_opt.cli.main import main

    data = weekend()
    path = tmp_path / "weekend.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result, _ = solve_checked(instance(data))
    assert result.roster is not None
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(result.roster.to_jsonable()), encoding="utf-8")
    grid = CliRunner().invoke(main, ["show", str(path), str(roster)])
    assert grid.exit_code == 0 and "night at chengde" in grid.stdout
    drives = CliRunner().invoke(main, ["show", str(path), str(roster), "--view", "travel"])
    assert "home -> chengde (180 min)" in drives.stdout and "chengde -> home (180 min)" in drives.stdout
    assert drives.stdout.count("(180 min)") == 2


def test_no_usable_stay_leaves_the_model_as_it_was() -> None:
    """Instances without stays keep their model: the Anzhen week without Gao Yu's Chengde
    weekend builds the same CP-SAT model (every variable and constraint, in order) whether
    Chengde allows stays or not, since nobody else could work there; with the weekend back
    the stay adds day patterns and night variables only for Gao Yu."""
    import yaml
    from support import INSTANCES

    from outreach_opt.domain.prepared import prepare
    from outreach_opt.solve.builder import RosterModel

    data = yaml.safe_load((INSTANCES / "anzhen-tongzhou-week.yaml").read_text(encoding="utf-8"))
    full = RosterModel(prepare(instance(data))).build()
    assert {spec for spec, _t, _a in full.nights} == {"gao-yu"}
    data["specialists"] = [s for s in data["specialists"] if s["id"] != "gao-yu"]
    data["commitments"] = [c for c in data["commitments"] if c["specialist"] != "gao-yu"]
    data["demands"] = [d for d in data["demands"] if d["id"] != "chengde-weekend-clinic"]
    protos = []
    for overnight in (True, False):
        data["sites"][-1]["overnight"] = overnight
        built = RosterModel(prepare(instance(data))).build()
        assert not built.nights
        protos.append(str(built.model.proto))
    assert protos[0] == protos[1]


def test_explain_knows_the_stay() -> None:
    """`explain --hard-minimums` builds the same day patterns: with Chengde's guest room the
    four weekend sessions can all be held; without it they cannot, and the conflict is the
    daily driving limit against the demand's minimum."""
    assert explain(instance(weekend()), time_limit=20, hard_minimums=True).feasible
    answer = explain(instance(weekend(overnight=False)), time_limit=20, hard_minimums=True)
    assert not answer.feasible and answer.rules == {"daily_travel", "demand_min"}


def _conflict(data: dict[str, Any], rule: str, hard_minimums: bool = False) -> str:
    """The sentence explain gives for `rule`, which must be in the conflict it finds."""
    answer = explain(instance(data), time_limit=20, hard_minimums=hard_minimums)
    assert not answer.feasible, answer
    return next(c.sentence for c in answer.conflicts if c.rule == rule)


def test_explained_daily_travel_counts_the_stay() -> None:
    """Fixed clinics at Chengde on Saturday and Sunday morning, 170 min allowed a day: with a
    night there each day is one 180-minute drive, still over. The sentence gives that drive
    and route, not the 360 of a day from home to home. Without the guest room, and with only
    the demand asking, it names the session whose trip is over the limit (it said the
    commitments need 0 min)."""
    data = weekend(limit=170)
    data["commitments"] = [commit_dict(day, "am", "chengde") for day in ("sat", "sun")]
    sentence = _conflict(data, "daily_travel")
    assert "at least 180 min" in sentence and "a night at chengde" in sentence, sentence
    assert "360" not in sentence, sentence
    sentence = _conflict(weekend(overnight=False), "daily_travel", hard_minimums=True)
    assert "may drive 300 min" in sentence and "chengde needs 360 min (home -> chengde -> home)" in sentence, sentence


def test_explained_rest_is_measured_at_the_stay() -> None:
    """Saturday's evening clinic at Chengde ends at 22:30, Sunday's morning one there starts at
    08:00: a night at Chengde rests 570 min (at home it would be 210), under 600. The sentence
    gives the stay's times, not a drive home."""
    data = weekend()
    data["rules"] = {"min_rest_minutes": 600}
    data["commitments"] = [commit_dict("sat", "eve", "chengde"), commit_dict("sun", "am", "chengde")]
    sentence = _conflict(data, "rest")
    for words in ("reaches chengde for a night's stay at 22:30", "leave at 08:00", "570 min of rest", "600"):
        assert words in sentence, sentence
    assert "gets home" not in sentence, sentence
