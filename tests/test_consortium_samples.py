"""The sample weeks with the consortium's own work (issue 4): the Anzhen week's Dachang green
channel and local cardiologists, the Ruijin week's stroke channel from Anting and teaching at
Anting and Nanxiang. Optima measured with this code and pinned, each term explained.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from support import INSTANCES, REPO, instance, solve_checked

from outreach_opt.io.load import load_instance
from outreach_opt.solve.explain import explain
from outreach_opt.solve.outcome import Status

ANZHEN = INSTANCES / "anzhen-tongzhou-week.yaml"
RUIJIN = INSTANCES / "ruijin-jiading-week.yaml"


def _data(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_anzhen_week_green_channel_and_teaching() -> None:
    """1320 = 1170 driving + 60 for one night + 3 teachers x 30. Before the Chengde weekend it
    was 920 = 830 + 90: two PCI doctors within 30 min of Tongzhou every evening keep Ren and
    Wang near on Monday and Tuesday (Huang is away), so the Dachang cardiologist has two
    teachers, the Yanda electrophysiologist one. Gao Yu's weekend adds exactly 340 driving
    (Chaoyang - Chengde 170 each way) and a night, and changes nothing else: nobody else has
    his skill and he serves nothing else. Without the channel: 1290 (one teacher each). The
    roster lists who the channel can call: at least two every evening."""
    result, _ = solve_checked(load_instance(str(ANZHEN)), workers=2)
    assert result.status is Status.OPTIMAL and result.roster is not None
    assert (result.objective, result.breakdown["travel"], result.breakdown["teaching_continuity"]) == (1320, 1170, 90)
    assert result.breakdown.get("uncovered", 0) == 0
    listing = result.roster.model_extra["on_call"]  # type: ignore[index]
    assert len(listing) == 7 and all(len(slot["within_reach"]) >= 2 for slot in listing)
    data = _data(ANZHEN)
    data.pop("on_call")
    free, _ = solve_checked(instance(data), workers=2)
    assert free.objective == 1290


def test_anzhen_weekend_at_chengde_needs_a_night() -> None:
    """Gao Yu's Saturday and Sunday clinic at Chengde (170 min from Chaoyang, his daily limit
    200): with Chengde's guest room he drives there on Saturday, stays, and drives home on
    Sunday: 340 min and one night (60). Where Chengde allows no stay, a day trip (340 min) is
    over his limit and the four sessions (priority 3) stay uncovered: 920 + 4 x 3000."""
    result, report = solve_checked(load_instance(str(ANZHEN)), workers=2)
    assert result.roster is not None and report is not None
    assert [(s.specialist, s.night.isoformat(), s.site) for s in result.roster.stays] == [
        ("gao-yu", "2025-10-25", "chengde-central")
    ]
    assert result.breakdown["nights_away"] == 60
    assert (
        report.travel_minutes[("gao-yu", dt.date(2025, 10, 25))],
        report.travel_minutes[("gao-yu", dt.date(2025, 10, 26))],
    ) == (170, 170)
    data = _data(ANZHEN)
    chengde = next(s for s in data["sites"] if s["id"] == "chengde-central")  # type: ignore[attr-defined]
    chengde["overnight"] = False
    closed, _ = solve_checked(instance(data), workers=2)
    assert closed.objective == 920 + 4 * 3000 and closed.roster is not None and closed.roster.stays == []


def test_ruijin_week_stroke_channel_and_teaching() -> None:
    """1190 = 1070 driving + 4 teachers x 30: Anting's neurologist needs Song and Jiang (three
    neurology sessions, two outreach sessions each at most), the GI surgeon Xu, the Nanxiang
    urologist one urologist (on a course Mon-Tue, taught later in the week). The stroke
    channel holds at no cost; with Song away on Thursday too (Jiang is off then), nobody can
    be within 20 min of Anting and explain says so. (Driving was 945 before the remote GI
    operation: see test_ruijin_remote_surgery_centre for the 125 minutes it adds.)"""
    result, _ = solve_checked(load_instance(str(RUIJIN)), workers=2)
    assert result.status is Status.OPTIMAL
    assert (result.objective, result.breakdown["travel"], result.breakdown["teaching_continuity"]) == (1190, 1070, 120)
    assert result.breakdown.get("teaching_target", 0) == 0
    data = _data(RUIJIN)
    song = next(s for s in data["specialists"] if s["id"] == "song-kai")  # type: ignore[attr-defined]
    song["unavailable"] = [{"date": "2025-11-06"}]
    answer = explain(instance(data), time_limit=10)
    assert not answer.feasible and answer.rules == {"on_call_reach"}
    assert "Thu 2025-11-06" in answer.conflicts[0].when


def test_bundled_demo_is_the_anzhen_sample() -> None:
    """`solve` without an instance solves the packaged copy: it must be the sample itself."""
    demo = REPO / "outreach_opt" / "demo" / "anzhen-tongzhou-week.yaml"
    assert demo.read_bytes() == ANZHEN.read_bytes()


def test_solve_prints_who_is_on_call() -> None:
    """`solve` of the Ruijin week prints the green channel slot by slot, as the checker derives
    it: on Thursday (Jiang is off) Song Kai alone is within reach of Anting."""
    from click.testing import CliRunner

    from outreach_opt.cli.main import main

    result = CliRunner().invoke(main, ["solve", str(RUIJIN), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "On call: who is within reach" in result.stdout
    thursday = [line for line in result.stdout.splitlines() if "Thu 11-06" in line and "Stroke green" in line]
    assert len(thursday) == 2 and all("Song Kai" in line and "Jiang" not in line for line in thursday)


def test_ruijin_remote_surgery_centre() -> None:
    """The five remote operations are given from the main campus's consoles (rule
    console_site): four by surgeons based there, the GI one by Xu, based at Jiading, who
    drives 60 min each way to a console (Jiading has a robot, no console). That adds 125
    minutes against the week without it (945 -> 1070): Xu's own day at the console (120),
    and his second outreach session, spent there, no longer joins the Nanxiang ward round to
    his Anting teaching (65 -> 40 for Anting alone, -25), so Gu adds the round to his Jiading
    list (120 -> 150, +30). Without a link from the main campus to Boao its operation cannot
    happen: 1000 x priority 4 more."""
    result, report = solve_checked(load_instance(str(RUIJIN)), workers=2)
    assert result.roster is not None and report is not None
    remote = [a for a in result.roster.assignments if a.activity == "remote_surgery"]
    assert len(remote) == 5 and {a.site for a in remote} == {"ruijin-main"}
    (xu,) = [a for a in remote if a.specialist == "xu-jun"]
    assert report.travel_minutes[("xu-jun", xu.date)] == 120 and result.breakdown["travel"] == 1070
    data = _data(RUIJIN)
    data["remote_links"] = [link for link in data["remote_links"] if "boao" not in link]  # type: ignore[attr-defined]
    cut, _ = solve_checked(instance(data), workers=2)
    assert cut.objective == 1190 + 4000
