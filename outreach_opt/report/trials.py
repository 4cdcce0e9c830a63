"""A session tried in a roster: which rules it breaks that the roster did not, and what the
roster with it costs, each judged by the checker on the part of the roster it can change.

Why not on the whole roster each time: a trial changes one specialist's line, one demand's
count and one slot's resources, and the checker's whole-roster check took 33 ms on Curtois &
Qu Instance12, 32 s of `explain --roster` there (about 1,400 trials). So each trial is judged
on the assignments it can change a verdict or a term of (`_Index.near`: the specialist's, the
demand's and those of demands teaching the same trainees, and in the demand's slots those at
the sites the session uses or serving a demand of those sites; in the past, the specialist's
and the demand's), gathered once per specialist and demand-week and judged once before, with
the instance cut to the people those assignments name (`People.only`). Every other
assignment's verdicts and terms, and every other person's rules, are the same before and
after and drop out. Without the cut each check still read everyone's commitments: on an
80 x 15 week (4,889 trials) the reasons took about 60 s of a 90 s command; with it, about 6 s.

A free slot's price is the whole roster's objective with the session, worked out as the
roster's own (`baseline`) plus each term's change on the cut, except the fairness terms, which
read every sharer's burden: those are the checker's `fairness_terms` of everyone's burdens
with the specialist's replaced by their burden on the cut (their whole line is in it). Priced
on the whole roster each took about 150 ms at 1000 x 60 x 4 weeks (13k assignments).

On-call cover reads everyone's whereabouts in its windows, so with on-call entries (or with
`local` off) the whole roster is judged and priced, as the tests holding both equal do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from outreach_opt.check.checker import CheckReport, Context, Pricer, Violation, check_rules
from outreach_opt.check.known_ids import usable_assignments
from outreach_opt.check.sharing import fairness_terms, scaled_burdens
from outreach_opt.domain.instance import Demand, Instance
from outreach_opt.domain.people import People
from outreach_opt.domain.roster import Assignment, Roster

Slot = tuple[dt.date, str]
Price = tuple[int, dict[str, int]]
"""The roster's objective with the session, and its terms."""


class Trials:
    """The trials of one roster (module docstring), and what they share: the roster's own
    verdicts and terms, and everyone's burdens."""

    def __init__(
        self, instance: Instance, roster: Roster, past: Sequence[Assignment], baseline: CheckReport, local: bool
    ) -> None:
        self.instance, self.roster, self.past, self.baseline = instance, roster, past, baseline
        self.before = {(v.rule, v.message) for v in baseline.violations}
        self.local = local and not instance.on_call
        self.people = People(instance)
        self.pricer = Pricer(Context.of(instance, past, roster.stays))
        ctx = self.pricer.ctx
        self.burdens = scaled_burdens(ctx, [*ctx.past, *usable_assignments(ctx, roster.assignments)])
        self.travel = ctx.travel
        self.index = _Index(roster.assignments, {d.id: d.site for d in instance.demands})
        self.teaching: dict[str, set[str]] = {}
        for d in instance.demands:
            for trainee in d.teaches:
                self.teaching.setdefault(trainee, set()).add(d.id)

    def of(self, demand: Demand, spec: str, slots: Sequence[Slot], sites: Sequence[str]) -> Trial:
        """The trials of `spec` for `demand` in these slots from these sites, judged against
        the same assignments (`_Index.near`'s for any of them), checked once before."""
        if not self.local:
            return Trial(self, self.instance, self.roster, self.past, self.before, demand, spec)
        related = {demand.id}.union(*(self.teaching[t] for t in demand.teaches))
        near = self.index.near(spec, related, slots, {*sites, demand.site})
        past = [a for a in self.past if a.specialist == spec or a.demand in related]
        people = {spec} | {a.specialist for a in [*near, *past]}
        instance = self.people.only(people)
        stays = [stay for stay in self.roster.stays if stay.specialist in people]
        roster = self.roster.model_copy(update={"assignments": near, "stays": stays})
        before = {(v.rule, v.message) for v in check_rules(instance, roster, past, self.travel)}
        return Trial(self, instance, roster, past, before, demand, spec)


class Trial:
    """One specialist's trials for one demand: each slot's session added to `roster` (the
    whole one, or the part `Trials.of` cut), what breaks that did not before, and its price."""

    def __init__(
        self,
        trials: Trials,
        instance: Instance,
        roster: Roster,
        past: Sequence[Assignment],
        before: set[tuple[str, str]],
        demand: Demand,
        spec: str,
    ) -> None:
        self.trials, self.instance, self.roster, self.past = trials, instance, roster, past
        self.before, self.demand, self.spec = before, demand, spec
        self._pricer: Pricer | None = None
        self._terms: dict[str, int] = {}

    def new(self, date: dt.date, period: str, site: str) -> list[Violation]:
        trial = self.roster.model_copy(update={"assignments": self._with(date, period, site)})
        found = check_rules(self.instance, trial, self.past, self.trials.travel)
        return [v for v in found if (v.rule, v.message) not in self.before]

    def priced(self, date: dt.date, period: str, site: str) -> Price:
        """The whole roster's objective and terms with the session (module docstring)."""
        assignments = self._with(date, period, site)
        if not self.trials.local:
            found = self.trials.pricer.objective(assignments)
            return found.objective, found.breakdown
        if self._pricer is None:  # the cut's own terms, once, when a first slot is free
            self._pricer = Pricer(Context.of(self.instance, self.past, self.roster.stays, self.trials.travel))
            self._terms = self._pricer.objective(self.roster.assignments).breakdown
        after = self._pricer.objective(assignments).breakdown
        whole = self.trials.baseline.breakdown
        terms = {k: whole[k] + after[k] - self._terms[k] for k in whole}
        if self.spec in self.trials.burdens:
            ctx = self._pricer.ctx
            mine = scaled_burdens(ctx, [*ctx.past, *usable_assignments(ctx, assignments)])[self.spec]
            terms.update(fairness_terms(self.trials.pricer.ctx, {**self.trials.burdens, self.spec: mine}))
        return sum(terms.values()), terms

    def _with(self, date: dt.date, period: str, site: str) -> list[Assignment]:
        """The roster with the session added, served from `site`: a commitment in that slot
        gives way (so the checker says `commitments`), another session stays beside it
        (`one_place`)."""
        spec, demand = self.spec, self.demand
        kept = [
            a
            for a in self.roster.assignments
            if not (a.commitment and (a.specialist, a.date, a.period) == (spec, date, period))
        ]
        session = Assignment(
            specialist=spec, date=date, period=period, site=site, activity=demand.activity, demand=demand.id
        )
        return [*kept, session]


class _Index:
    """The roster's assignments by specialist, by demand and by slot (their places in it), so
    that the near part of each trial is gathered without reading the whole roster (13k
    assignments at 1000 x 60 x 4 weeks), in the roster's order (messages list assignments
    in the order given, as the whole roster's check would)."""

    def __init__(self, assignments: Sequence[Assignment], demand_site: dict[str, str]) -> None:
        self.assignments = assignments
        self.demand_site = demand_site
        self.by_specialist: dict[str, list[int]] = defaultdict(list)
        self.by_demand: dict[str, list[int]] = defaultdict(list)
        self.by_slot: dict[Slot, list[int]] = defaultdict(list)
        for i, a in enumerate(assignments):
            self.by_specialist[a.specialist].append(i)
            if a.demand is not None:
                self.by_demand[a.demand].append(i)
            self.by_slot[(a.date, a.period)].append(i)

    def near(self, spec: str, demands: set[str], slots: Sequence[Slot], sites: set[str]) -> list[Assignment]:
        """The assignments whose verdicts or terms a session by `spec` of the first of
        `demands` (the others teach the same trainees) in one of `slots` at one of `sites` can
        change: the specialist's own (their line's rules), those demands' (counts, team,
        distinct specialists, teaching) and, in those slots, everyone's at those sites or
        serving a demand of those sites (resources there, a remote surgery's robot too)."""
        places = set(self.by_specialist.get(spec, ()))
        for d in demands:
            places.update(self.by_demand.get(d, ()))
        for slot in slots:
            for i in self.by_slot.get(slot, ()):
                a = self.assignments[i]
                if a.site in sites or (a.demand is not None and self.demand_site.get(a.demand) in sites):
                    places.add(i)
        return [self.assignments[i] for i in sorted(places)]
