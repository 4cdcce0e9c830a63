"""A first roster built greedily in plain Python, to start the search from (issue 8).

At scale CP-SAT's own first rosters leave most demand uncovered for a long time: the only
hint was the commitments-only roster, and the search's neighbourhoods are too slow on a
100k-variable model to climb from there within a minute. This builds, in well under a
second per thousand candidate sessions, a roster that covers what it can, cheapest first,
and `hint` hands it to the search as a complete starting point.

It starts from every day's commitments-only pattern and adds one demand session at a time,
the neediest demand first (priority, then fewest candidates), at the candidate whose
objective increase is smallest, as long as that is below the session's uncovered cost. A
session is added only where the day's new pattern is one of the enumerated ones (so the
day-local rules hold) and every other hard rule of models/MODEL.md still holds after it; the
rules that only forbid too little (minimum minutes) cannot be broken by adding, and the ones
about runs of days off or on (`min_consecutive_days`, `min_days_off`) are kept by never
turning a day off into a working day for a specialist who has them. Interchangeable
specialists' schedules are then sorted as the symmetry breaking orders them.

Instances with `max_sessions_by_period` (rule `period_sessions`) or on-call entries (rule
`on_call_reach`) get no greedy roster, and
demands with a team (rule `team_complete`) are left to the search: the greedy roster serves
none of their sessions, which keeps the rule, and a pin on one means no greedy roster.

The result is a hint, not a promise: tests check it with the independent checker, and a rule
this module does not know about (a new one) only makes CP-SAT repair the hint.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import Demand, SessionMatch
from outreach_opt.domain.prepared import MINUTES_PER_DAY, Candidate, Prepared
from outreach_opt.solve.day_patterns import DayPattern

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel

logger = logging.getLogger(__name__)

SpecDay = tuple[str, int]
PERMANENT = 1 << 30
Priced = tuple[int, Candidate, int]
"""(cost by `_State._cost`, candidate, the day's new pattern index)."""


@dataclass
class FirstRoster:
    """Chosen pattern index per specialist-day and the demand sessions served."""

    chosen: dict[SpecDay, int]
    served: set[Candidate] = field(default_factory=set)


def commitments_only(built: RosterModel) -> FirstRoster | None:
    """Each day's commitments-only pattern; None when some day has none (its commitments alone
    break a day-local rule: the instance is infeasible, and the search will say so)."""
    chosen = {}
    for key, choices in built.days.items():
        index = next(
            (k for k, (pat, _) in enumerate(choices) if pat.sessions == sum(pat.committed) and pat.at_home),
            None,
        )
        if index is None:
            return None
        chosen[key] = index
    return FirstRoster(chosen)


def greedy_roster(
    built: RosterModel,
    improve_until: float | None = None,
    on_filled: Callable[[FirstRoster], None] | None = None,
) -> FirstRoster | None:
    """The greedy roster described in the module docstring; None when there is no start.
    With `improve_until` (a perf_counter time), sessions are then moved to cheaper places
    until no move helps or that time comes, and what is still uncovered is tried again;
    with time left, the roster is built again towards fixed fairness targets
    (`TARGET_SHARES`) and the cheapest kept.
    `on_filled` gets the roster before the moves (a roster of its own: `solve` reports it as
    the first one, as the moves take as long again at 300 specialists), then each cheaper
    one a try ends with."""
    if built.prep.instance.on_call or any(spec.max_sessions_by_period for spec in built.prep.specialists.values()):
        return None  # rules `on_call_reach`, `period_sessions` are not among the checks below
    if commitments_only(built) is None:
        return None
    tasks = _tasks(built)
    began = time.perf_counter()
    state = _filled(built, tasks)
    if state is None:
        return None
    fill_seconds = time.perf_counter() - began
    if on_filled is not None:
        on_filled(state.snapshot())
    if improve_until is not None:
        cands_of: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        for cand in built.x:
            if not built.prep.demands[cand.demand].team:
                cands_of[(cand.demand, built.prep.week[cand.day])].append(cand)
        best: _State | None = None
        reported = state.objective()
        fair = state.weights.fairness_deviation and len(state.sharers) > 1
        total = sum(state.burden.values())
        quick = fill_seconds < TARGET_FIRST_UP_TO * (improve_until - began)
        order = (*TARGET_SHARES[:1], None, *TARGET_SHARES[1:]) if quick else (None, *TARGET_SHARES)
        for share in order if fair else (None,):
            if share is None:
                other: _State | None = _improved(state, tasks, cands_of, improve_until)
            elif improve_until - time.perf_counter() > 2 * fill_seconds:
                other = _towards(built, tasks, cands_of, round(share * total), improve_until)
            else:
                continue
            if other is not None:
                logger.info("greedy roster towards target share %s: objective %+d", share, other.objective())
                if best is None or other.objective() < best.objective():
                    best = other
                if on_filled is not None and best.objective() < reported:
                    reported = best.objective()
                    on_filled(best.snapshot())
        state = best or state
    state.sort_interchangeable()
    return state.roster


TARGET_FIRST_UP_TO = 0.1
"""The first target is tried before the moves with the true total only when one fill takes
less than this share of the improvement's time. At 1000 specialists x 4 weeks a fill takes
40-70 s of about 125 s: the target's fill and moves took it all, the true-total moves never
ran, and the roster stayed at the greedy fill's (305M at 300 s, against 203M when the moves
ran first); at 80 specialists a fill is a small share and the target first does best."""

TARGET_SHARES = (0.6, 0.5, 0.7)
"""Fixed totals to build towards, as shares of the first roster's total burden `T`, tried in
turn while the improvement has time. Why: `fairness_deviation`, `sum |n B_s - T|` with `T`
the roster's own total, is concave in how many sharers sit above the mean, so single moves
cannot lower `T`: dropping a point from someone above the mean raises every other
deviation above it. The greedy roster, which gives below-mean sharers all the points it can,
ends where most sharers sit one level above the mean and stays there. Against a fixed
`T` each term `|n B_s - T|` is convex, so a roster built and moved towards a low target
serves the same sessions with fewer burden points; moves with the true `T` then balance it.
Measured at 80 specialists x 15 sites (seeds 1-3, greedy and moves alone, shared machine):
fairness 699,200 / 532,300 / 514,800 with the true `T` against 556,400 / 459,800 /
403,000 towards 0.6 `T` and 583,800 / 398,650 / 403,000 towards 0.5 `T`. None of 0.4, 0.45,
0.55, 0.65, 0.7, 0.75 and 0.8 did better than both (0.55 repeated 0.5's roster); 0.7 stays as
a third try for instances whose best total lies higher, and the tries end early enough to
leave the search its time."""


def _filled(
    built: RosterModel, tasks: list[tuple[list[Candidate], str, int]], target: int | None = None
) -> _State | None:
    """A roster from the commitments-only start: pins, then every demand's minimum, then the
    specialists' minimum working minutes; fairness measured against `target` when set."""
    start = commitments_only(built)
    assert start is not None  # checked by the caller
    state = _State(built, start)
    state.target = target
    if not state.serve_pins():
        return None
    state.fill(tasks)
    return state if state.meet_minimums() else None


def _towards(
    built: RosterModel,
    tasks: list[tuple[list[Candidate], str, int]],
    cands_of: dict[tuple[str, int], list[Candidate]],
    target: int,
    until: float,
) -> _State | None:
    """A roster filled and moved with fairness measured against `target`, then moved with
    the roster's own total (the model's objective)."""
    state = _filled(built, tasks, target)
    if state is None:
        return None
    state.improve(cands_of, until)
    state.target = None
    return _improved(state, tasks, cands_of, until)


def _improved(
    state: _State,
    tasks: list[tuple[list[Candidate], str, int]],
    cands_of: dict[tuple[str, int], list[Candidate]],
    until: float,
) -> _State:
    """`state` after its moves, and what they left uncovered tried again."""
    if state.improve(cands_of, until):
        state.fill(tasks)
    return state


def _tasks(built: RosterModel) -> list[tuple[list[Candidate], str, int]]:
    """(candidates, demand, week) for each demand-week with a minimum, neediest first."""
    prep = built.prep
    by_week: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for cand in built.x:
        by_week[(cand.demand, prep.week[cand.day])].append(cand)
    tasks = []
    for demand in prep.instance.demands:
        if demand.sessions.min == 0 or demand.priority == 0 or demand.team:
            continue
        for w in range(prep.n_weeks):
            cands = by_week.get((demand.id, w), [])
            if cands:
                tasks.append((cands, demand.id, w))
    tasks.sort(key=lambda task: (-prep.demands[task[1]].priority, len(task[0]) / prep.demands[task[1]].sessions.min))
    return tasks


class _State:
    """The roster being built, with the running totals every rule check reads."""

    def __init__(self, built: RosterModel, start: FirstRoster) -> None:
        self.built = built
        self.prep: Prepared = built.prep
        self.roster = start
        prep = self.prep
        self.by_stops: dict[SpecDay, dict[tuple[str | None, ...], int]] = {
            key: {pat.stops: k for k, (pat, _) in enumerate(choices) if pat.at_home}
            for key, choices in built.days.items()
        }
        """Home-to-home patterns only: the greedy roster never stays overnight (its nights all 0)."""
        self.current: dict[SpecDay, DayPattern] = {key: built.days[key][k][0] for key, k in start.chosen.items()}
        """The chosen pattern of every day, kept beside `roster.chosen` (read far more often)."""
        self.week_totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        """(spec, week) -> sessions, outreach, minutes, evenings, working days."""
        self.horizon_minutes: dict[str, int] = defaultdict(int)
        for (spec, t), _k in start.chosen.items():
            self._count(spec, t, self.pattern(spec, t), +1)
        self.served_count: dict[tuple[str, int], int] = defaultdict(int)
        self.used: dict[tuple[str, int, int, str], int] = defaultdict(int)
        for (_spec, t, p), com in prep.commitment_at.items():
            if com.resource is not None:
                self.used[(com.site, t, p, com.resource)] += 1
        self.servers: dict[str, Counter[str]] = defaultdict(Counter)
        """Sessions per demand and specialist; history's servers count for good."""
        for s, d in prep.history.servers:
            self.servers[d][s] += PERMANENT
        self.sessions: dict[SpecDay, list[tuple[int, str]]] = defaultdict(list)
        """(period, activity) of every session of a day: commitments and demands served."""
        for (spec, t, p), com in prep.commitment_at.items():
            self.sessions[(spec, t)].append((p, com.activity))
        self.blocked = {(r.specialist, r.day, p) for r in prep.requests if r.hard for p in r.periods}
        self.weekend_of = {t: i for i, days in enumerate(prep.weekends) for t in days}
        self.weekends_worked: dict[str, set[int]] = defaultdict(set)
        for (spec, t), _k in start.chosen.items():
            if t in self.weekend_of and not self.pattern(spec, t).idle:
                self.weekends_worked[spec].add(self.weekend_of[t])
        self.weights = prep.instance.weights
        self.sharers = set(prep.instance.outreach_sharers())
        self.factor = {s: prep.specialists[s].burden_factor for s in self.sharers}
        self.burden: dict[str, int] = {s: self.factor[s] * prep.history.burden.get(s, 0) for s in self.sharers}
        for (spec, t), _k in start.chosen.items():  # commitments carry burden too, as in the model
            if spec in self.sharers:
                self.burden[spec] += self.factor[spec] * built._day_burden(self.pattern(spec, t), t in self.weekend_of)
        self.target: int | None = None
        """A fixed total burden `T` to measure `fairness_deviation` against (see
        `TARGET_SHARES`); None: the roster's own total, as the model has it."""
        self.spent = 0
        """The objective's change from the commitments-only start but for fairness, uncovered
        and surplus sessions (kept exact at each change, for `objective`)."""
        self.pinned: set[Candidate] = set()
        self._held: dict[Candidate, tuple[tuple[tuple[str, str], int], ...]] = {}
        """`_holds` of each candidate tried, kept: `_allowed` asks for it most often."""
        self._above: set[str] | None = None
        self._own_sign: dict[str, bool] = {}
        self._most = 0
        self.soft_requests: dict[SpecDay, list[tuple[frozenset[int], str, int]]] = defaultdict(list)
        for r in prep.requests:
            if not r.hard and r.weight:
                self.soft_requests[(r.specialist, r.day)].append((r.periods, r.want, r.weight))

    # -- reading ------------------------------------------------------------------------------

    def pattern(self, spec: str, t: int) -> DayPattern:
        return self.current[(spec, t)]

    def missing(self, demand: str, week: int) -> int:
        return max(0, self.prep.demands[demand].sessions.min - self.served_count[(demand, week)])

    def _count(self, spec: str, t: int, pat: DayPattern, sign: int) -> None:
        totals = self.week_totals[(spec, self.prep.week[t])]
        for i, n in enumerate((pat.sessions, pat.outreach, pat.minutes, pat.evenings, int(not pat.idle))):
            totals[i] += sign * n
        self.horizon_minutes[spec] += sign * pat.minutes

    # -- choosing -------------------------------------------------------------------------------

    def fill(self, tasks: list[tuple[list[Candidate], str, int]]) -> None:
        """Serve each demand-week's missing sessions, in the order of `tasks`, while it pays."""
        for cands, demand, week in tasks:
            for _ in range(self.missing(demand, week)):
                if not self.place_best(cands, demand):
                    break

    def serve_pins(self) -> bool:
        """Serve every pinned session (rule `pins`) first; they are never moved. False when one
        cannot be served (the search then says why)."""
        prep = self.prep
        date_index = prep.date_index
        pidx = prep.period_index
        by_key: dict[tuple[str, str, int, int], list[Candidate]] = defaultdict(list)
        for c in self.built.x:  # a remote surgery: one candidate per console site
            by_key[(c.specialist, c.demand, c.day, c.period)].append(c)
        for pin in prep.instance.pins:
            options = by_key.get((pin.specialist, pin.demand, date_index[pin.date], pidx[pin.period]), [])
            if prep.demands[pin.demand].team or any(c in self.pinned for c in options):
                return False
            placed = next(((c, i) for c in options if (i := self._allowed(c)) is not None), None)
            if placed is None:
                return False
            self._apply(*placed)
            self.pinned.add(placed[0])
        return True

    def meet_minimums(self) -> bool:
        """Add the cheapest sessions a specialist below a minimum of working minutes (weekly,
        then over the horizon) can take; False when some minimum stays out of reach."""
        prep = self.prep
        for spec, person in prep.specialists.items():
            if person.min_minutes_per_week is not None:
                for w, days in enumerate(prep.days_of_week):
                    while self.week_totals[(spec, w)][2] < person.min_minutes_per_week:
                        if not self._add_any(spec, days):
                            return False
            if person.min_minutes_total is not None:
                while self.horizon_minutes[spec] < person.min_minutes_total:
                    if not self._add_any(spec, range(prep.n_days)):
                        return False
        return True

    def _add_any(self, spec: str, days: Iterable[int]) -> bool:
        """Serve the cheapest allowed session of `spec` on `days`, whatever it costs."""
        best: tuple[int, Candidate, int] | None = None
        for t in days:
            for cand in self.prep.candidates_by_day.get((spec, t), ()):
                index = None if self.prep.demands[cand.demand].team else self._allowed(cand)
                if index is not None:
                    dem = self.prep.demands[cand.demand]
                    cost = self._cost(cand, index)
                    if self.missing(cand.demand, self.prep.week[t]) and dem.priority:
                        cost -= self.weights.uncovered_session * dem.priority
                    if best is None or cost < best[0]:
                        best = (cost, cand, index)
        if best is None:
            return False
        self._apply(best[1], best[2])
        return True

    def place_best(self, cands: list[Candidate], demand: str) -> bool:
        """Add the cheapest allowed session among `cands`; False when none is worth it."""
        dem = self.prep.demands[demand]
        best: tuple[int, Candidate, int] | None = None
        saving = self.weights.uncovered_session * dem.priority
        for cand in cands:
            index = self._allowed(cand, local=True)
            if index is None:
                continue
            cost = self._cost(cand, index)
            if cost < saving and (best is None or cost < best[0]) and self._fits(cand, index):
                best = (cost, cand, index)
        if best is None:
            return False
        self._apply(best[1], best[2])
        return True

    def _allowed(self, cand: Candidate, local: bool = False) -> int | None:
        """The new pattern's index if serving `cand` keeps every hard rule, else None; with
        `local`, only the rules of its day and session (`_fits` left to the caller)."""
        prep, spec, t, p = self.prep, cand.specialist, cand.day, cand.period
        old = self.current[(spec, t)]
        if old.stops[p] is not None or (spec, t, p) in self.blocked:
            return None
        dem = prep.demands[cand.demand]
        w = prep.week[t]
        if self.served_count[(cand.demand, w)] >= dem.sessions.max:
            return None
        held = self._held.get(cand)
        if held is None:
            held = self._held[cand] = tuple(_holds(cand, dem).items())
        if held and any(self.used[(site, t, p, r)] + n > prep.capacity.get((site, r), 0) for (site, r), n in held):
            return None
        servers = self.servers[cand.demand]
        if dem.max_specialists is not None and spec not in servers and len(servers) >= dem.max_specialists:
            return None
        stops = list(old.stops)
        stops[p] = cand.site
        index = self.by_stops[(spec, t)].get(tuple(stops))
        if index is None:
            return None  # a day-local rule (travel, daily limits) forbids that day
        return index if local or self._fits(cand, index) else None

    def _fits(self, cand: Candidate, index: int) -> bool:
        """The rules across days (rest, weekly limits, runs, successions) allow `cand`'s day
        to become pattern `index`: the dearer half of `_allowed`."""
        spec, t = cand.specialist, cand.day
        old, new = self.current[(spec, t)], self.built.days[(spec, t)][index][0]
        if not (self._rest_ok(spec, t, new) and self._week_ok(spec, t, old, new) and self._runs_ok(spec, t, old)):
            return False
        return self._successions_ok(spec, t, cand.period, self.prep.demands[cand.demand].activity)

    def _rest_ok(self, spec: str, t: int, new: DayPattern) -> bool:
        rest = self.prep.instance.rules.min_rest_minutes
        if new.leave is not None:
            back = self.prep.history.back.get(spec) if t == 0 else self.pattern(spec, t - 1).back
            if back is not None and new.leave + MINUTES_PER_DAY - back < rest:
                return False
        if new.back is not None and t + 1 < self.prep.n_days:
            leave = self.pattern(spec, t + 1).leave
            if leave is not None and leave + MINUTES_PER_DAY - new.back < rest:
                return False
        return True

    def _week_ok(self, spec: str, t: int, old: DayPattern, new: DayPattern) -> bool:
        person = self.prep.specialists[spec]
        sessions, outreach, minutes, evenings, days = self.week_totals[(spec, self.prep.week[t])]
        limits = (
            (sessions + new.sessions - old.sessions, person.max_sessions_per_week),
            (outreach + new.outreach - old.outreach, person.max_outreach_sessions_per_week),
            (minutes + new.minutes - old.minutes, person.max_minutes_per_week),
            (evenings + new.evenings - old.evenings, person.max_evening_sessions_per_week),
            (days + int(old.idle), person.max_working_days_per_week),
            (self.horizon_minutes[spec] + new.minutes - old.minutes, person.max_minutes_total),
        )
        return all(limit is None or value <= limit for value, limit in limits)

    def _runs_ok(self, spec: str, t: int, old: DayPattern) -> bool:
        """Rules over runs of days, when the day turns from off to worked."""
        if not old.idle:
            return True
        person = self.prep.specialists[spec]
        if (person.min_consecutive_working_days or 0) >= 2 or (person.min_consecutive_days_off or 0) >= 2:
            return False  # kept by never changing which days are worked
        most = person.max_consecutive_working_days
        if most is not None:
            run = 1 + self._worked_run(spec, t, -1) + self._worked_run(spec, t, +1)
            if run > most:
                return False
        new_weekend = t in self.weekend_of and self.weekend_of[t] not in self.weekends_worked[spec]
        return not (
            new_weekend and person.max_weekends is not None and len(self.weekends_worked[spec]) >= person.max_weekends
        )

    def _worked_run(self, spec: str, t: int, step: int) -> int:
        worked = self.prep.history.worked.get(spec, set())
        run, d = 0, t + step
        while (0 <= d < self.prep.n_days and not self.pattern(spec, d).idle) or (d < 0 and d in worked):
            run, d = run + 1, d + step
        return run

    def _successions_ok(self, spec: str, t: int, p: int, activity: str) -> bool:
        period = self.prep.period_ids[p]
        for rule in self.prep.instance.rules.forbidden_successions:
            if rule.specialists is not None and spec not in rule.specialists:
                continue
            if _matches(rule.today, period, activity) and any(
                _matches(rule.tomorrow, self.prep.period_ids[q], a) for q, a in self.sessions.get((spec, t + 1), ())
            ):
                return False
            if _matches(rule.tomorrow, period, activity):
                if t == 0:
                    before = [(a.period, a.activity) for a in self.prep.history.yesterday.get(spec, [])]
                else:
                    before = [(self.prep.period_ids[q], a) for q, a in self.sessions.get((spec, t - 1), ())]
                if any(_matches(rule.today, q, a) for q, a in before):
                    return False
        return True

    def _cost(self, cand: Candidate, index: int) -> int:
        """The objective's increase, with fairness by its local slope (exact for the rest)."""
        cost = self._local_cost(cand, index)
        spec, t = cand.specialist, cand.day
        if spec in self.sharers and (self.weights.fairness_deviation or self.weights.fairness_max):
            new = self.built.days[(spec, t)][index][0]
            cost += self._fairness_slope(spec, t, self.pattern(spec, t), new)
        return cost

    def _local_cost(self, cand: Candidate, index: int) -> int:
        """The objective's increase from serving `cand` (day pattern `index`) but fairness."""
        prep, spec, t = self.prep, cand.specialist, cand.day
        old = self.pattern(spec, t)
        new = self.built.days[(spec, t)][index][0]
        w = self.weights
        cost = w.travel_minute * (new.travel - old.travel)
        dem = prep.demands[cand.demand]
        if dem.preferred and spec not in dem.preferred:
            cost += w.non_preferred_session
        if dem.continuity and spec not in self.servers[cand.demand]:
            cost += w.distinct_specialist
        prefs = prep.specialists[spec].preferences
        if prefs and w.preference:
            args = (cand.site, prep.weekday[t], prep.period_ids[cand.period])
            cost += w.preference * sum(pr.weight for pr in prefs if pr.matches(*args) == (pr.kind == "avoid"))
        for periods, want, weight in self.soft_requests.get((spec, t), ()):
            busy_before, busy_after = old.occupies(periods), new.occupies(periods)
            if busy_before != busy_after:
                cost += w.request * weight * (1 if (want == "off") == busy_after else -1)
        return cost

    def _fairness_slope(self, spec: str, t: int, old: DayPattern, new: DayPattern) -> int:
        weekend = t in self.weekend_of
        day_burden = self.built._day_burden
        delta = self.factor[spec] * (day_burden(new, weekend) - day_burden(old, weekend))
        if delta == 0:
            return 0
        n = len(self.sharers)
        mine = self.burden[spec]
        if self.target is not None:  # every other deviation stays: exact
            after, before = abs(n * (mine + delta) - self.target), abs(n * mine - self.target)
            return self.weights.fairness_deviation * (after - before) + self._max_slope(mine + delta)
        if self._above is None:  # recounted after each change, not per candidate
            total = sum(self.burden.values())
            self._above = {s for s, b in self.burden.items() if n * b - total > 0}
            self._own_sign = {s: n * b - total >= 0 for s, b in self.burden.items()}
            self._most = max(self.burden.values())
        # sum_k |n b_k - T|: raising b_s by delta moves n b_s - T by (n - 1) delta and every
        # other n b_k - T by -delta; exact unless a sign changes.
        above = len(self._above) - (spec in self._above)
        others = (n - 1) - above
        own = (n - 1) * delta if self._own_sign[spec] else -(n - 1) * delta
        cost = self.weights.fairness_deviation * (own - above * delta + others * delta)
        return cost + self._max_slope(mine + delta)

    def _max_slope(self, burden: int) -> int:
        """`fairness_max`'s increase should one sharer's burden become `burden`."""
        if not self.weights.fairness_max:
            return 0
        if self._above is None or self.target is not None:
            self._most = max(self.burden.values())
        return self.weights.fairness_max * max(0, burden - self._most)

    # -- changing -------------------------------------------------------------------------------

    def _apply(self, cand: Candidate, index: int) -> None:
        """Serve `cand`, the day turning into pattern `index`."""
        self._change(cand, index, +1)

    def _remove(self, cand: Candidate, index: int) -> None:
        """Stop serving `cand`, the day turning into pattern `index`."""
        self._change(cand, index, -1)

    def _change(self, cand: Candidate, index: int, sign: int) -> None:
        prep, spec, t, p = self.prep, cand.specialist, cand.day, cand.period
        old = self.pattern(spec, t)
        if sign > 0:
            self.spent += self._local_cost(cand, index)
        before = self.roster.chosen[(spec, t)]
        new = self.built.days[(spec, t)][index][0]
        dem = prep.demands[cand.demand]
        self._count(spec, t, old, -1)
        self._count(spec, t, new, +1)
        if spec in self.sharers:
            weekend = t in self.weekend_of
            change = self.built._day_burden(new, weekend) - self.built._day_burden(old, weekend)
            self.burden[spec] += self.factor[spec] * change
            self._above = None
        if t in self.weekend_of:
            weekend_days = [d for d in prep.weekends[self.weekend_of[t]] if d != t]
            if not new.idle or any(not self.pattern(spec, d).idle for d in weekend_days):
                self.weekends_worked[spec].add(self.weekend_of[t])
            else:
                self.weekends_worked[spec].discard(self.weekend_of[t])
        self.roster.chosen[(spec, t)] = index
        self.current[(spec, t)] = new
        self.served_count[(cand.demand, prep.week[t])] += sign
        for (site, r), n in _holds(cand, dem).items():
            self.used[(site, t, p, r)] += sign * n
        self.servers[cand.demand][spec] += sign
        if sign > 0:
            self.roster.served.add(cand)
            self.sessions[(spec, t)].append((p, dem.activity))
        else:
            self.roster.served.discard(cand)
            self.sessions[(spec, t)].remove((p, dem.activity))
            if self.servers[cand.demand][spec] == 0:
                del self.servers[cand.demand][spec]
            self.spent -= self._local_cost(cand, before)  # what serving it again would add

    def _removable(self, cand: Candidate) -> int | None:
        """The day's pattern without `cand` if dropping it keeps every hard rule, else None:
        only the minimums (minutes, runs) and rest (the day may start or end elsewhere) can
        suffer from doing less."""
        prep, spec, t = self.prep, cand.specialist, cand.day
        old = self.pattern(spec, t)
        stops = list(old.stops)
        stops[cand.period] = None
        index = self.by_stops[(spec, t)].get(tuple(stops))
        if index is None:
            return None
        new = self.built.days[(spec, t)][index][0]
        person = prep.specialists[spec]
        if new.idle and (
            (person.min_consecutive_working_days or 0) >= 2 or (person.min_consecutive_days_off or 0) >= 2
        ):
            return None
        minutes = self.week_totals[(spec, prep.week[t])][2] + new.minutes - old.minutes
        if person.min_minutes_per_week is not None and minutes < person.min_minutes_per_week:
            return None
        total = self.horizon_minutes[spec] + new.minutes - old.minutes
        if person.min_minutes_total is not None and total < person.min_minutes_total:
            return None
        return index if self._rest_ok(spec, t, new) else None

    def fairness_cost(self) -> int:
        """The fairness terms of the roster as it stands, exactly as the model has them, but
        with `fairness_deviation` measured against `target` when one is set."""
        if not self.burden:
            return 0
        n = len(self.burden)
        total = sum(self.burden.values()) if self.target is None else self.target
        cost = self.weights.fairness_deviation * sum(abs(n * b - total) for b in self.burden.values())
        return cost + self.weights.fairness_max * max(self.burden.values())

    def objective(self) -> int:
        """The model's objective of the roster as it stands, up to a constant (the travel and
        requests of the commitments-only start, the same for every roster built from it): to
        compare rosters."""
        target, self.target = self.target, None
        cost = self.spent + self.fairness_cost()
        self.target = target
        for (demand_id, _week), count in self.served_count.items():
            dem = self.prep.demands[demand_id]
            cost += dem.surplus_weight * max(0, count - dem.sessions.min)
        for dem in self.prep.instance.demands:
            if dem.sessions.min and dem.priority:
                for w in self.prep.demand_weeks[dem.id]:
                    cost += self.weights.uncovered_session * dem.priority * self.missing(dem.id, w)
        return cost

    def improve(self, cands_of: dict[tuple[str, int], list[Candidate]], deadline: float) -> int:
        """Move served sessions to cheaper candidates of the same demand and week, drop or add
        sessions above a demand's minimum (within its maximum), one at a time, each step
        lowering the objective (fairness counted exactly); passes repeat until none helps or
        `deadline` (perf_counter) passes. Returns the steps made."""
        moves, improved = 0, True
        while improved and time.perf_counter() < deadline:
            improved = False
            for cand in sorted(self.roster.served, key=_order):
                if time.perf_counter() > deadline:
                    break
                if cand not in self.roster.served or cand in self.pinned:
                    continue
                if self._move(cand, cands_of[(cand.demand, self.prep.week[cand.day])]) or self._drop_extra(cand):
                    moves, improved = moves + 1, True
            for (demand, week), cands in cands_of.items():
                if time.perf_counter() > deadline:
                    break
                if self._add_extra(cands, demand, week):
                    moves, improved = moves + 1, True
        return moves

    def _add_extra(self, cands: list[Candidate], demand: str, week: int) -> bool:
        """Serve one more session of a demand-week at or above its minimum (within its
        maximum) when that lowers the objective. Fairness can pay for it: a session for someone
        below the mean burden lowers every deviation but theirs (at 80 specialists and 15 sites
        the greedy roster left a quarter of the specialists below the mean while 13 demands
        could take a session more)."""
        dem = self.prep.demands[demand]
        if not dem.sessions.min <= self.served_count[(demand, week)] < dem.sessions.max:
            return False
        best = self._cheapest(cands)
        if best is None or best[0] + dem.surplus_weight >= 0:
            return False
        _cost, cand, index = best
        fair_before = self.fairness_cost()
        before = self.roster.chosen[(cand.specialist, cand.day)]
        cost = self._local_cost(cand, index) + dem.surplus_weight
        self._apply(cand, index)
        if cost + self.fairness_cost() < fair_before:
            return True
        self._remove(cand, before)
        return False

    def _drop_extra(self, cand: Candidate) -> bool:
        """Stop serving `cand`, a session above its demand-week's minimum, when that lowers the
        objective (its travel, its surplus cost, or burden above the mean)."""
        dem, week = self.prep.demands[cand.demand], self.prep.week[cand.day]
        if self.served_count[(cand.demand, week)] <= dem.sessions.min:
            return False
        lifted = self._lift(cand)
        if lifted is None:
            return False
        back, fair_before = lifted
        if self.fairness_cost() < self._local_cost(cand, back) + dem.surplus_weight + fair_before:
            return True
        self._apply(cand, back)
        return False

    def _cheapest(self, cands: list[Candidate], leave_out: Candidate | None = None) -> Priced | None:
        """(cost by `_cost`, candidate, new pattern) of the cheapest allowed candidate, or None."""
        best: tuple[int, Candidate, int] | None = None
        for cand in cands:
            same = leave_out is not None and cand.specialist == leave_out.specialist and cand == leave_out
            index = None if same else self._allowed(cand, local=True)
            if index is not None:
                cost = self._cost(cand, index)  # the rules across days only for a new best
                if (best is None or cost < best[0]) and self._fits(cand, index):
                    best = (cost, cand, index)
        return best

    def _lift(self, cand: Candidate) -> tuple[int, int] | None:
        """Stop serving `cand` if every hard rule allows it (`_removable`); returns the day's
        pattern before and the fairness cost before, to put it back or to compare."""
        index = self._removable(cand)
        if index is None:
            return None
        back = self.roster.chosen[(cand.specialist, cand.day)]
        fair_before = self.fairness_cost()
        self._remove(cand, index)
        return back, fair_before

    def _move(self, cand: Candidate, cands: list[Candidate]) -> bool:
        """Drop `cand` and serve the cheapest alternative if that lowers the objective: the
        alternatives are ranked by `_cost` (fairness by its slope), and the best one is kept
        only if the objective, fairness counted exactly, really falls."""
        lifted = self._lift(cand)
        if lifted is None:
            return False
        back, fair_before = lifted
        best = self._cheapest(cands, leave_out=cand)
        if best is not None and best[0] < self._cost(cand, back):
            _cost, other, allowed = best
            stay = self._local_cost(cand, back) + fair_before
            before = self.roster.chosen[(other.specialist, other.day)]
            moved = self._local_cost(other, allowed)
            self._apply(other, allowed)
            if moved + self.fairness_cost() < stay:
                return True
            self._remove(other, before)
        self._apply(cand, back)
        return False

    def sort_interchangeable(self) -> None:
        """Give interchangeable specialists' schedules in the order the symmetry breaking asks
        (more sessions first): swapping whole schedules of identical people changes nothing."""
        sort_interchangeable(self.built, self.roster)
        for (spec, t), k in self.roster.chosen.items():
            self.current[(spec, t)] = self.built.days[(spec, t)][k][0]

    def snapshot(self) -> FirstRoster:
        """The roster as it stands, in the symmetry breaking's order, apart from the state."""
        copy = FirstRoster(dict(self.roster.chosen), set(self.roster.served))
        sort_interchangeable(self.built, copy)
        return copy


def sort_interchangeable(built: RosterModel, roster: FirstRoster) -> None:
    """Order interchangeable specialists' whole schedules in `roster` as the symmetry
    breaking asks (more sessions first)."""
    n_days = built.prep.n_days
    for members in built.interchangeable():
        days_of = [[[pat for pat, _ in built.days[(spec, t)]] for t in range(n_days)] for spec in members]
        if any(days != days_of[0] for days in days_of[1:]):
            continue  # not enumerated alike (never seen): leave the hint as it is
        schedules = []
        for spec in members:
            days = [roster.chosen[(spec, t)] for t in range(n_days)]
            served = [c for c in roster.served if c.specialist == spec]
            total = sum(built.days[(spec, t)][k][0].sessions for t, k in enumerate(days))
            schedules.append((total, days, served))
        schedules.sort(key=lambda s: -s[0])
        roster.served -= {c for _, _, served in schedules for c in served}
        for spec, (_total, days, served) in zip(members, schedules, strict=True):
            for t, k in enumerate(days):
                roster.chosen[(spec, t)] = k
            for c in served:
                roster.served.add(dataclasses.replace(c, specialist=spec))


def _holds(cand: Candidate, dem: Demand) -> Counter[tuple[str, str]]:
    """(site, resource) -> how many a session holds: its resource where it is served, and for
    a remote surgery also the robot at the patient's site; twice one resource when both are
    the same resource at one site (checking each alone once let a one-cath-lab site take both)."""
    held: Counter[tuple[str, str]] = Counter()
    if dem.resource is not None:
        held[(cand.site, dem.resource)] += 1
    if dem.remote_resource is not None:
        held[(dem.site, dem.remote_resource)] += 1
    return held


def _order(cand: Candidate) -> tuple[int, int, str, str]:
    return (cand.day, cand.period, cand.specialist, cand.demand)


def _matches(match: SessionMatch, period: str, activity: str) -> bool:
    return (match.period is None or match.period == period) and (match.activity is None or match.activity == activity)


def hint(built: RosterModel, roster: FirstRoster) -> None:
    """Hint the model's decisions from `roster`: every day pattern, demand session, team
    session and uncovered count (auxiliary variables follow from them by propagation)."""
    built.model.clear_hints()
    served_count: dict[tuple[str, int], int] = defaultdict(int)
    for cand in roster.served:
        served_count[(cand.demand, built.prep.week[cand.day])] += 1
    variables: list[int] = []
    values: list[int] = []
    for key, choices in built.days.items():
        pick = roster.chosen[key]
        for k, (_pat, var) in enumerate(choices):
            variables.append(var.index)
            values.append(int(k == pick))
    for cand, var in built.x.items():
        variables.append(var.index)
        values.append(int(cand in roster.served))
    for var in [*built.held.values(), *built.nights.values()]:  # the greedy roster: no team session, no stay
        variables.append(var.index)
        values.append(0)
    for (demand, w), var in built.uncovered.items():
        variables.append(var.index)
        values.append(max(0, built.prep.demands[demand].sessions.min - served_count[(demand, w)]))
    hints = built.model.proto.solution_hint
    hints.vars.extend(variables)
    hints.values.extend(values)


@dataclass(frozen=True)
class Completed:
    """A complete hint: a value for every model variable, the roster's objective, and the
    solver whose response holds it."""

    values: list[int]
    objective: int
    solver: cp_model.CpSolver | None = None

    def set_as_hint(self, built: RosterModel) -> None:
        built.model.clear_hints()
        hints = built.model.proto.solution_hint
        hints.vars.extend(range(len(self.values)))
        hints.values.extend(self.values)


def complete_hint(built: RosterModel, limit: float) -> Completed | None:
    """Extend the hint on the decisions to every variable (auxiliaries follow by propagation
    once the decisions are fixed), so that CP-SAT takes it as its first roster at once: on a
    100k-variable model it otherwise ignored a feasible partial hint for the whole minute.
    Returns None (hint left as it was) when the fixed decisions admit no completion within
    `limit` seconds, e.g. under a rule the greedy builder does not know."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = True
    solver.parameters.cp_model_presolve = False  # everything that matters is fixed already
    solver.parameters.linearization_level = 0
    code = solver.solve(built.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        logger.info("greedy hint not completed: %s", solver.status_name(code))
        return None
    completed = Completed(list(solver.response_proto.solution), round(solver.objective_value), solver)
    completed.set_as_hint(built)
    return completed
