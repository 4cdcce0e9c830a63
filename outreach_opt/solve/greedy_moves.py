"""The greedy steps (solve/greedy.py): pins, demand minimums and working-minute minimums
served first, then sessions moved, dropped or added while the objective falls."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from outreach_opt.domain.prepared import Candidate
from outreach_opt.solve.greedy_chains import serving_order
from outreach_opt.solve.greedy_state import holds
from outreach_opt.solve.greedy_swaps import GreedySwaps

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel
    from outreach_opt.solve.first_roster import FirstRoster

logger = logging.getLogger(__name__)

SWAPS = True
"""Swap moves (solve/greedy_swaps.py) when neither single moves nor chains help."""

KEEP_PRICES = True
"""`_cheapest` reuses a candidate's own price while its keys stay (`_own_prices`); the same
choices either way (tests/test_greedy_skips.py), sooner."""

SKIP_UNCHANGED = True
"""Skip a session's single moves while nothing they read changed since they last failed
(`Greedy.move_key`); the same roster either way, sooner."""

CHAINS_SOON = 0.01
"""Chain moves run after a pass of single moves that lowered the objective by less than this
share of it, not only after a pass that made none (until such early chains make none); 0 turns
it off. Why: at 1000 specialists x 4 weeks a pass over every served session takes 5-10 s,
and the last passes before the chains made 26, 2 and 0 moves (0.06 % in 18 s, XL seed 2),
while the chains then gained 3.3 % in 12 s (seed 3: 13.0M in the 25 s before the greedy's
time ran out, mid-pass). Solves at 300 s, XL seeds 1-3, one alternated round, idle: greedy
rosters 176.6M / 138.8M / 145.4M off against 174.2M / 138.4M / 135.7M at 0.01, final
174.3M / 134.5M / 140.7M against 172.3M / 134.2M / 133.4M (models/SEARCH.md "Chains sooner").
At 80 and 300 specialists a pass takes well under a second and the chains come a pass or
two sooner."""

Priced = tuple[int, Candidate, int]
"""(cost by `GreedyState._cost`, candidate, the day's new pattern index)."""


class Greedy(GreedySwaps):
    """The roster being built, with the steps that build and improve it."""

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

    # -- improving ------------------------------------------------------------------------------

    def __init__(self, built: RosterModel, start: FirstRoster) -> None:
        super().__init__(built, start)
        self._failed: dict[Candidate, tuple[object, ...]] = {}
        """Served session -> `move_key` when its last `_move` and `_drop_extra` both failed."""
        self._watched: dict[tuple[str, int], tuple[list[str], list[tuple[str, int, int, str]]]] = {}
        """Demand-week -> (its candidates' specialists, the resource slots they would hold),
        from the first `cands` given for it: every caller passes the demand-week's whole list."""
        self._own_prices: dict[Candidate, tuple[int, object, int | None, int]] = {}
        """Candidate -> (its specialist's `days_key`, `_fair_key`, `_allowed` by their own
        rules, `_cost`) when last priced by `_cheapest`: both read only that specialist's days
        and the fairness state, so the price holds while those keys stay (a pass re-priced each
        of ~120 candidates for every session of their demand-week it tried to move: 11,882
        tries at 300 x 40 seed 1, SEARCH.md "Speed of the moves"). The rules counting others'
        sessions are checked each time."""

    def move_key(self, key: tuple[str, int], cands: list[Candidate]) -> tuple[object, ...]:
        """What a single move (`_move`, `_drop_extra`) of a session of demand-week `key`
        reads from the roster, as keys: the days of every specialist with a candidate there
        (`days_key`: their patterns, sessions, burden; the demand-week's count, since only
        they serve it), the demand's number of servers (`max_specialists`), the resources
        those candidates would hold, the fairness target, and with the roster's own total
        (or `fairness_max`) every burden (`levels_key`). Both moves are deterministic in
        these, so a session whose moves failed under an equal key fails again and is skipped:
        passes after the first then cost a lookup per session but the few whose
        surroundings changed. A skip only ever leaves a move untried, so no rule can break."""
        watched = self._watched.get(key)
        if watched is None:
            dem = self.prep.demands[key[0]]
            slots = sorted({(site, c.day, c.period, r) for c in cands for (site, r) in holds(c, dem)})
            watched = self._watched[key] = (sorted({c.specialist for c in cands}), slots)
        specs, slots = watched
        days = self.days_key
        fair: tuple[object, ...] = (self.target,)
        if self.target is None or self.weights.fairness_max:
            fair = (self.target, self.burden_total, self.levels_key)
        return (
            tuple(days[s] for s in specs),
            len(self.servers[key[0]]),
            tuple(self.used[slot] for slot in slots),
            fair,
        )

    settled = False
    """The last `improve` ended because no step helped (not at its deadline or `stall`)."""
    stalled_gain: int | None = None
    """What the round the last `improve` stopped at under `stall` lowered the objective by;
    None when it did not stop there (`greedy.TAIL_SHARE` reads it)."""

    def improve(self, cands_of: dict[tuple[str, int], list[Candidate]], deadline: float, stall: float = 0.0) -> int:
        """Move served sessions to cheaper candidates of the same demand and week, drop or add
        sessions above a demand's minimum (within its maximum), one at a time, each step
        lowering the objective (fairness counted exactly); passes repeat until none helps or
        `deadline` (perf_counter) passes, or, with `stall`, until a round of passes ending in
        chain moves lowered the objective by less than that share of it. Chain moves (then
        swaps) follow a pass that made no move, and, while they keep finding some, a pass that
        gained less than `CHAINS_SOON`. Returns the steps made."""
        moves, improved = 0, True
        last = self.objective() if stall else 0
        self.settled, self.stalled_gain = False, None
        early = CHAINS_SOON > 0  # chains after a pass that gained little, until such chains fail
        while improved and time.perf_counter() < deadline:
            improved, began, before = False, time.perf_counter(), moves
            at_pass = self.objective() if early else 0
            for cand in sorted(self.roster.served, key=serving_order):
                if time.perf_counter() > deadline:
                    break
                if cand not in self.roster.served or cand in self.pinned:
                    continue
                key = (cand.demand, self.prep.week[cand.day])
                seen = self.move_key(key, cands_of[key]) if SKIP_UNCHANGED else None
                if seen is not None and self._failed.get(cand) == seen:
                    continue  # tried on these very days and burdens: it fails again
                if self._move(cand, cands_of[key]) or self._drop_extra(cand):
                    moves, improved = moves + 1, True
                elif seen is not None:
                    self._failed[cand] = seen
            for (demand, week), cands in cands_of.items():
                if time.perf_counter() > deadline:
                    break
                if self._add_extra(cands, demand, week):
                    moves, improved = moves + 1, True
            logger.debug("single moves: %d in %.2fs", moves - before, time.perf_counter() - began)
            if early and improved and at_pass - self.objective() < CHAINS_SOON * abs(at_pass):
                chained = self.chains(cands_of, deadline)  # the passes nearly done: chains now
                moves, early = moves + chained, chained > 0
            elif not improved:  # single moves are done: a point may still pass through a third
                chained = self.chains(cands_of, deadline)
                if not chained and SWAPS:  # or two specialists exchange sessions
                    chained = self.swaps(cands_of, deadline)
                moves, improved = moves + chained, chained > 0
            else:
                continue
            if chained and stall:
                now = self.objective()
                if last - now < stall * abs(now):
                    self.stalled_gain = last - now
                    return moves
                last = now
        self.settled = not improved
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
        best = self._cheapest(cands, below=-dem.surplus_weight)
        if best is None:
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

    def _cheapest(self, cands: list[Candidate], leave_out: Candidate | None = None, below: int = 0) -> Priced | None:
        """(cost by `_cost`, candidate, new pattern) of the cheapest allowed candidate costing
        less than `below`, or None. The callers only act below it, so the rules across days
        (`_fits`, the dearer half of `_allowed`) are checked only for such a new best: the same
        choice as the cheapest overall, then compared."""
        best: tuple[int, Candidate, int] | None = None
        prices, days = self._own_prices, self.days_key
        fair = self._fair_key()
        for cand in cands:
            if leave_out is not None and cand.specialist == leave_out.specialist and cand == leave_out:
                continue
            known = prices.get(cand)
            if not KEEP_PRICES or known is None or known[0] != days[cand.specialist] or known[1] != fair:
                index = self._allowed(cand, local=True, counted=False)
                cost = 0 if index is None else self._cost(cand, index)
                known = prices[cand] = (days[cand.specialist], fair, index, cost)
            _day, _fair, index, cost = known
            if index is None or cost >= (below if best is None else best[0]):
                continue
            if self._counts_allow(cand) and self._allowed(cand, local=True) == index and self._fits(cand, index):
                best = (cost, cand, index)  # checked afresh: a price kept is only ever a price
        return best

    def _fair_key(self) -> object:
        """What `_fairness_slope` reads besides the specialist's own burden."""
        if self.target is not None and not self.weights.fairness_max:
            return self.target
        return (self.target, self._above_mean(), max(self.levels) if self.levels else 0)

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
        best = self._cheapest(cands, leave_out=cand, below=self._cost(cand, back))
        if best is not None:
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
