"""Each conflicting rule group of `solve/explain.py` told in the user's terms.

A `Conflict` names the rule id, who or what (display names), when (ISO date and weekday,
period), a sentence with the numbers, and the instance path of the setting the group rests on
(e.g. ``("commitments", 3)`` or ``("specialists", 0, "max_travel_minutes_per_day")``), which
the CLI turns into file:line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from outreach_opt.domain.instance import Commitment, SessionMatch
from outreach_opt.domain.prepared import MINUTES_PER_DAY, Prepared
from outreach_opt.domain.problems import Path
from outreach_opt.solve.stay_rules import stay_options

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Conflict:
    rule: str
    key: tuple[Any, ...]
    who: str
    when: str
    path: Path
    sentence: str


def describe(prep: Prepared, group: tuple[str, tuple[Any, ...]]) -> Conflict:
    rule, key = group
    return _Words(prep).conflict(rule, key)


class _Words:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.inst = prep.instance
        self.spec_index = {s.id: i for i, s in enumerate(self.inst.specialists)}
        self.demand_index = {d.id: i for i, d in enumerate(self.inst.demands)}
        self.site_index = {s.id: i for i, s in enumerate(self.inst.sites)}

    # -- names ---------------------------------------------------------------------------

    def who(self, spec: str) -> str:
        return self.prep.specialists[spec].label

    def site(self, site: str) -> str:
        return self.inst.sites[self.site_index[site]].name or site

    def day(self, t: int) -> str:
        if t < 0:
            return "the day before the horizon"
        date = self.prep.dates[t]
        return f"{WEEKDAYS[date.weekday()]} {date.isoformat()}"

    def week(self, w: int) -> str:
        return f"the week from {self.day(self.prep.days_of_week[w][0])}"

    @staticmethod
    def clock(minutes: int) -> str:
        return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"

    def slot(self, p: int) -> str:
        start, end = self.prep.period_start[p], self.prep.period_end[p]
        return f"{self.prep.period_ids[p]} ({self.clock(start)}-{self.clock(end)})"

    def commitment_index(self, com: Commitment) -> int:
        return next(i for i, c in enumerate(self.inst.commitments) if c is com)

    def held(self, spec: str, t: int) -> list[tuple[int, Commitment]]:
        """The commitments of a specialist on one day, in period order."""
        at = self.prep.commitment_at
        return [(p, at[(spec, t, p)]) for p in range(self.prep.n_periods) if (spec, t, p) in at]

    def com_text(self, com: Commitment, p: int) -> str:
        return f"fixed {com.activity} at {self.site(com.site)} in {self.slot(p)}"

    def setting(self, spec: str, field: str) -> tuple[Path, Any]:
        return ("specialists", self.spec_index[spec], field), getattr(self.prep.specialists[spec], field)

    # -- one conflict per rule ---------------------------------------------------------------

    def conflict(self, rule: str, key: tuple[Any, ...]) -> Conflict:
        method = getattr(self, f"_{rule}", None)
        if method is None:
            return Conflict(rule, key, str(key), "", (), f"rule {rule} {key}")
        who, when, path, text = method(*key)
        return Conflict(rule, key, who, when, path, f"{text} [{rule}]")

    def _commitments(self, spec: str, t: int, p: int) -> tuple[str, str, Path, str]:
        com = self.prep.commitment_at[(spec, t, p)]
        when = f"{self.day(t)} {self.prep.period_ids[p]}"
        text = f"{self.who(spec)}'s {self.com_text(com, p)} on {self.day(t)} must hold"
        return self.who(spec), when, ("commitments", self.commitment_index(com)), text

    def _travel_between(self, spec: str, t: int) -> tuple[str, str, Path, str]:
        held = self.held(spec, t)
        for i, (p, a) in enumerate(held):
            for q, b in held[i + 1 :]:
                drive = self.prep.leg(a.site, b.site)
                end, start = self.prep.period_end[p], self.prep.period_start[q]
                if end + drive > start:
                    text = (
                        f"{self.who(spec)} cannot make the {drive}-minute drive from {self.site(a.site)} to "
                        f"{self.site(b.site)} on {self.day(t)}: the {a.activity} there ends at {self.clock(end)} and "
                        f"the {b.activity} at {self.site(b.site)} starts at {self.clock(start)} "
                        f"({start - end} min later)"
                    )
                    return self.who(spec), self.day(t), self._leg_path(a.site, b.site), text
        text = f"{self.who(spec)} cannot reach every session of {self.day(t)} in time (travel between sites)"
        return self.who(spec), self.day(t), ("travel",), text

    def _leg_path(self, a: str, b: str) -> Path:
        for j, (x, y, _m) in enumerate(self.inst.travel):
            if (x, y) == (a, b):
                return ("travel", j)
        for j, (x, y, _m) in enumerate(self.inst.travel):
            if (x, y) == (b, a):
                return ("travel", j)
        return ("travel",)

    @cached_property
    def stays(self) -> dict[tuple[str, int], list[str]]:
        """Where each specialist may spend each night away (rule overnight_stay)."""
        return stay_options(self.prep)

    def nights(self, spec: str, t: int) -> list[str]:
        """Where the specialist may spend the night after day t: home first, then each site
        that allows a stay then."""
        return [self.prep.specialists[spec].home, *self.stays.get((spec, t), [])]

    def place(self, spec: str, site: str) -> str:
        """A site as the start or end of a day: home, or a night's stay."""
        return self.site(site) if site == self.prep.specialists[spec].home else f"a night at {self.site(site)}"

    def shortest_day(self, spec: str, t: int, stops: list[str]) -> tuple[int, str]:
        """The least driving that visits `stops` in order on day t, from any place the day may
        start (home, or the stay of the night before) to any place it may end, and its route."""
        routes = [[a, *stops, b] for a in self.nights(spec, t - 1) for b in self.nights(spec, t)]
        drive, route = min((sum(self.prep.leg(a, b) for a, b in itertools.pairwise(r)), r) for r in routes)
        words = [self.place(spec, route[0]), *(self.site(s) for s in stops), self.place(spec, route[-1])]
        # a place once while the route stays there (a home duty first: the day starts at home);
        # a night's stay keeps its own words ("X -> a night at X")
        return drive, " -> ".join(w for k, w in enumerate(words) if k == 0 or w != words[k - 1])

    def _daily_travel(self, spec: str, t: int) -> tuple[str, str, Path, str]:
        """The day's commitments at their shortest (a stay may shorten a day: it starts or
        ends at the stay); when they fit, the sessions the specialist could be asked for that
        day (a demand's minimum, a pin) whose shortest day is over the limit."""
        path, limit = self.setting(spec, "max_travel_minutes_per_day")
        held = [(p, c.site) for p, c in self.held(spec, t)]
        drive, route = self.shortest_day(spec, t, [site for _, site in held])
        told = [f"the commitments need at least {drive} min ({route})"] if held else []
        if not held or drive <= limit:
            trips: dict[str, tuple[int, str]] = {}
            for cand in self.prep.candidates_by_day.get((spec, t), ()):
                trip = self.shortest_day(spec, t, [site for _, site in sorted([*held, (cand.period, cand.site)])])
                trips[cand.site] = min(trips.get(cand.site, trip), trip)
            over = sorted((site, trip) for site, trip in trips.items() if trip[0] > limit)
            told += [f"a session at {self.site(site)} needs {d} min ({r})" for site, (d, r) in over]
        text = f"{self.who(spec)} may drive {limit} min on {self.day(t)} (max_travel_minutes_per_day): " + (
            "; ".join(told) or "each session asked of them that day fits alone, not all of them together"
        )
        return self.who(spec), self.day(t), path, text

    def _daily_sessions(self, spec: str, t: int) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, "max_sessions_per_day")
        text = (
            f"{self.who(spec)} has {len(self.held(spec, t))} fixed sessions on {self.day(t)}; "
            f"max_sessions_per_day is {limit}"
        )
        return self.who(spec), self.day(t), path, text

    def _rest(self, spec: str, t: int) -> tuple[str, str, Path, str]:
        """Rest is measured where the night is spent: at home, or at a stay (from arriving
        there to leaving it). Where a stay is possible, the place that rests longest is told."""
        rest = self.inst.rules.min_rest_minutes
        home = self.prep.specialists[spec].home
        path: Path = ("rules", "min_rest_minutes")
        arrivals: list[tuple[str, int]] = []  # (where the night is spent, minute of arriving there)
        if t < 0:
            back = self.prep.history.back.get(spec)
            arrivals = [(home, back)] if back is not None else []
            before = "the day before the horizon (history)"
        elif today := self.held(spec, t):
            p, c = today[-1]
            end = self.prep.period_end[p]
            arrivals = [(place, end + self.prep.leg(c.site, place)) for place in self.nights(spec, t)]
            before = f"{self.day(t)} after the {c.activity} at {self.site(c.site)} in {self.slot(p)}"
        tomorrow = self.held(spec, t + 1)
        when = f"{self.day(t)} -> {self.day(t + 1)}"
        if not arrivals or not tomorrow:
            text = f"{self.who(spec)} cannot rest {rest} min between {self.day(t)} and {self.day(t + 1)}"
            return self.who(spec), when, path, text
        q, d = tomorrow[0]
        nights = []
        for place, arrive in arrivals:
            leave = self.prep.period_start[q] - self.prep.leg(place, d.site)
            nights.append((leave + MINUTES_PER_DAY - arrive, place, arrive, leave))
        longest, place, arrive, leave = max(nights, key=lambda night: night[0])
        where = "gets home" if place == home else f"reaches {self.site(place)} for a night's stay"
        best = f" (the longest of the {len(nights)} places the night may be spent)" if len(nights) > 1 else ""
        text = (
            f"{self.who(spec)} {where} at {self.clock(arrive)} on {before} and must leave at {self.clock(leave)} on "
            f"{self.day(t + 1)} for the {d.activity} at {self.site(d.site)} in {self.slot(q)}: "
            f"{longest} min of rest{best}, min_rest_minutes is {rest}"
        )
        return self.who(spec), when, path, text

    def _week_commitments(self, spec: str, w: int) -> list[tuple[int, int, Commitment]]:
        return [(t, p, c) for t in self.prep.days_of_week[w] for p, c in self.held(spec, t)]

    def _weekly(self, spec: str, w: int, field: str, what: str, count: int) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, field)
        # the cap first: with --hard-minimums it meets a demand, and "0 … fixed" alone read as fine
        text = f"{self.who(spec)}'s {what} in {self.week(w)} are capped at {limit} ({field}); "
        text += f"commitments fix {count} of them"
        return self.who(spec), self.week(w), path, text

    def _weekly_sessions(self, spec: str, w: int) -> tuple[str, str, Path, str]:
        count = len(self._week_commitments(spec, w))
        return self._weekly(spec, w, "max_sessions_per_week", "sessions", count)

    def _weekly_outreach(self, spec: str, w: int) -> tuple[str, str, Path, str]:
        home = self.prep.specialists[spec].home
        count = sum(1 for _, _, c in self._week_commitments(spec, w) if c.site != home)
        return self._weekly(spec, w, "max_outreach_sessions_per_week", "sessions away from home", count)

    def _working_days(self, spec: str, w: int) -> tuple[str, str, Path, str]:
        count = len({t for t, _, _ in self._week_commitments(spec, w)})
        return self._weekly(spec, w, "max_working_days_per_week", "working days", count)

    def _weekly_evenings(self, spec: str, w: int) -> tuple[str, str, Path, str]:
        count = sum(1 for _, p, _ in self._week_commitments(spec, w) if self.prep.evening[p])
        return self._weekly(spec, w, "max_evening_sessions_per_week", "evening sessions", count)

    def _weekly_minutes(self, spec: str, w: int) -> tuple[str, str, Path, str]:
        s = self.prep.specialists[spec]
        field = "max_minutes_per_week" if s.max_minutes_per_week is not None else "min_minutes_per_week"
        count = sum(self.prep.period_minutes[p] for _, p, _ in self._week_commitments(spec, w))
        path, _ = self.setting(spec, field)
        text = (
            f"{self.who(spec)} has {count} working minutes fixed in {self.week(w)}; the week must have between "
            f"{s.min_minutes_per_week or 0} and {s.max_minutes_per_week} (min/max_minutes_per_week)"
        )
        return self.who(spec), self.week(w), path, text

    def _horizon_minutes(self, spec: str) -> tuple[str, str, Path, str]:
        s = self.prep.specialists[spec]
        field = "max_minutes_total" if s.max_minutes_total is not None else "min_minutes_total"
        count = sum(self.prep.period_minutes[p] for (x, _t, p) in self.prep.commitment_at if x == spec)
        path, _ = self.setting(spec, field)
        text = (
            f"{self.who(spec)} has {count} working minutes fixed over the horizon; it must have between "
            f"{s.min_minutes_total or 0} and {s.max_minutes_total} (min/max_minutes_total)"
        )
        return self.who(spec), "the horizon", path, text

    def _commitment_days(self, spec: str) -> list[int]:
        return sorted({t for (x, t, _p) in self.prep.commitment_at if x == spec})

    def _max_consecutive_days(self, spec: str) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, "max_consecutive_working_days")
        days = self._commitment_days(spec)
        best: list[int] = []
        run: list[int] = []
        for t in days:
            run = [*run, t] if run and run[-1] == t - 1 else [t]
            best = run if len(run) > len(best) else best
        span = f" from {self.day(best[0])} to {self.day(best[-1])}" if best else ""
        text = (
            f"{self.who(spec)} has commitments on {len(best)} consecutive days{span}; "
            f"max_consecutive_working_days is {limit}"
        )
        return self.who(spec), span.strip() or "the horizon", path, text

    def _min_consecutive_days(self, spec: str) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, "min_consecutive_working_days")
        days = ", ".join(self.day(t) for t in self._commitment_days(spec))
        text = f"{self.who(spec)}'s working days ({days}) cannot form runs of {limit} or more days"
        return self.who(spec), "the horizon", path, text

    def _min_days_off(self, spec: str) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, "min_consecutive_days_off")
        days = ", ".join(self.day(t) for t in self._commitment_days(spec))
        text = f"{self.who(spec)}'s working days ({days}) leave a break shorter than {limit} days off"
        return self.who(spec), "the horizon", path, text

    def _max_weekends(self, spec: str) -> tuple[str, str, Path, str]:
        path, limit = self.setting(spec, "max_weekends")
        worked = sum(1 for days in self.prep.weekends if any(t in self._commitment_days(spec) for t in days))
        text = f"{self.who(spec)} has commitments on {worked} weekends; max_weekends is {limit}"
        return self.who(spec), "weekends", path, text

    def _period_sessions(self, spec: str, period: str) -> tuple[str, str, Path, str]:
        limit = self.prep.specialists[spec].max_sessions_by_period[period]
        path = ("specialists", self.spec_index[spec], "max_sessions_by_period", period)
        p = self.prep.period_index[period]
        held = sum(1 for t in range(self.prep.n_days) if (spec, t, p) in self.prep.commitment_at)
        text = f"{self.who(spec)} has {held} commitments in {self.slot(p)}; max_sessions_by_period allows {limit}"
        return self.who(spec), "the horizon", path, text

    @staticmethod
    def _match(match: SessionMatch) -> str:
        parts = [match.activity or "session", f"in {match.period}" if match.period else ""]
        return " ".join(p for p in parts if p)

    def _forbidden_successions(self, k: int, spec: str, t: int) -> tuple[str, str, Path, str]:
        rule = self.inst.rules.forbidden_successions[k]
        when = f"{self.day(t)} -> {self.day(t + 1)}"
        text = (
            f"{self.who(spec)} may not follow a {self._match(rule.today)} on {self.day(t)} with a "
            f"{self._match(rule.tomorrow)} on {self.day(t + 1)} (rules.forbidden_successions[{k}])"
        )
        return self.who(spec), when, ("rules", "forbidden_successions", k), text

    def _day_off(self, index: int) -> tuple[str, str, Path, str]:
        req = self.inst.requests[index]
        date = f"{WEEKDAYS[req.date.weekday()]} {req.date.isoformat()}"
        periods = ", ".join(req.periods) if req.periods else "all day"
        text = f"{self.who(req.specialist)} asked to be off on {date} ({periods}), a hard request"
        return self.who(req.specialist), f"{date} {periods}", ("requests", index), text

    def _pins(self, index: int, night: str = "") -> tuple[str, str, Path, str]:
        if night:
            return self._pinned_stay(index)
        pin = self.inst.pins[index]
        t = self.prep.date_index[pin.date]
        p = self.prep.period_index[pin.period]
        why = ""
        if not any(
            (c.specialist, c.demand, c.day, c.period) == (pin.specialist, pin.demand, t, p)
            for c in self.prep.candidates
        ):
            why = f"; but {self._unfit(pin.specialist, pin.demand, t, p)}"
        pinned = f"{self._demand_name(pin.demand)} in {self.slot(p)} on {self.day(t)}"
        text = f"{self.who(pin.specialist)} is pinned to {pinned}{why}"
        return self.who(pin.specialist), f"{self.day(t)} {pin.period}", ("pins", index), text

    def _pinned_stay(self, index: int) -> tuple[str, str, Path, str]:
        """A pinned night away, and why rule `overnight_stay` cannot allow it when it cannot."""
        pin = self.inst.pinned_stays[index]
        t = self.prep.date_index[pin.night]
        site = self.inst.sites[self.site_index[pin.site]]
        why = ""
        if not site.overnight:
            why = f"; but {self.site(pin.site)} does not allow overnight stays"
        elif pin.site == self.prep.specialists[pin.specialist].home:
            why = f"; but {self.site(pin.site)} is {self.who(pin.specialist)}'s home"
        elif pin.site not in self.stays.get((pin.specialist, t), []):
            why = "; but a stay needs work on both days, at that site on one of them"
        text = f"{self.who(pin.specialist)} is pinned to a night at {self.site(pin.site)} after {self.day(t)}{why}"
        return self.who(pin.specialist), f"{self.day(t)} night", ("pinned_stays", index), text

    def _unfit(self, spec: str, demand: str, t: int, p: int) -> str:
        """Why no session variable exists for this specialist, demand and slot."""
        d = self.prep.demands[demand]
        missing = sorted(set(d.skills) - set(self.prep.specialists[spec].skills))
        if missing:
            return f"{self.who(spec)} lacks the skill(s) {', '.join(missing)}"
        if self.prep.weekday[t] not in d.weekdays() or (
            d.periods is not None and self.prep.period_ids[p] not in d.periods
        ):
            return f"{d.id} does not take sessions then"
        if (spec, t, p) in self.prep.unavailable:
            return f"{self.who(spec)} is unavailable then"
        return f"{self.who(spec)} has a commitment then"

    def _demand_name(self, demand: str) -> str:
        d = self.prep.demands[demand]
        return f"{d.name or d.id} at {self.site(d.site)}"

    def _max_specialists(self, demand: str) -> tuple[str, str, Path, str]:
        limit = self.prep.demands[demand].max_specialists
        text = f"at most {limit} specialists may serve {self._demand_name(demand)}"
        return self._demand_name(demand), "the horizon", ("demands", self.demand_index[demand], "max_specialists"), text

    def _team_complete(self, demand: str) -> tuple[str, str, Path, str]:
        d = self.prep.demands[demand]
        roles = []
        for r in d.team or []:
            able = sorted({c.specialist for c in self.prep.candidates if c.demand == demand and c.role == r.role})
            skills = ", ".join(d.role_skills(r.role)) or "no skill"
            roles.append(f"{r.count} {r.role} ({skills}; who could: {', '.join(map(self.who, able)) or 'nobody'})")
        text = f"every session of {self._demand_name(demand)} needs its whole team: {'; '.join(roles)}"
        return self._demand_name(demand), "every session", ("demands", self.demand_index[demand], "team"), text

    def _demand_max(self, demand: str, w: int) -> tuple[str, str, Path, str]:
        limit = self.prep.demands[demand].sessions.max
        text = f"{self._demand_name(demand)} takes at most {limit} sessions in {self.week(w)}"
        path: Path = ("demands", self.demand_index[demand], "sessions", "max")
        return self._demand_name(demand), self.week(w), path, text

    def _demand_min(self, demand: str, w: int) -> tuple[str, str, Path, str]:
        d = self.prep.demands[demand]
        able = sorted({c.specialist for c in self.prep.candidates if c.demand == demand and self.prep.week[c.day] == w})
        who = ", ".join(self.who(s) for s in able) or "nobody"
        text = (
            f"{self._demand_name(demand)} needs at least {d.sessions.min} sessions in {self.week(w)} "
            f"(sessions.min made hard); who could serve it: {who}"
        )
        path: Path = ("demands", self.demand_index[demand], "sessions", "min")
        return self._demand_name(demand), self.week(w), path, text

    def _capacity(self, site: str, t: int, p: int, resource: str) -> tuple[str, str, Path, str]:
        count = self.prep.capacity.get((site, resource), 0)
        using = [
            self.who(s)
            for (s, day, q), c in self.prep.commitment_at.items()
            if (day, q) == (t, p) and c.site == site and c.resource == resource
        ]
        fixed = f"; fixed there: {', '.join(using)}" if using else ""
        text = f"{self.site(site)} has {count} {resource} in {self.slot(p)} on {self.day(t)}{fixed}"
        when = f"{self.day(t)} {self.prep.period_ids[p]}"
        return self.site(site), when, ("sites", self.site_index[site], "resources", resource), text

    def _on_call_reach(self, index: int, t: int, p: int) -> tuple[str, str, Path, str]:
        oc = self.inst.on_call[index]
        skilled = [s for s in self.inst.specialists if set(oc.skills) <= set(s.skills)]
        # Each with their home's drive, so that "3 available" for 2 places reads right: one
        # based further than the reach is within it only from a session at a site nearby.
        able = [
            f"{s.label} (home {self.prep.leg(s.home, oc.site)} min away)"
            for s in skilled
            if (s.id, t, p) not in self.prep.unavailable
        ]
        text = (
            f"on-call {oc.name or oc.id} needs {oc.count} specialist(s) with "
            f"{', '.join(oc.skills) or 'any skills'} within {oc.reach_minutes} min of {self.site(oc.site)} "
            f"in {self.slot(p)} on {self.day(t)}; available with the skills: {', '.join(able) or 'nobody'}"
        )
        return self.site(oc.site), f"{self.day(t)} {self.prep.period_ids[p]}", ("on_call", index), text
