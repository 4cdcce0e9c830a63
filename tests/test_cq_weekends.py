"""benchmarks/cq_weekends.py's account of uncovered sessions against the weekends allowed, on
hand-made rosters of Curtois & Qu Instance1 (14 days from a Monday, eight people, one shift,
each allowed one weekend). The account alone, never a solve."""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

from support import REPO, SHARED

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.curtois_qu import START, load_curtois_qu

_spec = importlib.util.spec_from_file_location("cq_weekends", REPO / "benchmarks" / "cq_weekends.py")
assert _spec is not None and _spec.loader is not None
cq_weekends: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cq_weekends)

INSTANCE = load_curtois_qu(str(SHARED / "benchmarks" / "curtois-qu" / "Instance1.txt"))


def _on(day: int) -> Assignment:
    """Person A serving the cover demand of `day`."""
    date = START + dt.timedelta(days=day)
    demand = next(d for d in INSTANCE.demands if d.dates == [date])
    site, activity, period = demand.site, demand.activity, demand.periods[0]
    return Assignment(specialist="A", date=date, period=period, site=site, activity=activity, demand=demand.id)


def test_an_empty_roster_leaves_every_session_uncovered_and_no_weekend_worked() -> None:
    account = cq_weekends.weekend_account(INSTANCE, Roster(instance="Instance1", assignments=[]))
    asked = sum(d.sessions.min for d in INSTANCE.demands)
    weekend = sum(d.sessions.min for d in INSTANCE.demands if d.dates and d.dates[0].weekday() >= 5)
    assert weekend > 0
    assert account["uncovered weekdays"] + account["uncovered weekends"] == asked
    assert account["uncovered weekends"] == account["weekend asked"] == weekend
    assert account["weekend days allowed"] == 2 * len(INSTANCE.specialists)  # one weekend each
    assert account["weekends worked"] == account["lone weekend days"] == 0


def test_a_saturday_alone_spends_the_weekend_for_half_of_it() -> None:
    empty = cq_weekends.weekend_account(INSTANCE, Roster(instance="Instance1", assignments=[]))
    alone = cq_weekends.weekend_account(INSTANCE, Roster(instance="Instance1", assignments=[_on(5)]))
    assert alone["weekends worked"] == 1 and alone["lone weekend days"] == 1
    assert alone["uncovered weekends"] == empty["uncovered weekends"] - 1
    # the checker's `uncovered` term prices the same shortfall (every cover line of Instance1 at 100)
    assert {d.priority for d in INSTANCE.demands if d.sessions.min} == {100}
    shortfall = alone["uncovered weekdays"] + alone["uncovered weekends"]
    report = check_roster(INSTANCE, Roster(instance="Instance1", assignments=[_on(5)]))
    assert report.breakdown["uncovered"] == 100 * shortfall
    both = cq_weekends.weekend_account(INSTANCE, Roster(instance="Instance1", assignments=[_on(5), _on(6)]))
    assert both["weekends worked"] == 1 and both["lone weekend days"] == 0
    weekday = cq_weekends.weekend_account(INSTANCE, Roster(instance="Instance1", assignments=[_on(2)]))
    assert weekday["uncovered weekdays"] == empty["uncovered weekdays"] - 1 and weekday["weekends worked"] == 0


def test_a_lone_day_of_someone_with_weekends_to_spare_is_not_counted() -> None:
    """A Saturday alone counts only when it spends the person's last weekend: allowed both
    weekends, A could still work a whole one."""
    people = [s.model_copy(update={"max_weekends": 2}) if s.id == "A" else s for s in INSTANCE.specialists]
    spare = INSTANCE.model_copy(update={"specialists": people})
    account = cq_weekends.weekend_account(spare, Roster(instance="Instance1", assignments=[_on(5)]))
    assert account["weekends worked"] == 1 and account["lone weekend days"] == 0
    assert account["weekend days allowed"] == 2 * len(INSTANCE.specialists) + 2
