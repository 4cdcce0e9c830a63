"""Rule `on_call_reach` (the "green channel"): in each period of an on-call window, enough
specialists with the skills are somewhere from which they reach the hospital in time.

Where a specialist is in a period is a property of the day pattern alone (`whereabouts`), so
"within reach" is a per-pattern predicate and the rule is one linear inequality per window
slot, `Σ_s Σ_{k within reach at p} y_{s,t,k} ≥ count`, exact. Hard by default (explain group
("on_call_reach", (index, day, period))); with a `weight`, the shortfall is the soft term
`on_call_shortfall`. The checker's side is check/reach.py, derived from the roster on its own.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import Prepared
from outreach_opt.solve.day_patterns import DayPattern
from outreach_opt.solve.model_parts import ModelParts


def whereabouts(prep: Prepared, home: str, pat: DayPattern, p: int) -> str | None:
    """Where the specialist is throughout period p of a day going as `pat`: the site of its
    session; when idle, where they wait, leaving each place at the last moment: where the day
    starts (home, or last night's stay) before the first session, where it ends (home, or
    tonight's stay) after getting there, the last session's site between two sessions. None
    when they spend part of the period on the road."""
    if pat.stops[p] is not None:
        return pat.stops[p]
    stops = [(q, site) for q, site in enumerate(pat.stops) if site is not None]
    before = [(q, site) for q, site in stops if q < p]
    after = [(q, site) for q, site in stops if q > p]
    here = before[-1][1] if before else (pat.start or home)
    if before and not after:  # driving to where the day ends after the last session
        last = pat.end or home
        arrived = prep.period_end[before[-1][0]] + prep.leg(here, last)
        return last if arrived <= prep.period_start[p] else None
    if not after:
        return home  # an idle day (always at home: a stay lies between two working days)
    q, there = after[0]
    departs = prep.period_start[q] - prep.leg(here, there)
    return here if prep.period_end[p] <= departs else None


def within_reach(prep: Prepared, home: str, pat: DayPattern, p: int, site: str, minutes: int) -> bool:
    where = whereabouts(prep, home, pat, p)
    return where is not None and prep.travel.get((where, site), minutes + 1) <= minutes


class ReachRules(ModelParts):
    def _add_on_call_reach(self) -> None:
        """Rule `on_call_reach`: per on-call window slot, the patterns within reach sum to at
        least `count` (hard), or its shortfall costs `weight` each (term on_call_shortfall)."""
        prep = self.prep
        pidx = {pid: p for p, pid in enumerate(prep.period_ids)}
        shortfall = []
        for i, oc in enumerate(prep.instance.on_call):
            skilled = [s for s, spec in prep.specialists.items() if set(oc.skills) <= set(spec.skills)]
            periods = [pidx[pid] for pid in oc.periods] if oc.periods is not None else range(prep.n_periods)
            for t, date in enumerate(prep.dates):
                if not oc.on(date):
                    continue
                for p in periods:
                    reach = [
                        var
                        for s in skilled
                        if (s, t, p) not in prep.unavailable
                        for pat, var in self.days[(s, t)]
                        if within_reach(prep, prep.specialists[s].home, pat, p, oc.site, oc.reach_minutes)
                    ]
                    total = cp_model.LinearExpr.sum(reach)
                    if oc.weight is None and oc.count > 0:
                        # Nobody could be within reach: a constant sum, so say "infeasible" directly.
                        held = self.model.add(total >= oc.count) if reach else self.model.add_bool_or([])
                        self._hard(held, "on_call_reach", (i, t, p))
                    elif oc.weight is not None and oc.weight > 0 and oc.count > 0:
                        short = self.model.new_int_var(0, oc.count, f"on_call_short[{oc.id},{t},{p}]")
                        self.model.add_max_equality(short, [oc.count - total, 0])  # exact, as for u
                        shortfall.append(oc.weight * short)
        if shortfall:
            self.terms["on_call_shortfall"] = cp_model.LinearExpr.sum(shortfall)


def on_call_listing(prep: Prepared, chosen: dict[tuple[str, int], DayPattern]) -> list[dict[str, object]]:
    """Who is within reach in each on-call slot of a solved roster, for the roster's `on_call`
    list: the department head sees whom the green channel can call. The checker does not read
    it back; it derives reach from the assignments itself."""
    pidx = {pid: p for p, pid in enumerate(prep.period_ids)}
    listing: list[dict[str, object]] = []
    for oc in prep.instance.on_call:
        skilled = [s for s, spec in prep.specialists.items() if set(oc.skills) <= set(spec.skills)]
        for t, date in enumerate(prep.dates):
            if not oc.on(date):
                continue
            for pid in oc.periods or prep.period_ids:
                p = pidx[pid]
                near = [
                    s
                    for s in skilled
                    if (s, t, p) not in prep.unavailable
                    and within_reach(prep, prep.specialists[s].home, chosen[(s, t)], p, oc.site, oc.reach_minutes)
                ]
                listing.append({"on_call": oc.id, "date": date.isoformat(), "period": pid, "within_reach": near})
    return listing
