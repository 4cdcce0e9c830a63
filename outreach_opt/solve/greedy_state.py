"""The greedy roster being built (solve/greedy.py): the running totals every rule check
reads, what a change costs in the model's objective (fairness by its slope), and serving or
dropping one session."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from outreach_opt.domain.instance import Demand
from outreach_opt.domain.prepared import Candidate, Prepared
from outreach_opt.solve.day_patterns import DayPattern
from outreach_opt.solve.first_roster import FirstRoster, SpecDay, sort_interchangeable

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel

PERMANENT = 1 << 30


class GreedyState:
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
        self.factor = {s: prep.specialists[s].burden_factor for s in sorted(self.sharers)}  # not set order
        self.burden: dict[str, int] = {s: self.factor[s] * prep.history.burden.get(s, 0) for s in self.factor}
        for (spec, t), _k in start.chosen.items():  # commitments carry burden too, as in the model
            if spec in self.sharers:
                self.burden[spec] += self.factor[spec] * built._day_burden(self.pattern(spec, t), t in self.weekend_of)
        self.levels: Counter[int] = Counter(self.burden.values())
        """How many sharers stand at each burden, kept with `burden` (`_change`): the fairness
        terms and the slope's counts read these few levels, not every sharer (at 1000
        specialists the sums over every sharer were most of a move's time)."""
        self.burden_total = sum(self.burden.values())
        self.levels_key = sum(_level(b, k) for b, k in self.levels.items())
        """A key of `levels` as they stand (a sum over levels, kept in `_change`): equal
        burdens give an equal key however they were reached (solve/greedy_moves.py's skips)."""
        self.target: int | None = None
        """A fixed total burden `T` to measure `fairness_deviation` against (see
        `TARGET_SHARES`); None: the roster's own total, as the model has it."""
        self.days_key: Counter[str] = Counter()
        """A key of each specialist's days as they stand (`_change`): the sum of the hashes of
        their sessions served and of (day, pattern index) changed from the start, so the same
        days give the same key however they were reached, an undone change included. What
        was priced for one specialist alone (solve/greedy_swaps.py) holds while it stays."""
        self.spent = 0
        """The objective's change from the commitments-only start but for fairness, uncovered
        and surplus sessions (kept exact at each change, for `objective`)."""
        self.pinned: set[Candidate] = set()
        self._held: dict[Candidate, tuple[tuple[tuple[str, str], int], ...]] = {}
        """`holds` of each candidate tried, kept: `_allowed` asks for it most often."""
        self._above: tuple[int, int] | None = None
        """(sharers above the mean, the total they were counted with), after the last change."""
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

    # -- costing ------------------------------------------------------------------------------

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
        above_count, total = self._above_mean()
        # sum_k |n b_k - T|: raising b_s by delta moves n b_s - T by (n - 1) delta and every
        # other n b_k - T by -delta; exact unless a sign changes.
        above = above_count - (n * mine > total)
        others = (n - 1) - above
        own = (n - 1) * delta if n * mine - total >= 0 else -(n - 1) * delta
        cost = self.weights.fairness_deviation * (own - above * delta + others * delta)
        return cost + self._max_slope(mine + delta)

    def _above_mean(self) -> tuple[int, int]:
        """(How many sharers have `n b > T`, `T`): recounted after a change (`_change` clears
        it), not per candidate priced."""
        total = self.burden_total
        if self._above is None or self._above[1] != total:
            n = len(self.sharers)
            self._above = (sum(k for b, k in self.levels.items() if n * b > total), total)
        return self._above

    def _max_slope(self, burden: int) -> int:
        """`fairness_max`'s increase should one sharer's burden become `burden`."""
        if not self.weights.fairness_max:
            return 0
        return self.weights.fairness_max * max(0, burden - max(self.levels))

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
            change = self.factor[spec] * (self.built._day_burden(new, weekend) - self.built._day_burden(old, weekend))
            if change:
                mine, levels = self.burden[spec], self.levels
                self.levels_key -= _level(mine, levels[mine]) + _level(mine + change, levels[mine + change])
                levels[mine] -= 1
                levels[mine + change] += 1
                self.levels_key += _level(mine, levels[mine]) + _level(mine + change, levels[mine + change])
                if not levels[mine]:
                    del levels[mine]
                self.burden[spec] = mine + change
                self.burden_total += change
                self._above = None
        if t in self.weekend_of:
            weekend_days = [d for d in prep.weekends[self.weekend_of[t]] if d != t]
            if not new.idle or any(not self.pattern(spec, d).idle for d in weekend_days):
                self.weekends_worked[spec].add(self.weekend_of[t])
            else:
                self.weekends_worked[spec].discard(self.weekend_of[t])
        self.days_key[spec] += sign * hash(cand) + hash((t, index)) - hash((t, before))
        self.roster.chosen[(spec, t)] = index
        self.current[(spec, t)] = new
        self.served_count[(cand.demand, prep.week[t])] += sign
        for (site, r), n in holds(cand, dem).items():
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

    def fairness_total(self) -> int:
        """`T` of `fairness_deviation` as the moves measure it: the target, or the total."""
        return self.target if self.target is not None else self.burden_total

    def fairness_cost(self) -> int:
        """The fairness terms of the roster as it stands, exactly as the model has them, but
        with `fairness_deviation` measured against `target` when one is set."""
        if not self.burden:
            return 0
        n = len(self.burden)
        total = self.fairness_total()
        cost = self.weights.fairness_deviation * sum(k * abs(n * b - total) for b, k in self.levels.items())
        return cost + self.weights.fairness_max * max(self.levels)

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


def _level(burden: int, count: int) -> int:
    """One level's part of `levels_key`: none for an empty level (as if never there)."""
    return hash((burden, count)) if count else 0


def holds(cand: Candidate, dem: Demand) -> Counter[tuple[str, str]]:
    """(site, resource) -> how many a session holds: its resource where it is served, and for
    a remote surgery also the robot at the patient's site; twice one resource when both are
    the same resource at one site (checking each alone once let a one-cath-lab site take both)."""
    held: Counter[tuple[str, str]] = Counter()
    if dem.resource is not None:
        held[(cand.site, dem.resource)] += 1
    if dem.remote_resource is not None:
        held[(dem.site, dem.remote_resource)] += 1
    return held
