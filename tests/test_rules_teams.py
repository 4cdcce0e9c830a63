"""Teams: `team_complete` three ways, and what a team session counts as for the other rules
(see tests/support.py for the world: far is 40 minutes from home, so a day there drives 80;
far has one cath lab; an uncovered session costs 1000)."""

from __future__ import annotations

from typing import Any

from support import UNCOVERED, base, demand, instance, optimum, solve_checked, specialist, verdicts, visit

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.explain import explain

LEAD = {"role": "lead", "skills": ["pci"], "count": 1}


def pci_list(assistants: int = 1, **fields: Any) -> dict[str, Any]:
    """A PCI list at far: one lead with pci and `assistants` assistants with clinic, one cath lab."""
    team = [LEAD, {"role": "assistant", "skills": ["clinic"], "count": assistants}]
    out = demand("list", "far", activity="surgery", skills=[], resource="cath_lab", team=team)
    out.update(fields)
    return out


def member(who: str, role: str | None, period: str = "eve") -> Assignment:
    return visit(period, "far", "list", who=who).model_copy(update={"activity": "surgery", "role": role})


LEAD_A = member("a", "lead")
ASSIST_B = member("b", "assistant")
CLINICIANS = [specialist("a"), specialist("b", skills=["clinic"]), specialist("c", skills=["clinic"])]


class TestTeamComplete:
    def test_feasible(self) -> None:
        """a (pci) leads, b or c assists: one session covered, two drivers to far, 160; the
        roster names each member's role."""
        data = base(specialists=CLINICIANS, demands=[pci_list()])
        result, _ = solve_checked(instance(data))
        assert result.objective == 160
        assert result.roster is not None
        roles = sorted((a.specialist, a.role) for a in result.roster.assignments)
        assert roles[0] == ("a", "lead") and roles[1][1] == "assistant" and len(roles) == 2

    def test_forced(self) -> None:
        """With b and c on leave nobody can assist: a lone lead is no session, so the list
        stays uncovered (1000) and nobody drives. Both judges reject a lone lead and a team
        with two assistants where one is wanted."""
        away = [{"date": "2025-10-20"}]
        people = [specialist("a"), specialist("b", skills=["clinic"], unavailable=away)]
        data = base(specialists=people, demands=[pci_list()])
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [LEAD_A]) == ({"team_complete"}, False)
        data = base(specialists=CLINICIANS, demands=[pci_list()])
        assert verdicts(data, [LEAD_A, ASSIST_B, member("c", "assistant")]) == ({"team_complete"}, False)
        assert verdicts(data, [LEAD_A, ASSIST_B]) == (set(), True)

    def test_alternative(self) -> None:
        """Two assistants wanted: a, b and c go, 240; the roster with all three is valid."""
        data = base(specialists=CLINICIANS, demands=[pci_list(assistants=2)])
        assert optimum(data) == 240
        assert verdicts(data, [LEAD_A, ASSIST_B, member("c", "assistant")]) == (set(), True)


def test_one_person_fills_one_role() -> None:
    """a has both skills but cannot be lead and assistant at once (one_place): uncovered."""
    assert optimum(base(specialists=[specialist("a")], demands=[pci_list()])) == UNCOVERED


def test_a_team_session_is_one_session() -> None:
    """min 2, max 2 in the week: two sessions (am and pm, one trip each for a and b) cover
    it, 160; a third session breaks demand_max for both judges. The team of two uses far's
    one cath lab once, so capacity holds."""
    data = base(specialists=CLINICIANS[:2], demands=[pci_list(sessions={"min": 2, "max": 2})])
    assert optimum(data) == 160
    day = [member(who, role, p) for p in ("am", "pm") for who, role in (("a", "lead"), ("b", "assistant"))]
    assert verdicts(data, day) == (set(), True)
    assert verdicts(data, [*day, LEAD_A, ASSIST_B]) == ({"demand_max"}, False)


def test_capacity_counts_team_sessions() -> None:
    """A second PCI list at far in the same period needs a second cath lab: two teams at
    once break capacity (once), though each team alone is fine."""
    people = [*CLINICIANS, specialist("d")]
    data = base(specialists=people, demands=[pci_list(), pci_list(id="list2")])
    second = [m.model_copy(update={"demand": "list2"}) for m in (member("d", "lead"), member("c", "assistant"))]
    assert verdicts(data, [LEAD_A, ASSIST_B, *second]) == ({"capacity"}, False)


def test_roles_must_fit() -> None:
    """b lacks pci, so b cannot lead; a role the team does not have, no role, or a role on a
    demand without a team are misfits (demand_fit), and the model has no such session."""
    data = base(specialists=CLINICIANS, demands=[pci_list(), demand("clinic", "far")])
    swapped = [member("b", "lead"), member("a", "assistant")]
    assert verdicts(data, swapped) == ({"demand_fit"}, False)
    report = check_roster(instance(data), Roster(instance="t", assignments=swapped))
    assert "lacks the skill pci the lead needs" in report.violations[0].message
    assert verdicts(data, [LEAD_A, member("b", "nurse")])[1] is False
    assert verdicts(data, [LEAD_A, member("b", None)]) == ({"demand_fit", "team_complete"}, False)
    assert verdicts(data, [visit("am", "far", "clinic").model_copy(update={"role": "lead"})]) == ({"demand_fit"}, False)


def test_demand_skills_bind_every_member() -> None:
    """The demand's own skills (here pci) apply to both roles: b and c cannot assist."""
    data = base(specialists=CLINICIANS, demands=[pci_list(skills=["pci"])])
    assert optimum(data) == UNCOVERED


def test_roster_round_trip_keeps_roles() -> None:
    """The role is written to the roster file and read back; demands without a team write none."""
    data = base(specialists=CLINICIANS, demands=[pci_list(), demand("clinic", "near", sessions={"min": 1, "max": 1})])
    result, _ = solve_checked(instance(data))
    assert result.roster is not None
    text = result.roster.to_jsonable()
    rows = text["assignments"]
    assert isinstance(rows, list)
    assert {row.get("role") for row in rows if row["demand"] == "list"} == {"lead", "assistant"}
    assert all("role" not in row for row in rows if row["demand"] == "clinic")
    back = Roster.model_validate(text)
    assert back.assignments == result.roster.assignments
    assert check_roster(instance(data), back).ok


def test_explain_names_the_team() -> None:
    """With minimums hard and nobody to assist, the conflict is the minimum against the team."""
    people = [specialist("a"), specialist("b", skills=["clinic"], unavailable=[{"date": "2025-10-20"}])]
    report = explain(instance(base(specialists=people, demands=[pci_list()])), hard_minimums=True, time_limit=10)
    assert {c.rule for c in report.conflicts} == {"demand_min", "team_complete"}
    team = next(c for c in report.conflicts if c.rule == "team_complete")
    assert "1 assistant (clinic; who could: Doctor A)" in team.sentence


def test_outputs_show_roles_and_count_team_sessions_once() -> None:
    """The CSV has each member's role; coverage, the what-if KPIs and the ICS say one session
    served by the team of two."""
    import csv
    import io

    from outreach_opt.report.exports import roster_to_csv, roster_to_ics
    from outreach_opt.report.views import coverage
    from outreach_opt.scenarios.kpis import roster_kpis

    inst = instance(base(specialists=CLINICIANS, demands=[pci_list()]))
    roster = Roster(instance=inst.name, assignments=[LEAD_A, ASSIST_B])
    report = check_roster(inst, roster)
    rows = list(csv.DictReader(io.StringIO(roster_to_csv(inst, roster))))
    assert sorted((r["specialist"], r["role"]) for r in rows) == [("a", "lead"), ("b", "assistant")]
    assert [row.served for row in coverage(inst, roster, report)] == [1]
    assert roster_kpis(inst, roster, report)["served"] == 1
    calendar = roster_to_ics(inst, roster).decode()
    assert "(list\\, lead)" in calendar and "demand list as assistant" in calendar  # ICS escapes commas


def test_surplus_counts_a_team_session_once() -> None:
    """A team list nobody asked for (min 0) costs its surplus_weight 500 once when held, not
    once per member: the checker says 500 + 160 driving for lead and assistant, the model
    accepts that roster at the same cost, and the optimum holds no list (0)."""
    data = base(specialists=CLINICIANS, demands=[pci_list(sessions={"min": 0, "max": 1}, surplus_weight=500)])
    inst = instance(data)
    report = check_roster(inst, Roster(instance=inst.name, assignments=[LEAD_A, ASSIST_B]))
    assert report.breakdown["surplus"] == 500 and report.objective == 660
    assert verdicts(data, [LEAD_A, ASSIST_B]) == (set(), True)
    assert optimum(data) == 0
    pinned = [{"specialist": who, "date": "2025-10-20", "period": "eve", "demand": "list"} for who in "ab"]
    assert optimum({**data, "pins": pinned}) == 660  # the model's own cost of that roster
