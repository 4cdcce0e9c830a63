"""Sharing the work: fairness of the outreach burden, and continuity of who serves a demand.

Every auxiliary variable here is defined exactly (max, abs), never only bounded, so that a
roster returned before the search ends reports its true cost, which the checker recomputes.
Ids are those of models/MODEL.md; the checker's side is check/sharing.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from outreach_opt.solve.day_patterns import DayPattern
from outreach_opt.solve.fairness_window import Fairness, Sharer
from outreach_opt.solve.model_parts import ModelParts

if TYPE_CHECKING:
    pass


class SharingRules(ModelParts):
    """Mixed into `RosterModel`, which owns the attributes (declared in `ModelParts`)."""

    def add_sharing_rules(self) -> None:
        """Rule `max_specialists`, on the serves-indicators the continuity term shares."""
        self.servers = self._servers()
        self._add_max_specialists(self.servers)

    def add_sharing_terms(self) -> None:
        """Terms continuity, non_preferred, fairness_max and fairness_deviation, each only
        when weighted."""
        weights = self.prep.instance.weights
        if weights.distinct_specialist > 0:
            continuity = [z for (_s, d), z in self.servers.items() if self.prep.demands[d].continuity]
            before = sum(1 for _s, d in self._prior_servers() if self.prep.demands[d].continuity)
            if continuity or before:
                self.terms["continuity"] = weights.distinct_specialist * (cp_model.LinearExpr.sum(continuity) + before)
        if weights.non_preferred_session > 0:
            others = [
                var
                for cand, var in self.x.items()
                if self.prep.demands[cand.demand].preferred
                and cand.specialist not in self.prep.demands[cand.demand].preferred
            ]
            if others:
                self.terms["non_preferred"] = weights.non_preferred_session * cp_model.LinearExpr.sum(others)
        if weights.preference > 0:
            self._preferences_term(weights.preference)
        if weights.fairness_max > 0 or weights.fairness_deviation > 0:
            self._fairness_terms()

    def _preferences_term(self, weight: int) -> None:
        """Term `preferences`: per demand session, the weights of the specialist's `avoid`
        entries it matches and of the `prefer` entries it does not (a constant per variable)."""
        coefs, vars_ = [], []
        for cand, var in self.x.items():
            prefs = self.prep.specialists[cand.specialist].preferences
            if not prefs:
                continue
            args = (cand.site, self.prep.weekday[cand.day], self.prep.period_ids[cand.period])
            cost = sum(p.weight for p in prefs if p.matches(*args) == (p.kind == "avoid"))
            if cost:
                coefs.append(weight * cost)
                vars_.append(var)
        if vars_:
            self.terms["preferences"] = cp_model.LinearExpr.weighted_sum(vars_, coefs)

    def _prior_servers(self) -> set[tuple[str, str]]:
        """(specialist, demand) pairs served in history, for demands that count servers."""
        return {
            (s, d)
            for s, d in self.prep.history.servers
            if d in self.prep.demands
            and (self.prep.demands[d].continuity or self.prep.demands[d].max_specialists is not None)
        }

    def _servers(self) -> dict[tuple[str, str], cp_model.IntVar]:
        """z[s, d] = 1 exactly when s serves d at least once in the horizon, for demands that
        count servers and for specialists who have not served them before (history)."""
        prior = self._prior_servers()
        sessions: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for cand, var in self.x.items():
            dem = self.prep.demands[cand.demand]
            if (dem.continuity or dem.max_specialists is not None) and (cand.specialist, cand.demand) not in prior:
                sessions[(cand.specialist, cand.demand)].append(var)
        servers = {}
        for (spec, demand), vars_ in sessions.items():
            z = self.model.new_bool_var(f"serves[{spec},{demand}]")
            self.model.add_max_equality(z, vars_)
            servers[(spec, demand)] = z
        return servers

    def _add_max_specialists(self, servers: dict[tuple[str, str], cp_model.IntVar]) -> None:
        """Rule `max_specialists`: at most k distinct specialists serve a demand."""
        for demand in self.prep.instance.demands:
            if demand.max_specialists is None:
                continue
            zs = [z for (_s, d), z in servers.items() if d == demand.id]
            before = sum(1 for _s, d in self._prior_servers() if d == demand.id)
            if len(zs) + before > demand.max_specialists:
                constraint = self.model.add(cp_model.LinearExpr.sum(zs) + before <= demand.max_specialists)
                self._hard(constraint, "max_specialists", (demand.id,))

    def _day_burden(self, pat: DayPattern, weekend: bool) -> int:
        b = self.prep.instance.fairness.burden
        points = b.outreach_session * pat.outreach + b.evening_session * pat.evenings + b.travel_minute * pat.travel
        return points + (b.weekend_day if weekend and not pat.idle else 0)

    def _fairness_terms(self) -> None:
        """Terms `fairness_max` (the largest scaled burden) and `fairness_deviation`
        (n x sum |scaled - mean| = sum |n * scaled_s - total|), over the specialists who share
        outreach (`Instance.outreach_sharers`). Both linear once the max and abs are exact."""
        weights = self.prep.instance.weights
        weekend = {t for days in self.prep.weekends for t in days}
        scaled: list[cp_model.IntVar] = []
        factors: list[int] = []
        tops: list[int] = []  # upper bounds, kept here: the proto's repeated field has no [-1]
        ids = self.prep.instance.outreach_sharers()
        for sid in ids:
            factor = self.prep.specialists[sid].burden_factor
            coefs, vars_ = [], []
            top = 0
            for t in range(self.prep.n_days):
                day = [(self._day_burden(pat, t in weekend), var) for pat, var in self.days[(sid, t)]]
                top += max((points for points, _ in day), default=0)
                for points, var in day:
                    if points:
                        coefs.append(factor * points)
                        vars_.append(var)
            before = factor * self.prep.history.burden.get(sid, 0)  # burden already carried
            value = self.model.new_int_var(before, before + factor * top, f"burden[{sid}]")
            self.model.add(value == cp_model.LinearExpr.weighted_sum(vars_, coefs) + before)
            scaled.append(value)
            factors.append(factor)
            tops.append(before + factor * top)
        if not scaled:
            return
        if weights.fairness_max > 0:
            most = self.model.new_int_var(0, max(tops), "burden_max")
            self.model.add_max_equality(most, scaled)
            self.terms["fairness_max"] = weights.fairness_max * most
        if weights.fairness_deviation > 0:
            n = len(scaled)
            # The total as one variable: each |n x scaled - total| then has three terms, not
            # n + 1 (n^2 terms in all), which CP-SAT propagates and LNS moves far faster.
            total = self.model.new_int_var(0, sum(tops), "burden_total")
            self.model.add(total == cp_model.LinearExpr.sum(scaled))
            bound = n * sum(tops)
            deviations = []
            for v in scaled:
                d = self.model.new_int_var(0, bound, f"deviation[{v.name}]")
                self.model.add_abs_equality(d, n * v - total)
                deviations.append(d)
            sharers = [Sharer(f, v, d, sid) for f, v, d, sid in zip(factors, scaled, deviations, ids, strict=True)]
            self.fairness = Fairness(total, sharers)  # for solve/fairness_window.py
            self.terms["fairness_deviation"] = weights.fairness_deviation * cp_model.LinearExpr.sum(deviations)
