"""Chain moves of the greedy roster (solve/greedy.py): a session of a sharer above the mean
burden passes to a second specialist, who hands one of their own sessions on to a sharer below
it (or back to the first, who then has a session for one: a weekend session swapped for a
weekday one drops a weekend day's point), so that a burden point goes from above the mean to
below it through someone in between.

Why: `fairness_deviation` is `sum |n B_s - T|`, so a point only pays when it leaves someone
above the mean for someone below it. At 300 specialists x 40 sites (seed 1, 60 s) the greedy
roster's objective was 99.5 % fairness, with 31 sharers at no burden point and 63 at one or
more points above the mean; every session the 68 sharers below the mean could serve belonged
to a demand-week already at its maximum, served by sharers at the mean, so no single move
(which a demand-week's own candidates make) could lower it.

A chain may also make room (`ROOM`, `_make_room`): the second specialist, refused the session
(at a weekly limit, say), first hands a session of that week to a third and then takes the
giver's: a plain away session (one point) given up for a weekend or evening one (two), so that
the point leaves the giver for someone below the mean while the third takes the plain one."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from outreach_opt.domain.prepared import Candidate
from outreach_opt.solve.greedy_rules import GreedyRules

logger = logging.getLogger(__name__)

CandsOf = dict[tuple[str, int], list[Candidate]]
ROOM = True
"""A chain may go through a specialist not above the mean who must first hand one of their own
sessions (of the same week) on before they may take the giver's (`_make_room`): at their weekly
limit of outreach sessions, a plain away session handed to a third specialist for a weekend or
evening one (two points). Measured in models/SEARCH.md, "Making room" (L cheaper, XL not settled).
Why: at 1000 specialists x 60 sites x 4 weeks (seed 1, a 300 s roster) 176 of the 340 sharers
below the mean were at their weekly limit every week, mostly with plain away sessions (1,239
of their 1,416), while those above it held 1,294 weekend and 673 evening away sessions."""
Handoff = tuple[int, Candidate, int]
"""(price of the receiver's part: its cost and its own deviation's change, candidate, the
receiver's new day pattern index): one way to pass a session on, see `_handoffs`."""


class GreedyChains(GreedyRules):
    """The chain moves over the rule checks."""

    def chains(self, cands_of: CandsOf, deadline: float) -> int:
        """One pass of chain moves from every sharer above the mean burden (most burdened
        first), each kept only when the objective, fairness counted exactly, falls; the
        number kept. Without `fairness_deviation` nothing pays through a third, and none run."""
        if not self.weights.fairness_deviation or len(self.sharers) < 2 or self.target is not None:
            return 0
        began = time.perf_counter()
        by_spec = self.begin_chains(cands_of)
        n, total = len(self.sharers), self.fairness_total()
        above = sorted((s for s in self.sharers if n * self.burden[s] > total), key=lambda s: (self.burden[s], s))
        made = 0
        for giver in reversed(above):
            for cand in sorted(by_spec.get(giver, ()), key=serving_order):
                if time.perf_counter() > deadline:
                    return made
                if n * self.burden[giver] <= self.fairness_total():
                    break
                if cand in self.roster.served and self._chain_from(cand, cands_of, by_spec):
                    made += 1
        logger.debug("chain moves: %d in %.2fs", made, time.perf_counter() - began)
        return made

    def begin_chains(self, cands_of: CandsOf) -> dict[str, list[Candidate]]:
        """Start a pass of chains (`_open`, no `_handoffs` yet); each specialist's sessions
        that may move (pins never do)."""
        by_spec: dict[str, list[Candidate]] = defaultdict(list)
        for cand in sorted(self.roster.served, key=serving_order):  # `_handoffs_of` takes the first found
            if cand not in self.pinned:
                by_spec[cand.specialist].append(cand)
        n, total = len(self.sharers), self.fairness_total()
        self._open = {
            key
            for key, cands in cands_of.items()
            if any(c.specialist not in self.sharers or n * self.burden[c.specialist] < total for c in cands)
        }
        self._handoffs, self._listed, self._handoffs_total = {}, defaultdict(set), total
        return by_spec

    _open: set[tuple[str, int]]
    """The demand-weeks with a candidate below the mean burden (or not sharing) as a pass of
    chains starts: the only sessions worth passing on. Skipping the rest, a first pass at 300
    specialists x 40 sites (seed 1, loaded machine, one run each) took 3.5 s against 5.3 s."""

    def _key(self, cand: Candidate) -> tuple[str, int]:
        return (cand.demand, self.prep.week[cand.day])

    _handoffs: dict[tuple[str, bool], list[tuple[Candidate, list[Handoff]]]]
    """For each specialist asked about since the last chain made: their sessions of `_open`
    demand-weeks that they may drop, each with the candidates of specialists below the mean
    (or not sharing; with `anyone` in the key, of every other specialist: `_make_room`) who
    could take it over, cheapest first. Built once per specialist, not
    once per session passed to them: `_pass_on` tried the same hand-overs for every session
    of every giver (a pass of chains took 15 s at 80 specialists x 15 sites, seed 1).
    Priced with `T` as the pass began (`_handoffs_total`; a chain moves it by a few travel
    minutes' points). When a chain is made, its specialists' own hand-overs are forgotten and
    hand-overs to them dropped (they may no longer be below the mean: until the next pass);
    clearing all instead rebuilt them after nearly every chain (a receiver is named by most).
    A hand-over is checked again (`_allowed`) before it is made, and the exact objective
    decides as before (`_kept`)."""

    _listed: defaultdict[str, set[str]]
    """Receiver -> the specialists whose `_handoffs` name them."""
    _handoffs_total: int
    """`T` the `_handoffs` are priced with: as the pass of chains began."""

    def _handoffs_of(
        self,
        taker: str,
        giver: str | None,
        start: Chain,
        cands_of: CandsOf,
        by_spec: dict[str, list[Candidate]],
        anyone: bool = False,
    ) -> list[tuple[Candidate, list[Handoff]]]:
        """`_handoffs` of `taker`, built on first use, during a chain from `giver`; with
        `anyone`, to receivers at or above the mean too. A session
        not removable now is left out (taking the giver's session first might make it
        removable: rare, not tried). The giver, their session lifted as it is built, is never
        a receiver: priced so, their hand-overs would outlive the chain (a test found one at
        905 remembered as 26)."""
        known = self._handoffs.get((taker, anyone))
        if known is not None:
            return known
        n, weight, found = len(self.sharers), self.weights.fairness_deviation, []
        total = self._handoffs_total
        for own in by_spec.get(taker, ()):
            key = self._key(own)
            if key not in self._open or (back := self._lift_out(own)) is None:
                continue
            priced: list[Handoff] = []
            for alt in cands_of[key]:
                receiver = alt.specialist
                sharing = receiver in start.burden
                if receiver in (taker, giver) or (not anyone and sharing and n * start.burden[receiver] >= total):
                    continue
                index = self._allowed(alt)
                if index is None:
                    continue
                price = self._local_cost(alt, index)
                if sharing:
                    after = self._burden_if(receiver, alt.day, index)
                    price += weight * (abs(n * after - total) - abs(n * start.burden[receiver] - total))
                priced.append((price, alt, index))
                self._listed[receiver].add(taker)
            self._apply(own, back)
            if priced:
                found.append((own, sorted(priced, key=lambda handoff: handoff[0])))
        self._handoffs[(taker, anyone)] = found
        return found

    def _burden_if(self, spec: str, t: int, index: int) -> int:
        """`spec`'s burden should day `t` become pattern `index` (0 for a non-sharer)."""
        if spec not in self.sharers:
            return 0
        weekend = t in self.weekend_of
        new = self.built.days[(spec, t)][index][0]
        change = self.built._day_burden(new, weekend) - self.built._day_burden(self.pattern(spec, t), weekend)
        return self.burden[spec] + self.factor[spec] * change

    def _priced(self, start: Chain, changed: dict[str, int], spent: int) -> int:
        """The objective's change from `start` when the sharers in `changed` get those
        burdens and the rest of the objective changes by `spent`: `T` held at the start's
        (exact when the chain moves burden points, not when it makes or drops some)."""
        n, weight = len(self.sharers), self.weights.fairness_deviation
        fair = sum(
            abs(n * b - start.total) - abs(n * start.burden[s] - start.total)
            for s, b in changed.items()
            if s in start.burden
        )
        return spent - start.spent + weight * fair

    def _chain_from(self, cand: Candidate, cands_of: CandsOf, by_spec: dict[str, list[Candidate]]) -> bool:
        """Move `cand` to another candidate of its demand-week: directly to someone below the
        mean, or to someone who passes one of their sessions on to someone below it
        (`_pass_on`). Each is priced by `_priced`, made only when that is below zero and kept
        only if the exact objective falls; the roster is as before when it returns False."""
        giver, week = cand.specialist, self.prep.week[cand.day]
        lifted = self._removable(cand)
        if lifted is None:
            return False
        back = self.roster.chosen[(giver, cand.day)]
        start = Chain(dict(self.burden), self.fairness_total(), self.spent, self.spent + self.fairness_cost())
        n = len(self.sharers)
        self._remove(cand, lifted)
        for alt in cands_of[(cand.demand, week)]:
            taker = alt.specialist
            if taker == giver:
                continue
            index = self._allowed(alt)
            if index is None:
                if (
                    ROOM
                    and taker in start.burden
                    and n * start.burden[taker] <= start.total
                    and self._make_room(alt, giver, start, cands_of, by_spec)
                ):
                    self._moved(cand, alt, by_spec)
                    return True
                continue
            taker_burden = self._burden_if(taker, alt.day, index)
            changed = {giver: self.burden[giver], taker: taker_burden}
            if self._priced(start, changed, self.spent + self._local_cost(alt, index)) < 0:
                if self._kept(alt, index, start.objective):
                    self._moved(cand, alt, by_spec)
                    return True
            elif (
                taker in start.burden
                and n * taker_burden >= start.total
                and self._handoffs_of(taker, giver, start, cands_of, by_spec)
            ):
                taken = self.roster.chosen[(taker, alt.day)]
                self._apply(alt, index)
                if self._pass_on(alt, giver, start, cands_of, by_spec):
                    self._moved(cand, alt, by_spec)
                    return True
                self._remove(alt, taken)
        self._apply(cand, back)
        return False

    def _pass_on(
        self, taken: Candidate, giver: str, start: Chain, cands_of: CandsOf, by_spec: dict[str, list[Candidate]]
    ) -> bool:
        """The taker of `taken` (from `giver`) hands one of their other sessions to someone
        below the mean: the cheapest such hand-over priced below zero (`_priced`) is made and
        kept if the exact objective falls. The roster is as before when it returns False."""
        taker = taken.specialist
        for own, handoffs in self._handoffs_of(taker, giver, start, cands_of, by_spec):
            if own == taken or (back := self._lift_out(own)) is None:
                continue
            if self._hand_over(own, handoffs, giver, start, by_spec):
                return True
            self._apply(own, back)
        return False

    def _lift_out(self, own: Candidate) -> int | None:
        """Stop serving `own` if it is served and may be dropped: the pattern its day had, to
        put it back with `_apply`; None (and nothing changed) otherwise."""
        if own not in self.roster.served or (lifted := self._removable(own)) is None:
            return None
        back = self.roster.chosen[(own.specialist, own.day)]
        self._remove(own, lifted)
        return back

    def _hand_over(
        self, own: Candidate, handoffs: list[Handoff], giver: str, start: Chain, by_spec: dict[str, list[Candidate]]
    ) -> bool:
        """With `own` lifted from its specialist (the taker), the cheapest of `handoffs`
        priced below zero (`_priced` of giver and taker as they stand, plus the receiver's
        part) still allowed is made and kept if the exact objective falls; the roster is as
        it was when it returns False."""
        taker = own.specialist
        base = self._priced(start, {giver: self.burden[giver], taker: self.burden[taker]}, self.spent)
        for price, alt, index in handoffs:
            if base + price >= 0:
                break
            if alt.specialist != giver and self._allowed(alt) == index:
                if self._kept(alt, index, start.objective):
                    self._moved(own, alt, by_spec)
                    return True
                break
        return False

    def _make_room(
        self, alt: Candidate, giver: str, start: Chain, cands_of: CandsOf, by_spec: dict[str, list[Candidate]]
    ) -> bool:
        """`alt`'s specialist, not above the mean and refused `alt` (at a weekly limit, say),
        first hands one of their sessions of that week to another specialist (anyone but the giver:
        a receiver above the mean may still pay, as the giver's and the taker's deviations
        fall; `_handoffs_of` with `anyone`) and then serves `alt` (the giver's session,
        already lifted). The cheapest such chain priced below zero (`_priced`) is made and
        kept if the exact objective falls. The roster is as before when it returns False; on
        True, `alt` is served and the hand-over noted (`_moved`), the caller notes the giver's."""
        taker, week = alt.specialist, self.prep.week[alt.day]
        for own, handoffs in self._handoffs_of(taker, giver, start, cands_of, by_spec, anyone=True):
            if self.prep.week[own.day] != week or (back := self._lift_out(own)) is None:
                continue
            index = self._allowed(alt)
            if index is not None:
                roomed = self.roster.chosen[(taker, alt.day)]
                self._apply(alt, index)
                if self._hand_over(own, handoffs, giver, start, by_spec):
                    return True
                self._remove(alt, roomed)
            self._apply(own, back)
        return False

    def _moved(self, gone: Candidate, served: Candidate, by_spec: dict[str, list[Candidate]]) -> None:
        """Note a chain's step in `by_spec`, and forget the `_handoffs` it changed."""
        by_spec[gone.specialist].remove(gone)
        by_spec[served.specialist].append(served)
        for spec in (gone.specialist, served.specialist):
            for anyone in (False, True):
                self._handoffs.pop((spec, anyone), None)
            for taker in self._listed.pop(spec, ()):
                for key in ((taker, False), (taker, True)):
                    ways_of = self._handoffs.get(key)
                    if ways_of is not None:
                        kept = [(own, [h for h in ways if h[1].specialist != spec]) for own, ways in ways_of]
                        self._handoffs[key] = [(own, ways) for own, ways in kept if ways]

    def _kept(self, cand: Candidate, index: int, objective: int) -> bool:
        """Serve `cand` (the day becoming pattern `index`); kept if the exact objective (but
        for coverage, which a chain leaves as it is) is then below `objective`, else undone."""
        before = self.roster.chosen[(cand.specialist, cand.day)]
        self._apply(cand, index)
        if self.spent + self.fairness_cost() < objective:
            return True
        self._remove(cand, before)
        return False


@dataclass(frozen=True)
class Chain:
    """The roster as a chain starts from: burdens, `T`, `spent` and the objective but for
    coverage (`spent` plus the fairness terms)."""

    burden: dict[str, int]
    total: int
    spent: int
    objective: int


def serving_order(cand: Candidate) -> tuple[int, int, str, str, str, str]:
    """Served sessions in time order, for passes that must not depend on set order (which
    follows PYTHONHASHSEED): a total order, so site and role too (a remote demand has one
    candidate per site it may be served from)."""
    return (cand.day, cand.period, cand.specialist, cand.demand, cand.site, cand.role or "")
