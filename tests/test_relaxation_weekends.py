"""The relaxation's weekend capacity (solve/relaxation_weekends.py): a specialist's weekend
sessions fit the weekends `max_weekends` leaves them, one day's sessions its daily limit, and
a hard day off holds none; the bound stays below every optimum.

The hand-worked cases are clinics at home (no driving): without the rows the relaxation covers
them all (bound 0), so each of those tests fails without them."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import UNCOVERED, base, commit_dict, demand, drawn_demands, instance, optimum, solve_checked, specialist
from test_properties import PROPERTY_SETTINGS

from outreach_opt.domain.prepared import prepare
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.relaxation import relaxation
from outreach_opt.solve.relaxation_bound import lower_bound
from outreach_opt.solve.relaxation_weekends import weekend_capacity

TWO_WEEKS = {"start": "2025-10-20", "days": 14}  # Monday 20 October to Sunday 2 November


def _bound(data: dict[str, Any], grouped: bool = False, integral: bool = False) -> int | None:
    return lower_bound(relaxation(instance(data), grouped=grouped), time.perf_counter() + 20, integral=integral)


def _one_weekend_and_a_day_off() -> dict[str, Any]:
    """Two sessions each weekend (am and pm, Saturday or Sunday) for one specialist who may
    work one weekend, one session a day, with a hard day off on the first Sunday: the second
    weekend holds two (one a day), the first one; four are asked, so two stay uncovered."""
    return base(
        horizon=TWO_WEEKS,
        specialists=[specialist("a", max_weekends=1, max_sessions_per_day=1)],
        demands=[demand("w", site="home", days=["sat", "sun"], periods=["am", "pm"], sessions={"min": 2, "max": 2})],
        requests=[{"specialist": "a", "date": "2025-10-26", "want": "off", "hard": True}],
    )


def test_one_allowed_weekend_holds_two_sessions() -> None:
    """Optimum 2 x 1000 (above); the counts alone said each week's two sessions fit."""
    data = _one_weekend_and_a_day_off()
    assert optimum(data) == 2 * UNCOVERED
    assert _bound(data) == 2 * UNCOVERED
    assert _bound(data, integral=True) == 2 * UNCOVERED  # no fairness term: the LP's value is final


def test_the_rows_read_limit_days_and_days_off() -> None:
    """The data of the case above: one weekend at most; the first weekend holds one session
    (its Sunday is off, so the first week's count lies on Saturday alone), the second two."""
    inst = instance(_one_weekend_and_a_day_off())
    prep = prepare(inst)
    relax = relaxation(inst, grouped=False)
    (found,) = weekend_capacity(relax, prep, [[s] for s in inst.specialists], prep.week)
    assert found.limit == 1
    first, second = found.weekends
    assert (first.workers, first.holds, second.workers, second.holds) == (1, 1, 1, 2)
    assert [holds for holds, _ in first.days] == [1] and second.days == []  # week 1's count: Saturday alone
    assert found.closed == [] and found.spanning == []


def test_a_count_on_a_hard_day_off_holds_nothing() -> None:
    """One Saturday session on a date the only specialist has a hard day off: uncovered in
    every roster; the counts' free slots do not know of hard days off."""
    data = base(
        horizon={"start": "2025-10-20", "days": 7},
        demands=[demand("s", site="home", dates=["2025-10-25"], periods=["am"])],
        requests=[{"specialist": "a", "date": "2025-10-25", "want": "off", "hard": True}],
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


def test_a_group_shares_its_members_weekends() -> None:
    """Two alike specialists, one weekend each, one session a day; three sessions asked each
    weekend (am, pm, eve over Saturday and Sunday): each weekend holds two (a member a day),
    a member works one, so four of six are held at most. Grouped or not, 2 x 1000."""
    alike = {"max_weekends": 1, "max_sessions_per_day": 1}
    data = base(
        horizon=TWO_WEEKS,
        specialists=[specialist("a", **alike), specialist("b", **alike)],
        demands=[demand("w", site="home", days=["sat", "sun"], sessions={"min": 3, "max": 3})],
    )
    assert optimum(data) == 2 * UNCOVERED
    assert _bound(data, grouped=False) == 2 * UNCOVERED
    assert _bound(data, grouped=True) == 2 * UNCOVERED


def test_a_weekday_holds_its_daily_limit() -> None:
    """Two sessions of a Monday clinic (am, pm) for one specialist who works one session a
    day: one stays uncovered (1000); the counts alone held both. A weekday's row, with no
    weekend in it (`WeekendCapacity.weekdays`)."""
    data = base(
        specialists=[specialist("a", max_sessions_per_day=1)],
        demands=[demand("m", site="home", periods=["am", "pm"], sessions={"min": 2, "max": 2})],
    )
    assert optimum(data) == UNCOVERED
    assert _bound(data) == UNCOVERED


def test_with_every_weekend_open_a_row_past_its_days_is_kept() -> None:
    """No weekend limit (`max_weekends` unset: `_binding` prunes), one session a day: a
    Saturday clinic asking am and pm each week holds one a week, so its row passes the day's
    capacity and is kept (2 x 1000 over two weeks); a Saturday-or-Sunday clinic asking two a
    week fits its weekend (one a day), so its rows are dropped and nothing is uncovered."""
    short = base(
        horizon=TWO_WEEKS,
        specialists=[specialist("a", max_sessions_per_day=1)],
        demands=[demand("s", site="home", days=["sat"], periods=["am", "pm"], sessions={"min": 2, "max": 2})],
    )
    assert optimum(short) == 2 * UNCOVERED
    assert _bound(short) == 2 * UNCOVERED
    fits = base(
        horizon=TWO_WEEKS,
        specialists=[specialist("a", max_sessions_per_day=1)],
        demands=[demand("w", site="home", days=["sat", "sun"], periods=["am"], sessions={"min": 2, "max": 2})],
    )
    assert relaxation(instance(fits), grouped=False).weekends == []
    assert _bound(fits) == 0


@st.composite
def _weekends(draw: st.DrawFn) -> dict[str, Any]:
    """One to three specialists, 6 to 10 days from a drawn weekday (so a week of counts may
    hold days of two weekends), demands on weekend days, a weekday, or both, at home or near,
    weekend and daily limits now and then, hard days off, unavailability, a weekend
    commitment and fairness (weekend days earn burden points) now and then: small enough to
    prove."""
    periods = ["am", "pm", "eve"]
    days = draw(st.integers(6, 10))
    start = 18 + draw(st.integers(0, 6))  # Saturday 18 October to Friday 24 October 2025
    dates = [f"2025-10-{start + d}" if start + d <= 31 else f"2025-11-0{start + d - 31}" for d in range(days)]
    names = "abc"[: draw(st.integers(1, 3))]
    specialists = [
        specialist(
            name,
            max_weekends=draw(st.sampled_from([None, None, 0, 1, 1, 2])),
            max_sessions_per_day=draw(st.sampled_from([None, 1, 1, 2])),
            unavailable=draw(st.lists(st.builds(lambda day: {"date": day}, st.sampled_from(dates)), max_size=1)),
        )
        for name in names
    ]
    # a weekly weekend commitment only for someone without a weekend limit (it could break
    # it), and no hard day off on its days (it would clash): the instance stays feasible
    committed = "a" if specialists[0].get("max_weekends") is None and draw(st.booleans()) else None
    on = draw(st.sampled_from(["sat", "sun"]))
    commitments = [commit_dict(on, "am", who="a")] if committed else []
    off_days = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(dates)), max_size=2, unique=True))
    requests = [
        {"specialist": who, "date": day, "want": "off", "hard": True}
        for who, day in off_days
        if not (who == committed and dt.date.fromisoformat(day).strftime("%a").lower() == on)
    ]
    demands = drawn_demands(
        draw,
        st.integers(1, 3),
        st.integers(1, 3),
        False,
        site=st.sampled_from(["home", "near"]),
        days=st.sampled_from([["sat", "sun"], ["sat"], ["sun"], ["fri", "sat"], ["mon", "sun"], ["mon"]]),
        periods=st.lists(st.sampled_from(periods), min_size=1, max_size=3, unique=True),
    )
    data = base(
        horizon={"start": dates[0], "days": days},
        specialists=[{k: v for k, v in spec.items() if v is not None} for spec in specialists],
        commitments=commitments,
        requests=requests,
        demands=demands,
    )
    if draw(st.booleans()):  # fairness: the integer counts' MIP runs, its `Y_j` integer
        data["fairness"] = {"burden": {"weekend_day": draw(st.integers(1, 2)), "outreach_session": 1}}
        data["weights"]["fairness_deviation"] = 1
    return data


@settings(PROPERTY_SETTINGS, max_examples=50)
@given(_weekends())
def test_weekend_bound_below_the_proven_optimum(data: dict[str, Any]) -> None:
    """Drawn weekend work: the bound with the weekend rows, per specialist and grouped, as
    LPs and with integer counts, is at most the objective of a roster the checker accepts
    (`solve_checked`: no violation, the checker's objective the solver's), the optimum when
    proven within the 10 s (on a busy machine it may not be: the claim holds for any roster)."""
    inst = instance(data)
    result, report = solve_checked(inst, time_limit=10)
    assert result.objective is not None and report is not None  # a roster (these always have one), checked
    event("optimum proven" if result.status is Status.OPTIMAL else "a roster, not proven optimal")
    relax = relaxation(inst, grouped=False)
    event("weekend rows" if relax.weekends else "no weekend rows")
    event("a weekday row" if any(f.weekdays for f in relax.weekends) else "no weekday row")
    event("a count over two weekends" if any(f.spanning for f in relax.weekends) else "no count over two weekends")
    found = lower_bound(relax, time.perf_counter() + 20)
    assert found is not None and found <= result.objective
    whole = lower_bound(relax, time.perf_counter() + 20, integral=True)
    assert whole is not None and found <= whole <= result.objective
    grouped = lower_bound(relaxation(inst, grouped=True), time.perf_counter() + 20)
    assert grouped is not None and grouped <= result.objective
    event("fairness: MIP" if relax.weight_fd else "no fairness")
    event("some session uncovered" if result.objective >= UNCOVERED else "all covered")
    event("bound is the optimum" if found == result.objective else "bound below the optimum")
