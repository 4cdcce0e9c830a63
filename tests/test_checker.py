"""The independent checker against rosters worked out by hand.

The valid roster below is checked rule by rule in comments; each broken roster changes it as
little as possible so that exactly one rule fires, and the comments redo the arithmetic that
shows no other rule is touched.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_opt.check.checker import RULE_CHECKS, RULE_TITLES, RULES, CheckReport, check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import instance_from_data, load_instance

EXAMPLE = Path(__file__).parents[2] / "shared" / "format" / "example-instance.yaml"
CHECK_PACKAGE = Path(__file__).parents[1] / "outreach_opt" / "check"

MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2025, 10, 20) + dt.timedelta(days=i) for i in range(7))
CHAOYANG, TONGZHOU = "anzhen-chaoyang", "anzhen-tongzhou"
DACHANG, SANHE, XIANGHE = "dachang-peoples", "sanhe-yanda", "xianghe-peoples"


def duty(specialist: str, date: dt.date, period: str, site: str, activity: str) -> Assignment:
    return Assignment(specialist=specialist, date=date, period=period, site=site, activity=activity, commitment=True)


def serve(specialist: str, date: dt.date, period: str, site: str, activity: str, demand: str) -> Assignment:
    return Assignment(specialist=specialist, date=date, period=period, site=site, activity=activity, demand=demand)


# The example's seven commitments over its one week. Li Wei's leave (Wed) and Zhang Min's
# (Sat am, pm) fall on days without their commitments, so none is cancelled.
COMMITMENTS = [
    duty("ren-yanlong", MON, "am", TONGZHOU, "clinic"),
    duty("ren-yanlong", WED, "pm", TONGZHOU, "clinic"),
    duty("ren-yanlong", THU, "am", TONGZHOU, "surgery"),
    duty("li-wei", TUE, "am", CHAOYANG, "surgery"),
    duty("li-wei", FRI, "am", CHAOYANG, "clinic"),
    duty("zhang-min", TUE, "pm", TONGZHOU, "clinic"),
    duty("wang-jing", MON, "pm", TONGZHOU, "surgery"),
]
REN_MON_EVE = serve("ren-yanlong", MON, "eve", DACHANG, "surgery", "dachang-pci-evenings")
WANG_TUE_EVE = serve("wang-jing", TUE, "eve", DACHANG, "surgery", "dachang-pci-evenings")
REN_FRI_SANHE = serve("ren-yanlong", FRI, "am", SANHE, "clinic", "sanhe-clinic")
DEMANDS = [
    REN_MON_EVE,
    WANG_TUE_EVE,
    serve("zhang-min", MON, "am", SANHE, "clinic", "sanhe-clinic"),
    serve("zhang-min", THU, "am", XIANGHE, "clinic", "xianghe-clinic"),
    REN_FRI_SANHE,
]
VALID = COMMITMENTS + DEMANDS

# Travel of the valid roster, home to home (everyone's commitments are at home: 0 min):
#   Ren Yanlong Mon:  Tongzhou -> Dachang 40, back 40         = 80
#   Ren Yanlong Fri:  Tongzhou -> Sanhe 30, back 30           = 60
#   Zhang Min Mon:    Tongzhou -> Sanhe 30, back 30           = 60
#   Zhang Min Thu:    Tongzhou -> Xianghe 50, back 50         = 100
#   Wang Jing Tue:    Tongzhou -> Dachang 40, back 40         = 80
#   total 380 min x weight 1                                  = 380
# Coverage: dachang-pci-evenings 2 of min 2, sanhe-clinic 2 of min 2, xianghe-clinic 1 of
# min 1; dachang-weekend-clinic 0 of min 1: 1 session x priority 5 x 1000 = 5000.
VALID_TRAVEL = {
    ("ren-yanlong", MON): 80,
    ("ren-yanlong", WED): 0,
    ("ren-yanlong", THU): 0,
    ("ren-yanlong", FRI): 60,
    ("li-wei", TUE): 0,
    ("li-wei", FRI): 0,
    ("zhang-min", MON): 60,
    ("zhang-min", TUE): 0,
    ("zhang-min", THU): 100,
    ("wang-jing", MON): 0,
    ("wang-jing", TUE): 80,
}
VALID_OBJECTIVE = 5000 + 380
NO_SHARING = {"preferences": 0, "fairness_max": 0, "fairness_deviation": 0, "continuity": 0, "non_preferred": 0}
NO_SHARING["surplus"] = 0
NO_SHARING |= {"on_call_shortfall": 0, "teaching_continuity": 0, "teaching_target": 0}  # consortium terms
NO_SHARING |= {"nights_away": 0}  # no stays
"""The example weighs none of the sharing terms, nor surplus, nor the consortium's: they are present and 0."""


@pytest.fixture(scope="module")
def example() -> Instance:
    return load_instance(str(EXAMPLE))


def example_data() -> dict[str, Any]:
    """The example as plain data, for tests that need to change one field of the instance."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def check(instance: Instance, assignments: list[Assignment]) -> CheckReport:
    return check_roster(instance, Roster(instance=instance.name, assignments=assignments))


def rules_of(report: CheckReport) -> set[str]:
    return {v.rule for v in report.violations}


def without(assignments: list[Assignment], *dropped: Assignment) -> list[Assignment]:
    return [a for a in assignments if a not in dropped]


def test_rule_vocabulary_is_complete() -> None:
    """Every rule id has a title and a check, in the contract's order, so nothing is skipped."""
    assert RULES[0] == "known_ids"
    assert tuple(RULE_TITLES) == RULES
    assert tuple(RULE_CHECKS) == RULES
    assert RULE_TITLES["one_place"] == "one place at a time"


def test_checker_never_imports_the_solver() -> None:
    """The checker judges the solver; sharing its code (or OR-Tools) would let a bug hide."""
    for path in CHECK_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("ortools", "outreach_opt.solve")), f"{path.name} imports {name}"


def test_valid_roster_passes_with_hand_computed_objective(example: Instance) -> None:
    """The baseline every broken roster starts from must pass, at the cost worked out above."""
    report = check(example, VALID)
    assert report.ok, [v.message for v in report.violations]
    assert report.objective == VALID_OBJECTIVE == 5380
    assert report.breakdown == {"uncovered": 5000, "travel": 380, "requests": 0, **NO_SHARING}
    assert report.uncovered == {("dachang-weekend-clinic", 0): 1}
    assert report.travel_minutes == VALID_TRAVEL


def test_known_ids_unknown_specialist_is_reported_and_left_out(example: Instance) -> None:
    """A misspelt id is reported with a suggestion and ignored elsewhere: cost stays 5380."""
    typo = serve("ren-yanlog", SAT, "am", DACHANG, "clinic", "dachang-weekend-clinic")
    report = check(example, [*VALID, typo])
    assert rules_of(report) == {"known_ids"}
    (violation,) = report.violations
    assert "'ren-yanlog'" in violation.message
    assert "did you mean 'ren-yanlong'?" in violation.message
    assert violation.specialist is None  # an unknown id is not passed on as if it were one
    # Had it counted, the weekend clinic would be covered and the cost 5000 lower.
    assert report.objective == 5380


def test_garbage_roster_does_not_raise(example: Instance) -> None:
    """Hand-edited nonsense gets known_ids violations, never an exception."""
    garbage = [
        Assignment(specialist="nobody", date=MON, period="noon", site="mars", activity="?"),
        Assignment(
            specialist="li-wei",
            date=MON,
            period="am",
            site=CHAOYANG,
            activity="clinic",
            demand="xianghe-clinic",
            commitment=True,
        ),
        serve("li-wei", MON, "am", XIANGHE, "clinic", "no-such-demand"),
        serve("li-wei", dt.date(2025, 11, 3), "am", XIANGHE, "clinic", "xianghe-clinic"),
    ]
    report = check(example, [*VALID, *garbage])
    assert rules_of(report) == {"known_ids"}
    # One violation per bad assignment, listing all its problems.
    assert len(report.violations) == 4
    first = next(v for v in report.violations if "'nobody'" in v.message)
    for problem in ("specialist 'nobody'", "site 'mars'", "period 'noon'", "neither a demand nor"):
        assert problem in first.message
    assert any("Li Wei" in v.message and "outside the horizon" in v.message for v in report.violations)
    assert report.objective == VALID_OBJECTIVE

    alone = check(example, garbage)
    # With nothing usable, all 7 commitment days are missing too, and every demand's minimum
    # is uncovered in the example's only week: dachang-pci-evenings 2 x 10 x 1000 = 20000,
    # dachang-weekend-clinic 1 x 5 x 1000 = 5000, sanhe-clinic 2 x 4 x 1000 = 8000,
    # xianghe-clinic 1 x 3 x 1000 = 3000; total 36000.
    assert rules_of(alone) == {"known_ids", "commitments"}
    assert sum(v.rule == "commitments" for v in alone.violations) == 7
    assert alone.objective == 36000
    assert alone.breakdown == {"uncovered": 36000, "travel": 0, "requests": 0, **NO_SHARING}
    assert alone.travel_minutes == {}


def test_one_place(example: Instance) -> None:
    """Ren Yanlong also booked at Xianghe during his Monday morning clinic.

    Nothing else fires: Xianghe has 2 sessions (max 2), Ren's outreach is 3 (max 4); the day,
    in period then site order, is Tongzhou, Xianghe, Dachang: 0 + 50 + 35 + 40 = 125 <= 180.
    """
    double = serve("ren-yanlong", MON, "am", XIANGHE, "clinic", "xianghe-clinic")
    report = check(example, [*VALID, double])
    assert rules_of(report) == {"one_place"}
    (violation,) = report.violations
    assert "Ren Yanlong" in violation.message
    assert "Mon 2025-10-20 am" in violation.message
    assert (violation.specialist, violation.date, violation.period) == ("ren-yanlong", MON, "am")


def test_commitments_missing(example: Instance) -> None:
    """Li Wei's Friday clinic dropped from the roster: the duty holds every week."""
    dropped = duty("li-wei", FRI, "am", CHAOYANG, "clinic")
    report = check(example, without(VALID, dropped))
    assert rules_of(report) == {"commitments"}
    (violation,) = report.violations
    assert "Li Wei" in violation.message
    assert "missing on Fri 2025-10-24" in violation.message


def test_commitments_no_such_commitment(example: Instance) -> None:
    """A 'commitment' the instance does not have is an invented duty, not a free session.

    Wang Jing gets a Thursday morning clinic at home: 3 sessions that week, no travel, and
    nothing on Wednesday to cut his rest (a Wednesday would: home 23:10 from Tuesday's PCI).
    """
    invented = duty("wang-jing", THU, "am", TONGZHOU, "clinic")
    report = check(example, [*VALID, invented])
    assert rules_of(report) == {"commitments"}
    (violation,) = report.violations
    assert "Wang Jing" in violation.message
    assert "no such commitment" in violation.message


def test_commitments_wrong_site_is_one_violation(example: Instance) -> None:
    """Ren Yanlong's Monday clinic moved to the main campus: one message naming both places.

    The main campus adds 50 + 50 min on Monday (Chaoyang -> Dachang is 80: the day becomes
    Tongzhou -> Chaoyang 50 -> Dachang 80 -> Tongzhou 40 = 170 <= 180), so travel is fine.
    """
    moved = duty("ren-yanlong", MON, "am", CHAOYANG, "clinic")
    assignments = [moved if a == COMMITMENTS[0] else a for a in VALID]
    report = check(example, assignments)
    assert rules_of(report) == {"commitments"}
    (violation,) = report.violations
    assert "Ren Yanlong" in violation.message
    assert "Beijing Anzhen Hospital, main campus" in violation.message
    assert "Beijing Anzhen Hospital, Tongzhou campus" in violation.message


def test_unavailability_whole_day(example: Instance) -> None:
    """Li Wei rostered at Xianghe on his day off.

    Otherwise fine: Xianghe 2 sessions (max 2), Li's outreach 1 (max 2), his day 90 + 90 =
    180 <= 200, rest from Tuesday: (08:00 - 90 min + 24 h) - 12:00 = 1110 >= 600.
    """
    on_leave = serve("li-wei", WED, "am", XIANGHE, "clinic", "xianghe-clinic")
    report = check(example, [*VALID, on_leave])
    assert rules_of(report) == {"unavailability"}
    (violation,) = report.violations
    assert "Li Wei" in violation.message
    assert "the whole day" in violation.message
    assert violation.date == WED


def test_unavailability_listed_periods(example: Instance) -> None:
    """Zhang Min is off on Saturday morning and afternoon only; the morning is what is named.

    Otherwise fine: Xianghe 2 sessions, Zhang's outreach 3 (max 4), 50 + 50 = 100 <= 150.
    """
    on_leave = serve("zhang-min", SAT, "am", XIANGHE, "clinic", "xianghe-clinic")
    report = check(example, [*VALID, on_leave])
    assert rules_of(report) == {"unavailability"}
    (violation,) = report.violations
    assert "Zhang Min" in violation.message
    assert "(am, pm)" in violation.message


def test_demand_fit_missing_skill(example: Instance) -> None:
    """Zhang Min takes Wang Jing's Tuesday PCI evening without the pci skill.

    Her Tuesday: pm at Tongzhou ends 17:00, + 40 min = 17:40 <= 19:00; 40 + 40 = 80 <= 150;
    no session on Wednesday, so no rest question; outreach 3 (max 4).
    """
    swapped = serve("zhang-min", TUE, "eve", DACHANG, "surgery", "dachang-pci-evenings")
    assignments = [swapped if a == WANG_TUE_EVE else a for a in VALID]
    report = check(example, assignments)
    assert rules_of(report) == {"demand_fit"}
    (violation,) = report.violations
    assert "Zhang Min lacks the skill pci" in violation.message


def test_demand_fit_lists_every_misfit(example: Instance) -> None:
    """One wrong assignment gets one message with all its reasons, so one edit fixes it.

    Ren's Friday Sanhe clinic rewritten to Sunday evening surgery at Xianghe: wrong site,
    activity, day and period. Xianghe has 1 clinic room in use of 2; 50 + 50 = 100 <= 180;
    nothing on Saturday, so no rest question.
    """
    misfit = serve("ren-yanlong", SUN, "eve", XIANGHE, "surgery", "sanhe-clinic")
    assignments = [misfit if a == REN_FRI_SANHE else a for a in VALID]
    report = check(example, assignments)
    assert rules_of(report) == {"demand_fit"}
    (violation,) = report.violations
    assert "Ren Yanlong" in violation.message
    for reason in ("is at Xianghe", "asks for clinic", "only on Mon, Tue, Wed, Thu, Fri, Sat", "only in am, pm"):
        assert reason in violation.message
    # The misfit still counts as serving sanhe-clinic (its violation is reported on its own),
    # so coverage is unchanged; Ren's Sunday (100 min) replaces his Friday (60): 5380 + 40.
    assert report.objective == 5420


def test_demand_max(example: Instance) -> None:
    """Wang Jing adds a third PCI evening at Dachang in a week that takes two.

    Wang: 40 + 40 = 80 min; rest after Tuesday's evening: (19:00 - 40 min + 24 h) - (22:30 +
    40 min) = 1150 >= 600; outreach 2 (max 3); the cath lab is free on Wednesday evening.
    """
    third = serve("wang-jing", WED, "eve", DACHANG, "surgery", "dachang-pci-evenings")
    report = check(example, [*VALID, third])
    assert rules_of(report) == {"demand_max"}
    (violation,) = report.violations
    assert "Wang Jing" in violation.message and "Ren Yanlong" in violation.message
    assert "at most 2 sessions" in violation.message
    assert violation.date == MON  # the week's first date


def test_capacity(example: Instance) -> None:
    """Wang Jing's PCI evening moved to Monday, when Ren Yanlong has Dachang's one cath lab.

    Still 2 PCI evenings in the week (max 2). Wang's Monday: pm at Tongzhou ends 17:00 + 40
    = 17:40 <= 19:00, 40 + 40 = 80 <= 180; nothing on Tuesday any more.
    """
    moved = serve("wang-jing", MON, "eve", DACHANG, "surgery", "dachang-pci-evenings")
    assignments = [moved if a == WANG_TUE_EVE else a for a in VALID]
    report = check(example, assignments)
    assert rules_of(report) == {"capacity"}
    (violation,) = report.violations
    assert "Ren Yanlong" in violation.message and "Wang Jing" in violation.message
    assert "has 1 cath_lab" in violation.message
    assert (violation.site, violation.date, violation.period) == (DACHANG, MON, "eve")


def test_daily_travel(example: Instance) -> None:
    """Li Wei does Xianghe in the morning and Dachang's weekend clinic in the afternoon.

    Chaoyang -> Xianghe 90 + Xianghe -> Dachang 35 + Dachang -> Chaoyang 80 = 205 > 200.
    Otherwise fine: 12:00 + 35 min <= 13:30; outreach 2 (max 2); rest after Friday's
    morning at home: (08:00 - 90 min + 24 h) - 12:00 = 1110 >= 600; Xianghe 2 of max 2.
    Covering the weekend clinic saves 5000: 380 + 205 = 585.
    """
    saturday = [
        serve("li-wei", SAT, "am", XIANGHE, "clinic", "xianghe-clinic"),
        serve("li-wei", SAT, "pm", DACHANG, "clinic", "dachang-weekend-clinic"),
    ]
    report = check(example, [*VALID, *saturday])
    assert rules_of(report) == {"daily_travel"}
    (violation,) = report.violations
    assert "Li Wei drives 205 min on Sat 2025-10-25" in violation.message
    assert "limit of 200 min" in violation.message
    assert report.objective == 585
    assert report.travel_minutes[("li-wei", SAT)] == 205


def test_rest(example: Instance) -> None:
    """Ren Yanlong's PCI evening moved from Monday to Wednesday, before his Thursday surgery.

    Home at 22:30 + 40 min = 23:10; leaves Thursday at 08:00 (home site, 0 min):
    (480 + 1440) - 1390 = 530 < 600. Wednesday itself: 17:00 + 40 <= 19:00, 40 + 40 = 80.
    """
    moved = serve("ren-yanlong", WED, "eve", DACHANG, "surgery", "dachang-pci-evenings")
    assignments = [moved if a == REN_MON_EVE else a for a in VALID]
    report = check(example, assignments)
    assert rules_of(report) == {"rest"}
    (violation,) = report.violations
    assert "Ren Yanlong gets 530 min of rest before Thu 2025-10-23" in violation.message
    assert "home at 23:10" in violation.message


def test_weekly_sessions() -> None:
    """With a limit of 4 a week, Ren Yanlong's 3 commitments and 2 outreach sessions are 5."""
    data = example_data()
    data["specialists"][0]["max_sessions_per_week"] = 4
    report = check(instance_from_data(data), VALID)
    assert rules_of(report) == {"weekly_sessions"}
    (violation,) = report.violations
    assert "Ren Yanlong has 5 sessions" in violation.message


def test_weekly_outreach(example: Instance) -> None:
    """Li Wei given three outreach mornings against a limit of two.

    Each day alone is fine: Sanhe 60 + 60, Xianghe 90 + 90 = 180, Dachang 80 + 80 = 160
    (max 200). Rest before Tue and Fri commitments at home: (08:00 + 24 h) - (12:00 + 60 or
    90 min) >= 1110; before Sat: (08:00 - 80 min + 24 h) - 12:00 = 1120. Counts: Sanhe 3 of
    max 3, Xianghe 2 of 2, weekend clinic 1 of 1; rooms: Sanhe 2 of 3, Xianghe 2 of 2.
    """
    outreach = [
        serve("li-wei", MON, "am", SANHE, "clinic", "sanhe-clinic"),
        serve("li-wei", THU, "am", XIANGHE, "clinic", "xianghe-clinic"),
        serve("li-wei", SAT, "am", DACHANG, "clinic", "dachang-weekend-clinic"),
    ]
    report = check(example, [*VALID, *outreach])
    assert rules_of(report) == {"weekly_outreach"}
    (violation,) = report.violations
    assert "Li Wei has 3 sessions away from Beijing Anzhen Hospital, main campus" in violation.message


def test_violations_are_ordered_by_rule_then_specialist(example: Instance) -> None:
    """Reports and tests compare lists, so the order must not depend on the roster's order."""
    broken = [
        *without(VALID, duty("li-wei", FRI, "am", CHAOYANG, "clinic"), COMMITMENTS[0]),
        serve("li-wei", WED, "am", XIANGHE, "clinic", "xianghe-clinic"),
    ]
    forwards = check(example, broken).violations
    backwards = check(example, broken[::-1]).violations
    assert forwards == backwards
    assert [(v.rule, v.specialist) for v in forwards] == [
        ("commitments", "li-wei"),
        ("commitments", "ren-yanlong"),
        ("unavailability", "li-wei"),
    ]


# --- small instances built in code, for what the example cannot show -----------------------


def small_data() -> dict[str, Any]:
    """One specialist, a home hospital and a clinic 90 min away; an hour between am and pm."""
    return {
        "name": "small",
        "horizon": {"start": "2025-10-20", "days": 7},
        "periods": [
            {"id": "am", "start": "08:00", "end": "12:00"},
            {"id": "pm", "start": "13:00", "end": "17:00"},
            {"id": "eve", "start": "18:00", "end": "21:00"},
        ],
        "sites": [
            {"id": "home", "name": "Home Hospital", "resources": {"room": 2}},
            {"id": "far", "name": "Far Clinic", "resources": {"room": 1}},
        ],
        "travel": [["home", "far", 90]],
        "specialists": [{"id": "dr-a", "name": "Doctor A", "home": "home", "skills": ["clinic"]}],
        "commitments": [{"specialist": "dr-a", "day": "mon", "period": "am", "site": "home", "activity": "clinic"}],
        "demands": [
            {
                "id": "far-clinic",
                "site": "far",
                "activity": "clinic",
                "skills": ["clinic"],
                "sessions": {"min": 1, "max": 2},
                "resource": "room",
            }
        ],
    }


MON_AM_HOME = duty("dr-a", MON, "am", "home", "clinic")


def test_travel_between() -> None:
    """Doctor A's morning ends at 12:00 at home and the afternoon at Far Clinic starts 13:00.

    The drive is 90 min, so 30 min short. No daily limit, a single day, far-clinic covered:
    the objective is the 90 + 90 = 180 min driven.
    """
    instance = instance_from_data(small_data())
    report = check(instance, [MON_AM_HOME, serve("dr-a", MON, "pm", "far", "clinic", "far-clinic")])
    assert rules_of(report) == {"travel_between"}
    (violation,) = report.violations
    assert "Doctor A" in violation.message
    assert "60 min later, but the drive takes 90 min (30 min short)" in violation.message
    assert report.objective == 180


def test_travel_between_checks_every_pair_not_only_neighbours() -> None:
    """The contract compares every two sessions of a day, which matters when a road is bad.

    Home-Mid 10 and Mid-Far 10 min, but Home-Far 500 min. am at Home, pm at Mid, eve at Far:
    neighbours pass (12:00 + 10 <= 13:00; 17:00 + 10 <= 18:00), yet am then eve fails:
    12:00 + 500 min > 18:00, a gap of 360 min, 140 short.
    """
    data = small_data()
    data["sites"].append({"id": "mid", "name": "Mid Clinic", "resources": {"room": 1}})
    data["travel"] = [["home", "mid", 10], ["mid", "far", 10], ["home", "far", 500]]
    data["demands"].append({**data["demands"][0], "id": "mid-clinic", "site": "mid"})
    day = [
        MON_AM_HOME,
        serve("dr-a", MON, "pm", "mid", "clinic", "mid-clinic"),
        serve("dr-a", MON, "eve", "far", "clinic", "far-clinic"),
    ]
    report = check(instance_from_data(data), day)
    assert rules_of(report) == {"travel_between"}
    (violation,) = report.violations
    assert (violation.period, violation.site) == ("eve", "far")
    assert "am at Home Hospital ends 12:00" in violation.message
    assert "(140 min short)" in violation.message


def test_leave_cancels_a_commitment() -> None:
    """On leave, the duty lapses: leaving it out is right, and listing it breaks two rules."""
    data = small_data()
    data["specialists"][0]["unavailable"] = [{"date": "2025-10-20", "periods": ["am"]}]
    instance = instance_from_data(data)
    assert check(instance, []).ok

    report = check(instance, [MON_AM_HOME])
    assert rules_of(report) == {"commitments", "unavailability"}
    commitments = next(v for v in report.violations if v.rule == "commitments")
    assert "Doctor A" in commitments.message and "cancels the commitment" in commitments.message


def test_partial_last_week_counts_in_objective() -> None:
    """Ten days are a week and a 3-day block; the block's demand minimum applies in full.

    Week 0 has far-clinic on Tuesday (90 + 90 = 180 min); week 1 (Mon 27 to Wed 29) has
    none: 1 x priority 1 x 1000. Both Mondays carry the commitment at home (0 min).
    """
    data = small_data()
    data["horizon"]["days"] = 10
    instance = instance_from_data(data)
    next_mon = MON + dt.timedelta(days=7)
    assignments = [
        MON_AM_HOME,
        serve("dr-a", TUE, "pm", "far", "clinic", "far-clinic"),
        duty("dr-a", next_mon, "am", "home", "clinic"),
    ]
    report = check(instance, assignments)
    assert report.ok, [v.message for v in report.violations]
    assert report.uncovered == {("far-clinic", 1): 1}
    assert report.travel_minutes == {("dr-a", MON): 0, ("dr-a", TUE): 180, ("dr-a", next_mon): 0}
    assert report.breakdown == {"uncovered": 1000, "travel": 180, "requests": 0, **NO_SHARING}
    assert report.objective == 1180

    missing_second_monday = check(instance, assignments[:2])
    assert [v.date for v in missing_second_monday.violations] == [next_mon]


def test_missing_travel_time_is_reported_not_raised() -> None:
    """A hand edit can send someone where the instance gives no road; report, don't crash.

    Doctor A cannot serve the island's surgery (no skill), so the instance needs no travel
    to it and has none. Both legs, home to island and back, are reported; the day's travel
    counts them as 0.
    """
    data = small_data()
    data["sites"].append({"id": "island", "name": "Island Hospital", "resources": {"room": 1}})
    data["specialists"].append({"id": "dr-b", "name": "Doctor B", "home": "island", "skills": ["surgery"]})
    data["demands"].append(
        {
            "id": "island-surgery",
            "site": "island",
            "activity": "surgery",
            "skills": ["surgery"],
            "sessions": {"min": 0, "max": 1},
        }
    )
    instance = instance_from_data(data)
    stray = serve("dr-a", MON, "pm", "island", "surgery", "island-surgery")
    report = check(instance, [MON_AM_HOME, stray])
    assert rules_of(report) == {"known_ids", "demand_fit"}
    unknown_roads = [v.message for v in report.violations if v.rule == "known_ids"]
    assert len(unknown_roads) == 2
    assert all("Doctor A" in m and "No travel time is known" in m for m in unknown_roads)
    assert report.travel_minutes == {("dr-a", MON): 0}


def test_team_complete_lone_lead() -> None:
    """The PCI evenings become a team list: a lead with pci and an assistant with
    coronary_clinic. Monday: Ren leads and Wang Jing assists (her Monday: pm surgery at
    Tongzhou ends 17:00, + 40 = 17:40 <= 19:00; 40 + 40 = 80 <= 180; nothing Tuesday before
    her evening list; outreach 2, max 3). Tuesday: Wang leads alone.

    Only team_complete fires, once: the two members of Monday share Dachang's one cath lab as
    one session, and one session a day is within max 2. Coverage counts Monday alone, so the
    list is 1 short: 5380 + 10 x 1000 + Wang's Monday drive 80 = 15460."""
    data = example_data()
    pci = next(d for d in data["demands"] if d["id"] == "dachang-pci-evenings")
    pci["skills"] = []
    pci["team"] = [{"role": "lead", "skills": ["pci"]}, {"role": "assistant", "skills": ["coronary_clinic"]}]
    instance = instance_from_data(data)
    lead_mon, lead_tue = (a.model_copy(update={"role": "lead"}) for a in (REN_MON_EVE, WANG_TUE_EVE))
    assistant = serve("wang-jing", MON, "eve", DACHANG, "surgery", "dachang-pci-evenings")
    assignments = [
        *without(VALID, REN_MON_EVE, WANG_TUE_EVE),
        lead_mon,
        assistant.model_copy(update={"role": "assistant"}),
    ]
    baseline = check(instance, assignments)  # Tuesday's list missing altogether: short, not broken
    assert baseline.ok and baseline.objective == 15380  # 15000 uncovered + 380 min, Wang's drive moved to Monday
    report = check(instance, [*assignments, lead_tue])
    assert rules_of(report) == {"team_complete"}
    (violation,) = report.violations
    assert "1 lead, 1 assistant" in violation.message and "Wang Jing (lead)" in violation.message
    assert (violation.date, violation.period, violation.site) == (TUE, "eve", DACHANG)
    assert report.objective == 15460


def test_teleconsultation_from_the_wrong_site() -> None:
    """Xianghe asks for a remote consultation; both Anzhen campuses have a terminal. Zhang Min
    gives it on Wednesday morning from Tongzhou, her home: valid, no driving. Given from the
    Chaoyang campus instead (50 min each way, within her 150) only teleconsultation fires:
    it is given from home, without travel."""
    data = example_data()
    for site in data["sites"]:
        if site["id"] in (CHAOYANG, TONGZHOU):
            site["resources"]["terminal"] = 1
    data["demands"].append(
        {"id": "xianghe-tele", "site": XIANGHE, "activity": "consult", "skills": ["coronary_clinic"],
         "sessions": {"min": 0, "max": 1}, "resource": "terminal", "remote": True}
    )  # fmt: skip
    instance = instance_from_data(data)
    at_home = serve("zhang-min", WED, "am", TONGZHOU, "consult", "xianghe-tele")
    assert check(instance, [*VALID, at_home]).ok
    report = check(instance, [*VALID, at_home.model_copy(update={"site": CHAOYANG})])
    assert rules_of(report) == {"teleconsultation"}
    (violation,) = report.violations
    assert "Zhang Min" in violation.message and "own site" in violation.message


def test_remote_surgery_from_a_site_without_a_console() -> None:
    """Xianghe's robot is operated from a master console at the Chaoyang campus. Zhang Min,
    based at Tongzhou, drives there (50 min each way, within her 150) on Wednesday morning:
    valid, and the drive is counted (100 min that day). From Tongzhou, her home, which has no
    console, console_site fires (and capacity: 0 consoles there)."""
    data = example_data()
    for site in data["sites"]:
        if site["id"] == CHAOYANG:
            site["resources"]["master_console"] = 1
        if site["id"] == XIANGHE:
            site["resources"]["robot"] = 1
    data["demands"].append(
        {"id": "xianghe-robot", "site": XIANGHE, "activity": "remote_surgery", "skills": ["coronary_clinic"],
         "sessions": {"min": 0, "max": 1}, "resource": "master_console", "remote": True,
         "remote_resource": "robot"}
    )  # fmt: skip
    instance = instance_from_data(data)
    at_console = serve("zhang-min", WED, "am", CHAOYANG, "remote_surgery", "xianghe-robot")
    report = check(instance, [*VALID, at_console])
    assert report.ok and report.travel_minutes[("zhang-min", WED)] == 100
    report = check(instance, [*VALID, at_console.model_copy(update={"site": TONGZHOU})])
    assert rules_of(report) == {"console_site", "capacity"}
    (violation,) = [v for v in report.violations if v.rule == "console_site"]
    assert "Zhang Min" in violation.message and "no master_console" in violation.message
