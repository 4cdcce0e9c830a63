"""Sharing the work, recomputed from a roster: fairness of outreach burden and continuity.

Burden counts what the roster shows (sessions away from home, evening sessions, weekend days
with any session, minutes driven from where each day starts to where it ends: home or a
stay), weighted by `fairness.burden` and scaled by each specialist's `burden_factor` (FTE),
among `Instance.outreach_sharers()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation
from outreach_opt.domain.roster import Assignment


def check_max_specialists(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """At most `max_specialists` distinct specialists serve a demand over the horizon."""
    servers: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        if a.demand is not None:
            servers[a.demand].add(a.specialist)
    out = []
    for demand in ctx.instance.demands:
        who = servers.get(demand.id, set())
        if demand.max_specialists is not None and len(who) > demand.max_specialists:
            names = ", ".join(sorted(ctx.who(s) for s in who))
            message = (
                f"{ctx.demand_name(demand.id)} is served by {len(who)} specialists ({names}), more than "
                f"the {demand.max_specialists} it allows."
            )
            out.append(Violation("max_specialists", message, site=demand.site))
    return out


def scaled_burdens(ctx: Context, assignments: Sequence[Assignment]) -> dict[str, int]:
    """Each sharer's burden points times their FTE factor."""
    b = ctx.instance.fairness.burden
    evening = {p.id for p in ctx.instance.periods if p.is_evening}
    # Each specialist's assignments and minutes driven, gathered in one pass over the roster
    # (not one pass per sharer: a thousand sharers over a month is 10^7 steps otherwise).
    assigned: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        assigned[a.specialist].append(a)
    driven: dict[str, int] = defaultdict(int)
    for (sid, _day), todays in ctx.by_specialist_day(assignments).items():
        driven[sid] += ctx.day_travel(sid, todays)
    result = {}
    for sid in ctx.sharers:
        spec = ctx.specialists[sid]
        mine = assigned[sid]
        points = b.outreach_session * sum(1 for a in mine if a.site != spec.home)
        points += b.evening_session * sum(1 for a in mine if a.period in evening)
        points += b.weekend_day * len({a.date for a in mine if a.date.weekday() >= 5})
        points += b.travel_minute * driven[sid]
        result[sid] = spec.burden_factor * points
    return result


def fairness_terms(ctx: Context, scaled: dict[str, int]) -> dict[str, int]:
    """Terms fairness_max and fairness_deviation of the sharers' scaled burdens, weighted
    (one sharer's burden changed, a caller can ask this again without re-reading the roster)."""
    weights = ctx.instance.weights
    total, n = sum(scaled.values()), len(scaled)
    return {
        "fairness_max": weights.fairness_max * max(scaled.values(), default=0),
        "fairness_deviation": weights.fairness_deviation * sum(abs(n * v - total) for v in scaled.values()),
    }


def sharing_costs(ctx: Context, assignments: Sequence[Assignment]) -> dict[str, int]:
    """Terms preferences, fairness_max, fairness_deviation, continuity and non_preferred, weighted."""
    weights = ctx.instance.weights
    scaled = scaled_burdens(ctx, assignments)
    servers: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        if a.demand is not None:
            servers[a.demand].add(a.specialist)
    demands = {d.id: d for d in ctx.instance.demands}
    non_preferred = sum(
        1
        for a in assignments
        if a.demand in demands and demands[a.demand].preferred and a.specialist not in demands[a.demand].preferred
    )
    preference = 0
    for a in assignments:
        if a.demand is None:
            continue
        for pref in ctx.specialists[a.specialist].preferences:
            if pref.matches(a.site, a.date.weekday(), a.period) == (pref.kind == "avoid"):
                preference += pref.weight
    return {
        "preferences": weights.preference * preference,
        **fairness_terms(ctx, scaled),
        "continuity": weights.distinct_specialist
        * sum(len(servers.get(d.id, set())) for d in ctx.instance.demands if d.continuity),
        "non_preferred": weights.non_preferred_session * non_preferred,
    }
