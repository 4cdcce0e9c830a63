"""The checker's lookups against the rules read literally, on many small rosters.

`check_forbidden_successions` tries a rule only when the next day holds its `tomorrow` match,
and `surplus_cost` visits only the (demand, week) pairs with sessions: both to keep a
year-long roster's check fast. Here each is held to the rule written out the slow, obvious way
(every specialist, day and rule; every demand and week), over seeded random rosters.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from support import INSTANCES, MON, base, demand, instance, solve_checked, specialist

from outreach_opt.check.checker import Pricer, check_roster
from outreach_opt.check.context import Context
from outreach_opt.check.cover import asking_weeks, surplus_cost
from outreach_opt.check.workload import check_forbidden_successions
from outreach_opt.domain.instance import SessionMatch
from outreach_opt.domain.roster import Assignment
from outreach_opt.io.load import load_instance

SUCCESSIONS: list[dict[str, Any]] = [
    {"today": {"period": "eve"}, "tomorrow": {"period": "am"}},
    {"today": {"activity": "surgery"}, "tomorrow": {"activity": "clinic"}},
    {"today": {"period": "pm", "activity": "clinic"}, "tomorrow": {"period": "pm", "activity": "surgery"}},
    {"today": {"period": "am"}, "tomorrow": {"activity": "surgery"}, "specialists": ["b"]},
]


def _matches(a: Assignment, match: SessionMatch) -> bool:
    return match.period in (None, a.period) and match.activity in (None, a.activity)


def _literal_successions(ctx: Context, assignments: list[Assignment]) -> Counter[tuple[str, dt.date, str]]:
    """(specialist, date, period) of each broken succession, once per rule: every rule on
    every pair of days; the next day's first matching session in the roster's order."""
    found: Counter[tuple[str, dt.date, str]] = Counter()
    rules = ctx.instance.rules.forbidden_successions
    for rule in rules:
        for sid in rule.specialists if rule.specialists is not None else ctx.specialists:
            for day in ctx.dates:
                today = [a for a in assignments if a.specialist == sid and a.date == day]
                tomorrow = [a for a in assignments if a.specialist == sid and a.date == day + dt.timedelta(days=1)]
                second = next((b for b in tomorrow if _matches(b, rule.tomorrow)), None)
                if any(_matches(a, rule.today) for a in today) and second is not None:
                    found[(sid, second.date, second.period)] += 1
    return found


def test_forbidden_successions_equal_the_rule_read_literally() -> None:
    inst = instance(
        base(
            horizon={"start": MON.isoformat(), "days": 4},
            specialists=[specialist("a"), specialist("b")],
            rules={"min_rest_minutes": 0, "forbidden_successions": SUCCESSIONS},
        )
    )
    ctx = Context.of(inst)
    rng = random.Random(16)
    broken = 0
    for _ in range(300):
        roster = [
            Assignment(
                specialist=rng.choice("ab"),
                date=MON + dt.timedelta(days=rng.randrange(4)),
                period=rng.choice(["am", "pm", "eve"]),
                site="home",
                activity=rng.choice(["clinic", "surgery"]),
                commitment=True,
            )
            for _ in range(rng.randrange(9))
        ]
        found = Counter((v.specialist, v.date, v.period) for v in check_forbidden_successions(ctx, roster))
        expected = _literal_successions(ctx, roster)
        assert found == expected, roster
        broken += bool(expected)
    assert broken > 100  # the rosters do break the rules, often


def test_surplus_equals_every_demand_and_week_read_literally() -> None:
    inst = instance(
        base(
            horizon={"start": MON.isoformat(), "days": 21},
            demands=[
                demand("weekly", surplus_weight=2, sessions={"min": 1, "max": 3}),
                demand("dated", surplus_weight=5, dates=[(MON + dt.timedelta(days=8)).isoformat()]),
                demand("free", surplus_weight=0, sessions={"min": 0, "max": 3}),
            ],
        )
    )
    ctx = Context.of(inst)
    rng = random.Random(16)
    for _ in range(200):
        served: Counter[tuple[str | None, int]] = Counter(
            (rng.choice(["weekly", "dated", "free"]), rng.randrange(3)) for _ in range(rng.randrange(8))
        )
        literal = sum(
            d.surplus_weight * max(0, served[(d.id, week)] - (d.sessions.min if week in asking_weeks(ctx, d) else 0))
            for d in inst.demands
            for week in range(ctx.week_count)
        )
        assert surplus_cost(ctx, served) == literal, served


def test_grouped_days_follow_the_assignments_given_and_stay_the_callers_own() -> None:
    """`Context.grouped` shares one grouping between rules: a different roster of the same
    length (history first, say) gets its own, and a caller changing its copy changes nobody's."""
    ctx = Context.of(instance(base(horizon={"start": MON.isoformat(), "days": 3})))
    monday = [
        Assignment(specialist="a", date=MON, period=p, site="home", activity="clinic", commitment=True)
        for p in ("pm", "am")
    ]
    tuesday = [a.model_copy(update={"date": MON + dt.timedelta(days=1)}) for a in monday]
    first = ctx.by_specialist_day(monday)
    assert [a.period for a in first[("a", MON)]] == ["am", "pm"]
    first[("a", MON)].clear()
    assert [a.period for a in ctx.by_specialist_day(monday)[("a", MON)]] == ["am", "pm"]
    assert list(ctx.by_specialist_day(tuesday)) == [("a", MON + dt.timedelta(days=1))]
    assert list(ctx.by_specialist_day(monday + tuesday)) == [("a", MON), ("a", MON + dt.timedelta(days=1))]


def test_one_pricer_prices_each_roster_as_the_checker_does() -> None:
    """`Pricer` keeps one context, and its memory of each day's driving, over many rosters:
    each must still get exactly the objective and terms `check_roster` gives it alone. Seeded
    rosters of the Anzhen four-week sample solved: its assignments thinned at random, and some
    sessions moved to another site, so that a day's route changes while its specialist and
    date do not."""
    inst = load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml"))
    result, _ = solve_checked(inst, time_limit=5.0)
    assert result.roster is not None
    published = result.roster
    sites = [s.id for s in inst.sites]
    pricer = Pricer(Context.of(inst, (), published.stays))
    rng = random.Random(7)
    moved_days = 0
    for _ in range(40):
        assignments = []
        for a in published.assignments:
            if rng.random() < 0.2:
                continue
            if a.demand is not None and rng.random() < 0.2:
                a = a.model_copy(update={"site": rng.choice(sites)})
                moved_days += 1
            assignments.append(a)
        alone = check_roster(inst, published.model_copy(update={"assignments": assignments}))
        priced = pricer.objective(assignments)
        assert (priced.objective, priced.breakdown) == (alone.objective, alone.breakdown)
    assert moved_days > 100
