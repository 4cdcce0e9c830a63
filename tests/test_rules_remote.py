"""Teleconsultation: `teleconsultation` three ways, and how a remote session counts for the
other rules (see tests/support.py for the world: far is 40 minutes from home; here home has
one telemedicine terminal, near none, far one (its own end), and an uncovered session costs 1000)."""

from __future__ import annotations

from typing import Any

import pytest
from support import UNCOVERED, base, demand, instance, optimum, specialist, verdicts, visit

from outreach_opt.domain.problems import InputError

SITES = [
    {"id": "home", "kind": "main_campus", "resources": {"clinic_room": 2, "cath_lab": 1, "terminal": 1}},
    {"id": "near", "kind": "county_hospital", "resources": {"clinic_room": 1, "terminal": 0}},
    {"id": "far", "kind": "county_hospital", "resources": {"clinic_room": 1, "cath_lab": 1, "terminal": 1}},
]


def tele(**fields: Any) -> dict[str, Any]:
    """A teleconsultation with far: a clinic slot, given from the specialist's own terminal."""
    return demand("tele", "far", resource="terminal", remote=True, **fields)


def world(*people: dict[str, Any], **demand_fields: Any) -> dict[str, Any]:
    return base(sites=SITES, specialists=list(people) or [specialist("a")], demands=[tele(**demand_fields)])


AT_HOME = visit("am", "home", "tele")


class TestTeleconsultation:
    def test_feasible(self) -> None:
        """a consults far from home: covered, no driving, cost 0; the roster puts a at home."""
        assert optimum(world()) == 0
        assert verdicts(world(), [AT_HOME]) == (set(), True)

    def test_forced(self) -> None:
        """Driving to far for a teleconsultation is not one (both judges); with no terminal at
        home (b lives at near, which has none) the session stays uncovered: 1000."""
        assert verdicts(world(), [visit("am", "far", "tele")]) == ({"teleconsultation"}, False)
        assert optimum(world(specialist("b", home="near"))) == UNCOVERED

    def test_alternative(self) -> None:
        """b (home near, no terminal) cannot, a (home with one) can: 0 again."""
        assert optimum(world(specialist("a"), specialist("b", home="near"))) == 0


def test_one_terminal_one_session_at_a_time() -> None:
    """Two colleagues at home share its one terminal: two consultations in one period break
    capacity; in two periods they are fine."""
    data = world(specialist("a"), specialist("b"), sessions={"min": 2, "max": 2})
    assert verdicts(data, [AT_HOME, visit("am", "home", "tele", who="b")]) == ({"capacity"}, False)
    assert verdicts(data, [AT_HOME, visit("pm", "home", "tele", who="b")]) == (set(), True)
    assert optimum(data) == 0


def test_counts_in_workload_not_in_outreach() -> None:
    """A consultation is work (one session a day allowed: the second of two stays uncovered,
    1000) but not outreach (no outreach allowed: still served, 0)."""
    assert optimum(world(specialist("a", max_sessions_per_day=1), sessions={"min": 2, "max": 2})) == UNCOVERED
    assert optimum(world(specialist("a", max_outreach_sessions_per_week=0))) == 0


def test_a_remote_demand_has_no_team() -> None:
    team = [{"role": "lead", "skills": ["pci"]}]
    with pytest.raises(InputError, match="cannot need a team"):
        instance(world(team=team))
