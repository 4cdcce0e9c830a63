"""A specialist's first line over a long horizon, built in plain Python (issue 8: Curtois &
Qu Instances 20-24).

Why: by specialist (solve/by_specialist.py), CP-SAT needs 1 s to build one person's year of
Curtois & Qu Instance24 (28k variables) and 3-5 s more to a first line, on an idle 2-core
machine (twice that when shared): 150 people took 10-35 min before anyone's line could be
improved. This builds a line in a few hundredths of a second; CP-SAT then starts from it.

Two steps, each exact for the rules it keeps, the value of a day an estimate:

1. Which days to work: dynamic programming over the dates, its state the current run (worked
   or off, and its length up to what the rules need), the weekends and the days worked so far
   (a numpy matrix per state, weekends by days), maximising the summed value of the days worked. It keeps
   two days in a row only where some open period may follow another (no shift after a night:
   the successions of step 2 are not otherwise known here), and
   `max/min_consecutive_working_days` and `min_consecutive_days_off` as the checker reads them
   (days before the horizon are off, `runs_at_horizon_ends`), closed days (hard requests off,
   unavailability, no period the person may serve) and `max_weekends` (the weekends worked
   so far in the state too, so every set of days these rules allow is reachable, though step 2
   may still find no periods for it; where that table
   would be too large, only the best-valued weekends are left open, or failing that every
   other one). It is read back for up to `TRIES` counts of days, those whose mean minutes a
   day sit mid-way between the shortest and longest period first, and the line of the best
   value among them is kept (the first found had been: a count mid-way can be dearer than
   one the minutes also allow).
2. Which period on each worked day: the best-valued the person may work, in date order,
   keeping the forbidden successions with the day before and `max_sessions_by_period`; then
   the total minutes are brought into [`min_minutes_total`, `max_minutes_total`] by switching
   days to a longer (or shorter) period, least loss per minute first, each switch keeping the
   successions with both neighbours and the period limits. Where that stalls, the periods
   come from dynamic programming over the minutes instead (solve/line_periods.py).

A day's value is what serving it saves the objective with everyone else's line fixed (the
sub-instance of `by_specialist.sub_instance`): a session short of the demand's minimum saves
its uncovered cost, one above costs its surplus weight; soft requests on and off add or take
their weight. Only demands asking on one date are read; an instance with any other rule that
touches a lone specialist's line (weekly limits, commitments, pins, history, travel, rest,
preferences, more than one session a day) is declined (None): CP-SAT does those. The caller
judges every line with the independent checker before using it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

import numpy as np

from outreach_opt.domain.instance import Instance, SessionMatch, Specialist
from outreach_opt.domain.roster import Assignment
from outreach_opt.solve.line_periods import periods_by_minutes
from outreach_opt.solve.line_scope import declines, inside

logger = logging.getLogger(__name__)

NEG = -1e18
"""A value no line reaches: an unreachable state."""
WEEKENDS = ("value", "even", "odd")
"""Which weekends stay open under `max_weekends` where they are not counted in the table's
state, tried in this order after `plan` and `count` (`_close_weekends`)."""
TABLE_CELLS = 20_000_000
"""Days x states x weekend counts x day counts at most for the table that counts weekends
worked (`_weekend_choices`)."""
PLAN_BONUS = 1e9
"""Added to a planned weekend day's value: above any line's real value, so the table works
every planned day it can reach (the real values still choose among such lines)."""
TRIES = 8
"""Counts of worked days tried (the best-valued line among them is kept)."""


@dataclass(frozen=True)
class Slot:
    """A session the person may serve: its demand, site, activity and value."""

    demand: str
    site: str
    activity: str
    value: float


def first_line(instance: Instance, planned: dict[int, str] | None = None) -> list[Assignment] | None:
    """The lone specialist's line (module docstring), or None when declined or not found.
    `planned`: the weekend days the weekend plan chose for them with a period each
    (solve/weekend_plan.py): tried first, those the only weekends open and their days
    preferred, the planned period taken among the best-valued of a day."""
    reasons = declines(instance)
    if reasons:
        logger.debug("first line: declined (%s)", ", ".join(reasons))
        return None
    return Builder(instance, planned).line()


def better_line(instance: Instance, current: list[Assignment]) -> list[Assignment] | None:
    """A line built as `first_line` does that is worth more than `current` in this same
    sub-instance (with single-date demands a line's value is exactly what it takes off the
    whole roster's objective, up to a constant: module docstring); None when there is none,
    or `current` serves a session this sub-instance does not offer."""
    if declines(instance):
        return None
    builder = Builder(instance)
    before = builder.value_of(current)
    line = builder.line()
    if before is None or line is None:
        return None
    after = builder.value_of(line)
    return line if after is not None and after > before else None


class Builder:
    """The two steps over one specialist's horizon."""

    def __init__(self, instance: Instance, planned: dict[int, str] | None = None) -> None:
        self.instance = instance
        self.planned = planned
        self.spec: Specialist = instance.specialists[0]
        self.horizon = instance.horizon.days
        self.length = {p.id: p.end_minute - p.start_minute for p in instance.periods}
        self.limits = dict(self.spec.max_sessions_by_period)
        self.gain: dict[tuple[int, str, str], float] = {}
        self.slots = self._slots()
        self.forbidden = self._forbidden()
        self.open_value = [max((s.value for s in self.slots[t].values()), default=None) for t in range(self.horizon)]
        self.follows = [t > 0 and self._may_follow(t) for t in range(self.horizon)]
        self.lo = self.spec.min_minutes_total or 0
        self.hi = self.spec.max_minutes_total

    def line(self) -> list[Assignment] | None:
        """The two steps, for each choice of open weekends and each count of days worked in
        turn: the best-valued line of the first choice that gives any (with `plan`, of those
        working the most planned days), None when none did. Step
        2's minutes table (`periods_by_minutes`) runs only until a first line is found: on a
        year (Curtois & Qu Instance24) it for every count took the first lines from 52 s to
        474 s."""
        for choice in self._weekend_choices():
            self.day_value = self._close_weekends(choice)
            self._run_table(counted=choice == "count")
            found: list[tuple[int, float, dict[int, str]]] = []  # planned days worked first
            planned = self.planned if choice == "plan" and self.planned else {}
            for count in self.counts():
                days = self.days_for(count)
                if days is None:
                    continue
                chosen = self.periods_for(days)
                if chosen is None and not found:
                    values = [{p: slot.value for p, slot in day.items()} for day in self.slots]
                    chosen = periods_by_minutes(
                        days, values, self.length, self.forbidden, self.limits, self.lo, self.hi
                    )
                if chosen is not None:
                    value = sum(self.slots[t][p].value for t, p in chosen.items())
                    found.append((sum(t in planned for t in chosen), value, chosen))
            if found:
                return self.assignments(max(found, key=lambda f: f[:2])[2])
        logger.debug("first line: none found for %s", self.spec.id)
        return None

    # -- what may be served, and its value ------------------------------------------------
    def _slots(self) -> list[dict[str, Slot]]:
        """Per day, the periods the person may work with the best demand of each."""
        weights = self.instance.weights
        slots: list[dict[str, Slot]] = [{} for _ in range(self.horizon)]
        closed: set[tuple[int, str | None]] = set()
        bonus: Counter[tuple[int, str]] = Counter()
        every = [p.id for p in self.instance.periods]
        for un in self.spec.unavailable:
            whole: list[str | None] = [None]
            for p in un.periods or whole:
                closed.add((self._day(un.date), p))
        for req in self.instance.requests:
            if req.specialist != self.spec.id or not inside(self.instance, req.date):
                continue
            t = self._day(req.date)
            if req.hard:
                if req.want == "off":
                    day: list[str | None] = [None]
                    for p in req.periods or day:
                        closed.add((t, p))
                continue
            for p in req.periods or every:
                bonus[(t, p)] += weights.request * req.weight * (1 if req.want == "on" else -1)
        for dem in self.instance.demands:
            if dem.sessions.max <= 0:
                continue
            short = dem.sessions.min > 0  # the others leave it short: serving it saves its cost
            gain = weights.uncovered_session * dem.priority if short else -dem.surplus_weight
            for date in dem.dates or []:
                if not inside(self.instance, date):
                    continue
                t = self._day(date)
                if (t, None) in closed:
                    continue
                for p in dem.periods or every:
                    if (t, p) in closed or self.limits.get(p, 1) <= 0:
                        continue
                    slot = Slot(dem.id, dem.site, dem.activity, gain + bonus[(t, p)])
                    self.gain[(t, p, dem.id)] = slot.value
                    if p not in slots[t] or slots[t][p].value < slot.value:
                        slots[t][p] = slot
        return slots

    def _day(self, date: dt.date) -> int:
        return (date - self.instance.horizon.start).days

    def _forbidden(self) -> set[tuple[str, str]]:
        """(period today, period tomorrow) pairs no rule allows, read with each slot's activity
        when a rule names one (slots of one period share the activity in the instances read)."""
        activities: dict[str, set[str]] = {p: set() for p in self.length}
        for day in self.slots:
            for p, slot in day.items():
                activities[p].add(slot.activity)
        pairs: set[tuple[str, str]] = set()

        def hits(match: SessionMatch, period: str) -> bool:
            if match.period is not None and match.period != period:
                return False
            return match.activity is None or match.activity in activities[period]

        for rule in self.instance.rules.forbidden_successions:
            if rule.specialists is not None and self.spec.id not in rule.specialists:
                continue
            today = [p for p in self.length if hits(rule.today, p)]
            tomorrow = [q for q in self.length if hits(rule.tomorrow, q)]
            pairs.update((p, q) for p in today for q in tomorrow)
        return pairs

    def _may_follow(self, t: int) -> bool:
        """Some period open on day t may follow some period open on day t - 1."""
        return any((p, q) not in self.forbidden for p in self.slots[t - 1] for q in self.slots[t])

    def weekends(self) -> list[list[int]]:
        """The days of each weekend (Saturday and Sunday of one calendar week) with an open day."""
        start = self.instance.horizon.start
        weekends: dict[int, list[int]] = {}
        for t in range(self.horizon):
            date = start + dt.timedelta(days=t)
            if date.weekday() >= 5 and self.open_value[t] is not None:
                weekends.setdefault((date - dt.timedelta(days=date.weekday())).toordinal(), []).append(t)
        return list(weekends.values())

    def _weekend_choices(self) -> list[str]:
        """`open` when `max_weekends` cannot bind; else `count` (weekends worked in the table's
        state: exact) where the table stays under `TABLE_CELLS`, then the closing choices of
        `WEEKENDS` (a line the first count's day sets miss in step 2 may be among theirs)."""
        limit = self.spec.max_weekends
        if limit is None or len(self.weekends()) <= limit:
            return ["open"]
        planned = ["plan"] if self.planned is not None else []
        top = max(self.spec.max_consecutive_working_days or 0, self.spec.min_consecutive_working_days or 1)
        states = 2 * top + max(self.spec.min_consecutive_days_off or 1, 1)
        cells = self.horizon * states * (limit + 1) * (self.horizon + 1)
        return planned + (["count"] if cells <= TABLE_CELLS else []) + list(WEEKENDS)

    def _close_weekends(self, choice: str) -> list[float | None]:
        """The days' values with only `max_weekends` weekends left open (closed: None): the
        best-valued ones, or every other one from the first (`even`) or second (`odd`); with
        `open` or `count`, every day's. The best-valued can bunch the closed weekends so that
        too few days remain workable between the runs rules (Instance20's M: 112 days at most
        where 115 are needed); no closing choice reaches every line (Instance8's S: 17 of 28
        days, two weekends of four worked, went to CP-SAT), which `count` does."""
        values = list(self.open_value)
        if choice in ("open", "count"):
            return values
        if choice == "plan":
            return self._planned_values(values)
        limit = self.spec.max_weekends or 0
        ranked = self.weekends()
        if choice == "value":
            ranked.sort(key=lambda ts: -max(self.open_value[t] or 0.0 for t in ts))
        else:
            first = 0 if choice == "even" else 1
            ranked = ranked[first::2] + ranked[1 - first :: 2]
        for ts in ranked[limit:]:
            for t in ts:
                values[t] = None
        return values

    def _planned_values(self, values: list[float | None]) -> list[float | None]:
        """The days' values with only the planned weekends open and each planned day worth
        `PLAN_BONUS` more, so the table works every one it can (both days of a weekend: a
        weekend worked on one day spends the limit for half its capacity)."""
        planned = set(self.planned or [])
        for ts in self.weekends():
            for t in ts:
                value = values[t]
                if t not in planned:
                    values[t] = None
                elif value is not None:
                    values[t] = value + PLAN_BONUS
        return values

    # -- step 1: which days ---------------------------------------------------------------
    def _new_weekend(self) -> list[tuple[bool, bool]]:
        """Per day: does working it start a weekend's count (Saturday, or a Sunday opening the
        horizon), or does it when the day before was off (a Sunday after its Saturday)?"""
        start = self.instance.horizon.start
        out = []
        for t in range(self.horizon):
            weekday = (start + dt.timedelta(days=t)).weekday()
            out.append((weekday == 5 or (weekday == 6 and t == 0), weekday == 6 and t > 0))
        return out

    def _run_table(self, counted: bool = False) -> None:
        """best[state][w][n] after the last day and the way back: states are worked runs
        (length 1..top, `edge`: touching the horizon's start where that frees it) and runs off
        (1..rest, the last meaning long enough); w counts the weekends worked when `counted`
        (up to `max_weekends`; always 0 otherwise) and n the days worked."""
        spec = self.spec
        self.most = spec.max_consecutive_working_days
        self.least = spec.min_consecutive_working_days or 1
        self.rest = max(spec.min_consecutive_days_off or 1, 1)
        self.free = self.instance.rules.runs_at_horizon_ends == "free"
        self.counted = counted
        top = self.most if self.most is not None else self.least
        self.states = [("on", k, False) for k in range(1, top + 1)]
        self.states += [("on", k, True) for k in range(1, top + 1)]
        self.states += [("off", k, False) for k in range(1, self.rest + 1)]
        index = {s: i for i, s in enumerate(self.states)}
        size = self.horizon + 1
        weekends = (spec.max_weekends or 0) + 1 if counted else 1
        self.weekend_starts = self._new_weekend()
        best = np.full((len(self.states), weekends, size), NEG)
        best[index[("off", self.rest, False)], 0, 0] = 0.0  # days before the horizon are off
        back = np.zeros((self.horizon, len(self.states), weekends, size), dtype=np.int16)
        for t in range(self.horizon):
            value = self.day_value[t]
            new = np.full_like(best, NEG)
            for i, (kind, k, edge) in enumerate(self.states):
                if best[i].max() <= NEG / 2:
                    continue
                moves: list[tuple[tuple[str, int, bool], bool]] = []
                if kind == "on":
                    if (self.most is None or k < self.most) and self.follows[t]:
                        moves.append((("on", min(k + 1, top), edge), True))
                    if edge or k >= self.least:
                        moves.append((("off", 1, False), False))
                else:
                    moves.append((("off", min(k + 1, self.rest), False), False))
                    if k >= self.rest:
                        moves.append((("on", 1, t == 0 and self.free), True))
                for target, works in moves:
                    if works and value is None:
                        continue
                    j = index[target]
                    if works:
                        shift = int(self._starts_weekend(t, kind))
                        candidate = np.full((weekends, size), NEG)
                        candidate[shift:, 1:] = best[i, : weekends - shift, :-1] + value
                    else:
                        candidate = best[i]
                    better = candidate > new[j]
                    new[j] = np.where(better, candidate, new[j])
                    back[t, j] = np.where(better, i, back[t, j])
            best = new
        if not self.free:  # a worked run touching the last day must be long enough too
            for i, (kind, k, edge) in enumerate(self.states):
                if kind == "on" and not edge and k < self.least:
                    best[i] = NEG
        self.best, self.back = best, back

    def _starts_weekend(self, t: int, before: str) -> bool:
        """Working day t, the day before `before` ('on' or 'off'), adds a weekend to the count."""
        always, after_off = self.weekend_starts[t]
        return self.counted and (always or (after_off and before == "off"))

    def counts(self) -> list[int]:
        """Counts of worked days to try: reachable, able to meet the minute limits with the
        periods open, nearest the mid-way mean first, then the fewest that meet the minimum
        with the shortest period alone (Instance21's C: its one long period may only end a
        run, and at the mean it needed more runs than the days' runs gave), then the rest
        (without limits: the best-valued)."""
        reach = self.best.max(axis=(0, 1))
        possible = [n for n in range(self.horizon + 1) if reach[n] > NEG / 2]
        open_lengths = {self.length[p] for day in self.slots for p in day}
        if not open_lengths:
            return [0] if 0 in possible else []
        short, long = min(open_lengths), max(open_lengths)
        if self.spec.min_minutes_total is None and self.hi is None:
            return sorted(possible, key=lambda n: -reach[n])[:TRIES]
        hi = self.hi if self.hi is not None else long * self.horizon
        fits = [n for n in possible if n * short <= hi and n * long >= self.lo]
        middle = (self.lo + hi) / (short + long)
        near = sorted(fits, key=lambda n: abs(n - middle))
        shortest = [n for n in fits if n * short >= self.lo]  # long periods often allow fewer successors
        return list(dict.fromkeys(near[: TRIES // 2] + shortest[:2] + near))[:TRIES]

    def days_for(self, count: int) -> list[int] | None:
        """The best days to work, `count` of them (None: unreachable)."""
        column = self.best[:, :, count]
        state, w = (int(i) for i in np.unravel_index(int(np.argmax(column)), column.shape))
        if column[state, w] <= NEG / 2:
            return None
        days, n = [], count
        for t in range(self.horizon - 1, -1, -1):
            previous = int(self.back[t, state, w, n])
            if self.states[state][0] == "on":
                days.append(t)
                n -= 1
                w -= int(self._starts_weekend(t, self.states[previous][0]))
            state = previous
        return sorted(days)

    # -- step 2: which periods ------------------------------------------------------------
    def periods_for(self, days: list[int]) -> dict[int, str] | None:
        """A period per worked day within the minute limits (None: not found)."""
        chosen: dict[int, str] = {}
        used: Counter[str] = Counter()
        worked = set(days)
        planned = self.planned or {}
        for t in days:
            options = [p for p in self.slots[t] if self._fits(chosen, used, t, p) and self._followed(worked, t, p)]
            if not options:
                return None
            p = max(options, key=lambda q: (self.slots[t][q].value, planned.get(t) == q, -self.length[q]))
            chosen[t] = p
            used[p] += 1
        total = sum(self.length[p] for p in chosen.values())
        if total < self.lo:
            total = self._shift(chosen, used, total, longer=True)
        if self.hi is not None and total > self.hi:
            total = self._shift(chosen, used, total, longer=False)
        if total < self.lo or (self.hi is not None and total > self.hi):
            return None
        return chosen

    def _followed(self, worked: set[int], t: int, p: str) -> bool:
        """Some period may follow p on day t + 1 if that day is worked (a night shift may
        allow no shift the next day)."""
        return t + 1 not in worked or any((p, q) not in self.forbidden for q in self.slots[t + 1])

    def _fits(self, chosen: dict[int, str], used: Counter[str], t: int, p: str) -> bool:
        """Period p on day t keeps the period limits and the successions with both neighbours."""
        if used[p] >= self.limits.get(p, self.horizon + 1):
            return False
        before, after = chosen.get(t - 1), chosen.get(t + 1)
        return (before is None or (before, p) not in self.forbidden) and (
            after is None or (p, after) not in self.forbidden
        )

    def _shift(self, chosen: dict[int, str], used: Counter[str], total: int, longer: bool) -> int:
        """Switch days to longer (shorter) periods, least loss per minute first, until the
        total reaches `lo` (falls to `hi`) without passing the other limit; the new total."""
        sign = 1 if longer else -1
        moves = sorted(
            (
                (self.slots[t][p].value - self.slots[t][q].value) / (sign * (self.length[q] - self.length[p])),
                t,
                q,
            )
            for t, p in chosen.items()
            for q in self.slots[t]
            if sign * (self.length[q] - self.length[p]) > 0
        )
        for _, t, q in moves:
            if (total >= self.lo) if longer else (self.hi is None or total <= self.hi):
                break
            p = chosen[t]
            step = self.length[q] - self.length[p]
            if sign * step <= 0 or (longer and self.hi is not None and total + step > self.hi):
                continue
            if not longer and total + step < self.lo:
                continue
            del chosen[t]
            used[p] -= 1
            if self._fits(chosen, used, t, q):
                chosen[t], total = q, total + step
                used[q] += 1
            else:
                chosen[t] = p
                used[p] += 1
        return total

    def value_of(self, line: list[Assignment]) -> float | None:
        """What the line's sessions are worth (None: one is not offered here)."""
        total = 0.0
        for a in line:
            gain = self.gain.get((self._day(a.date), a.period, a.demand or ""))
            if gain is None:
                return None
            total += gain
        return total

    def assignments(self, chosen: dict[int, str]) -> list[Assignment]:
        start = self.instance.horizon.start
        out = []
        for t, p in sorted(chosen.items()):
            slot = self.slots[t][p]
            date = start + dt.timedelta(days=t)
            out.append(
                Assignment(
                    specialist=self.spec.id, date=date, period=p, site=slot.site, activity=slot.activity,
                    demand=slot.demand,
                )
            )  # fmt: skip
        return out
