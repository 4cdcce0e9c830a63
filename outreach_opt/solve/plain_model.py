"""Benchmark peer `cpsat-plain` (issue 8, peer c): the problem as most people would write it
for CP-SAT, without the engine's strengthening, to show what that strengthening earns.

Written apart from `builder.py` on purpose: it shares only the prepared data (`prepare`: the
candidates, minutes, travel matrix) and the roster type, never a rule. What it leaves out is
exactly the engine's strengthening (models/MODEL.md, "Strengthening"): no day patterns, no
rest cliques, no visit cuts, no symmetry breaking, no hints, CP-SAT's default parameters.

Per specialist and day:
- ``x[c]`` per candidate; at most one per period (`one_place`).
- ``at[p][a]``: at site a in period p (the sum of that slot's x, or the constant 1 of a
  commitment). `travel_between`: every pair of periods p < q and sites a, b with
  ``end_p + tr(a, b) > start_q`` gets ``at[p][a] + at[q][b] <= 1``.
- Leg Booleans from a source (leaving home) through the occupied (period, site) nodes in
  period order to a sink (back home): one leg out of the source, one into the sink, and at each
  node in = out = ``at``. The legs form one path through every occupied node (the graph is
  ordered by period, so it has no cycles), and the day's driving is the sum of the legs' minutes
  (`daily_travel`, term `travel`).
- `rest`: the last leg of day t (node -> sink) and the first leg of day t+1 (source -> node)
  that leave too little rest are forbidden pairwise.
- ``work`` = max of the day's ``at``; weekly limits, runs and weekends are plain sums of these.

The objective has the engine's terms and weights, each auxiliary defined exactly (max, abs),
so that a roster found at the time limit reports the cost the checker recomputes.
Instances using a rule this model does not write down are refused (`UnsupportedRuleError`),
never solved with the rule silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import MINUTES_PER_DAY, Candidate, Prepared
from outreach_opt.domain.roster import Roster
from outreach_opt.solve.outcome import Status

Node = tuple[int, str]
"""(period index, site): where a specialist may be in one period of a day."""
SOURCE: Node = (-1, "")
SINK: Node = (10**6, "")

SUPPORTED = frozenset(
    {
        "known_ids", "one_place", "commitments", "unavailability", "demand_fit", "demand_max", "capacity",
        "travel_between", "daily_travel", "rest", "weekly_sessions", "weekly_outreach", "daily_sessions",
        "working_days", "weekly_evenings", "max_consecutive_days", "max_weekends",
        "uncovered", "travel", "requests", "preferences", "fairness_max", "fairness_deviation", "continuity",
    }
)  # fmt: skip
"""Rule and term ids of models/MODEL.md written down here: every one that generated instances
(`outreach_opt/generate.py`) use, and a few more that are one sum each."""

REFUSED = frozenset(
    {
        "team_complete", "teleconsultation", "remote_link", "console_site", "max_specialists", "non_preferred",
        "surplus", "weekly_minutes", "horizon_minutes", "min_consecutive_days", "min_days_off", "period_sessions",
        "day_off", "forbidden_successions", "pins", "on_call_reach", "on_call_shortfall", "teaching_continuity",
        "teaching_target", "overnight_stay", "nights_away",
    }
)  # fmt: skip
"""The rest of models/MODEL.md: an instance where one of them takes effect is refused
(`remote_link` and `console_site` are only about remote demands, which `teleconsultation`
refuses, remote surgeries included; `nights_away` only about stays, which `overnight_stay`
refuses)."""


class UnsupportedRuleError(ValueError):
    """The instance uses a rule the plain formulation does not model."""


def unsupported_rules(instance: Instance) -> list[str]:
    """'rule id (where in the instance)' for every rule or weighted term in use that this model
    leaves out; empty when the plain model means the same problem as the engine's."""
    found: list[str] = []
    w = instance.weights

    def note(rule: str, where: str) -> None:
        found.append(f"{rule} ({where})")

    for i, d in enumerate(instance.demands):
        if d.team:
            note("team_complete", f"demands[{i}].team")
        if d.remote:
            note("console_site" if d.is_remote_surgery else "teleconsultation", f"demands[{i}].remote")
        if d.max_specialists is not None:
            note("max_specialists", f"demands[{i}].max_specialists")
        if d.preferred and w.non_preferred_session:
            note("non_preferred", f"demands[{i}].preferred")
        if d.surplus_weight:
            note("surplus", f"demands[{i}].surplus_weight")
    for i, s in enumerate(instance.specialists):
        if s.min_minutes_per_week is not None or s.max_minutes_per_week is not None:
            note("weekly_minutes", f"specialists[{i}]")
        if s.min_minutes_total is not None or s.max_minutes_total is not None:
            note("horizon_minutes", f"specialists[{i}]")
        if (s.min_consecutive_working_days or 0) >= 2:
            note("min_consecutive_days", f"specialists[{i}].min_consecutive_working_days")
        if (s.min_consecutive_days_off or 0) >= 2:
            note("min_days_off", f"specialists[{i}].min_consecutive_days_off")
        if s.max_sessions_by_period:
            note("period_sessions", f"specialists[{i}].max_sessions_by_period")
    for i, site in enumerate(instance.sites):
        if site.overnight:
            note("overnight_stay", f"sites[{i}].overnight")
    for i, r in enumerate(instance.requests):
        if r.hard:
            note("day_off", f"requests[{i}].hard")
    if instance.rules.forbidden_successions:
        note("forbidden_successions", "rules.forbidden_successions")
    if instance.pins:
        note("pins", "pins")
    if instance.pinned_stays:
        note("pins", "pinned_stays")
    for i, o in enumerate(instance.on_call):
        note("on_call_reach" if o.weight is None else "on_call_shortfall", f"on_call[{i}]")
    if instance.trainees and w.distinct_teacher:
        note("teaching_continuity", "trainees")
    if instance.trainees and w.teaching_session:
        note("teaching_target", "trainees")
    return found


@dataclass
class PlainModel:
    """The plain CP-SAT model of one instance, with the variables needed to read a roster."""

    prep: Prepared
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[Candidate, cp_model.IntVar] = field(default_factory=dict)
    at: dict[tuple[str, int], dict[Node, cp_model.IntVar]] = field(default_factory=dict)
    """(specialist, day) -> node -> 1 when there (a constant 1 for a commitment)."""
    legs: dict[tuple[str, int], dict[tuple[Node, Node], cp_model.IntVar]] = field(default_factory=dict)
    driving: dict[tuple[str, int], cp_model.LinearExprT] = field(default_factory=dict)
    drive_top: dict[tuple[str, int], int] = field(default_factory=dict)
    """An upper bound of each day's driving: the path has one leg per period and one home."""
    work: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, cp_model.LinearExprT] = field(default_factory=dict)

    def build(self) -> PlainModel:
        refused = unsupported_rules(self.prep.instance)
        if refused:
            raise UnsupportedRuleError(
                "the plain CP-SAT formulation (benchmark peer cpsat-plain) does not model "
                + ", ".join(refused)
                + "; it refuses the instance rather than solve it without them"
            )
        for cand in self.prep.candidates:
            self.x[cand] = self.model.new_bool_var(f"x[{cand}]")
        for spec in self.prep.specialists:
            for t in range(self.prep.n_days):
                self._day(spec, t)
        self._add_demand_max()
        self._add_capacity()
        self._add_rest()
        self._add_workload()
        self._set_objective()
        return self

    # -- one specialist-day: places, travel between them, the route -------------------------------

    def _day(self, spec: str, t: int) -> None:
        prep = self.prep
        slots: dict[Node, list[cp_model.IntVar]] = defaultdict(list)
        for cand in prep.candidates_by_day.get((spec, t), ()):
            slots[(cand.period, cand.site)].append(self.x[cand])
        at: dict[Node, cp_model.IntVar] = {}
        for p in range(prep.n_periods):
            com = prep.commitment_at.get((spec, t, p))
            if com is not None:
                at[(p, com.site)] = self.model.new_constant(1)
                continue
            here = [node for node in slots if node[0] == p]
            self.model.add_at_most_one(v for node in here for v in slots[node])  # one_place
            for node in sorted(here, key=lambda n: n[1]):
                at[node] = self.model.new_bool_var(f"at[{spec},{t},{node}]")
                self.model.add(at[node] == sum(slots[node]))
        self.at[(spec, t)] = at
        if not at:
            return
        home = prep.specialists[spec].home
        for a in at:  # travel_between, every pair of the day
            for b in at:
                if a[0] < b[0] and not self._reachable(a, b):
                    self.model.add(at[a] + at[b] <= 1)
        nodes = [SOURCE, *sorted(at), SINK]
        legs: dict[tuple[Node, Node], cp_model.IntVar] = {}
        for a in nodes:
            for b in nodes:
                if a[0] < b[0]:  # travel_between is the pairwise rule above, not left to the legs
                    legs[(a, b)] = self.model.new_bool_var(f"leg[{spec},{t},{a},{b}]")
        self.model.add(sum(v for (a, _), v in legs.items() if a == SOURCE) == 1)
        self.model.add(sum(v for (_, b), v in legs.items() if b == SINK) == 1)
        for node, var in at.items():
            self.model.add(sum(v for (_, b), v in legs.items() if b == node) == var)
            self.model.add(sum(v for (a, _), v in legs.items() if a == node) == var)
        site = {node: node[1] or home for node in nodes}
        minutes = {leg: prep.leg(site[leg[0]], site[leg[1]]) for leg in legs}
        self.legs[(spec, t)] = legs
        self.driving[(spec, t)] = cp_model.LinearExpr.weighted_sum(list(legs.values()), list(minutes.values()))
        limit = prep.specialists[spec].max_travel_minutes_per_day
        self.drive_top[(spec, t)] = (prep.n_periods + 1) * max(minutes.values())
        if limit is not None:
            self.model.add(self.driving[(spec, t)] <= limit)  # daily_travel
        self.work[(spec, t)] = self.model.new_bool_var(f"work[{spec},{t}]")
        self.model.add_max_equality(self.work[(spec, t)], list(at.values()))

    def _reachable(self, a: Node, b: Node) -> bool:
        """Rule `travel_between` for one pair: from a session at a to one at b in time."""
        return self.prep.period_end[a[0]] + self.prep.leg(a[1], b[1]) <= self.prep.period_start[b[0]]

    # -- rules over several specialists or days ----------------------------------------------------

    def _add_demand_max(self) -> None:
        """`demand_max`: at most `sessions.max` sessions of a demand a week."""
        for (demand, _w), vars_ in self.served.items():
            self.model.add(sum(vars_) <= self.prep.demands[demand].sessions.max)

    @cached_property
    def served(self) -> dict[tuple[str, int], list[cp_model.IntVar]]:
        """(demand, week) -> its candidates' variables, for `demand_max` and term `uncovered`:
        read once the candidates exist, and kept (both read the same sums)."""
        served: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for cand, var in self.x.items():
            served[(cand.demand, self.prep.week[cand.day])].append(var)
        return served

    def _add_capacity(self) -> None:
        """`capacity`: sessions using a resource at a site and period, commitments included."""
        used: dict[tuple[str, int, int, str], list[cp_model.IntVar]] = defaultdict(list)
        fixed: dict[tuple[str, int, int, str], int] = defaultdict(int)
        for cand, var in self.x.items():
            resource = self.prep.demands[cand.demand].resource
            if resource is not None:
                used[(cand.site, cand.day, cand.period, resource)].append(var)
        for (_spec, t, p), com in self.prep.commitment_at.items():
            if com.resource is not None:
                fixed[(com.site, t, p, com.resource)] += 1
        for key in sorted(set(used) | set(fixed)):
            site, _t, _p, resource = key
            self.model.add(sum(used[key]) + fixed[key] <= self.prep.capacity.get((site, resource), 0))

    def _add_rest(self) -> None:
        """`rest`: the day's last leg home and the next day's first leg out, pair by pair."""
        rest = self.prep.instance.rules.min_rest_minutes
        if rest == 0:
            return
        prep = self.prep
        for spec, person in prep.specialists.items():
            for t in range(prep.n_days - 1):
                today, tomorrow = self.legs.get((spec, t), {}), self.legs.get((spec, t + 1), {})
                last = {a: v for (a, b), v in today.items() if b == SINK and a != SOURCE}
                first = {b: v for (a, b), v in tomorrow.items() if a == SOURCE and b != SINK}
                for (p, a), home_leg in last.items():
                    back = prep.period_end[p] + prep.leg(a, person.home)
                    for (q, b), out_leg in first.items():
                        leave = prep.period_start[q] - prep.leg(person.home, b)
                        if leave + MINUTES_PER_DAY - back < rest:
                            self.model.add(home_leg + out_leg <= 1)

    def _add_workload(self) -> None:
        """`weekly_sessions`, `weekly_outreach`, `weekly_evenings`, `daily_sessions`,
        `working_days`, `max_consecutive_days` and `max_weekends`: sums of `at` and `work`."""
        prep = self.prep
        for spec, person in prep.specialists.items():
            for days in prep.days_of_week:
                nodes = [(node, var) for t in days for node, var in self.at[(spec, t)].items()]
                works = [self.work[(spec, t)] for t in days if (spec, t) in self.work]
                limits: list[tuple[int | None, list[cp_model.IntVar]]] = [
                    (person.max_sessions_per_week, [v for _, v in nodes]),
                    (person.max_outreach_sessions_per_week, [v for n, v in nodes if n[1] != person.home]),
                    (person.max_evening_sessions_per_week, [v for n, v in nodes if prep.evening[n[0]]]),
                    (person.max_working_days_per_week, works),
                ]
                for limit, vars_ in limits:
                    if limit is not None:
                        self.model.add(sum(vars_) <= limit)
            if person.max_sessions_per_day is not None:
                for t in range(prep.n_days):
                    self.model.add(sum(self.at[(spec, t)].values()) <= person.max_sessions_per_day)
            most = person.max_consecutive_working_days
            if most is not None:
                for start in range(prep.n_days - most):
                    window = [self.work[(spec, t)] for t in range(start, start + most + 1) if (spec, t) in self.work]
                    self.model.add(sum(window) <= most)
            if person.max_weekends is not None:
                weekends = []
                for days in prep.weekends:
                    weekend = self.model.new_bool_var(f"weekend[{spec},{days[0]}]")
                    for t in days:
                        if (spec, t) in self.work:
                            self.model.add(weekend >= self.work[(spec, t)])
                    weekends.append(weekend)
                self.model.add(sum(weekends) <= person.max_weekends)

    # -- objective -----------------------------------------------------------------------------------

    def _set_objective(self) -> None:
        """The engine's terms with the engine's weights (models/MODEL.md, Objective)."""
        prep, w = self.prep, self.prep.instance.weights
        if w.uncovered_session:
            served, short = self.served, []
            for d in prep.instance.demands:
                if d.sessions.min == 0 or d.priority == 0:
                    continue
                for week in prep.demand_weeks[d.id]:
                    u = self.model.new_int_var(0, d.sessions.min, f"uncovered[{d.id},{week}]")
                    self.model.add_max_equality(u, [d.sessions.min - sum(served[(d.id, week)]), 0])
                    short.append(w.uncovered_session * d.priority * u)
            self.terms["uncovered"] = sum(short)
        if w.travel_minute:
            self.terms["travel"] = w.travel_minute * sum(self.driving.values())
        if w.request:
            self.terms["requests"] = w.request * sum(self._request_costs())
        if w.preference:
            costs = [(self._preference_cost(c), v) for c, v in self.x.items()]
            self.terms["preferences"] = w.preference * sum(cost * v for cost, v in costs if cost)
        if w.distinct_specialist:
            serves = defaultdict(list)
            for cand, var in self.x.items():
                if prep.demands[cand.demand].continuity:
                    serves[(cand.specialist, cand.demand)].append(var)
            servers = []
            for key, vars_ in serves.items():
                z = self.model.new_bool_var(f"serves[{key}]")
                self.model.add_max_equality(z, vars_)
                servers.append(z)
            self.terms["continuity"] = w.distinct_specialist * sum(servers)
        if w.fairness_max or w.fairness_deviation:
            self._fairness()
        self.model.minimize(sum(self.terms.values()))

    def _request_costs(self) -> list[cp_model.LinearExprT]:
        """Term `requests`: an `off` request is unmet when anything is in its periods that day
        (commitments too), an `on` request when nothing is."""
        costs: list[cp_model.LinearExprT] = []
        for r in self.prep.requests:
            if r.weight == 0:
                continue
            there = [v for (p, _a), v in self.at.get((r.specialist, r.day), {}).items() if p in r.periods]
            busy = self.model.new_bool_var(f"busy[{r.index}]")
            self.model.add_max_equality(busy, [*there, 0])
            costs.append(r.weight * (busy if r.want == "off" else 1 - busy))
        return costs

    def _preference_cost(self, cand: Candidate) -> int:
        args = (cand.site, self.prep.weekday[cand.day], self.prep.period_ids[cand.period])
        prefs = self.prep.specialists[cand.specialist].preferences
        return sum(p.weight for p in prefs if p.matches(*args) == (p.kind == "avoid"))

    def _fairness(self) -> None:
        """Terms `fairness_max` and `fairness_deviation` over each sharer's FTE-scaled burden."""
        prep, w = self.prep, self.prep.instance.weights
        points = prep.instance.fairness.burden
        weekend = {t for days in prep.weekends for t in days}
        burdens: list[cp_model.IntVar] = []
        tops: list[int] = []
        for sid in prep.instance.outreach_sharers():
            home, factor, top = prep.specialists[sid].home, prep.specialists[sid].burden_factor, 0
            parts: list[cp_model.LinearExprT] = []
            for t in range(prep.n_days):
                if (sid, t) not in self.work:
                    continue
                per_period: dict[int, int] = defaultdict(int)
                for (p, a), v in self.at[(sid, t)].items():
                    value = points.outreach_session * (a != home) + points.evening_session * prep.evening[p]
                    parts.append(value * v)
                    per_period[p] = max(per_period[p], value)
                parts.append(points.weekend_day * (t in weekend) * self.work[(sid, t)])
                parts.append(points.travel_minute * self.driving[(sid, t)])
                top += sum(per_period.values()) + points.weekend_day + points.travel_minute * self.drive_top[(sid, t)]
            burden = self.model.new_int_var(0, factor * top, f"burden[{sid}]")
            self.model.add(burden == factor * sum(parts))
            burdens.append(burden)
            tops.append(factor * top)
        if not burdens:
            return
        if w.fairness_max:
            most = self.model.new_int_var(0, max(tops), "burden_max")
            self.model.add_max_equality(most, burdens)
            self.terms["fairness_max"] = w.fairness_max * most
        if w.fairness_deviation:
            n = len(burdens)
            total = self.model.new_int_var(0, sum(tops), "burden_total")
            self.model.add(total == sum(burdens))
            deviations = []
            for b in burdens:
                d = self.model.new_int_var(0, n * sum(tops), f"deviation[{b.name}]")
                self.model.add_abs_equality(d, n * b - total)
                deviations.append(d)
            self.terms["fairness_deviation"] = w.fairness_deviation * sum(deviations)

    # -- reading back ----------------------------------------------------------------------------------

    def roster(self, solver: cp_model.CpSolver, status: Status, objective: int, bound: int) -> Roster:
        """Commitments as they stand, and every chosen candidate."""
        prep = self.prep
        out = [prep.commitment_assignment(spec, t, p) for spec, t, p in prep.commitment_at]
        for cand, var in self.x.items():
            if solver.boolean_value(var):
                out.append(prep.session_assignment(cand.specialist, cand.day, cand.period, cand.site, cand.demand))
        out.sort(key=lambda a: (a.specialist, a.date, prep.period_index[a.period]))
        return Roster(
            instance=prep.instance.name, status=status.value, objective=objective, bound=bound, assignments=out
        )
