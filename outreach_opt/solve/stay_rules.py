"""Rule `overnight_stay` and term `nights_away`: a specialist may sleep at a far site between
two working days instead of driving home (a Saturday and Sunday clinic at a county hospital).

A night's stay at site `a` after day t makes day t end at `a` and day t+1 start there. Each
day's patterns are enumerated once per (start, end) pair that the nights around it allow
(`day_patterns.enumerate_day(start=, end=)`), so the day's driving, `leave` and `back` stay
exact constants of the pattern: `daily_travel`, `travel`, the fairness burden and `rest`
(measured at the stay) need no change. What joins the days is linear:

    n_{s,t,a} = Σ_{k ∈ Π(s,t), end_k = a} y_{s,t,k} = Σ_{q ∈ Π(s,t+1), start_q = a} y_{s,t+1,q}
    n_{s,t,a} ≤ Σ_{k ∋ a} y_{s,t,k} + Σ_{q ∋ a} y_{s,t+1,q}      (a session at `a` that day or the next)

A stay is possible only at a site with `overnight: true`, not the specialist's home, on a
night whose both days lie in the horizon and offer the specialist work (a candidate or a
commitment), one of them at `a`. Without any such site nothing here adds a variable, so the
model of an instance without stays is the one it always was. The checker's side is
check/stays.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property

from ortools.sat.python import cp_model

from outreach_opt.domain.prepared import Prepared
from outreach_opt.domain.roster import Stay
from outreach_opt.solve.day_patterns import DayKey, DayPattern, enumerate_day
from outreach_opt.solve.model_parts import ModelParts

Night = tuple[str, int, str]
"""(specialist, day t whose evening the stay begins, site)."""


def stay_options(prep: Prepared) -> dict[tuple[str, int], list[str]]:
    """(specialist, night t) -> the sites they may stay at that night, sorted; only nights
    with one. Work on both days and at the site on one of them is necessary for a stay (rule
    `overnight_stay`), so these are all the stays a valid roster can have."""
    overnight = sorted(site.id for site in prep.instance.sites if site.overnight)
    if not overnight:
        return {}
    work: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (spec, t), cands in prep.candidates_by_day.items():
        work[(spec, t)].update(c.site for c in cands)
    for (spec, t, _p), com in prep.commitment_at.items():
        work[(spec, t)].add(com.site)
    options: dict[tuple[str, int], list[str]] = {}
    for spec, person in prep.specialists.items():
        for t in range(prep.n_days - 1):
            today, tomorrow = work.get((spec, t), set()), work.get((spec, t + 1), set())
            if not today or not tomorrow:
                continue
            sites = [a for a in overnight if a != person.home and a in today | tomorrow]
            if sites:
                options[(spec, t)] = sites
    return options


class StayRules(ModelParts):
    nights: dict[Night, cp_model.IntVar]

    @cached_property
    def stay_sites(self) -> dict[tuple[str, int], list[str]]:
        """`stay_options` of this model's instance, worked out once for both steps of a build."""
        return stay_options(self.prep)

    def _create_stay_patterns(self, cache: dict[DayKey, list[DayPattern]]) -> None:
        """Add to each day the patterns that start or end at a stay (after the home-to-home
        ones, which keep their indices)."""
        options = self.stay_sites
        if not options:
            return
        for spec in self.prep.specialists:
            for t in range(self.prep.n_days):
                starts = [None, *options.get((spec, t - 1), [])]
                ends = [None, *options.get((spec, t), [])]
                choices = self.days[(spec, t)]
                for start in starts:
                    for end in ends:
                        if start is None and end is None:
                            continue
                        for pat in enumerate_day(
                            self.prep, spec, t, explain=self.options.explain, cache=cache, start=start, end=end
                        ):
                            k = len(choices)
                            choices.append((pat, self.model.new_bool_var(f"y[{spec},{t},{k}]")))
                            for rule, key in pat.breaks:  # explain mode: day-local rules, guarded
                                self._hard(self.model.add(choices[-1][1] == 0), rule, key)

    def _add_overnight_stay(self) -> None:
        """Rule `overnight_stay`: a day ends where the next begins, and a night at a site has a
        session there on one of its two days. Structure, not an explain group: a stay only
        widens the choice of patterns, so it cannot make rules conflict."""
        for (spec, t), sites in self.stay_sites.items():
            today, tomorrow = self.days[(spec, t)], self.days[(spec, t + 1)]
            for a in sites:
                night = self.model.new_bool_var(f"night[{spec},{t},{a}]")
                self.nights[(spec, t, a)] = night
                self.model.add(night == sum(var for pat, var in today if pat.end == a))
                self.model.add(night == sum(var for pat, var in tomorrow if pat.start == a))
                visits = [var for pat, var in [*today, *tomorrow] if a in pat.stops]
                self.model.add(night <= sum(visits))

    def hint_stays(
        self, stays: Sequence[Stay], date_index: dict[dt.date, int], problems: list[str]
    ) -> dict[tuple[str, int], str]:
        """Hint the nights from a roster's stays; return (specialist, night) -> site for
        matching day patterns. A stay the model has no variable for (a site without
        `overnight`, the last night, an unknown name) or a second stay on one night goes to
        `problems`: the model cannot express that roster."""
        stay_at: dict[tuple[str, int], str] = {}
        for stay in stays:
            night = (stay.specialist, date_index.get(stay.night, -2))
            if night in stay_at or (*night, stay.site) not in self.nights:
                problems.append(f"{stay.specialist}'s stay on {stay.night} at {stay.site}: not a stay the model allows")
            stay_at.setdefault(night, stay.site)
        for (spec, t, site), var in self.nights.items():
            self.model.add_hint(var, stay_at.get((spec, t)) == site)
        return stay_at

    def nights_away_term(self) -> cp_model.LinearExprT:
        """Term `nights_away`: `weights.overnight_stay` per night away from home."""
        return self.prep.instance.weights.overnight_stay * cp_model.LinearExpr.sum(list(self.nights.values()))
