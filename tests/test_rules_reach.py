"""Rule `on_call_reach` (the green channel) three ways, soft with a weight, a hand-broken
roster, where an idle specialist is, explain, and bad on-call entries located.

The world of tests/support.py: home, near (20 min), far (40 min; near-far 30); am 08:00-12:00,
pm 13:30-17:00, eve 19:00-22:30; an uncovered session costs 1000, a minute driven 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import (
    UNCOVERED,
    assert_infeasible,
    base,
    demand,
    duty,
    instance,
    optimum,
    solve_checked,
    specialist,
    verdicts,
    visit,
)
from support import commit_dict as commit

from outreach_opt.check.checker import check_roster
from outreach_opt.check.context import Context
from outreach_opt.check.reach import where_in
from outreach_opt.cli.main import main
from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Roster
from outreach_opt.solve.explain import explain

FAR_AM = [demand("d1", "far", periods=["am"])]
FAR_AM_OR_PM = [demand("d1", "far", periods=["am", "pm"])]


def on_call(reach: int = 25, **fields: Any) -> dict[str, Any]:
    """Someone with pci within `reach` minutes of near, in the morning, every day."""
    out: dict[str, Any] = {"id": "green", "site": "near", "skills": ["pci"], "reach_minutes": reach, "periods": ["am"]}
    out.update(fields)
    return out


class TestOnCallReach:
    def test_feasible(self) -> None:
        """A at home is 20 min from near: an on-call of 25 min holds while A serves far in
        the afternoon, as the free optimum does anyway: 2 x 40 = 80."""
        assert optimum(base(demands=FAR_AM_OR_PM)) == 80
        assert optimum(base(demands=FAR_AM_OR_PM, on_call=[on_call()])) == 80

    def test_forced(self) -> None:
        """Far takes mornings only. Free: A serves it, 80. On call within 25 min of near in
        the morning, A cannot be at far (30 min from near): uncovered, 1000. Two on call with
        one specialist: infeasible. Soft with weight 300: one short costs 300, so serve far:
        80 + 300 = 380. The roster with A at far is broken for checker and model alike."""
        assert optimum(base(demands=FAR_AM)) == 80
        assert optimum(base(demands=FAR_AM, on_call=[on_call()])) == UNCOVERED
        assert_infeasible(base(demands=FAR_AM, on_call=[on_call(count=2)]))
        assert optimum(base(demands=FAR_AM, on_call=[on_call(weight=300)])) == 80 + 300
        rules, accepted = verdicts(base(demands=FAR_AM, on_call=[on_call()]), [visit("am", "far", "d1")])
        assert rules == {"on_call_reach"} and not accepted

    def test_alternative(self) -> None:
        """Within 30 min, far itself is near enough: A serves far in the morning, 80. Or a
        colleague based at near takes the call while A goes to far: 80 again; and on the
        dates of the window only (a Tuesday window leaves Monday free)."""
        assert optimum(base(demands=FAR_AM, on_call=[on_call(reach=30)])) == 80
        colleague = [specialist("a"), specialist("b", home="near", skills=["pci"])]
        assert optimum(base(demands=FAR_AM, specialists=colleague, on_call=[on_call()])) == 80
        assert optimum(base(demands=FAR_AM, on_call=[on_call(days=["tue"])])) == 80
        assert optimum(base(demands=FAR_AM, on_call=[on_call(dates=["2025-10-20"])])) == UNCOVERED


def test_leave_and_skills_count() -> None:
    """A on leave in the morning, or without the skill, cannot be on call: infeasible; the
    checker says who is where."""
    away = [specialist("a", unavailable=[{"date": "2025-10-20", "periods": ["am"]}])]
    assert_infeasible(base(specialists=away, on_call=[on_call()]))
    assert_infeasible(base(on_call=[on_call(skills=["stroke"])]))
    data = base(demands=FAR_AM, on_call=[on_call()])
    inst = instance(data)
    report = check_roster(inst, Roster(instance=inst.name, assignments=[visit("am", "far", "d1")]))
    message = next(v.message for v in report.violations if v.rule == "on_call_reach")
    assert "On Mon 2025-10-20 am, on-call green (on_call[0]) needs 1 specialist(s) with pci within 25 min" in message
    assert "Doctor A is at far (30 min away)" in message


def test_where_an_idle_specialist_is() -> None:
    """Idle before the day's first session: home; between two sessions: the last session's
    site, unless the drive to the next one starts within the period; after the last: home
    once back. With far 200 min away, leaving for a far evening at 15:40 is inside pm."""
    data = base(travel=[["home", "near", 20], ["home", "far", 200], ["near", "far", 30]])
    ctx = Context.of(instance(data))
    assert where_in(ctx, "a", [visit("eve", "near", "d")], "am") == "home"
    assert where_in(ctx, "a", [visit("am", "near", "d"), visit("eve", "near", "d")], "pm") == "near"
    assert where_in(ctx, "a", [duty("am"), visit("eve", "far", "d")], "pm") is None
    assert where_in(ctx, "a", [visit("am", "far", "d")], "pm") is None  # home at 15:20
    assert where_in(ctx, "a", [visit("am", "near", "d")], "pm") == "home"


def test_between_sessions_the_model_agrees() -> None:
    """Near in the morning and the evening: in the afternoon A waits at near, within reach,
    so the on-call at near in pm holds; home, then far in the evening with far 200 min away,
    A is on the road in pm: broken, by checker and model alike."""
    near_twice = [demand("d1", "near", periods=["am"]), demand("d2", "near", periods=["eve"])]
    data = base(demands=near_twice, on_call=[on_call(reach=0, periods=["pm"])])
    assert verdicts(data, [visit("am", "near", "d1"), visit("eve", "near", "d2")]) == (set(), True)
    far = base(
        travel=[["home", "near", 20], ["home", "far", 200], ["near", "far", 30]],
        demands=[demand("d2", "far", periods=["eve"])],
        commitments=[commit("mon", "am")],
        on_call=[on_call(reach=20, periods=["pm"])],
    )
    assert verdicts(far, [duty("am"), visit("eve", "far", "d2")]) == ({"on_call_reach"}, False)
    assert verdicts(far, [duty("am")]) == (set(), True)


def test_explain_names_the_on_call() -> None:
    """Two on call with one specialist: explain gives the on-call alone, with its numbers."""
    result = explain(instance(base(on_call=[on_call(count=2)])), time_limit=10)
    assert not result.feasible and result.rules == {"on_call_reach"}
    assert "needs 2 specialist(s) with pci within 25 min of near" in result.conflicts[0].sentence
    # Each available with their home's drive: "3 available" for 2 places must not read as enough.
    assert "available with the skills: Doctor A (home 20 min away)" in result.conflicts[0].sentence


def test_bad_on_call_is_located() -> None:
    """An unknown site (with a suggestion), an unknown period, weekdays with dates, and a
    place a skilled specialist could be with no travel time to the hospital."""
    with pytest.raises(InputError) as exc:
        instance(base(on_call=[on_call(site="nearr", periods=["noon"])]))
    fields = {p.field: p.message for p in exc.value.problems}
    assert "unknown site 'nearr'" in fields["on_call[0].site"] and "did you mean 'near'" in fields["on_call[0].site"]
    assert "unknown period 'noon'" in fields["on_call[0].periods[0]"]
    with pytest.raises(InputError, match="give either 'dates' or 'day'/'days', not both"):
        instance(base(on_call=[on_call(days=["mon"], dates=["2025-10-20"])]))
    # An empty period list once meant "none" to the model and "all" to the checker: refused.
    with pytest.raises(InputError, match="at least 1 item"):
        instance(base(on_call=[on_call(periods=[])]))
    with pytest.raises(InputError, match=r"no travel time from 'home' to 'far'"):
        instance(base(travel=[["home", "near", 20], ["near", "far", 30]], on_call=[on_call(site="far")]))


def test_roster_lists_who_is_within_reach(tmp_path: Path) -> None:
    """The written roster says, per on-call slot, who can be called (A, at home, while a
    colleague serves far); `check` reads the file back and accepts it. Without on-call
    entries the roster has no `on_call` key: old rosters keep their shape."""
    colleague = [specialist("a"), specialist("b", home="near")]
    data = base(demands=FAR_AM, specialists=colleague, on_call=[on_call()])
    (tmp_path / "inst.json").write_text(json.dumps(data))
    out = tmp_path / "out.json"
    args = ["solve", str(tmp_path / "inst.json"), "--workers", "1", "--quiet", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    written = json.loads(out.read_text())
    [session] = written["assignments"]
    near = [s for s in ("a", "b") if s != session["specialist"]]
    assert written["on_call"] == [{"on_call": "green", "date": "2025-10-20", "period": "am", "within_reach": near}]
    assert CliRunner().invoke(main, ["check", str(tmp_path / "inst.json"), str(out)]).exit_code == 0
    plain, _ = solve_checked(instance(base(demands=FAR_AM)))
    assert plain.roster is not None and "on_call" not in plain.roster.to_jsonable()
