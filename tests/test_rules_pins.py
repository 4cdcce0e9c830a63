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

from outreach_opt.cli.main import main
from outreach_opt.domain.problems import InputError
from outreach_opt.solve.explain import explain

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
