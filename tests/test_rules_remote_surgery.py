"""Remote surgery: a remote demand that holds a robot at the patient's hospital
(`remote_resource`, counted by `capacity`) and a master console where the surgeon operates
from (rule `console_site`: any site with one, home or a drive away); and rule `remote_link`:
when the instance lists `remote_links`, only linked pairs of sites can operate together.

The world of tests/support.py: home, near (20 min), far (40 min; near-far 30); am 08:00-12:00,
pm 13:30-17:00, eve 19:00-22:30; an uncovered session costs 1000, a minute driven 1. Here home
has a master console, far a robot.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import MON, UNCOVERED, base, instance, optimum, solve_checked, specialist, verdicts
from support import demand as demand_dict

from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Assignment

SITES = [
    {"id": "home", "resources": {"clinic_room": 2, "console": 1}},
    {"id": "near", "resources": {"clinic_room": 1}},
    {"id": "far", "resources": {"clinic_room": 1, "robot": 1}},
]


def surgery(id: str = "r1", **fields: Any) -> dict[str, Any]:
    """A remote operation on far's robot from the surgeon's console, mornings, once a week."""
    out = demand_dict(id, "far", activity="surgery", remote=True, resource="console", periods=["am"])
    out["remote_resource"] = "robot"
    out.update(fields)
    return out


def world(**changes: Any) -> dict[str, Any]:
    return base(sites=SITES, **changes)


def operating(who: str = "a", site: str = "home", demand: str = "r1", period: str = "am") -> Assignment:
    return Assignment(specialist=who, date=MON, period=period, site=site, activity="surgery", demand=demand)


NEAR_SURGEON = specialist("b", home="near")
"""A surgeon based at near, which has no console: home's is 20 minutes away."""


class TestConsoleSite:
    def test_feasible(self) -> None:
        """b drives from near to home's console and back (20 + 20) and operates on far's
        robot from there: 40; the roster names home as where it is served from, and both
        judges take it."""
        data = world(demands=[surgery()], specialists=[NEAR_SURGEON])
        assert optimum(data) == 40
        result, _ = solve_checked(instance(data))
        assert result.roster is not None
        assert [(a.specialist, a.site) for a in result.roster.assignments] == [("b", "home")]
        assert verdicts(data, [operating("b")]) == (set(), True)

    def test_forced(self) -> None:
        """With a 30-minute daily limit b cannot reach a console: uncovered, 1000. Operating
        from near, which has none, breaks console_site (and capacity: 0 consoles there);
        operating from far's robot side, where the patient is, the same."""
        tight = world(demands=[surgery()], specialists=[{**NEAR_SURGEON, "max_travel_minutes_per_day": 30}])
        assert optimum(tight) == UNCOVERED
        data = world(demands=[surgery()], specialists=[NEAR_SURGEON])
        assert verdicts(data, [operating("b", site="near")]) == ({"console_site", "capacity"}, False)
        assert verdicts(data, [operating("b", site="far")]) == ({"console_site", "capacity"}, False)

    def test_alternative(self) -> None:
        """A console at near too: b operates from home without driving, 0; unless near has
        no link to far, when b drives to home's again: 40."""
        sites = [SITES[0], {"id": "near", "resources": {"clinic_room": 1, "console": 1}}, SITES[2]]
        data = base(sites=sites, demands=[surgery()], specialists=[NEAR_SURGEON])
        assert optimum(data) == 0
        assert verdicts(data, [operating("b", site="near")]) == (set(), True)
        assert optimum({**data, "remote_links": [["home", "far"]]}) == 40


def test_a_console_away_from_home_is_a_session_away_from_home() -> None:
    """Operating from another site's console is a session there: b with no outreach allowed
    cannot (1000); a from home can (0). Its day goes near -> home -> near around it, so an
    am commitment at near and the pm operation need 20 + 20 minutes on the road: 40."""
    no_outreach = {**NEAR_SURGEON, "max_outreach_sessions_per_week": 0}
    assert optimum(world(demands=[surgery()], specialists=[no_outreach])) == UNCOVERED
    assert optimum(world(demands=[surgery()], specialists=[no_outreach, specialist("a")])) == 0
    afternoon = surgery(periods=["pm"])
    duty = {"specialist": "b", "day": "mon", "period": "am", "site": "near", "activity": "clinic"}
    data = world(demands=[afternoon], specialists=[NEAR_SURGEON], commitments=[duty])
    assert optimum(data) == 40


class TestRemoteLink:
    def test_feasible(self) -> None:
        """No links listed: every pair is linked; A operates from home, no travel: 0."""
        assert optimum(world(demands=[surgery()])) == 0

    def test_forced(self) -> None:
        """Only home-near is linked: far's robot cannot be reached, the operation is
        uncovered (1000); a roster operating anyway breaks remote_link for both sides."""
        data = world(demands=[surgery()], remote_links=[["home", "near"]])
        assert optimum(data) == UNCOVERED
        assert verdicts(data, [operating()]) == ({"remote_link"}, False)

    def test_alternative(self) -> None:
        """The link listed the other way round counts the same: 0."""
        assert optimum(world(demands=[surgery()], remote_links=[["far", "home"]])) == 0


def test_robot_and_console_are_both_held() -> None:
    """Two remote operations in the same morning, two surgeons: one robot at far (or one
    console at home) lets only one happen, 1000; with two of each both happen, 0."""
    two = [surgery("r1"), surgery("r2")]
    team = [specialist("a"), specialist("b")]
    assert optimum(world(demands=two, specialists=team)) == UNCOVERED
    more = [
        {"id": "home", "resources": {"clinic_room": 2, "console": 2}},
        {"id": "near", "resources": {"clinic_room": 1}},
        {"id": "far", "resources": {"clinic_room": 1, "robot": 2}},
    ]
    assert optimum(base(sites=more, demands=two, specialists=team)) == 0
    one_console = [dict(more[0], resources={"clinic_room": 2, "console": 1}), *more[1:]]
    assert optimum(base(sites=one_console, demands=two, specialists=team)) == UNCOVERED
    rules, accepted = verdicts(
        world(demands=two, specialists=team), [operating("a", demand="r1"), operating("b", demand="r2")]
    )
    assert rules == {"capacity"} and not accepted


def test_bad_remote_surgery_is_located() -> None:
    """A robot the patient's site does not list, an unknown site in a link, a robot on a
    demand that is not remote."""
    with pytest.raises(InputError) as exc:
        instance(world(demands=[surgery(remote_resource="robt")], remote_links=[["home", "farr"]]))
    fields = {p.field: p.message for p in exc.value.problems}
    assert "lists no resource 'robt'" in fields["demands[0].remote_resource"]
    assert "unknown site 'farr'" in fields["remote_links[0][1]"]
    with pytest.raises(InputError, match="remote_resource"):
        instance(world(demands=[surgery(remote=False)]))


def test_a_remote_surgery_needs_a_console_somewhere() -> None:
    """A robot without a console named, or a console no site has: both located."""
    with pytest.raises(InputError, match="needs 'resource'"):
        instance(world(demands=[surgery(resource=None)]))
    with pytest.raises(InputError) as exc:
        instance(world(demands=[surgery(resource="clinic_room"), surgery("r2", resource="consol")]))
    fields = {p.field: p.message for p in exc.value.problems}
    assert "no site has a 'consol'" in fields["demands[1].resource"] and "demands[0].resource" not in fields


def test_a_console_site_needs_travel_times_like_any_site() -> None:
    """A console at a site with no travel listed to the surgeons' homes: they could drive
    there to operate, so the missing legs are reported (located under travel), not guessed."""
    remote_centre = {"id": "centre", "resources": {"console": 1}}
    data = world(demands=[surgery()])
    data["sites"] = [*data["sites"], remote_centre]
    with pytest.raises(InputError) as exc:
        instance(data)
    messages = [p.message for p in exc.value.problems if p.field == "travel"]
    assert messages and all("'centre'" in m for m in messages)
    data["travel"] = [*data["travel"], ["home", "centre", 30], ["near", "centre", 30], ["far", "centre", 60]]
    assert optimum(data) == 0  # a stays at home's console
