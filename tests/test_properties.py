"""Property tests: random small instances, the solver against the independent checker.

Each test states its reason in its docstring. The instances come from one composite
strategy, `instances()`, which builds plain data the way a department head would write it
and loads it through `outreach_opt.io.load.instance_from_data`, so every draw also exercises
validation: a draw that fails to load is a bug in the strategy or in validation, never
filtered away.

Travel is metric by construction: sites sit on integer grid points and every pair is listed
with factor x Manhattan distance, so tr(a, c) <= tr(a, b) + tr(b, c). The infeasibility
argument of `test_solver_roster_passes_checker` depends on that.

Every property runs with `derandomize=True` (a seed fixed per test, and so no example
database), so CI runs are reproducible: the same examples on every machine and every run. To
search further locally, set `derandomize=False` in PROPERTY_SETTINGS and raise `max_examples`;
a failure prints the falsifying instance and roster, to be kept as a plain test.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import EXAMPLE

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.instance import Demand, Instance
from outreach_opt.domain.roster import Assignment, Roster, Stay
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import model_accepts, solve

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SKILLS = ("clinic", "pci")
RESOURCES = ("clinic_room", "cath_lab")
ACTIVITIES = ("clinic", "surgery")
MONDAY = dt.date(2025, 10, 20)

PROPERTY_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@functools.lru_cache(maxsize=4096)
def _sampled(elements: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(elements)


def sampled(elements: Iterable[Any]) -> st.SearchStrategy[Any]:
    """`st.sampled_from`, one strategy object per distinct tuple of elements. Hypothesis
    validates and labels each new strategy object the first time it is drawn from; the
    instance strategies draw a few hundred times an example, mostly from lists that repeat
    (periods, sites, weekdays), and building a new object for each draw was more time than
    the checker and the model together. The examples drawn are the same."""
    return _sampled(tuple(elements))


@functools.lru_cache(maxsize=4096)
def or_none(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`st.one_of(st.none(), values)`, one object per `values` (see `sampled`)."""
    return st.one_of(st.none(), values)


START_DATES = st.one_of(st.just(MONDAY), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
JUST_ONE = st.just(1)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def periods(draw: st.DrawFn) -> list[dict[str, str]]:
    """Two or three periods in time order: am, pm (and eve), with varying gaps (0 included,
    so a change of site between back-to-back periods needs 0 minutes of travel)."""
    start = draw(sampled([7 * 60 + 30, 8 * 60]))
    am_end = 12 * 60
    pm_start = am_end + draw(sampled([0, 30, 60, 90]))
    pm_end = pm_start + 210
    out = [
        {"id": "am", "start": _clock(start), "end": _clock(am_end)},
        {"id": "pm", "start": _clock(pm_start), "end": _clock(pm_end)},
    ]
    if draw(st.booleans()):
        eve_start = pm_end + draw(sampled([0, 60, 120, 150]))
        out.append({"id": "eve", "start": _clock(eve_start), "end": _clock(eve_start + 210)})
    return out


@st.composite
def teams(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A team: a lead (count 1) and perhaps assistants (count 1 or 2), each role with skills of
    its own; with at most three specialists some teams can be filled and some cannot."""
    roles = ["lead", "assistant"][: draw(st.integers(1, 2))]
    return [
        {"role": role, "skills": sorted(draw(st.sets(sampled(SKILLS), max_size=1))), "count": count}
        for role, count in zip(roles, [1, draw(st.integers(1, 2))], strict=False)
    ]


@st.composite
def instances(draw: st.DrawFn, rich: bool = False, special: bool = False) -> dict[str, Any]:
    """A random small valid instance as plain data (dates as ISO strings, as YAML gives them).

    1-9 days, 2-3 periods, 1-4 sites with metric travel, 1-3 specialists, 0-3 commitments on
    distinct (specialist, weekday, period), 1-4 demands (a quarter of them with a team, some
    others remote: teleconsultations),
    random rest and weights; `special` makes every demand a team (with the site's resource
    where it has one) or a teleconsultation, and draws at least two specialists. `rich`
    also draws the day-and-week rules, requests, preferences, fairness and continuity.
    """
    start = draw(START_DATES)
    days = draw(st.integers(1, 9))
    day_periods = draw(periods())
    period_ids = [p["id"] for p in day_periods]

    n_sites = draw(st.integers(1, 4))
    site_ids = [f"s{i}" for i in range(n_sites)]
    points = [(draw(st.integers(0, 4)), draw(st.integers(0, 4))) for _ in site_ids]
    factor = draw(sampled([5, 10, 20, 30]))
    sites = []
    for sid in site_ids:
        resources = {}
        for res in RESOURCES:
            count = draw(or_none(JUST_ONE if special else st.integers(0, 2)))
            if count is not None:
                resources[res] = count
        sites.append({"id": sid, "resources": resources})
    travel = [
        [site_ids[i], site_ids[j], factor * (abs(points[i][0] - points[j][0]) + abs(points[i][1] - points[j][1]))]
        for i in range(n_sites)
        for j in range(i + 1, n_sites)
    ]
    listed = {s["id"]: sorted(s["resources"]) for s in sites}

    def resource_at(site: str) -> str | None:
        return draw(or_none(sampled(listed[site]))) if listed[site] else None

    def limit(top: int) -> int | None:
        return draw(or_none(st.integers(0, top)))

    specialists = []
    for sid in ["a", "b", "c"][: draw(st.integers(2 if special else 1, 3))]:
        unavailable = []
        for _ in range(draw(st.integers(0, 3))):
            off: dict[str, Any] = {"date": (start + dt.timedelta(days=draw(st.integers(-2, days + 1)))).isoformat()}
            if draw(st.booleans()):
                off["periods"] = sorted(draw(st.sets(sampled(period_ids), min_size=1)), key=period_ids.index)
            unavailable.append(off)
        specialists.append(
            {
                "id": sid,
                "home": draw(sampled(site_ids)),
                "skills": sorted(draw(st.sets(sampled(SKILLS), min_size=int(special)))),
                "max_sessions_per_week": limit(8),
                "max_outreach_sessions_per_week": limit(4),
                "max_travel_minutes_per_day": limit(240),
                "unavailable": unavailable,
            }
        )
    homes = {s["id"]: s["home"] for s in specialists}

    slots = draw(
        st.lists(
            st.tuples(sampled(sorted(homes)), sampled(WEEKDAYS), sampled(period_ids)),
            max_size=3,
            unique=True,
        )
    )
    commitments = []
    for who, day, period in slots:
        site = draw(st.one_of(st.just(homes[who]), st.just(homes[who]), sampled(site_ids)))
        commitments.append(
            {
                "specialist": who,
                "day": day,
                "period": period,
                "site": site,
                "activity": draw(sampled(ACTIVITIES)),
                "resource": resource_at(site),
            }
        )

    demands = []
    for i in range(draw(st.integers(1, 4))):
        site = draw(sampled(site_ids))
        most = draw(st.integers(0, 3))
        demand: dict[str, Any] = {
            "id": f"d{i}",
            "site": site,
            "activity": draw(sampled(ACTIVITIES)),
            "skills": sorted(draw(st.sets(sampled(SKILLS)))),
            "sessions": {"min": draw(st.integers(0, most)), "max": most},
            "resource": resource_at(site),
            "priority": draw(st.integers(0, 5)),
        }
        if draw(st.booleans()):
            demand["days"] = sorted(draw(st.sets(sampled(WEEKDAYS), min_size=1)), key=WEEKDAYS.index)
        if draw(st.booleans()):
            demand["periods"] = sorted(draw(st.sets(sampled(period_ids), min_size=1)), key=period_ids.index)
        kind = draw(sampled(["team", "remote"])) if special else None
        if kind == "team" or (not special and draw(st.integers(0, 3)) == 0):
            # Room for at least one team session, so that whole teams can make valid rosters.
            demand["team"] = draw(teams())
            demand["sessions"]["max"] = max(1, most)
            room = [r for r, n in sites[site_ids.index(site)]["resources"].items() if n]
            if demand["resource"] not in room:
                # Special: a resource wherever the site has one, so teams share it (capacity).
                demand["resource"] = room[0] if special and room else None
        elif kind == "remote" or (not special and draw(st.integers(0, 2)) == 0):
            # A teleconsultation: given from each specialist's home, with its resource there.
            demand["remote"] = True
            demand["resource"] = draw(sampled([None, None, *RESOURCES]))
            if special:  # room for a session, so that consultations make valid rosters
                demand["sessions"]["max"] = max(1, most)
        demands.append(demand)

    data: dict[str, Any] = {
        "name": "property test",
        "horizon": {"start": start.isoformat(), "days": days},
        "periods": day_periods,
        "sites": sites,
        "travel": travel,
        "specialists": specialists,
        "commitments": commitments,
        "demands": demands,
        # Rest bites only above about 500 minutes (eve ends 21:00-23:00, am starts 07:30-08:00).
        "rules": {"min_rest_minutes": draw(st.integers(0, 720) if draw(st.booleans()) else st.integers(480, 660))},
        "weights": {
            "uncovered_session": draw(sampled([0, 1, 50, 1000])),
            "travel_minute": draw(sampled([0, 1, 2])),
        },
    }
    if rich:
        _add_rich_rules(draw, data, start, days, period_ids)
    if rich:
        _add_overnight(draw, data)
    return data


def _add_overnight(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Sites that allow overnight stays (rule overnight_stay) and a price per night (term
    nights_away). Not in the plain strategy: a stay can rescue a day whose commitments alone
    drive too far, which the plain infeasibility argument rules out. `trips` draws them often."""
    for site in data["sites"]:
        site["overnight"] = draw(st.integers(0, 2)) == 0
    data["weights"]["overnight_stay"] = draw(sampled([0, 10, 60]))


def _add_rich_rules(draw: st.DrawFn, data: dict[str, Any], start: dt.date, days: int, period_ids: list[str]) -> None:
    """The rules of issue "rules": each specialist field set or left out at random, small
    limits so they bite; requests, successions, preferences, fairness and continuity."""

    def maybe(values: st.SearchStrategy[Any]) -> Any:
        return draw(or_none(values))

    ids = [s["id"] for s in data["specialists"]]
    site_ids = [s["id"] for s in data["sites"]]
    for spec in data["specialists"]:
        for key, values in (
            ("max_sessions_per_day", st.integers(1, 3)),
            ("min_minutes_per_week", st.integers(0, 400)),
            ("max_minutes_per_week", st.integers(200, 1500)),
            ("max_minutes_total", st.integers(200, 2000)),
            ("min_minutes_total", st.integers(0, 600)),
            ("max_working_days_per_week", st.integers(1, 5)),
            ("max_consecutive_working_days", st.integers(1, 4)),
            ("min_consecutive_working_days", st.integers(1, 3)),
            ("min_consecutive_days_off", st.integers(1, 3)),
            ("max_evening_sessions_per_week", st.integers(0, 2)),
            ("max_weekends", st.integers(0, 1)),
            ("fte", sampled([100, 80, 50])),
        ):
            value = maybe(values)
            if value is not None:
                spec[key] = value
        if draw(st.booleans()):
            spec["max_sessions_by_period"] = {draw(sampled(period_ids)): draw(st.integers(0, 2))}
        if draw(st.booleans()):
            spec["preferences"] = [
                {
                    "kind": draw(sampled(["prefer", "avoid"])),
                    "site": draw(sampled(site_ids)),
                    "weight": draw(st.integers(0, 40)),
                }
            ]
    data["requests"] = [
        {
            "specialist": draw(sampled(ids)),
            "date": (start + dt.timedelta(days=draw(st.integers(0, days - 1)))).isoformat(),
            "want": (want := draw(sampled(["on", "off"]))),
            "weight": draw(st.integers(0, 60)),
            "hard": want == "off" and draw(st.booleans()),
            **({"periods": [draw(sampled(period_ids))]} if draw(st.booleans()) else {}),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    if data["demands"] and draw(st.integers(0, 3)) == 0:  # a pin anywhere: it may not fit
        data["pins"] = [
            {
                "specialist": draw(sampled(ids)),
                "date": (start + dt.timedelta(days=draw(st.integers(0, days - 1)))).isoformat(),
                "period": draw(sampled(period_ids)),
                "demand": draw(sampled([d["id"] for d in data["demands"]])),
            }
        ]
    if draw(st.booleans()):
        data["rules"]["forbidden_successions"] = [
            {"today": {"period": period_ids[-1]}, "tomorrow": {"period": period_ids[0]}}
        ]
    data["rules"]["runs_at_horizon_ends"] = draw(sampled(["held", "free"]))
    # Demand presses, so that limits bind: a solver that ignored one would break it.
    data["weights"]["uncovered_session"] = 1000
    for demand in data["demands"]:
        demand["sessions"] = {"min": (wanted := draw(st.integers(1, 3))), "max": wanted}
        demand["priority"] = draw(st.integers(1, 5))
        demand["continuity"] = draw(st.booleans())
        if draw(st.booleans()):
            demand["preferred"] = [draw(sampled(ids))]
        demand["max_specialists"] = maybe(st.integers(1, 2))
        demand["surplus_weight"] = draw(sampled([0, 0, 3]))
        if demand["surplus_weight"]:  # room above the minimum, so that surplus can arise
            demand["sessions"]["max"] += 1
        if draw(st.integers(0, 3)) == 0:  # dated: a date or two, perhaps one outside the horizon
            demand.pop("days", None)
            offsets = draw(st.sets(st.integers(-1, days), min_size=1, max_size=2))
            demand["dates"] = [(start + dt.timedelta(days=o)).isoformat() for o in sorted(offsets)]
    _add_consortium_rules(draw, data, start, days, period_ids)
    data["fairness"] = {
        "burden": {
            "outreach_session": 1,
            "evening_session": draw(st.integers(0, 2)),
            "weekend_day": draw(st.integers(0, 2)),
            "travel_minute": draw(st.integers(0, 1)),
        }
    }
    data["weights"].update(
        request=draw(st.integers(0, 2)),
        preference=draw(st.integers(0, 2)),
        fairness_max=draw(sampled([0, 0, 1, 3])),
        fairness_deviation=draw(sampled([0, 0, 1])),
        distinct_specialist=draw(sampled([0, 20])),
        non_preferred_session=draw(sampled([0, 15])),
    )


def _add_consortium_rules(
    draw: st.DrawFn, data: dict[str, Any], start: dt.date, days: int, period_ids: list[str]
) -> None:
    """Issue 4: now and then an on-call window (hard, or soft with a weight; reach from 0 to
    80 minutes, so specialists at home, at the hospital or between sessions fall either side),
    a robot for some remote demands and links between some sites, and trainees taught by
    some demands, with leave and monthly targets."""
    site_ids = [s["id"] for s in data["sites"]]
    if draw(st.integers(0, 2)) == 0:
        entry: dict[str, Any] = {
            "id": "green",
            "site": draw(sampled(site_ids)),
            "skills": sorted(draw(st.sets(sampled(SKILLS), max_size=1))),
            "count": draw(st.integers(1, 2)),
            "reach_minutes": draw(sampled([0, 20, 40, 80])),
            "weight": draw(st.one_of(st.none(), st.none(), st.integers(0, 300))),
        }
        if draw(st.booleans()):
            entry["periods"] = sorted(draw(st.sets(sampled(period_ids), min_size=1)), key=period_ids.index)
        if draw(st.booleans()):
            entry["days"] = sorted(draw(st.sets(sampled(WEEKDAYS), min_size=1)), key=WEEKDAYS.index)
        data["on_call"] = [entry]
    resources = {s["id"]: sorted(s["resources"]) for s in data["sites"]}
    consoles = sorted({r for s in data["sites"] for r, n in s["resources"].items() if n > 0})
    for demand in data["demands"]:  # remote surgery: a robot at the patient's site, a console somewhere
        if demand.get("remote") and resources[demand["site"]] and consoles and draw(st.booleans()):
            demand["remote_resource"] = draw(sampled(resources[demand["site"]]))
            demand["resource"] = draw(sampled(consoles))
    if draw(st.integers(0, 2)) == 0:  # links for remote work: only some pairs
        pairs = [(a, b) for a in site_ids for b in site_ids if a < b]
        if pairs:
            data["remote_links"] = [list(pair) for pair in draw(st.lists(sampled(pairs), max_size=3))]
    if draw(st.booleans()):
        trainees = []
        for i in range(draw(st.integers(1, 2))):
            off = [
                {"date": (start + dt.timedelta(days=draw(st.integers(0, days - 1)))).isoformat()}
                | ({"periods": [draw(sampled(period_ids))]} if draw(st.booleans()) else {})
                for _ in range(draw(st.integers(0, 2)))
            ]
            site = draw(sampled(site_ids))
            trainees.append(
                {"id": f"t{i}", "site": site, "unavailable": off, "sessions_per_month": draw(st.integers(0, 30))}
            )
        data["trainees"] = trainees
        for demand in data["demands"]:
            demand["teaches"] = sorted(draw(st.sets(sampled([t["id"] for t in trainees]))))
        data["weights"].update(distinct_teacher=draw(sampled([0, 30])), teaching_session=draw(sampled([0, 200])))


# --- facts re-derived here from the instance, independently of solver and checker -----------


def served_from(inst: Instance, dem: Demand, home: str) -> list[str]:
    """Where a session of `dem` may be given from: its site; home for a teleconsultation; any
    site with its console for a remote surgery. Links are not looked at: sessions over no link
    are for rule remote_link to catch."""
    if not dem.remote:
        return [dem.site]
    if dem.remote_resource is None:
        return [home]
    return [s.id for s in inst.sites if s.resources.get(dem.resource or "", 0) > 0]


def horizon_dates(inst: Instance) -> list[dt.date]:
    return [inst.horizon.start + dt.timedelta(days=t) for t in range(inst.horizon.days)]


def is_off(inst: Instance, who: str, day: dt.date, period: str) -> bool:
    """Is the specialist unavailable in this slot? A leave entry without periods is the whole day."""
    spec = next(s for s in inst.specialists if s.id == who)
    return any(off.date == day and (off.periods is None or period in off.periods) for off in spec.unavailable)


def commitment_duties(inst: Instance) -> list[Assignment]:
    """Every commitment occurrence of the horizon (format rule 2), skipping leave."""
    duties = []
    for day in horizon_dates(inst):
        for com in inst.commitments:
            if day.weekday() in com.weekdays() and not is_off(inst, com.specialist, day, com.period):
                duties.append(
                    Assignment(
                        specialist=com.specialist,
                        date=day,
                        period=com.period,
                        site=com.site,
                        activity=com.activity,
                        commitment=True,
                    )
                )
    return duties


def fitting_sessions(inst: Instance) -> list[Assignment]:
    """Demand sessions (for a team demand: one member in one role) that keep rule 4 and rule
    3 and fall in a slot free of commitments."""
    period_ids = [p.id for p in inst.periods]
    committed = {(a.specialist, a.date, a.period) for a in commitment_duties(inst)}
    out = []
    for dem in inst.demands:
        roles = [(r.role, set(dem.skills) | set(r.skills)) for r in dem.team or []] or [(None, set(dem.skills))]
        for spec, (role, needs) in ((s, r) for r in roles for s in inst.specialists):
            if not needs <= set(spec.skills):
                continue
            for day in horizon_dates(inst):
                if day not in (dem.dates if dem.dates is not None else [day]) or day.weekday() not in dem.weekdays():
                    continue
                for period in dem.periods if dem.periods is not None else period_ids:
                    if is_off(inst, spec.id, day, period) or (spec.id, day, period) in committed:
                        continue
                    out += [
                        Assignment(
                            specialist=spec.id,
                            date=day,
                            period=period,
                            site=site,
                            activity=dem.activity,
                            demand=dem.id,
                            role=role,
                        )
                        for site in served_from(inst, dem, spec.home)
                    ]
    return out


@st.composite
def team_session(draw: st.DrawFn, inst: Instance, fitting: list[Assignment]) -> list[Assignment]:
    """The members of one team session: a fitting team slot, each role filled by distinct
    specialists who fit it, as far as there are any (so now and then a partial team)."""
    slot = draw(st.sampled_from(sorted({(a.demand or "", a.date, a.period) for a in fitting})))
    dem = next(d for d in inst.demands if d.id == slot[0])
    members: list[Assignment] = []
    for role in dem.team or []:
        able = [a for a in fitting if (a.demand, a.date, a.period, a.role) == (*slot, role.role)]
        able = [a for a in able if a.specialist not in {m.specialist for m in members}]
        members += draw(st.permutations(able))[: role.count]
    return members


@st.composite
def any_session(
    draw: st.DrawFn, inst: Instance, who: str | None, dates: list[dt.date], periods: list[str] | None = None
) -> Assignment:
    """A demand session anywhere: random specialist (or `who`), date among `dates`, period (among
    `periods`) and demand, with the demand's site (or for a teleconsultation perhaps the
    specialist's home, or for a remote surgery perhaps a site with its console) and activity."""
    dem = draw(st.sampled_from(inst.demands))
    spec = who or draw(st.sampled_from([s.id for s in inst.specialists]))
    home = next(s.home for s in inst.specialists if s.id == spec)
    return Assignment(
        specialist=spec,
        date=draw(st.sampled_from(dates)),
        period=draw(st.sampled_from(periods or [p.id for p in inst.periods])),
        site=draw(st.sampled_from([dem.site, home, *served_from(inst, dem, home)])) if dem.remote else dem.site,
        activity=dem.activity,
        demand=dem.id,
        role=draw(st.sampled_from(dem.roles)),
    )


@st.composite
def one_mistake(draw: st.DrawFn, inst: Instance, session: Assignment, dates: list[dt.date]) -> Assignment:
    """A session that fits, with one field changed: the site, the activity, the period, the
    specialist (perhaps unskilled or on leave), the date or the team role. It may happen to fit
    still (another allowed period, a skilled colleague); where a field has no other value it
    stays."""
    choices: dict[str, list[Any]] = {
        "site": [s.id for s in inst.sites],
        "activity": list(ACTIVITIES),
        "period": [p.id for p in inst.periods],
        "specialist": [s.id for s in inst.specialists],
        "date": dates,
        "role": [None, "lead", "assistant"],
    }
    field = draw(st.sampled_from(sorted(choices)))
    others = [value for value in choices[field] if value != getattr(session, field)]
    return session.model_copy(update={field: draw(st.sampled_from(others))}) if others else session


@st.composite
def instances_with_rosters(draw: st.DrawFn, rich: bool = False, special: bool = False) -> tuple[Instance, Roster]:
    """An instance and a roster for it: its commitment duties (now and then one dropped) plus
    demand sessions, mostly ones that fit (so that many rosters are valid), some with one
    field wrong (site, activity, period, specialist, date, role), some drawn anywhere (wrong
    day or period, unskilled specialist, leave, commitment slot, two in one slot), and for
    team demands whole team sessions and teams one member short.

    Half the rosters are grown one session at a time while the checker accepts them, then get
    the last drawn session (the next-morning one when overnight) or a fitting session with one
    mistake: a valid roster plus one step, which lands right on a rule's boundary (often
    breaking exactly one rule), where a model that is slightly off shows."""
    inst = instance_from_data(draw(instances(rich=rich, special=special)), "property test")
    duties = commitment_duties(inst)
    if duties and draw(st.integers(0, 9)) == 0:
        duties.pop(draw(st.integers(0, len(duties) - 1)))
    # Half the time all sessions go to one specialist, and half the time to two consecutive
    # dates, so that days fill up and rules 7-10 (travel between sessions, daily driving, rest,
    # weekly limits) are reached, not only the rules about single slots.
    who = draw(st.one_of(st.none(), st.sampled_from([s.id for s in inst.specialists])))
    dates = horizon_dates(inst)
    if draw(st.booleans()):
        first = draw(st.integers(0, len(dates) - 1))
        dates = dates[first : first + 2]
    fitting = [a for a in fitting_sessions(inst) if who in (None, a.specialist) and a.date in dates]
    pinned: list[Assignment] = []
    if rich and fitting and draw(st.booleans()):  # rule pins: a fitting session, kept or not
        chosen = draw(st.sampled_from(fitting))
        pin = {"specialist": chosen.specialist, "date": chosen.date.isoformat(), "period": chosen.period}
        inst = instance_from_data({**inst.model_dump(mode="json"), "pins": [{**pin, "demand": chosen.demand}]}, "pins")
        pinned = [chosen] if draw(st.booleans()) else []
    # Units of the roster: one assignment, or the members of one team session.
    anywhere = any_session(inst, who, dates).map(lambda a: [a])
    unit = mistaken = anywhere
    if fitting:
        fits = st.sampled_from(fitting).map(lambda a: [a])
        mistaken = st.sampled_from(fitting).flatmap(lambda a: one_mistake(inst, a, dates)).map(lambda a: [a])
        unit = st.one_of(fits, fits, mistaken, anywhere)
    members = [a for a in fitting_sessions(inst) if a.role is not None and a.date in dates]
    if members:
        # Whole teams (whoever is free), and teams one member short, for `team_complete`.
        whole = team_session(inst, members)
        unit = st.one_of(whole, whole, whole, unit) if special else st.one_of(unit, whole)
        mistaken = st.one_of(mistaken, team_session(inst, members).map(lambda m: m[:-1]))
    remote = {d.id for d in inst.demands if d.remote}
    consultations = [a for a in fitting if a.demand in remote]
    if special and consultations:  # consultations from home, often, among the other units
        from_home = st.sampled_from(consultations).map(lambda a: [a])
        unit = st.one_of(from_home, from_home, unit)
    units = [[a] for a in pinned] + [draw(unit) for _ in range(draw(st.integers(0, 8)))]
    if len(dates) == 2 and draw(st.booleans()):
        # Overnight: the day's last period, then the next day's first, for rule 9 (rest).
        who = who or draw(st.sampled_from([s.id for s in inst.specialists]))
        for day, period in ((dates[0], inst.periods[-1].id), (dates[1], inst.periods[0].id)):
            here = [a for a in fitting if (a.specialist, a.date, a.period) == (who, day, period)]
            alone = any_session(inst, who, [day], [period])
            units.append([draw(st.one_of(st.sampled_from(here), alone) if here else alone)])
    if units and (special or draw(st.booleans())):  # special: always grown, teams seldom fit at random
        kept = list(duties)
        for more in units[:-1]:
            if check_roster(inst, Roster(instance=inst.name, assignments=[*kept, *more])).ok:
                kept += more
        last = draw(st.one_of(st.just(units[-1]), mistaken))
        assignments = [*kept, *last]
    else:
        assignments = duties + [a for more in units for a in more]
    nights = draw(some_stays(inst, assignments)) if rich else []
    return inst, Roster(instance=inst.name, assignments=assignments, stays=nights)


@st.composite
def trips(draw: st.DrawFn) -> dict[str, Any]:
    """Rule overnight_stay: one or two specialists at home, one or two far hospitals (60-240
    min away, each allowing stays or not) asking for sessions on every day of a 2-4 day
    horizon, with a daily driving limit, rest and a price per night drawn, and now and then a
    home commitment, a pinned night (rule pins) or a green channel at a far hospital. Stays pay
    here, so the solver takes them, and rosters with valid stays are common."""
    n_far = draw(st.integers(1, 2))
    far = [f"far{i}" for i in range(n_far)]
    day_periods = draw(periods())
    period_ids = [p["id"] for p in day_periods]
    travel = [["home", f, draw(sampled([60, 120, 180, 240]))] for f in far]
    if n_far == 2:
        travel.append(["far0", "far1", draw(sampled([20, 60, 120]))])
    data: dict[str, Any] = {
        "name": "trip property test",
        "horizon": {
            "start": draw(sampled([MONDAY, MONDAY + dt.timedelta(days=4)])).isoformat(),
            "days": draw(st.integers(2, 4)),
        },
        "periods": day_periods,
        "sites": [{"id": "home", "resources": {}}]
        + [{"id": f, "resources": {}, "overnight": draw(st.integers(0, 3)) > 0} for f in far],
        "travel": travel,
        "specialists": [
            {
                "id": sid,
                "home": "home",
                "skills": ["clinic"],
                "max_travel_minutes_per_day": draw(sampled([None, 240, 300, 400])),
            }
            for sid in ["a", "b"][: draw(st.integers(1, 2))]
        ],
        "commitments": [
            {
                "specialist": "a",
                "day": draw(sampled(WEEKDAYS)),
                "period": draw(sampled(period_ids)),
                "site": "home",
                "activity": "clinic",
            }
            for _ in range(draw(st.integers(0, 1)))
        ],
        "demands": [
            {
                "id": f"d{i}",
                "site": draw(sampled(far)),
                "activity": "clinic",
                "skills": ["clinic"],
                "sessions": {"min": (n := draw(st.integers(1, 4))), "max": n},
                "priority": 1,
                "periods": sorted(draw(st.sets(sampled(period_ids), min_size=1)), key=period_ids.index),
            }
            for i in range(draw(st.integers(1, 2)))
        ],
        "rules": {"min_rest_minutes": draw(sampled([0, 480, 600, 720]))},
        "weights": {
            "uncovered_session": 1000,
            "travel_minute": 1,
            "overnight_stay": draw(sampled([0, 60, 300])),
        },
    }
    if draw(st.integers(0, 3)) == 0:  # rule pins: a night away pinned, possible or not
        start = dt.date.fromisoformat(data["horizon"]["start"])
        night = start + dt.timedelta(days=draw(st.integers(0, data["horizon"]["days"] - 2)))
        data["pinned_stays"] = [{"specialist": "a", "night": night.isoformat(), "site": draw(sampled(far))}]
    if draw(st.integers(0, 2)) == 0:
        data["on_call"] = [
            {
                "id": "green",
                "site": draw(sampled(far)),
                "count": 1,
                "reach_minutes": draw(sampled([0, 60])),
                "weight": draw(sampled([None, 500])),
            }
        ]
    return data


@st.composite
def trips_with_rosters(draw: st.DrawFn) -> tuple[Instance, Roster]:
    """A trip instance and a roster: its commitments, sessions that fit on consecutive dates
    (by one specialist, one to three a day), and stays (`some_stays`); now and then one of
    those stays pinned (`pinned_stays`), so that a roster keeping its pinned night is common."""
    inst = instance_from_data(draw(trips()), "trip property test")
    dates = horizon_dates(inst)
    first = draw(st.integers(0, len(dates) - 2))
    who = draw(st.sampled_from([s.id for s in inst.specialists]))
    fitting = [a for a in fitting_sessions(inst) if a.specialist == who and a.date in dates[first : first + 2]]
    sessions = draw(st.lists(st.sampled_from(fitting), max_size=4, unique=True)) if fitting else []
    assignments = commitment_duties(inst) + sessions
    stays = draw(some_stays(inst, assignments))
    last = dates[-1]
    pinnable = [s for s in stays if s.night in dates and s.night != last and s.site in {x.id for x in inst.sites}]
    if pinnable and draw(st.booleans()):  # rule pins: one of the roster's own nights pinned
        pinned = draw(st.sampled_from(pinnable)).model_dump(mode="json")
        inst = instance_from_data({**inst.model_dump(mode="json"), "pinned_stays": [pinned]}, "pinned stay")
    return inst, Roster(instance=inst.name, assignments=assignments, stays=stays)


@st.composite
def some_stays(draw: st.DrawFn, inst: Instance, assignments: list[Assignment]) -> list[Stay]:
    """Rule overnight_stay: mostly a stay the rule allows if one exists (a site with
    `overnight`, not home, between two working days with a session there), now and then one at
    the site of any session the night before or after it, or anywhere (any site, a date perhaps
    outside the horizon), for the journeys from and to it and the rule's own boundaries."""
    homes = {s.id: s.home for s in inst.specialists}
    overnight = {s.id for s in inst.sites if s.overnight}
    sites_on: dict[tuple[str, dt.date], set[str]] = {}
    for a in assignments:
        sites_on.setdefault((a.specialist, a.date), set()).add(a.site)
    allowed = sorted(
        (spec, day, site)
        for (spec, day), today in sites_on.items()
        for site in today | sites_on.get((spec, day + dt.timedelta(days=1)), set())
        if (spec, day + dt.timedelta(days=1)) in sites_on and site in overnight and site != homes[spec]
    )
    stays = []
    if allowed and draw(st.integers(0, 3)):
        spec, day, site = draw(st.sampled_from(allowed))
        stays.append(Stay(specialist=spec, night=day, site=site))
    for _ in range(draw(st.integers(0, 1))):
        if assignments and draw(st.integers(0, 2)):
            a = draw(st.sampled_from(assignments))
            night = a.date - dt.timedelta(days=draw(st.integers(0, 1)))
            stays.append(Stay(specialist=a.specialist, night=night, site=a.site))
        else:
            stays.append(
                Stay(
                    specialist=draw(st.sampled_from([s.id for s in inst.specialists])),
                    night=inst.horizon.start + dt.timedelta(days=draw(st.integers(-1, inst.horizon.days))),
                    site=draw(st.sampled_from([s.id for s in inst.sites])),
                )
            )
    return stays


# --- properties --------------------------------------------------------------------------------


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(instances())
def test_instances_load(data: dict[str, Any]) -> None:
    """The strategy only draws valid instances: each loads, and keeps its shape. Without this
    the other properties could silently test fewer situations than they claim."""
    inst = instance_from_data(data, "property test")
    assert inst.horizon.days == data["horizon"]["days"]
    assert len(inst.demands) == len(data["demands"])


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(instances())
def test_solver_roster_passes_checker(data: dict[str, Any]) -> None:
    """Whatever the solver returns, the independent checker agrees with it.

    A roster (optimal or feasible) must break no rule, and the checker's objective and each
    term must equal the solver's: otherwise the model is too loose or costs wrongly.

    An `infeasible` verdict must be honest. Let C be the commitment duties alone. Every
    valid roster contains C (rule 2: duties are mandatory and nothing replaces them), and C
    itself is a roster. So if C breaks no rule, a valid roster exists and `infeasible` is a
    model that is too tight; the test demands that C fails the checker. Conversely, with
    metric travel, a roster R ⊇ C that breaks no rule cannot exist once C breaks one: rules
    1, 3, 6, 10 count and only grow; C keeps 2, 4 and 5 by construction; 7 is a
    pairwise test that keeps the failing pair; 8 only grows when a stop is inserted (triangle
    inequality); 9 only shrinks, since a later last session s after l (reachable, else R
    breaks 7) gets home at end(s) + tr(s, home) >= end(l) + tr(l, s) + tr(s, home) >=
    end(l) + tr(l, home), and symmetrically for an earlier first session. So `infeasible`
    happens exactly when C fails, and a roster from a failing C is caught by the first half.

    `unknown` must not happen: these instances are tiny against 5 seconds.
    """
    inst = instance_from_data(data, "property test")
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    event(f"status {result.status.value}")
    assert result.status is not Status.UNKNOWN
    if result.status is Status.INFEASIBLE:
        duties = commitment_duties(inst)
        report = check_roster(inst, Roster(instance=inst.name, assignments=duties))
        assert not report.ok, f"solver says infeasible, but the commitments alone keep every rule: {duties}"
        return
    assert result.roster is not None
    report = check_roster(inst, result.roster)
    assert report.violations == [], report.violations
    assert report.objective == result.objective, (report.breakdown, result.breakdown)
    for term, value in report.breakdown.items():
        assert result.breakdown.get(term, 0) == value, (term, report.breakdown, result.breakdown)


def assert_same_verdict(inst: Instance, roster: Roster) -> None:
    """The checker finds no broken rule exactly when the model admits the roster."""
    report = check_roster(inst, roster)
    accepted, unexpressed = model_accepts(inst, roster)
    event(f"checker ok {report.ok}")
    assert report.ok == accepted, (
        f"checker: {[(v.rule, v.message) for v in report.violations]}; "
        f"model accepts: {accepted}, cannot express: {unexpressed}"
    )


@settings(PROPERTY_SETTINGS, max_examples=450)
@given(instances_with_rosters())
def test_checker_and_model_agree(case: tuple[Instance, Roster]) -> None:
    """The model admits a roster exactly when the checker finds it breaks no rule.

    `model_accepts` fixes every model variable to the roster; the checker re-derives the
    rules in plain Python. Checker ok but model rejects: the model is too tight (it cuts off
    valid rosters, perhaps the optimum). Model accepts but checker objects: the model is too
    loose (the solver could return a broken roster). Both are bugs, whichever side is wrong.
    """
    assert_same_verdict(*case)


@settings(PROPERTY_SETTINGS, max_examples=150)
@given(instances_with_rosters(special=True))
def test_checker_and_model_agree_on_teams_and_teleconsultations(case: tuple[Instance, Roster]) -> None:
    """The two-way agreement where every demand needs a team or is a teleconsultation, so that
    whole teams, teams one short, wrong roles, team sessions sharing a resource and
    consultations from home or from the wrong site are common, not rare."""
    assert_same_verdict(*case)


@settings(PROPERTY_SETTINGS, max_examples=150)
@given(instances(rich=True))
def test_solver_roster_passes_checker_with_all_rules(data: dict[str, Any]) -> None:
    """With every rule of the product drawn, a roster the solver returns breaks none of them
    and costs, term by term, what the checker recomputes. (The infeasibility argument of the
    core test does not hold here: adding sessions can repair min runs and weekly minimums;
    the agreement test below covers the model's side instead.)"""
    inst = instance_from_data(data, "property test")
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    event(f"status {result.status.value}")
    assert result.status is not Status.UNKNOWN
    if result.roster is None:
        return
    report = check_roster(inst, result.roster)
    assert report.violations == [], report.violations
    for term, value in report.breakdown.items():
        assert result.breakdown.get(term, 0) == value, (term, report.breakdown, result.breakdown)
    assert report.objective == result.objective


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(instances_with_rosters(rich=True))
def test_checker_and_model_agree_with_all_rules(case: tuple[Instance, Roster]) -> None:
    """The two-way agreement of checker and model, with every rule of the product drawn."""
    assert_same_verdict(*case)


@settings(PROPERTY_SETTINGS, max_examples=150)
@given(trips())
def test_solver_roster_passes_checker_with_stays(data: dict[str, Any]) -> None:
    """With sites that allow overnight stays and long drives, a roster the solver returns
    (stays included) breaks no rule and costs, term by term, what the checker recomputes from
    its assignments and stays."""
    inst = instance_from_data(data, "property test")
    result = solve(inst, SolveOptions(time_limit=5, workers=1, seed=0))
    assert result.status is not Status.UNKNOWN
    if result.roster is None:
        return
    event(f"stays in the roster: {bool(result.roster.stays)}")
    report = check_roster(inst, result.roster)
    assert report.violations == [], report.violations
    assert report.breakdown == {term: result.breakdown.get(term, 0) for term in report.breakdown}
    assert report.objective == result.objective


@settings(PROPERTY_SETTINGS, max_examples=300)
@given(trips_with_rosters())
def test_checker_and_model_agree_with_stays(case: tuple[Instance, Roster]) -> None:
    """The two-way agreement on rosters with stays: at the site of a session the night before
    or after it (valid when the site allows stays and both days have work), or anywhere."""
    inst, roster = case
    if roster.stays:
        event(f"stays, checker ok {check_roster(inst, roster).ok}")
    assert_same_verdict(inst, roster)


def test_deterministic() -> None:
    """One worker and a fixed seed give the same roster twice: users can reproduce a roster
    they were sent, and the benchmark numbers mean something."""
    inst = load_instance(str(EXAMPLE))
    options = SolveOptions(time_limit=20, workers=1, seed=7)
    first = solve(inst, options)
    second = solve(inst, options)
    assert first.roster is not None and second.roster is not None
    assert first.objective == second.objective
    assert first.roster.assignments == second.roster.assignments
