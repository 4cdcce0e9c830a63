"""Rule `pins` three ways, a hand-broken roster, bad pins with their paths, explain, and
`solve --pin ROSTER`.

The world of tests/support.py: home, near (20 min), far (40 min; near-far 30); am 08:00-12:00,
pm 13:30-17:00, eve 19:00-22:30; an uncovered session costs 1000, a minute driven 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import (
    EXAMPLE,
    UNCOVERED,
    assert_infeasible,
    base,
    demand,
    duty,
    instance,
    optimum,
    solve_checked,
    verdicts,
    visit,
)
from support import commit_dict as commit

from outreach_opt.check.checker import check_roster
from outreach_opt.cli.main import main
from outreach_opt.domain.problems import InputError
from outreach_opt.solve.explain import explain
from outreach_opt.solve.solve import model_accepts

AM_ONLY = [demand("d1", "near", periods=["am"]), demand("d2", "far", periods=["am", "pm"])]


def pin(period: str, demand_id: str, date: str = "2025-10-20", who: str = "a") -> dict[str, str]:
    return {"specialist": who, "date": date, "period": period, "demand": demand_id}


class TestPins:
    def test_feasible(self) -> None:
        """Pinning the session the optimum has anyway (near, am) changes nothing: 40."""
        data = base(demands=[demand("d1", "near", periods=["am"])], pins=[pin("am", "d1")])
        assert optimum(data) == 40

    def test_forced(self) -> None:
        """Near wants am only, far am or pm: free, near am then far pm, 20 + 30 + 40 = 90.
        Pinning far to am takes the only near slot: near uncovered, 1000 + 2 x 40 = 1080.
        A pin on the slot of a commitment cannot hold at all; a roster without the pinned
        session is rejected by checker and model alike."""
        assert optimum(base(demands=AM_ONLY)) == 90
        assert optimum(base(demands=AM_ONLY, pins=[pin("am", "d2")])) == UNCOVERED + 80
        assert_infeasible(base(demands=AM_ONLY, commitments=[commit("mon", "am")], pins=[pin("am", "d2")]))
        rules, accepted = verdicts(base(demands=AM_ONLY, pins=[pin("am", "d2")]), [visit("am", "near", "d1")])
        assert rules == {"pins"} and not accepted

    def test_alternative(self) -> None:
        """Pinned to far in the afternoon instead, the free optimum holds it: 90; with the
        commitment in the morning, far pm is pinned and near stays uncovered: 1000 + 80."""
        assert optimum(base(demands=AM_ONLY, pins=[pin("pm", "d2")])) == 90
        data = base(demands=AM_ONLY, commitments=[commit("mon", "am")], pins=[pin("pm", "d2")])
        assert optimum(data) == UNCOVERED + 80


def test_hand_broken_roster_names_the_pin() -> None:
    """The pinned far session moved to the afternoon: valid otherwise, so `pins` alone is
    broken, and the message names the pin's index, person, date and period."""
    data = base(demands=AM_ONLY, pins=[pin("am", "d2")])
    rules, accepted = verdicts(data, [visit("am", "near", "d1"), visit("pm", "far", "d2")])
    assert rules == {"pins"} and not accepted
    from outreach_opt.check.checker import check_roster
    from outreach_opt.domain.roster import Roster

    inst = instance(data)
    report = check_roster(inst, Roster(instance=inst.name, assignments=[visit("pm", "far", "d2"), duty("eve")]))
    message = next(v.message for v in report.violations if v.rule == "pins")
    assert "Doctor A is pinned to demand d2 on Mon 2025-10-20 am (pins[0])" in message


def test_bad_pins_are_located() -> None:
    """An unknown demand (with a suggestion), an unknown specialist and a date outside the
    horizon: each reported at its field."""
    data = base(
        demands=[demand("d1", "near")],
        pins=[pin("am", "d2x"), pin("am", "d1", who="zz"), pin("am", "d1", date="2025-11-01")],
    )
    with pytest.raises(InputError) as exc:
        instance(data)
    found = {(p.field, p.message.split(";")[0]) for p in exc.value.problems}
    assert ("pins[0].demand", "unknown demand 'd2x'") in {(f, m.split(" (")[0]) for f, m in found}
    assert any(f == "pins[1].specialist" for f, _ in found)
    assert ("pins[2].date", "2025-11-01 is outside the horizon 2025-10-20 to 2025-10-20") in found


def test_explain_names_the_pin_and_what_it_clashes_with() -> None:
    """A pin on the morning of a commitment: explain gives exactly {pins, commitments}."""
    data = base(demands=AM_ONLY, commitments=[commit("mon", "am")], pins=[pin("am", "d2")])
    result = explain(instance(data), time_limit=10)
    assert not result.feasible and result.rules == {"pins", "commitments"}
    unfit = explain(instance(base(demands=AM_ONLY, pins=[pin("eve", "d1")])), time_limit=10)
    assert unfit.rules == {"pins"} and "does not take sessions then" in unfit.conflicts[0].sentence


def test_solve_pin_roster_keeps_its_sessions(tmp_path: Path) -> None:
    """`solve --pin` with a roster of one session the optimum would not choose: the new
    roster has it, passes the checker, and costs more than the free optimum; an unknown
    demand in the pinned roster is bad input at its assignment (exit 2)."""
    data = base(demands=AM_ONLY)
    (tmp_path / "inst.json").write_text(json.dumps(data))
    pinned = {
        "instance": "rule test",
        "assignments": [
            {
                "specialist": "a",
                "date": "2025-10-20",
                "period": "am",
                "site": "far",
                "activity": "clinic",
                "demand": "d2",
            }
        ],
    }
    (tmp_path / "pin.json").write_text(json.dumps(pinned))
    out = tmp_path / "out.json"
    args = ["solve", str(tmp_path / "inst.json"), "--workers", "1", "--quiet"]
    result = CliRunner().invoke(main, [*args, "--pin", str(tmp_path / "pin.json"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"objective {UNCOVERED + 80}" in result.stdout
    written = json.loads(out.read_text())["assignments"]
    assert [(a["period"], a["demand"]) for a in written] == [("am", "d2")]
    pinned["assignments"][0]["demand"] = "d3"
    (tmp_path / "pin.json").write_text(json.dumps(pinned))
    bad = CliRunner().invoke(main, [*args, "--pin", str(tmp_path / "pin.json")])
    assert bad.exit_code == 2 and "assignments[0].demand: unknown demand 'd3'" in bad.output


def test_pins_default_keeps_old_instances() -> None:
    """No pins: the contract example solves to its known optimum (305) as before."""
    from outreach_opt.io.load import load_instance

    result, _ = solve_checked(load_instance(str(EXAMPLE)))
    assert result.objective == 305


# -- pinned nights away (pinned_stays; `solve --pin` pins a roster's stays) ------------------------

SAT = "2025-10-25"
NIGHT = {"specialist": "a", "night": SAT, "site": "chengde"}


def pinned_weekend(night: dict[str, str] | None = None, **changes: object) -> dict[str, object]:
    """test_rules_stays' weekend (four Chengde sessions, 180 min from home, one night 60)
    without a daily limit: driving there and back each day (720) is possible; with the night
    it is 180 + 180 + 60 = 420. `changes` overrides weights (say a dearer night)."""
    from test_rules_stays import weekend

    data = weekend(limit=None, **changes)  # type: ignore[arg-type]
    if night is not None:
        data["pinned_stays"] = [night]
    return data


class TestPinnedStays:
    def test_feasible(self) -> None:
        """Pinning the night the optimum takes anyway changes nothing: 420."""
        assert optimum(pinned_weekend()) == 420
        assert optimum(pinned_weekend(NIGHT)) == 420

    def test_forced(self) -> None:
        """With a night at 400 the optimum drives each day (720); pinned, the night holds:
        360 + 400 = 760. A roster that drives instead is rejected by checker and model."""
        assert optimum(pinned_weekend(overnight_stay=400)) == 720
        result, _ = solve_checked(instance(pinned_weekend(NIGHT, overnight_stay=400)))
        assert result.objective == 760 and result.roster is not None
        assert [(s.specialist, s.night.isoformat(), s.site) for s in result.roster.stays] == [("a", SAT, "chengde")]
        driving = result.roster.model_copy(update={"stays": []})
        inst = instance(pinned_weekend(NIGHT, overnight_stay=400))
        assert {v.rule for v in check_roster(inst, driving).violations} == {"pins"}
        assert not model_accepts(inst, driving)[0]

    def test_alternative(self) -> None:
        """A pinned night rule `overnight_stay` cannot allow (Chengde without rooms) makes the
        week infeasible, and explain names the pin and why."""
        data = pinned_weekend(NIGHT)
        data["sites"][-1]["overnight"] = False  # type: ignore[index]
        assert_infeasible(data)
        result = explain(instance(data), time_limit=10)
        assert result.rules == {"pins"}
        assert (
            "pinned to a night at chengde after Sat 2025-10-25; but chengde does not allow"
            in result.conflicts[0].sentence
        )


def test_bad_pinned_stays_are_located() -> None:
    """An unknown site (with a suggestion) and the horizon's last night: each at its field."""
    data = pinned_weekend({**NIGHT, "site": "chengdu"})
    data["pinned_stays"].append({**NIGHT, "night": "2025-10-26"})  # type: ignore[attr-defined]
    with pytest.raises(InputError) as exc:
        instance(data)
    found = {p.field: p.message for p in exc.value.problems}
    assert "did you mean 'chengde'" in found["pinned_stays[0].site"]
    assert "not between two days of the horizon" in found["pinned_stays[1].night"]


def test_solve_pin_keeps_the_rosters_night(tmp_path: Path) -> None:
    """`solve --pin` with the Anzhen week's optimum (Gao Yu's Saturday night at Chengde), on
    the week after a new road brings Chengde to 90 min with rooms at 200: solved freely Gao Yu
    drives each day; with the roster pinned he keeps his sessions and his night (as announced),
    and the roster passes the checker."""
    import yaml
    from support import INSTANCES, proven_sample

    proven = proven_sample(INSTANCES / "anzhen-tongzhou-week.yaml")
    assert proven.result.roster is not None and proven.result.roster.stays
    data = proven.instance.model_dump(mode="json", exclude_defaults=True)
    data["travel"] = [
        [a, b, 90 if {a, b} == {"anzhen-chaoyang", "chengde-central"} else m] for a, b, m in data["travel"]
    ]
    data.setdefault("weights", {})["overnight_stay"] = 200
    (tmp_path / "week.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "published.json").write_text(json.dumps(proven.result.roster.to_jsonable()), encoding="utf-8")
    args = ["solve", str(tmp_path / "week.yaml"), "--workers", "1", "--quiet"]
    free = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "free.json")])
    assert free.exit_code == 0, free.output
    assert "stays" not in json.loads((tmp_path / "free.json").read_text())
    pinned = CliRunner().invoke(
        main, [*args, "--pin", str(tmp_path / "published.json"), "--out", str(tmp_path / "pinned.json")]
    )
    assert pinned.exit_code == 0 and "checked: all hard rules hold" in pinned.stdout, pinned.output
    written = json.loads((tmp_path / "pinned.json").read_text())
    assert written["stays"] == [{"specialist": "gao-yu", "night": "2025-10-25", "site": "chengde-central"}]
