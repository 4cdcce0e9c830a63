"""A lower bound from the weekends alone: the least cost of the sessions no roster can cover
on Saturdays and Sundays, as a small MIP solved by HiGHS (through OR-Tools' MathOpt, as
solve/relaxation_mip.py).

Why: where `max_weekends` binds, weekend cover is what nurse rosters leave short (Curtois &
Qu Instance12's rosters left 41 sessions short, all on Saturdays and Sundays), and neither
CP-SAT's bound nor the relaxation's sees it: on Instance13 CP-SAT's bound after 300 s was -17,
the relaxation's LP (solve/relaxation_weekends.py) 100, while the weekends alone, solved as a
MIP, prove at least 11 sessions short in every roster (1,100; the optimum is 1,348). The LP of
this same MIP is as weak (100 on Instance13): the integer weekends are what it knows, and
HiGHS's cuts find them in seconds.

The MIP, over the weekend days only (`Prepared.weekends`):

    x_c ∈ {0,1}     each candidate on a weekend day (none in a hard request's periods off)
    w_{s,j} ∈ {0,1} specialist s works weekend j (where `max_weekends` is below the weekends open to s)
    Σ_{c at (s,t,p)} x_c ≤ 1                        one_place
    Σ_{c at (s,t)} x_c ≤ max_sessions_per_day_s      daily_sessions
    x_c ≤ w_{s,j},  Σ_j w_{s,j} ≤ max_weekends_s     max_weekends
    Σ_{c of s in p} x_c ≤ max_sessions_by_period_s,p period_sessions
    x_c + x_c' ≤ 1 for c on a Saturday, c' on the Sunday after, matching a forbidden succession
    u_{d,w} ≥ min_d − Σ_{c of d in week w} x_c,  u ≥ 0   for each (demand, week) it asks in
                     with candidates, every one on a weekend day (no team)
    minimise Σ weights.uncovered_session · priority_d · u_{d,w}

Valid (models/BOUNDS.md, "The weekends' bound"): a roster's weekend sessions satisfy every row
(each is one of its hard rules restricted to weekend days, with commitments and weekday
sessions left out, which only loosens it), its `u` are the roster's uncovered sessions of
those demand-weeks, and every term the MIP leaves out is at least 0 (weights are counts). So
its optimum, and HiGHS's proven (dual) bound at any stop, is at most every roster's cost.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice

from ortools.math_opt.python import mathopt

from outreach_opt.domain.prepared import Candidate, Prepared, candidates_on, with_pairs

logger = logging.getLogger(__name__)


RULES = (
    "max_weekends",
    "one_place",
    "daily_sessions",
    "period_sessions",
    "forbidden_successions",
    "day_off",
    "unavailability",
    "commitments",
)
"""The rules (checker ids) the MIP holds on weekend days: its rows, and its candidates, which
leave out slots unavailable, committed or off by a hard request. `explain` names them."""

MOST_CANDIDATES = 50_000
"""Larger weekend MIPs are not tried. Curtois & Qu Instance13's 11,584 candidates took HiGHS
18 s of one core (its bound rising all the way: 800 at 4 s, 900 at 8 s); one four times that size
was not measured, and a MIP that proves nothing in the solve's time only takes a core from it."""


@dataclass
class WeekendCover:
    """The MIP's data in plain Python (module docstring)."""

    candidates: list[Candidate]
    """The candidates on weekend days, but in a hard request's periods off."""
    weekend_of: dict[int, int]
    """Weekend index of each weekend day."""
    keys: dict[tuple[str, int], int]
    """(demand, week) with candidates, every one on a weekend day: the cost of one session short."""


def weekend_cover(prep: Prepared) -> WeekendCover | None:
    """The weekend MIP's data, or None where it can prove nothing: no weekend-only
    (demand, week) asking for a session."""
    weekend_of = _weekend_of(prep)
    if not weekend_of:
        return None
    off = _off(prep, weekend_of)
    weeks_of: dict[str, dict[int, bool]] = defaultdict(dict)  # demand -> week -> all on weekends
    for c in prep.candidates:
        held = weeks_of[c.demand]
        held[prep.week[c.day]] = held.get(prep.week[c.day], True) and c.day in weekend_of
    weight = prep.instance.weights.uncovered_session
    keys = {
        (d, w): weight * demand.priority
        for d, demand in prep.demands.items()
        if not demand.team and demand.sessions.min > 0
        for w in prep.demand_weeks[d]
        if weeks_of[d].get(w, False)
    }
    keys = {key: cost for key, cost in keys.items() if cost > 0}
    if not keys:
        return None
    candidates = [c for c in prep.candidates if c.day in weekend_of and (c.specialist, c.day, c.period) not in off]
    return WeekendCover(candidates, weekend_of, keys)


def weekend_prepared(base: Prepared, pairs: frozenset[tuple[str, str]]) -> Prepared | None:
    """`with_pairs(base, pairs)` when its weekend MIP is small enough to be tried (at most
    `MOST_CANDIDATES` of `weekend_cover`'s candidates), else None, having drawn the weekend
    days' candidates only until their count passed it (`candidates_on`): at 1000 x 60 x 4
    weeks the weekends' count prepared 2.46M candidates in 6 s to find its MIP had 1.06M."""
    weekend_of = _weekend_of(base)
    off = _off(base, weekend_of)
    held = (c for c in candidates_on(base, pairs, weekend_of) if (c.specialist, c.day, c.period) not in off)
    if sum(1 for _ in islice(held, MOST_CANDIDATES + 1)) > MOST_CANDIDATES:
        logger.info("weekends' bound: more than %d candidates, not tried (MOST_CANDIDATES)", MOST_CANDIDATES)
        return None
    return with_pairs(base, pairs)


def _weekend_of(prep: Prepared) -> dict[int, int]:
    """The weekend (index into `prep.weekends`) of each Saturday and Sunday."""
    return {t: j for j, days in enumerate(prep.weekends) for t in days}


def _off(prep: Prepared, weekend_of: dict[int, int]) -> set[tuple[str, int, int]]:
    """(specialist, day, period) a hard request keeps off, on weekend days."""
    return {
        (r.specialist, r.day, p)
        for r in prep.requests
        if r.hard and r.want == "off" and r.day in weekend_of
        for p in r.periods
    }


def weekend_bound(prep: Prepared, seconds: float) -> int | None:
    """HiGHS's proven bound of the weekend MIP within `seconds` (rounded up to an integer,
    the objective's values), or None when there is nothing to bound or HiGHS proved nothing."""
    cover = weekend_cover(prep)
    solved = None if cover is None else _solved(prep, cover, seconds)
    if solved is None or solved[0] <= 0:
        return None
    return solved[0]


def weekend_short(prep: Prepared, cover: WeekendCover, seconds: float) -> tuple[int, bool] | None:
    """`cover`'s MIP (`weekend_cover(prep)`) counting sessions instead of their cost: the
    fewest of its demand-weeks' sessions every roster leaves short, and whether HiGHS proved
    that the MIP's optimum (else its bound when `seconds` ran out). A user reads "at least 11
    sessions", not "at least 1,100". Valid as the bound is (module docstring), with every
    weight 1. None when HiGHS proved nothing."""
    return _solved(prep, WeekendCover(cover.candidates, cover.weekend_of, dict.fromkeys(cover.keys, 1)), seconds)


def _solved(prep: Prepared, cover: WeekendCover, seconds: float) -> tuple[int, bool] | None:
    """HiGHS's proven bound of `cover`'s MIP (rounded up to an integer, the objective's values)
    and whether it is the optimum; None when the MIP is too large, has no point, or HiGHS
    proved nothing finite in `seconds`."""
    if seconds <= 0:
        return None
    if len(cover.candidates) > MOST_CANDIDATES:
        logger.info("weekends' bound: %d candidates, not tried (MOST_CANDIDATES)", len(cover.candidates))
        return None
    model, objective_keys = _model(prep, cover)
    params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=seconds))  # MathOpt's HiGHS takes no threads
    result = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    bound = result.termination.objective_bounds.dual_bound
    reason = result.termination.reason
    logger.info(
        "weekends' bound: %s over %d candidates and %d demand-weeks, bound %s",
        reason.name.lower(),
        len(cover.candidates),
        objective_keys,
        bound,
    )
    if reason == mathopt.TerminationReason.INFEASIBLE:
        return None  # every roster also satisfies it: the instance has none, CP-SAT says so
    if not math.isfinite(bound):
        return None
    rounded = max(0, math.ceil(bound - 1e-6 * max(1.0, abs(bound))))  # the tolerance, not a unit, above
    return rounded, reason == mathopt.TerminationReason.OPTIMAL


def _model(prep: Prepared, cover: WeekendCover) -> tuple[mathopt.Model, int]:
    """The MathOpt model of `cover` (module docstring's rows) and how many demand-weeks it costs."""
    rows = _Rows(prep, cover)
    rows.slots_days_periods()
    rows.weekend_limits()
    rows.successions()
    return rows.model, rows.objective()


class _Rows:
    """The MIP being written: its `x` (one per weekend candidate) and their indices by
    specialist-slot, -day, -period and demand-week; one method per family of rows."""

    def __init__(self, prep: Prepared, cover: WeekendCover) -> None:
        self.prep, self.cover = prep, cover
        self.model = mathopt.Model(name="weekends")
        self.x = [self.model.add_binary_variable() for _ in cover.candidates]
        self.by_slot: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        self.by_day: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_period: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, c in enumerate(cover.candidates):
            self.by_slot[(c.specialist, c.day, c.period)].append(i)
            self.by_day[(c.specialist, c.day)].append(i)
            self.by_period[(c.specialist, c.period)].append(i)
            self.by_key[(c.demand, prep.week[c.day])].append(i)

    def _at_most(self, held: list[int], most: int | None) -> None:
        if most is not None and len(held) > most:
            self.model.add_linear_constraint(mathopt.fast_sum(self.x[i] for i in held) <= most)

    def slots_days_periods(self) -> None:
        """`one_place`, `daily_sessions` and `period_sessions` over the weekend days."""
        specialists, period_ids = self.prep.specialists, self.prep.period_ids
        for held in self.by_slot.values():
            self._at_most(held, 1)
        for (s, _t), held in self.by_day.items():
            self._at_most(held, specialists[s].max_sessions_per_day)
        for (s, p), held in self.by_period.items():
            self._at_most(held, specialists[s].max_sessions_by_period.get(period_ids[p]))

    def weekend_limits(self) -> None:
        """`x_c ≤ w_{s,j}` and `Σ_j w_{s,j} ≤ max_weekends_s`, where the limit binds."""
        days_of: dict[tuple[str, int], list[int]] = defaultdict(list)
        for s, t in self.by_day:
            days_of[(s, self.cover.weekend_of[t])].append(t)
        open_weekends = Counter(s for s, _j in days_of)
        worked: dict[str, list[mathopt.Variable]] = defaultdict(list)
        for (s, _j), days in sorted(days_of.items()):
            limit = self.prep.specialists[s].max_weekends
            if limit is None or limit >= open_weekends[s]:
                continue
            w = self.model.add_binary_variable()
            worked[s].append(w)
            for t in days:
                for i in self.by_day[(s, t)]:
                    self.model.add_linear_constraint(self.x[i] <= w)
        for s, ws in worked.items():
            self.model.add_linear_constraint(mathopt.fast_sum(ws) <= self.prep.specialists[s].max_weekends)

    def successions(self) -> None:
        """`x_c + x_c' ≤ 1` for a Saturday session and a Sunday one of the same weekend that a
        forbidden succession names (the weekdays either side are not in the MIP)."""
        rules = self.prep.instance.rules.forbidden_successions
        weekend_of, candidates = self.cover.weekend_of, self.cover.candidates
        for (s, t), today in self.by_day.items() if rules else ():
            tomorrow = self.by_day.get((s, t + 1))
            if not tomorrow or weekend_of.get(t + 1) != weekend_of[t]:
                continue
            for rule in rules:
                if rule.specialists is not None and s not in rule.specialists:
                    continue
                firsts = [i for i in today if rule.today.matches(*self._session(candidates[i]))]
                seconds = [i for i in tomorrow if rule.tomorrow.matches(*self._session(candidates[i]))]
                for i in firsts:
                    for k in seconds:
                        self.model.add_linear_constraint(self.x[i] + self.x[k] <= 1)

    def _session(self, c: Candidate) -> tuple[str, str]:
        """A candidate's period and activity, as a succession rule reads a session."""
        return self.prep.period_ids[c.period], self.prep.demands[c.demand].activity

    def objective(self) -> int:
        """`u_{d,w} ≥ min_d − Σ x` per costed demand-week and the cost of them all, minimised;
        returns how many demand-weeks it costs."""
        terms = []
        for key, cost in self.cover.keys.items():
            u = self.model.add_variable(lb=0.0)
            need = self.prep.demands[key[0]].sessions.min
            self.model.add_linear_constraint(u + mathopt.fast_sum(self.x[i] for i in self.by_key.get(key, [])) >= need)
            terms.append(cost * u)
        self.model.minimize(mathopt.fast_sum(terms))
        return len(terms)
