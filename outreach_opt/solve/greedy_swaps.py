"""Swap moves of the greedy roster (solve/greedy.py): two specialists exchange a session each,
each taking a candidate of the demand-week the other gives up, kept only when the exact
objective falls.

Why: a specialist's burden is composed (an away session 1 point, an evening 1, a weekend DAY
1 however many sessions it holds), so who serves what decides the total `T` as well as its
spread. A swap can lower `T` or move a point across the mean where neither half alone can: an
evening list for a clinic the same afternoon, two weekend sessions on one person-day instead
of two. Neither single moves nor chains (solve/greedy_chains.py) make them, as each half alone
raises the objective or breaks a count (a demand-week at its maximum, a full clinic room). From
the greedy's own roster of the 80-specialist, 15-site week (seed 3, objective 403,570) 194 of
96,926 swaps tried one at a time lowered the objective, the best by 14,594.

Each side (one session out, one candidate of a demand-week in, the same one or another) is
priced once for its specialist alone (`_sides_of`): the change in the objective but fairness,
and the burden it leaves. A pair of sides is then priced exactly in `fairness_deviation` from
the two burdens (`T` moves by both changes; `fairness_max` is not priced), and only pairs priced
below zero are made, checked against every hard rule (`_allowed`, `_removable`) and kept if the
exact objective falls. Swaps run under a fixed target total too (greedy.TARGET_SHARES), where
most of their gain was measured (models/SEARCH.md)."""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from outreach_opt.domain.prepared import Candidate
from outreach_opt.solve.greedy_chains import CandsOf, GreedyChains, serving_order

logger = logging.getLogger(__name__)

Side = tuple[int, int, Candidate, int]
"""(the change in `spent` of giving one session up and serving this candidate instead, the
specialist's burden after it, the candidate, its day's new pattern index)."""

TRIES = 20
"""Pairs made and checked per session given up, cheapest priced first, until one is kept: a
pair priced below zero may still break a count (capacity, a demand's maximum, which the sides'
prices leave out) or a rule across days. With 3, at 80 x 15 seed 3, 207 of 375 exchanges tried
were refused and 24 sessions left without a swap had an allowed improving pair further down.
Greedy alone (`python benchmarks/greedy_alone.py M --seeds 1 2 3 --time-limit 30 --set
greedy_swaps.TRIES=3`, each run to its end, shared machine): 549,433 / 362,352 / 326,584 with
20 against 549,472 / 368,714 / 326,597 with 3, CPU 20 / 23 / 27 s against 19 / 22 / 42 s."""

PER_BURDEN = 2
"""Sides kept per burden they leave (`_cheapest_per_burden`)."""


class GreedySwaps(GreedyChains):
    """The swap moves over the chain moves."""

    _sides: dict[Candidate, tuple[int, dict[tuple[str, int], list[Side]]]]
    """Each served session's sides by demand-week taken instead, with its specialist's
    `days_key` when they were priced: built on first use, used while the key stays (they
    depend on the specialist's own days only). Should two different days share a key (a
    hash collision), a side is priced wrongly, never made wrongly: `exchange` checks every
    rule and the exact objective decides."""
    _served_in: dict[tuple[str, int], list[Candidate]]
    """The sessions served in each demand-week (not pinned), as the pass goes."""
    _options: dict[tuple[tuple[str, int], str], list[Candidate]]
    """The candidates of each demand-week and specialist."""
    _keys_of: dict[str, list[tuple[str, int]]]
    """The demand-weeks each specialist has candidates in."""

    def swaps(self, cands_of: CandsOf, deadline: float) -> int:
        """One pass of swaps, from each session served (in time order); the number made. Only
        with `fairness_deviation` weighted (what they are priced by): without it a swap mostly
        moves travel minutes, which the single moves already weigh."""
        if not self.weights.fairness_deviation or len(self.sharers) < 2:
            return 0
        began = time.perf_counter()
        self.begin_swaps(cands_of)
        made = 0
        for cand in sorted(self.roster.served - self.pinned, key=serving_order):
            if time.perf_counter() > deadline:
                break
            if cand in self.roster.served and self._swap_from(cand):
                made += 1
        logger.debug("swaps: %d in %.2fs", made, time.perf_counter() - began)
        return made

    def begin_swaps(self, cands_of: CandsOf) -> None:
        """Start a pass of swaps: index the candidates and the sessions served (sides priced
        before are kept: each is used only while its specialist's `days_key` stays)."""
        self._options = defaultdict(list)
        for key, cands in cands_of.items():
            for cand in cands:
                self._options[(key, cand.specialist)].append(cand)
        keys: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for key, spec in self._options:
            keys[spec].append(key)
        self._keys_of = keys
        if not hasattr(self, "_sides"):
            self._sides = {}
        self._served_in = defaultdict(list)
        for cand in sorted(self.roster.served - self.pinned, key=serving_order):
            self._served_in[self._key(cand)].append(cand)

    def _sides_of(self, cand: Candidate) -> dict[tuple[str, int], list[Side]]:
        """`cand`'s specialist giving it up and serving another candidate instead, by the
        candidate's demand-week; only their own rules checked (`_allowed` without counts)."""
        spec = cand.specialist
        known = self._sides.get(cand)
        if known is not None and known[0] == self.days_key[spec]:
            return known[1]
        found: dict[tuple[str, int], list[Side]] = {}
        lifted = self._removable(cand)
        if lifted is not None:
            back, spent = self.roster.chosen[(spec, cand.day)], self.spent
            self._remove(cand, lifted)
            out = self.spent - spent
            for key in self._keys_of.get(spec, ()):
                sides = []
                for alt in self._options[(key, spec)]:
                    index = None if alt == cand else self._allowed(alt, counted=False)
                    if index is not None:
                        burden = self._burden_if(spec, alt.day, index)
                        sides.append((out + self._local_cost(alt, index), burden, alt, index))
                if sides:
                    found[key] = _cheapest_per_burden(sides)
            self._apply(cand, back)
        self._sides[cand] = (self.days_key[spec], found)
        return found

    def _swap_from(self, first: Candidate) -> bool:
        """The best-priced swaps of `first` with a session of another specialist, tried in
        turn (`TRIES`); True when one was made."""
        for _price, _order, second, alt, their_alt in sorted(self.priced_swaps(first))[:TRIES]:
            if self._swap(first, second, alt, their_alt):
                return True
        return False

    def priced_swaps(self, first: Candidate, below: int = 0) -> list[tuple[int, int, Candidate, Candidate, Candidate]]:
        """(price, order found, second, alt, their_alt) of each swap of `first` priced below
        `below`: `first`'s specialist serves `alt` instead of it, `second`'s (another) serves
        `their_alt` instead of `second`. The price is the change in `spent` plus
        `fairness_deviation`'s, exact when the swap is made (`fairness_max` is not priced)."""
        giver, key = first.specialist, self._key(first)
        mine = self._sides_of(first)
        n, weight = len(self.sharers), self.weights.fairness_deviation
        total = self.fairness_total()
        sums: dict[int, int] = {}

        def deviations(t: int) -> int:
            if t not in sums:
                sums[t] = sum(k * abs(n * b - t) for b, k in self.levels.items())
            return sums[t]

        now = deviations(total)
        mine_before = self.burden.get(giver)
        priced: list[tuple[int, int, Candidate, Candidate, Candidate]] = []
        for other_key, sides in mine.items():
            for second in self._served_in.get(other_key, ()):
                taker = second.specialist
                if taker == giver:
                    continue
                theirs = self._sides_of(second).get(key)
                if not theirs:
                    continue
                their_before = self.burden.get(taker)
                for spent, burden, alt, _index in sides:
                    for their_spent, their_burden, their_alt, _their_index in theirs:
                        t = total
                        if self.target is None:
                            t += (burden - mine_before if mine_before is not None else 0) + (
                                their_burden - their_before if their_before is not None else 0
                            )
                        fair = deviations(t)
                        for before, after in ((mine_before, burden), (their_before, their_burden)):
                            if before is not None:
                                fair += abs(n * after - t) - abs(n * before - t)
                        price = spent + their_spent + weight * (fair - now)
                        if price < below:
                            priced.append((price, len(priced), second, alt, their_alt))
        return priced

    def _swap(self, first: Candidate, second: Candidate, alt: Candidate, their_alt: Candidate) -> bool:
        """`exchange`, kept if the exact objective (but coverage, which a swap leaves as it is)
        falls, else undone. The roster is as before when it returns False."""
        objective = self.spent + self.fairness_cost()
        undo = self.exchange(first, second, alt, their_alt)
        if undo is None:
            return False
        if self.spent + self.fairness_cost() < objective:
            self._swapped(first, second, alt, their_alt)
            return True
        self.undo(undo)
        return False

    def exchange(
        self, first: Candidate, second: Candidate, alt: Candidate, their_alt: Candidate
    ) -> list[tuple[Candidate, int, bool]] | None:
        """`first`'s specialist serves `alt` instead and `second`'s serves `their_alt`
        instead, whatever it costs, if every hard rule holds (`_removable`, then `_allowed`
        with every count); what to `undo`, or None and the roster as before."""
        undo: list[tuple[Candidate, int, bool]] = []
        """(candidate, pattern to go back to, whether it was served) in the order done."""
        for cand, out in ((first, True), (second, True), (alt, False), (their_alt, False)):
            index = self._removable(cand) if out else self._allowed(cand)
            if index is None:
                self.undo(undo)
                return None
            undo.append((cand, self.roster.chosen[(cand.specialist, cand.day)], out))
            (self._remove if out else self._apply)(cand, index)
        return undo

    def undo(self, done: list[tuple[Candidate, int, bool]]) -> None:
        """Take back the steps of `exchange`, last first."""
        for cand, back, was_served in reversed(done):
            (self._apply if was_served else self._remove)(cand, back)

    def _swapped(self, first: Candidate, second: Candidate, alt: Candidate, their_alt: Candidate) -> None:
        """Note a swap in `_served_in` (both specialists' sides are stale by their `days_key`)."""
        for gone, served in ((first, their_alt), (second, alt)):
            self._served_in[self._key(gone)].remove(gone)
            self._served_in[self._key(served)].append(served)


def _cheapest_per_burden(sides: list[Side]) -> list[Side]:
    """The `PER_BURDEN` cheapest sides leaving each burden: a pair is priced by the two
    burdens and the two changes in `spent`, so a dearer side to the same burden only matters
    when the cheaper ones break a count (tried in turn, `TRIES`). Pricing every side took
    most of a pass at 80 specialists x 15 sites."""
    by_burden: dict[int, list[Side]] = defaultdict(list)
    for side in sorted(sides, key=lambda side: side[0]):  # stable: ties in candidate order
        if len(by_burden[side[1]]) < PER_BURDEN:
            by_burden[side[1]].append(side)
    return [side for kept in by_burden.values() for side in kept]
