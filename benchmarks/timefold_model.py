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
silently dropped: what the plain CP-SAT peer refuses, and the few rules it models that this
one does not (`BEYOND_PLAIN`). The suite reports the checker's objective of the converted roster, and
compares it with this claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Prepared, prepare
from outreach_opt.domain.roster import Assignment, Roster, RosterStatus
from outreach_opt.solve.peers import engine_prep
from outreach_opt.solve.plain_model import SUPPORTED, unsupported_rules

BEYOND_PLAIN = frozenset({"daily_sessions", "preferences", "continuity"})
"""Rules and terms the plain CP-SAT peer models and this one does not."""

MODELLED = SUPPORTED - BEYOND_PLAIN
"""Rule and term ids of models/MODEL.md held by Timefold's constraints (`fairness_max` and
`fairness_deviation` with a burden that counts no travel minutes)."""


def refusal(instance: Instance) -> list[str]:
    """'rule id (where in the instance)' for everything the instance uses that the Timefold
    model does not hold, each a reason to refuse it: what the plain peer refuses (one list,
    `plain_model.unsupported_rules`, guarded against new rules by tests/test_plain_peer.py),
    and `BEYOND_PLAIN` where it takes effect."""
    out = unsupported_rules(instance)
    weights = instance.weights
    for i, spec in enumerate(instance.specialists):
        if spec.max_sessions_per_day is not None:
            out.append(f"daily_sessions (specialists[{i}].max_sessions_per_day)")
        if spec.preferences and weights.preference:
            out.append(f"preferences (specialists[{i}].preferences)")
    for i, dem in enumerate(instance.demands):
        if dem.continuity and weights.distinct_specialist:
            out.append(f"continuity (demands[{i}].continuity)")
    if instance.fairness.burden.travel_minute and (weights.fairness_max or weights.fairness_deviation):
        out.append("fairness_max/fairness_deviation (fairness.burden.travel_minute)")
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


def peer_prep(instance: Instance, time_limit: float, shortlist: bool) -> tuple[Prepared, str | None]:
    """What the slots are built from, and what restricts it (None: nothing). The whole
    instance; or, with `shortlist`, the data the engine builds its own model from for this
    limit (`solve/peers.engine_prep`, what HiGHS and CP-SAT's defaults get): the whole instance
    where that is small enough, else its shortlist of specialists per demand, so each slot's
    value range is its shortlisted candidates. At XL the whole instance is 26,514 slots with
    10.6M slot-candidate pairs for the construction heuristic to try, 32 times L's 335k, which
    took it about 83 s (L seed 1 in benchmarks/RESULTS.md, loaded machine). A roster of the
    shortlist is a roster of the instance (the checker judges it), but it is Timefold on a
    smaller problem, which its row's status says."""
    return engine_prep(instance, time_limit) if shortlist else (prepare(instance), None)


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
        rows.append((order[spec], t, p, prep.commitment_assignment(spec, t, p)))
    for slot in problem.slots:
        spec_id = chosen.get(slot.key)
        if spec_id is not None:
            assignment = prep.session_assignment(spec_id, slot.day, slot.period, slot.site, slot.demand)
            rows.append((order[spec_id], slot.day, slot.period, assignment))
    rows.sort(key=lambda row: row[:3])
    return Roster(instance=prep.instance.name, status=status, assignments=[row[3] for row in rows])
