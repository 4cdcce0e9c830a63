"""The hard rules a greedy change must keep (solve/greedy.py): serving a session (`_allowed`,
`_fits`) or dropping one (`_removable`), checked against the running totals."""

from __future__ import annotations

from outreach_opt.domain.prepared import MINUTES_PER_DAY, Candidate
from outreach_opt.solve.day_patterns import DayPattern
from outreach_opt.solve.greedy_state import GreedyState, holds


class GreedyRules(GreedyState):
    """The rule checks over the state."""

    def _allowed(self, cand: Candidate, local: bool = False, counted: bool = True) -> int | None:
        """The new pattern's index if serving `cand` keeps every hard rule, else None; with
        `local`, only the rules of its day and session (`_fits` left to the caller); without
        `counted`, not the rules that count other specialists' sessions too (`demand_max`,
        `capacity`, `max_specialists`): only the specialist's own, which a swap's other half
        cannot change (solve/greedy_swaps.py checks the rest when it makes the swap)."""
        spec, t, p = cand.specialist, cand.day, cand.period
        old = self.current[(spec, t)]
        if old.stops[p] is not None or (spec, t, p) in self.blocked:
            return None
        if counted and not self._counts_allow(cand):
            return None
        stops = list(old.stops)
        stops[p] = cand.site
        index = self.by_stops[(spec, t)].get(tuple(stops))
        if index is None:
            return None  # a day-local rule (travel, daily limits) forbids that day
        return index if local or self._fits(cand, index) else None

    def _counts_allow(self, cand: Candidate) -> bool:
        """The rules counting everyone's sessions allow one more of `cand`: its demand-week
        below `sessions.max`, the resources it holds free, `max_specialists` not reached."""
        prep, t, p = self.prep, cand.day, cand.period
        dem = prep.demands[cand.demand]
        if self.served_count[(cand.demand, prep.week[t])] >= dem.sessions.max:
            return False
        held = self._held.get(cand)
        if held is None:
            held = self._held[cand] = tuple(holds(cand, dem).items())
        for (site, r), n in held:  # a loop, not any(): the most frequent call of the moves
            if self.used[(site, t, p, r)] + n > prep.capacity.get((site, r), 0):
                return False
        servers = self.servers[cand.demand]
        return dem.max_specialists is None or cand.specialist in servers or len(servers) < dem.max_specialists

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
            if rule.today.matches(period, activity) and any(
                rule.tomorrow.matches(self.prep.period_ids[q], a) for q, a in self.sessions.get((spec, t + 1), ())
            ):
                return False
            if rule.tomorrow.matches(period, activity):
                if t == 0:
                    before = [(a.period, a.activity) for a in self.prep.history.yesterday.get(spec, [])]
                else:
                    before = [(self.prep.period_ids[q], a) for q, a in self.sessions.get((spec, t - 1), ())]
                if any(rule.today.matches(q, a) for q, a in before):
                    return False
        return True

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
