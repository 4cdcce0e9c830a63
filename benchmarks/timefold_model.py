"""The problem as the Timefold peer sees it, in plain Python (no JVM, no Timefold import), so
that what it refuses and how its answer becomes a roster can be tested in the ordinary suite.

Timefold's idiom for rostering is a planning entity per shift with a planning variable
"who works it". Here a shift is a **demand session slot**: one per demand, day, period and
copy, where the copies of a (demand, day, period) are as many as could be served at once
(`sessions.max`, the resource left after commitments, and the specialists who could come).
Its variable is a specialist among the slot's candidates (the engine's prepared candidates:
skills, the demand's days and periods, no leave, no commitment there), or nobody. The
commitments are fixed, pinned entities, so every rule over a specialist's day sees them.

Timefold's soft score plus `constant_cost` is the objective of models/MODEL.md for the rules and
terms listed in `MODELLED`; anything else an instance uses is refused (`refusal`), never
silently dropped. The suite reports the checker's objective of the converted roster, and
compares it with this claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared
from outreach_opt.domain.roster import Assignment, Roster, RosterStatus

MODELLED = (
    "hard: one_place, commitments, unavailability, demand_fit, demand_max, capacity, travel_between, "
    "daily_travel, rest, weekly_sessions, weekly_outreach, working_days, weekly_evenings, "
    "max_consecutive_days, max_weekends; soft: uncovered, travel, requests (soft on/off), "
    "fairness_max, fairness_deviation (burden without travel minutes)"
)


def refusal(instance: Instance) -> list[str]:
    """What the instance uses that the Timefold model does not hold: each a reason to refuse it."""
    out = []
    for field in ("pins", "on_call", "trainees"):
        if getattr(instance, field):
            out.append(f"instance.{field}")
    if instance.rules.forbidden_successions:
        out.append("rules.forbidden_successions")
    out += [f"site {site.id}: overnight (stays)" for site in instance.sites if site.overnight]
    unmodelled_limits = (
        "max_sessions_per_day",
        "min_minutes_per_week",
        "max_minutes_per_week",
        "min_minutes_total",
        "max_minutes_total",
        "min_consecutive_working_days",
        "min_consecutive_days_off",
    )
    for spec in instance.specialists:
        used = [f for f in unmodelled_limits if getattr(spec, f) is not None]
        used += [f for f in ("max_sessions_by_period", "preferences") if getattr(spec, f)]
        out += [f"specialist {spec.id}: {f}" for f in used]
    weights = instance.weights
    for dem in instance.demands:
        used = [f for f in ("team", "remote", "max_specialists") if getattr(dem, f)]
        if dem.teaches:
            used.append("teaches")
        if dem.surplus_weight:
            used.append("surplus_weight")
        if dem.continuity and weights.distinct_specialist:
            used.append("continuity (weights.distinct_specialist)")
        if dem.preferred and weights.non_preferred_session:
            used.append("preferred (weights.non_preferred_session)")
        out += [f"demand {dem.id}: {f}" for f in used]
    out += [f"request {i}: hard" for i, r in enumerate(instance.requests) if r.hard]
    if instance.fairness.burden.travel_minute and (weights.fairness_max or weights.fairness_deviation):
        out.append("fairness.burden.travel_minute")
    return out


@dataclass(frozen=True)
class Slot:
    """One session a demand could get on one day in one period: Timefold's planning entity."""

    key: str
    demand: str
    day: int
    period: int
    week: int
    site: str
    allowed: tuple[str, ...]
    """Specialists with a candidate here, in instance order: the entity's value range."""
    resource: str | None
    capacity_left: int
    """The site's count of `resource` minus commitments holding it then (0 without a resource:
    not limited)."""


@dataclass(frozen=True)
class PeerProblem:
    prep: Prepared
    slots: list[Slot]
    commitments: list[tuple[str, int, int]]
    """(specialist, day, period) of every commitment that holds (not on leave)."""
    constant_cost: int
    """Uncovered cost of demand-weeks that no slot can serve: in the objective, not in the score."""


def build_problem(prep: Prepared) -> PeerProblem:
    """Slots from the prepared candidates, commitments from the prepared occurrences."""
    instance = prep.instance
    fixed: Counter[tuple[str, str, int, int]] = Counter()
    for (_, t, p), com in prep.commitment_at.items():
        if com.resource is not None:
            fixed[(com.site, com.resource, t, p)] += 1
    who: dict[tuple[str, int, int], list[str]] = {}
    for cand in prep.candidates:
        who.setdefault((cand.demand, cand.day, cand.period), []).append(cand.specialist)
    slots = []
    for (demand_id, t, p), specialists in who.items():
        demand = prep.demands[demand_id]
        copies = min(demand.sessions.max, len(specialists))
        left = 0
        if demand.resource is not None:
            left = max(
                0, prep.capacity.get((demand.site, demand.resource), 0) - fixed[(demand.site, demand.resource, t, p)]
            )
            copies = min(copies, left)
        for copy in range(copies):
            key = f"{demand_id}|{t}|{prep.period_ids[p]}|{copy}"
            slots.append(
                Slot(key, demand_id, t, p, prep.week[t], demand.site, tuple(specialists), demand.resource, left)
            )
    served_weeks = {(s.demand, s.week) for s in slots}
    constant = sum(
        instance.weights.uncovered_session * dem.priority * dem.sessions.min
        for dem in instance.demands
        for week in prep.demand_weeks[dem.id]
        if (dem.id, week) not in served_weeks
    )
    return PeerProblem(prep, slots, sorted(prep.commitment_at), constant)


def roster_from_choice(problem: PeerProblem, chosen: dict[str, str | None], status: RosterStatus) -> Roster:
    """The roster of a Timefold solution: every commitment that holds, and each slot given to
    a specialist (`chosen`: slot key -> specialist id or None)."""
    prep = problem.prep
    rows: list[tuple[int, int, int, Assignment]] = []
    order = {s.id: i for i, s in enumerate(prep.instance.specialists)}
    for spec, t, p in problem.commitments:
        com = prep.commitment_at[(spec, t, p)]
        extra = {"resource": com.resource} if com.resource is not None else {}
        assignment = Assignment(
            specialist=spec,
            date=prep.dates[t],
            period=prep.period_ids[p],
            site=com.site,
            activity=com.activity,
            commitment=True,
            **extra,
        )
        rows.append((order[spec], t, p, assignment))
    for slot in problem.slots:
        spec_id = chosen.get(slot.key)
        if spec_id is None:
            continue
        demand = prep.demands[slot.demand]
        extra = {"resource": demand.resource} if demand.resource is not None else {}
        assignment = Assignment(
            specialist=spec_id,
            date=prep.dates[slot.day],
            period=prep.period_ids[slot.period],
            site=slot.site,
            activity=demand.activity,
            demand=demand.id,
            **extra,
        )
        rows.append((order[spec_id], slot.day, slot.period, assignment))
    rows.sort(key=lambda row: row[:3])
    return Roster(instance=prep.instance.name, status=status, assignments=[row[3] for row in rows])
