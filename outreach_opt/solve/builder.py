"""The CP-SAT model of the core: variables, one method per rule, and the objective.

Variables (all Boolean unless said):
- ``x[c]`` for each `Candidate` c: specialist serves demand at day, period, from the candidate's site.
- ``y[s, t, k]`` for each enumerated `DayPattern` k of specialist s on day t: that day goes so.
- ``u[d, w]`` (integer 0..min): sessions of demand d left uncovered in week w.
- ``held[d, t, p]`` for a demand with a team: its team session is held (see `team_rules`).

Rules `one_place`, `commitments`, `unavailability`, `travel_between` and `daily_travel` are
enforced where the day patterns are enumerated (see `day_patterns`); `demand_fit` by creating
x only for fitting candidates; the rest are the `_add_<rule id>` methods below. The names are
those of models/MODEL.md and of the checker's `check_<rule id>` functions.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import MINUTES_PER_DAY, Candidate, Prepared
from outreach_opt.domain.roster import Roster
from outreach_opt.solve.cover_rules import CoverRules
from outreach_opt.solve.day_patterns import DayKey, DayPattern, enumerate_day
from outreach_opt.solve.fairness_window import Fairness
from outreach_opt.solve.model_parts import BuildTimeoutError as BuildTimeoutError  # raised by build
from outreach_opt.solve.pin_rules import PinRules
from outreach_opt.solve.reach_rules import ReachRules
from outreach_opt.solve.sharing_rules import SharingRules
from outreach_opt.solve.stay_rules import Night, StayRules
from outreach_opt.solve.teaching_rules import TeachingRules
from outreach_opt.solve.team_rules import TeamRules
from outreach_opt.solve.workload_rules import WorkloadRules

logger = logging.getLogger(__name__)

SpecDay = tuple[str, int]


@dataclass
class BuildOptions:
    """Switches for the formulation's strengthening; the model's meaning never changes."""

    symmetry_breaking: bool = True
    """Order interchangeable specialists by workload. Off when fixing a given roster as hints:
    a valid roster need not be in the chosen order."""
    explain: bool = False
    """Guard every hard-rule constraint by the assumption literal of its group (see
    `ModelParts._guard`), enumerate day patterns unpruned, leave commitments optional and set
    no objective: the model of `solve/explain.py`. Off: the normal model, unchanged."""
    deadline: float | None = None
    """A `time.perf_counter()` moment after which `build` gives up (raises `BuildTimeoutError`):
    `solve` sets it to `BUILD_SHARE` of its time limit, since a model too large to build in time
    could not be searched in time either (300 specialists x 40 sites makes 2.4M day patterns:
    82 s to enumerate)."""
    clock: Callable[[], float] = time.perf_counter
    """The clock `deadline` is read on; tests pass a fake one (no stopwatch in unit tests)."""
    hard_minimums: bool = False
    """Make each demand's weekly `sessions.min` a hard rule, `demand_min` (demand, week)."""


@dataclass
class RosterModel(WorkloadRules, SharingRules, TeamRules, PinRules, CoverRules, ReachRules, TeachingRules, StayRules):
    """A built CP-SAT model with its variables, kept together for solving and for hints."""

    prep: Prepared
    options: BuildOptions = field(default_factory=BuildOptions)
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[Candidate, cp_model.IntVar] = field(default_factory=dict)
    days: dict[SpecDay, list[tuple[DayPattern, cp_model.IntVar]]] = field(default_factory=dict)
    uncovered: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    terms: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    servers: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    held: dict[tuple[str, int, int], cp_model.IntVar] = field(default_factory=dict)
    """Team demands: held[d, t, p] is 1 when the whole team serves that session."""
    groups: dict[tuple[str, tuple[Any, ...]], cp_model.IntVar] = field(default_factory=dict)
    """Explain mode: the assumption literal of each group of hard constraints, (rule id, key)."""
    pattern_cache: dict[DayKey, list[DayPattern]] = field(default_factory=dict)
    """Enumerations shared by days alike (`enumerate_day`); `solve` passes the one its size
    check filled, so the patterns are not enumerated twice."""
    nights: dict[Night, cp_model.IntVar] = field(default_factory=dict)
    """Overnight stays: nights[s, t, a] is 1 when s sleeps at site a after day t."""
    fairness: Fairness | None = None
    """The `fairness_deviation` term's variables, for its window (solve/fairness_window.py)."""

    @property
    def n_patterns(self) -> int:
        return sum(len(choices) for choices in self.days.values())

    def build(self) -> RosterModel:
        """Create variables, then every rule in the order of models/MODEL.md, then the objective.

        The deadline is checked after every rule, and inside the long ones once per specialist
        (`_check_deadline`): at 300 specialists one rule can take seconds, and checking only
        every few rules let the build overrun the limit by 12 s."""
        self._create_variables()
        self._check_deadline()
        rules = [
            self._add_one_place,
            self._add_overnight_stay,
            self._add_team_complete,
            self._add_demand_max,
            *([self._add_demand_min] if self.options.hard_minimums else []),
            self._add_capacity,
            self._add_rest,
            self._add_weekly_sessions,
            self._add_weekly_outreach,
            self.add_workload_rules,
            self._add_period_sessions,
            self.add_sharing_rules,
            self._add_pins,
            self._add_on_call_reach,
            self._add_visit_cuts,
        ]
        for add_rule in rules:
            add_rule()
            self._check_deadline()
        if self.options.explain:
            return self  # no symmetry breaking (guards tell specialists apart), no objective
        if self.options.symmetry_breaking:
            self._add_symmetry_breaking()
        self._check_deadline()
        self._set_objective()
        logger.info(
            "model: %d candidate sessions, %d day patterns, %d constraints",
            len(self.x),
            self.n_patterns,
            len(self.model.proto.constraints),
        )
        return self

    # -- variables ---------------------------------------------------------------------------

    def _create_variables(self) -> None:
        for cand in self.prep.candidates:
            self.x[cand] = self.model.new_bool_var(f"x[{cand.specialist},{cand.demand},{cand.day},{cand.period}]")
        for spec in self.prep.specialists:
            self._check_deadline()
            for t in range(self.prep.n_days):
                patterns = enumerate_day(self.prep, spec, t, explain=self.options.explain, cache=self.pattern_cache)
                self.days[(spec, t)] = [
                    (pat, self.model.new_bool_var(f"y[{spec},{t},{k}]")) for k, pat in enumerate(patterns)
                ]
                for pat, var in self.days[(spec, t)]:  # explain mode: day-local rules, guarded
                    for rule, key in pat.breaks:
                        self._hard(self.model.add(var == 0), rule, key)
        self._create_stay_patterns(self.pattern_cache)

    # -- hard rules -------------------------------------------------------------------------

    def _add_one_place(self) -> None:
        """Rule `one_place`: exactly one day pattern per specialist and day, and a demand
        session at a site and period exactly when the chosen pattern puts the specialist
        there (so never two sessions in one period)."""
        by_slot: dict[tuple[str, int, int], dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
        for cand, var in self.x.items():
            by_slot[(cand.specialist, cand.day, cand.period)][cand.site].append(var)
        for (spec, t), choices in self.days.items():
            if t == 0:
                self._check_deadline()
            # An empty list means the day's commitments alone break a day-local rule.
            self.model.add_exactly_one(var for _, var in choices)
            at: dict[int, dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
            for pat, var in choices:
                for p, site in enumerate(pat.stops):
                    if site is not None and not pat.committed[p]:
                        at[p][site].append(var)
            for p in range(self.prep.n_periods):
                sessions = by_slot.get((spec, t, p), {})
                for site in sorted(set(sessions) | set(at.get(p, {}))):
                    served = cp_model.LinearExpr.sum(sessions.get(site, []))
                    self.model.add(served == cp_model.LinearExpr.sum(at[p].get(site, [])))

    def _add_demand_max(self) -> None:
        """Rule `demand_max`: at most `sessions.max` sessions of a demand in each week (a team
        session is one session)."""
        per_week: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for demand, t, _p, _site, var in self.demand_sessions():
            per_week[(demand, self.prep.week[t])].append(var)
        for (demand, _w), vars_ in per_week.items():
            limit = self.prep.demands[demand].sessions.max
            if len(vars_) > limit:
                self._hard(self.model.add(sum(vars_) <= limit), "demand_max", (demand, _w))

    def _add_demand_min(self) -> None:
        """`demand_min` (only with `BuildOptions.hard_minimums`): at least `sessions.min`
        sessions of each demand in each week, as a hard rule instead of the uncovered cost."""
        per_week: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for demand_id, t, _p, _site, var in self.demand_sessions():
            per_week[(demand_id, self.prep.week[t])].append(var)
        for demand in self.prep.instance.demands:
            if demand.sessions.min == 0:
                continue
            for w in self.prep.demand_weeks[demand.id]:
                served = cp_model.LinearExpr.sum(per_week[(demand.id, w)])
                constraint = self.model.add(served >= demand.sessions.min)
                self._hard(constraint, "demand_min", (demand.id, w))

    def _add_capacity(self) -> None:
        """Rule `capacity`: sessions using a resource at a site in one period, commitments
        included, never exceed the site's count of it. A team session uses one."""
        used: dict[tuple[str, int, int, str], list[cp_model.IntVar]] = defaultdict(list)
        fixed: dict[tuple[str, int, int, str], int] = defaultdict(int)
        for demand, t, p, site, var in self.demand_sessions():
            resource = self.prep.demands[demand].resource
            if resource is not None:
                used[(site, t, p, resource)].append(var)
            robot = self.prep.demands[demand].remote_resource  # remote surgery: held at the patient's site
            if robot is not None:
                used[(self.prep.demands[demand].site, t, p, robot)].append(var)
        for (spec, t, p), com in self.prep.commitment_at.items():
            if com.resource is None:
                continue
            if self.options.explain:  # commitments are optional there: count their patterns
                used[(com.site, t, p, com.resource)] += [var for pat, var in self.days[(spec, t)] if pat.committed[p]]
            else:
                fixed[(com.site, t, p, com.resource)] += 1
        for key in sorted(set(used) | set(fixed)):  # sorted: same model in every process
            site, _t, _p, resource = key
            room = self.prep.capacity.get((site, resource), 0) - fixed[key]
            if room < 0:
                self.model.add_bool_or([])  # commitments alone overfill it: infeasible
            elif len(used[key]) > room:
                self._hard(self.model.add(sum(used[key]) <= room), "capacity", key)

    def _add_rest(self) -> None:
        """Rule `rest`: from getting home one day to leaving the next, at least
        `min_rest_minutes`. For each possible return time r on day t, no pattern returning
        at r or later may be followed by one leaving too early for r: one clique per r,
        which is exact and stronger than forbidding pattern pairs one by one. With overnight
        stays, `back` and `leave` are at the stay site (rest at the stay); a clique may then
        hold a pair that ends and starts at different places, which `overnight_stay` forbids
        anyway, so it still cuts off no valid roster."""
        rest = self.prep.instance.rules.min_rest_minutes
        for spec, back in self.prep.history.back.items():  # home late on the day before the horizon
            for pat, var in self.days[(spec, 0)]:
                if pat.leave is not None and pat.leave + MINUTES_PER_DAY - back < rest:
                    self._hard(self.model.add(var == 0), "rest", (spec, -1))
        for spec in self.prep.specialists:
            self._check_deadline()
            for t in range(self.prep.n_days - 1):
                today = [(pat, var) for pat, var in self.days[(spec, t)] if pat.back is not None]
                tomorrow = [(pat, var) for pat, var in self.days[(spec, t + 1)] if pat.leave is not None]
                for r in sorted({pat.back for pat, _ in today if pat.back is not None}):
                    too_early = [var for pat, var in tomorrow if pat.leave + MINUTES_PER_DAY - r < rest]  # type: ignore[operator]
                    if not too_early:
                        continue
                    late = [var for pat, var in today if pat.back >= r]  # type: ignore[operator]
                    if self.options.explain:  # an at-most-one takes no guard: the same as a sum
                        self._hard(self.model.add(sum(late + too_early) <= 1), "rest", (spec, t))
                    else:
                        self.model.add_at_most_one(late + too_early)

    def _add_weekly_sessions(self) -> None:
        """Rule `weekly_sessions`: all sessions in a week, commitments included, within limit."""
        self._weekly_limit("weekly_sessions", "max_sessions_per_week", lambda pat: pat.sessions)

    def _add_weekly_outreach(self) -> None:
        """Rule `weekly_outreach`: sessions away from home in a week within limit."""
        self._weekly_limit("weekly_outreach", "max_outreach_sessions_per_week", lambda pat: pat.outreach)

    def _weekly_limit(self, rule: str, attribute: str, count: Callable[[DayPattern], int]) -> None:
        for spec_id, spec in self.prep.specialists.items():
            self._check_deadline()
            limit = getattr(spec, attribute)
            if limit is None:
                continue
            for w, days in enumerate(self.prep.days_of_week):
                terms = [(count(pat), var) for t in days for pat, var in self.days[(spec_id, t)]]
                most = sum(max((count(pat) for pat, _ in self.days[(spec_id, t)]), default=0) for t in days)
                if most > limit:  # otherwise no choice of patterns can break it
                    kept = [(var, n) for n, var in terms if n]
                    total = cp_model.LinearExpr.weighted_sum([v for v, _ in kept], [n for _, n in kept])
                    self._hard(self.model.add(total <= limit), rule, (spec_id, w))

    # -- strengthening ----------------------------------------------------------------------

    def _add_visit_cuts(self) -> None:
        """Strengthening `visit_cut`: a specialist serves a demand on a day at most
        min(max, allowed periods) times, and only on a day whose pattern visits its site.

        Redundant for whole rosters, but it removes the relaxation's favourite trick: half of
        a two-session day at a site, paying half the trip, to cover one session of a demand
        whose weekly maximum is 1. Not in explain mode: the cut assumes `demand_max`, which
        there is a group that may be left out (two pins of a one-a-week demand showed it)."""
        if self.options.explain:
            return
        sessions: dict[tuple[str, str, int, str], list[cp_model.IntVar]] = defaultdict(list)
        for cand, var in self.x.items():
            sessions[(cand.specialist, cand.demand, cand.day, cand.site)].append(var)
        for (spec, demand_id, t, site), vars_ in sessions.items():
            most = min(self.prep.demands[demand_id].sessions.max, len(vars_))
            if len(vars_) <= most:
                continue  # the linking equalities already say as much
            visits = [var for pat, var in self.days[(spec, t)] if site in pat.stops]
            self.model.add(sum(vars_) <= most * sum(visits))

    def _add_symmetry_breaking(self) -> None:
        """Specialists interchangeable in every respect: order their total sessions so the
        search does not visit every permutation."""
        for members in self.interchangeable():
            for a, b in itertools.pairwise(members):
                self.model.add(self._total_sessions(a) >= self._total_sessions(b))

    def interchangeable(self) -> list[list[str]]:
        """Groups (two or more) of specialists identical in every field but id and name, in
        their commitments and history, and named alike elsewhere (`_named_in`): any roster
        stays valid and costs the same with two of them swapped (the greedy first roster
        swaps their schedules into this order)."""
        groups: dict[str, list[str]] = defaultdict(list)
        commitments = defaultdict(list)
        for com in self.prep.instance.commitments:
            commitments[com.specialist].append(com.model_dump(exclude={"specialist"}))
        for spec in self.prep.instance.specialists:
            signature = spec.model_dump(exclude={"id", "name"})
            h = self.prep.history  # a different past makes two specialists distinguishable
            past = (
                sorted(h.worked.get(spec.id, ())),
                h.back.get(spec.id),
                [a.model_dump() for a in h.yesterday.get(spec.id, [])],
                h.burden.get(spec.id, 0),
                sorted(d for s, d in h.servers if s == spec.id),
            )
            groups[repr((signature, commitments[spec.id], past, self._named_in(spec.id)))].append(spec.id)
        return [members for members in groups.values() if len(members) > 1]

    def _named_in(self, spec: str) -> tuple[list[object], ...]:
        """Every other instance entry that names the specialist: a request, a pin (a session's
        or a night's), a demand
        preferring them, a succession rule binding them. Any of them tells two otherwise
        identical specialists apart (ordering them anyway cut off the optimum: a hard day off
        for the first of two, a pin or a preference for the second)."""
        inst = self.prep.instance
        return (
            [r.model_dump(exclude={"specialist"}) for r in inst.requests if r.specialist == spec],
            [p.model_dump(exclude={"specialist"}) for p in inst.pins if p.specialist == spec],
            [p.model_dump(exclude={"specialist"}) for p in inst.pinned_stays if p.specialist == spec],
            [d.id for d in inst.demands if spec in d.preferred],
            [k for k, rule in enumerate(inst.rules.forbidden_successions) if spec in (rule.specialists or ())],
        )

    def _total_sessions(self, spec: str) -> cp_model.LinearExprT:
        return sum(
            pat.sessions * var for t in range(self.prep.n_days) for pat, var in self.days[(spec, t)] if pat.sessions
        )

    # -- objective --------------------------------------------------------------------------

    def _set_objective(self) -> None:
        """Every objective term of models/MODEL.md, each built only when weighted."""
        weights = self.prep.instance.weights
        if weights.uncovered_session > 0:
            self.terms["uncovered"] = self._term_uncovered(weights.uncovered_session)
        if any(d.surplus_weight for d in self.prep.instance.demands):
            self.terms["surplus"] = self.surplus_term()
        if weights.travel_minute > 0:
            driving = [(pat.travel, var) for choices in self.days.values() for pat, var in choices if pat.travel]
            self.terms["travel"] = cp_model.LinearExpr.weighted_sum(
                [var for _, var in driving], [weights.travel_minute * minutes for minutes, _ in driving]
            )
        if weights.overnight_stay > 0 and self.nights:
            self.terms["nights_away"] = self.nights_away_term()
        if weights.request > 0 and any(not r.hard and r.weight for r in self.prep.requests):
            self.terms["requests"] = weights.request * self.requests_term()
        self.add_sharing_terms()
        self.add_teaching_terms()
        self.model.minimize(sum(self.terms.values()))

    def _term_uncovered(self, weight: int) -> cp_model.LinearExprT:
        served: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for demand_id, t, _p, _site, var in self.demand_sessions():
            served[(demand_id, self.prep.week[t])].append(var)
        total = []
        for demand in self.prep.instance.demands:
            if demand.sessions.min == 0 or demand.priority == 0:
                continue
            for w in self.prep.demand_weeks[demand.id]:
                u = self.model.new_int_var(0, demand.sessions.min, f"u[{demand.id},{w}]")
                self.uncovered[(demand.id, w)] = u
                # Exactly max(0, min - served), not just at least: a roster found before the
                # search ends must report its true cost, which the checker recomputes.
                self.model.add_max_equality(u, [demand.sessions.min - sum(served[(demand.id, w)]), 0])
                total.append(weight * demand.priority * u)
        return sum(total)

    # -- hints ------------------------------------------------------------------------------

    def hint_commitments_only(self) -> None:
        """Hint the roster that serves no demand: each day takes its commitments-only pattern.

        Whenever the instance is feasible at all, that roster is (coverage is soft), so the
        search starts from a valid roster instead of looking for one; on a 54-specialist,
        4-week instance the first roster came after 17 s without this hint."""
        self.model.clear_hints()
        for choices in self.days.values():
            for pat, var in choices:
                self.model.add_hint(var, pat.sessions == sum(pat.committed) and pat.at_home)
        for var in self.nights.values():
            self.model.add_hint(var, False)
        for var in [*self.x.values(), *self.held.values()]:
            self.model.add_hint(var, False)
        for (demand, _w), var in self.uncovered.items():
            self.model.add_hint(var, self.prep.demands[demand].sessions.min)

    def hint_roster(self, roster: Roster) -> list[str]:
        """Hint every variable from a roster; return what the model cannot express of it.

        With `fix_variables_to_their_hinted_value` this asks: does the model accept this
        roster? An empty list and a feasible solve mean yes.
        """
        self.model.clear_hints()
        date_index = self.prep.date_index
        pidx = self.prep.period_index
        served = set()
        stops: dict[SpecDay, dict[int, tuple[str, bool]]] = defaultdict(dict)
        problems = []
        for a in roster.assignments:
            if a.date not in date_index or a.period not in pidx:
                problems.append(f"{a.specialist} on {a.date} {a.period}: outside the horizon's dates or periods")
                continue
            t, p = date_index[a.date], pidx[a.period]
            wanted = self.prep.demands.get(a.demand or "")
            if wanted is not None and a.activity != wanted.activity:  # its site: a candidate's, below
                problems.append(f"{a.specialist} on {a.date} {a.period}: not {a.demand}'s activity")
            if a.commitment:
                com = self.prep.commitment_at.get((a.specialist, t, p))
                if com is None or (a.site, a.activity) != (com.site, com.activity):
                    problems.append(f"{a.specialist} on {a.date} {a.period}: no such commitment")
            if p in stops[(a.specialist, t)]:
                # One variable per period cannot hold two assignments: the model rejects it.
                problems.append(f"{a.specialist} has two assignments on {a.date} {a.period}")
            stops[(a.specialist, t)][p] = (a.site, a.commitment)
            if a.demand is not None:
                served.add(Candidate(a.specialist, a.demand, t, p, a.site, a.role))
        for cand, var in self.x.items():
            self.model.add_hint(var, cand in served)
        missing = served - set(self.x)  # also a demand served from a site it cannot be served from
        problems += [f"no candidate variable for {m}" for m in sorted(missing, key=repr)]
        sessions = {(c.demand, c.day, c.period) for c in served}  # a team session: any member there
        for key, var in self.held.items():
            self.model.add_hint(var, key in sessions)
        stay_at = self.hint_stays(roster.stays, date_index, problems)
        for (spec, t), choices in self.days.items():
            want = tuple(stops[(spec, t)].get(p, (None, False)) for p in range(self.prep.n_periods))
            ends = (stay_at.get((spec, t - 1)), stay_at.get((spec, t)))
            matched = False
            for pat, var in choices:
                hit = tuple(zip(pat.stops, pat.committed, strict=True)) == want and (pat.start, pat.end) == ends
                matched |= hit
                self.model.add_hint(var, hit)
            if not matched:
                problems.append(f"no day pattern for {spec} on day {t}: {want} from {ends[0]} to {ends[1]}")
        held = set()  # one per team session (all members alike), one per member otherwise
        for c in served:
            team = c.demand in self.prep.demands and self.prep.demands[c.demand].team
            held.add((c.demand, c.day, c.period, "" if team else c.specialist))
        counts: dict[tuple[str, int], int] = defaultdict(int)
        for d, t, _p, _s in held:
            counts[(d, self.prep.week[t])] += 1
        for (demand, w), var in self.uncovered.items():
            self.model.add_hint(var, max(0, self.prep.demands[demand].sessions.min - counts[(demand, w)]))
        return problems
