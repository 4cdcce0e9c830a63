"""Rules over days and weeks: workload, sequences, weekends, evenings, successions, requests.

Every quantity is a sum over the chosen day patterns, so each rule is exact and linear:
"works on day t" is the sum of t's non-idle patterns, "minutes on day t" the patterns'
minutes, "occupies periods P" the patterns with a session in P. The ids are those of
models/MODEL.md and of the checker's `check_<rule id>` functions (check/workload.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from outreach_opt.domain.instance import SessionMatch
from outreach_opt.solve.day_patterns import DayPattern
from outreach_opt.solve.model_parts import ModelParts

if TYPE_CHECKING:
    from outreach_opt.domain.prepared import DayRequest


class WorkloadRules(ModelParts):
    """Mixed into `RosterModel`, which owns the attributes (declared in `ModelParts`)."""

    def add_workload_rules(self) -> None:
        """The rules of this module, in the order of models/MODEL.md."""
        self._add_weekly_minutes()
        self._add_horizon_minutes()
        self._add_working_days()
        self._add_weekly_evenings()
        self._add_max_consecutive_days()
        self._add_min_consecutive_days()
        self._add_min_days_off()
        self._add_max_weekends()
        self._add_forbidden_successions()
        self._add_day_off()

    # -- building blocks ----------------------------------------------------------------------

    def _day_sum(self, spec: str, t: int, value: Callable[[DayPattern], int]) -> cp_model.LinearExpr:
        chosen = [(value(pat), var) for pat, var in self.days[(spec, t)] if value(pat)]
        return cp_model.LinearExpr.weighted_sum([var for _, var in chosen], [n for n, _ in chosen])

    def works(self, spec: str, t: int) -> cp_model.LinearExpr:
        """1 when the specialist has any session on day t, else 0 (exactly: one pattern a day).
        Days before the horizon are constants from history (0 when none is given: off);
        days after it are 0 (off)."""
        if 0 <= t < self.prep.n_days:
            return self._working[(spec, t)]
        worked = t < 0 and t in self.prep.history.worked.get(spec, set())
        return cp_model.LinearExpr.weighted_sum([], []) + int(worked)

    @functools.cached_property
    def _working(self) -> dict[tuple[str, int], cp_model.LinearExpr]:
        """`works` of every specialist-day, built once: the run rules ask for each day once per
        window it lies in. Strengthening `works_literal` (models/MODEL.md): the idle pattern's
        negated literal where there is exactly one, so each run rule is a clause over one
        literal a day. (Written as the linear 1 - idle, it had made the four-week sample's
        proof slower on one worker, 20 s unproven against 16 s; as a literal, 2 workers,
        loaded machine: proven in 56 s / unproven at 60 s, against 60 s unproven / proven in
        59.7 s before.)"""
        return {key: self._works_literal(key) for key in self.days}

    def _works_literal(self, key: tuple[str, int]) -> cp_model.LinearExpr:
        """`works` of one specialist-day. For a specialist with a minimum-run rule
        (`min_consecutive_working_days` or `min_consecutive_days_off` of 2 or more) and a day
        with exactly one idle pattern (every day at home without a commitment), it is that
        pattern's negation (strengthening `works_literal`); the sum of the working patterns
        otherwise. Only with a minimum-run rule: for specialists with only a maximum run and
        weekends (the generated benchmark weeks) the literal made the 20-specialist week
        slower (seed 2 proved in 16 s against 7-10 s; seed 3 21222 against 20224 at 20 s;
        loaded machine), while with minimum runs their clauses are what CP-SAT needs."""
        person = self.prep.specialists[key[0]]
        minimum_runs = max(person.min_consecutive_working_days or 0, person.min_consecutive_days_off or 0) >= 2
        idle = [var for pat, var in self.days[key] if pat.idle]
        if minimum_runs and len(idle) == 1:
            return ~idle[0]
        return self._day_sum(*key, lambda pat: int(not pat.idle))

    def _bounded(
        self,
        spec: str,
        days: Iterable[int],
        value: Callable[[DayPattern], int],
        low: int | None,
        high: int | None,
        group: tuple[str, tuple[Any, ...]],
    ) -> None:
        days = list(days)
        total = cp_model.LinearExpr.sum([self._day_sum(spec, t, value) for t in days])
        if high is not None:
            most = sum(max((value(p) for p, _ in self.days[(spec, t)]), default=0) for t in days)
            if most > high:  # otherwise no choice of patterns can break it
                self._hard(self.model.add(total <= high), *group)
        if low is not None and low > 0:
            self._hard(self.model.add(total >= low), *group)

    # -- rules ----------------------------------------------------------------------------------

    def _add_weekly_minutes(self) -> None:
        """Rule `weekly_minutes`: working minutes in each week within [min, max]."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            for w, days in enumerate(self.prep.days_of_week):
                low, high = spec.min_minutes_per_week, spec.max_minutes_per_week
                self._bounded(sid, days, lambda pat: pat.minutes, low, high, ("weekly_minutes", (sid, w)))

    def _add_horizon_minutes(self) -> None:
        """Rule `horizon_minutes`: working minutes over the whole horizon within [min, max]."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            days = range(self.prep.n_days)
            low, high = spec.min_minutes_total, spec.max_minutes_total
            self._bounded(sid, days, lambda pat: pat.minutes, low, high, ("horizon_minutes", (sid,)))

    def _add_working_days(self) -> None:
        """Rule `working_days`: days with any session in a week at most the limit."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            for w, days in enumerate(self.prep.days_of_week):
                high = spec.max_working_days_per_week
                self._bounded(sid, days, lambda pat: int(not pat.idle), None, high, ("working_days", (sid, w)))

    def _add_weekly_evenings(self) -> None:
        """Rule `weekly_evenings`: evening sessions in a week at most the limit."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            for w, days in enumerate(self.prep.days_of_week):
                high = spec.max_evening_sessions_per_week
                self._bounded(sid, days, lambda pat: pat.evenings, None, high, ("weekly_evenings", (sid, w)))

    def _add_max_consecutive_days(self) -> None:
        """Rule `max_consecutive_days`: every window of K+1 days has a day off."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            most = spec.max_consecutive_working_days
            if most is None:
                continue
            # Every window, even one that cannot bind (too few days that could be worked): on
            # the four-week sample, leaving those out made the proof slower (37-40 s against
            # 25-28 s, 2 workers), so CP-SAT's presolve is left to drop them.
            for start in range(-most, self.prep.n_days - most):  # windows reaching into history too
                window = range(start, start + most + 1)
                total = cp_model.LinearExpr.sum([self.works(sid, t) for t in window])
                self._hard(self.model.add(total <= most), "max_consecutive_days", (sid,))

    def _add_min_consecutive_days(self) -> None:
        """Rule `min_consecutive_days`: no run of working days shorter than the minimum. With
        `rules.runs_at_horizon_ends: held` a day outside the horizon counts as off, so runs
        touching its ends are held to it too; with `free` a run touching the last day, or
        the first when no history precedes it, may continue outside and is never too short
        (the Curtois & Qu reading: held, their Instance2 proves 833 against the optimum 828).
        A run of length l on t..t+l-1 is cut by sum(works) - works(t-1) - works(t+l) <= l - 1."""
        n = self.prep.n_days
        free = self.prep.instance.rules.runs_at_horizon_ends == "free"
        known_past = any(self.prep.history.worked.values())
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            least = spec.min_consecutive_working_days
            if not least or least < 2:
                continue
            for length in range(1, least):
                for t in range(1 - length, n - length + 1):  # runs may start in history
                    if free and (t + length == n or (t <= 0 and not known_past)):
                        continue
                    run = cp_model.LinearExpr.sum([self.works(sid, d) for d in range(t, t + length)])
                    edges = self.works(sid, t - 1) + self.works(sid, t + length)
                    self._hard(self.model.add(run - edges <= length - 1), "min_consecutive_days", (sid,))

    def _add_min_days_off(self) -> None:
        """Rule `min_days_off`: between two working days, at least the minimum run of days off;
        runs of days off touching the horizon's ends are free."""
        n = self.prep.n_days
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            least = spec.min_consecutive_days_off
            if not least or least < 2:
                continue
            for length in range(1, least):
                # A run of days off may start in history (a day worked there is a real edge);
                # without history those days are 0 and the inequality cannot bind.
                for t in range(1 - length, n - length):
                    run = cp_model.LinearExpr.sum([self.works(sid, d) for d in range(t, t + length)])
                    edges = self.works(sid, t - 1) + self.works(sid, t + length)
                    self._hard(self.model.add(edges - run <= 1), "min_days_off", (sid,))

    def _add_max_weekends(self) -> None:
        """Rule `max_weekends`: weekends with Saturday or Sunday worked at most the limit."""
        for sid, spec in self.prep.specialists.items():
            self._check_deadline()
            if spec.max_weekends is None or spec.max_weekends >= len(self.prep.weekends):
                continue
            worked = []
            for days in self.prep.weekends:
                weekend = self.model.new_bool_var(f"weekend[{sid},{days[0]}]")
                for t in days:
                    self.model.add(weekend >= self.works(sid, t))
                worked.append(weekend)
            self._hard(self.model.add(sum(worked) <= spec.max_weekends), "max_weekends", (sid,))

    def _add_forbidden_successions(self) -> None:
        """Rule `forbidden_successions`: no session matching `today` followed the next day by
        one matching `tomorrow`. m(t) >= every match on t, n(t+1) >= every match on t+1, and
        m + n <= 1. Rules naming periods only take the day patterns' form instead
        (`_period_successions`), outside explain mode, whose groups are per rule."""
        by_period = self._period_successions() if not self.options.explain else set()
        for k, rule in enumerate(self.prep.instance.rules.forbidden_successions):
            bound = rule.specialists if rule.specialists is not None else list(self.prep.specialists)
            for sid in bound:
                if (k, sid) in by_period:
                    continue
                self._check_deadline()
                if self._matched_yesterday(sid, rule.today):
                    for item in self._matches(sid, 0, rule.tomorrow) or []:
                        if item is True:  # a commitment on day 0 that the history forbids
                            self.model.add_bool_or([])
                        else:
                            self._hard(self.model.add(item == 0), "forbidden_successions", (k, sid, -1))
                for t in range(self.prep.n_days - 1):
                    today = self._matches(sid, t, rule.today)
                    tomorrow = self._matches(sid, t + 1, rule.tomorrow)
                    if today is None or tomorrow is None:
                        continue
                    first = self._indicator(today, f"succ{k}_today[{sid},{t}]")
                    second = self._indicator(tomorrow, f"succ{k}_tomorrow[{sid},{t + 1}]")
                    self._hard(self.model.add(first + second <= 1), "forbidden_successions", (k, sid, t))

    def _period_successions(self) -> set[tuple[int, str]]:
        """The rules (index, specialist) between periods only, as one constraint per
        specialist, day and `today` period p: the day's patterns occupying p plus the next
        day's patterns occupying any period p may not be followed by, at most 1. Exact (one
        pattern a day, so each sum is 0 or 1; a commitment puts every pattern of its day in
        the sum) and needs no variable, where the general form adds two indicators and three
        constraints per rule and day: on Curtois & Qu Instance13 (136 forbidden shift pairs,
        120 staff, 28 days) that was 880k variables; Instance24's 461 pairs would be 50M."""
        pidx = {pid: p for p, pid in enumerate(self.prep.period_ids)}
        after: dict[str, dict[int, set[int]]] = {}
        done = set()
        for k, rule in enumerate(self.prep.instance.rules.forbidden_successions):
            today, tomorrow = rule.today, rule.tomorrow
            if today.activity is not None or tomorrow.activity is not None:
                continue
            if today.period is None or tomorrow.period is None:
                continue
            bound = rule.specialists if rule.specialists is not None else list(self.prep.specialists)
            for sid in bound:
                if self._matched_yesterday(sid, today):
                    continue  # the history side stays with the general form
                after.setdefault(sid, {}).setdefault(pidx[today.period], set()).add(pidx[tomorrow.period])
                done.add((k, sid))
        for sid, forbidden in after.items():
            self._check_deadline()
            # Each day's patterns with the periods they occupy, once: testing every pattern
            # against every period anew took 5.4 of 10.8 s building one person's year of
            # Curtois & Qu Instance24 (32 shifts, 33 patterns a day).
            occupied = [
                [
                    (frozenset(p for p, stop in enumerate(pat.stops) if stop is not None), var)
                    for pat, var in self.days[(sid, t)]
                ]
                for t in range(self.prep.n_days)
            ]
            for t in range(self.prep.n_days - 1):
                for p, later in sorted(forbidden.items()):
                    first = [var for periods, var in occupied[t] if p in periods]
                    second = [var for periods, var in occupied[t + 1] if not periods.isdisjoint(later)]
                    if first and second:
                        self.model.add(sum(first) + sum(second) <= 1)
        return done

    def _matched_yesterday(self, spec: str, match: SessionMatch) -> bool:
        """Did the day before the horizon (history) have a session matching this side?"""
        return any(
            (match.period is None or match.period == a.period)
            and (match.activity is None or match.activity == a.activity)
            for a in self.prep.history.yesterday.get(spec, [])
        )

    def _matches(self, spec: str, t: int, match: SessionMatch) -> list[Any] | None:
        """The session variables (True for a commitment, which always holds; in explain mode
        the sum of the patterns that hold it) of day t that a succession side matches; None
        when nothing can match."""
        found: list[Any] = []
        for p, pid in enumerate(self.prep.period_ids):
            if match.period is not None and match.period != pid:
                continue
            com = self.prep.commitment_at.get((spec, t, p))
            if com is not None:
                if match.activity is None or match.activity == com.activity:
                    if self.options.explain:
                        found.append(sum(var for pat, var in self.days[(spec, t)] if pat.committed[p]))
                    else:
                        found.append(True)
                continue
        for cand in self.prep.candidates_by_day.get((spec, t), ()):
            if match.period is not None and match.period != self.prep.period_ids[cand.period]:
                continue
            if match.activity is None or match.activity == self.prep.demands[cand.demand].activity:
                found.append(self.x[cand])
        return found or None

    def _indicator(self, items: list[Any], name: str) -> cp_model.IntVar:
        flag = self.model.new_bool_var(name)
        for item in items:
            if item is True:
                self.model.add(flag == 1)
            else:
                self.model.add(flag >= item)
        return flag

    def _add_day_off(self) -> None:
        """Rule `day_off`: a hard request off leaves those periods empty (commitments too)."""
        for req in self.prep.requests:
            if req.hard:
                for var in self.working_in(req):
                    self._hard(self.model.add(var == 0), "day_off", (req.index,))

    def working_in(self, req: DayRequest) -> list[cp_model.IntVar]:
        """The day's pattern variables that work in the request's periods: one pattern is
        chosen a day, so their sum is 1 exactly when the specialist works then (read by rule
        `day_off`, term `requests` and the neighbourhoods' unmet requests, solve/lns.py)."""
        return [var for pat, var in self.days[(req.specialist, req.day)] if pat.occupies(req.periods)]

    # -- objective ----------------------------------------------------------------------------

    def requests_term(self) -> cp_model.LinearExprT:
        """Term `requests`: each soft request not granted costs its weight. Exact, because one
        pattern is chosen a day: "works in those periods" is the sum of the patterns that do."""
        total = []
        for req in self.prep.requests:
            if req.hard or req.weight == 0:
                continue
            busy = sum(self.working_in(req))
            total.append(req.weight * (busy if req.want == "off" else 1 - busy))
        return sum(total)
