"""The Timefold peer's Java half (benchmarks/peer_timefold.py), where a JDK 17 and the `timefold`
package are installed (the bench extra; skipped elsewhere). It runs in a child process so that
the JVM never starts inside the test process.

`to_plan` shares one Python list among all slots with the same candidates (and one travel row
per site), because converting the plan to Java costs a JPype round trip per reference: at XL,
10.6M references in per-slot lists took most of the 300 s limit. These tests hold the shared
plan to the same value ranges and travel minutes as the slots and the instance, and run the
peer on the engine's shortlist (`shortlist=True`) to a roster the checker accepts."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from support import REPO

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, roster_from_data

JDK = os.environ.get("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("timefold") is None or not os.path.isdir(JDK),
    reason="the Timefold peer needs the bench extra (timefold) and a JDK 17",
)

PLAN_ARGS = (30, 6, 1, 2)
SHORTLIST_ARGS = (20, 6, 1, 1)  # S-1

CHILD = """
import json
import peer_timefold as pt
from timefold_model import build_problem
from outreach_opt.domain.prepared import prepare
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.solve import shortlist

plan, _ = pt.to_plan(build_problem(prepare(instance_from_data(generate(*PLAN_ARGS), "plan"))))
shortlist.FULL_MODEL_VARIABLES = 0  # every model judged too large: the engine shortlists S-1
heard = []
roster, out = pt.solve_timefold(
    instance_from_data(generate(*SHORTLIST_ARGS), "S-1"), 8, lambda t, cost: heard.append([t, cost]), shortlist=True
)
print(json.dumps({
    "sessions": [
        [s.id, s.pinned, [d.id for d in s.allowed], id(s.allowed), s.at.site, s.at.to, id(s.at.to), id(s.at),
         [s.at.day, s.at.period, s.at.cap_key, s.at.cap_left]]
        for s in plan.sessions
    ],
    "doctors": [[d.id, d.to_site, d.back] for d in plan.doctors],
    "out": out,
    "heard": heard,
    "roster": None if roster is None else roster.model_dump(mode="json"),
}))
"""


@pytest.fixture(scope="module")
def child() -> dict[str, Any]:
    """One child process for both tests: starting the JVM and translating the domain is most of
    their time."""
    code = CHILD.replace("PLAN_ARGS", repr(PLAN_ARGS)).replace("SHORTLIST_ARGS", repr(SHORTLIST_ARGS))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "benchmarks")]))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_plan_shares_value_ranges_and_keeps_them(child: dict[str, Any]) -> None:
    """Every slot's value range is its prepared candidates, in their order; slots with the same
    candidates share one list (one conversion to Java), so there are as many lists as
    candidate sets; the commitments' range is their specialist; every travel row holds the
    instance's minutes; sessions at one site in one period of one day, holding the same
    resource, share one Place, which holds their day, period, site and capacity left."""
    prep = prepare(instance_from_data(generate(*PLAN_ARGS), "plan"))
    candidates: dict[tuple[str, int, str], list[str]] = {}
    for cand in prep.candidates:
        candidates.setdefault((cand.demand, cand.day, prep.period_ids[cand.period]), []).append(cand.specialist)
    plan = child
    slots = [row for row in plan["sessions"] if not row[1]]
    lists: dict[tuple[str, ...], set[int]] = {}
    for key, _, allowed, list_id, *_ in slots:
        demand, day, period, _copy = key.split("|")
        assert allowed == candidates[(demand, int(day), period)]
        lists.setdefault(tuple(allowed), set()).add(list_id)
    assert len(lists) < len(slots), "no two slots share candidates: nothing to share"
    assert all(len(ids) == 1 for ids in lists.values())  # one list per candidate set...
    assert len({row[3] for row in slots}) == len(lists)  # ...and each set its own
    commitments = [row for row in plan["sessions"] if row[1]]
    assert len(commitments) == len(prep.commitment_at) > 0
    assert all(row[2] == [row[0].split("|")[1]] for row in commitments)
    sites = [s.id for s in prep.instance.sites]
    home = {s.id: s.home for s in prep.instance.specialists}
    for spec, to_site, back in plan["doctors"]:
        assert to_site == [prep.travel.get((home[spec], b), 0) for b in sites]
        assert back == [prep.travel.get((b, home[spec]), 0) for b in sites]
    for row in plan["sessions"]:
        assert row[5] == [prep.travel.get((sites[row[4]], b), 0) for b in sites]
    assert len({row[6] for row in plan["sessions"]}) <= len(sites)  # one `to` row per site
    places: dict[tuple[str, int, str, str | None], set[int]] = {}
    for key, pinned, _, _, site, _, _, place_id, (day, period, cap_key, cap_left) in plan["sessions"]:
        if pinned:
            _, spec, t, p = key.split("|")
            assert (day, period, sites[site]) == (int(t), int(p), prep.commitment_at[(spec, day, period)].site)
            resource = None
        else:
            demand, t, period_id, _ = key.split("|")
            assert (day, prep.period_ids[period]) == (int(t), period_id)
            assert sites[site] == prep.demands[demand].site
            resource = prep.demands[demand].resource
        assert cap_key == (None if resource is None else f"{sites[site]}|{resource}|{day}|{period}")
        if resource is not None:
            fixed = sum(
                1
                for (_, ct, cp), com in prep.commitment_at.items()
                if (ct, cp, com.site, com.resource) == (day, period, sites[site], resource)
            )
            assert cap_left == max(0, prep.capacity.get((sites[site], resource), 0) - fixed)
        places.setdefault((sites[site], day, str(period), resource), set()).add(place_id)
    assert len(places) < len(plan["sessions"]), "no two sessions at one place: nothing to share"
    assert all(len(ids) == 1 for ids in places.values())  # one Place per (site, day, period, resource)


def test_shortlist_is_a_restricted_model_with_a_checked_roster(child: dict[str, Any]) -> None:
    """S-1 with every model judged too large (as tests/test_peers_restricted.py does): the
    peer offers Timefold the engine's shortlist, says so in its status, and its roster
    passes the checker with the checker's objective equal to Timefold's."""
    out = child["out"]
    assert out["restricted"] is not None and "specialist-demand pairs" in out["restricted"]
    assert out["status"].endswith(" (restricted model)")
    assert child["roster"] is not None, out
    instance = instance_from_data(generate(*SHORTLIST_ARGS), "S-1")
    report = check_roster(instance, roster_from_data(child["roster"]))
    assert report.violations == []
    assert out["status"] == "feasible (restricted model)"
    assert report.objective == out["solver_objective"] >= 43544  # S-1's proven optimum
    # the timeline's last roster is the one returned, at its own cost (not the score of a move
    # Timefold tried last), and it never rises
    costs = [cost for _, cost in child["heard"]]
    assert costs and costs[-1] == report.objective
    assert costs == sorted(costs, reverse=True)
