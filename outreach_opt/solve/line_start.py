"""The whole model's first roster from each specialist's first line (issue 8: Curtois & Qu
Instances 6-19).

Why: on the Curtois & Qu instances CP-SAT's own first roster came late and dear (Instance13,
120 people x 28 days: at 73 s; Instance19: at 79 s), and the greedy first roster
(solve/greedy.py) either declines them (`max_sessions_by_period`) or breaks their runs rules
and leaves CP-SAT to repair it. The plain-Python lines of solve/first_line.py keep those rules
(each judged by the independent checker before use) and take a few hundredths of a second a
person on four weeks. So, where they apply: everyone's line one after another against the
lines so far (`by_specialist.built_line`), a few passes rebuilding each line against all the
others while that is cheap (`by_specialist.rebuilt`), and the roster read into the model's
own form (`FirstRoster`) to be completed and hinted like the greedy's.

A person whose line the construction misses (or the judge rejects) gets CP-SAT's line of
their sub-instance (`by_specialist.line_step`). Declined (None, and the caller falls back to
the greedy or the commitments-only start) when the instance ties specialists beyond demands'
session counts (`by_specialist.ties`), has a past, the construction declines any person's
sub-instance (a rule it does not know), CP-SAT finds no line either, or the model has no day
pattern for some day of a line.

Measured (2 workers, one run each, 2026-12-03, machine idle for the 'before' runs and with
another engineer's runs for some 'after' ones): Instance19 first roster 14735 at 10.3 s
against 49408 at 91 s, after 300 s 3815 against 4873; Instance13 37298 at 12.2 s against
64484 at 12.5 s, after 300 s 4112 against 3559 (CP-SAT's own rosters caught up within its
whole-model share; the neighbourhoods' single runs differ by more than the start).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import Candidate
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.by_specialist import (
    BUILT_PASS_CHANGES,
    Judge,
    Lines,
    Steps,
    line_step,
    rebuilt,
    sub_instance,
    ties,
)
from outreach_opt.solve.first_line import first_line
from outreach_opt.solve.first_roster import Completed, FirstRoster, complete_hint, hint, sort_interchangeable
from outreach_opt.solve.greedy import greedy_roster
from outreach_opt.solve.line_scope import declines
from outreach_opt.solve.weekend_plan import weekend_plan

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel

logger = logging.getLogger(__name__)

STEP_SECONDS = 1.0
"""CP-SAT's search for a person's line where the plain-Python construction finds none
(`by_specialist.line_step`; before the construction counted weekends worked, Curtois & Qu
Instance8's S: 17 of 28 days with two weekends off)."""
PLAN_SHARE = 0.25
"""Of the lines' time, what the weekend plan may take at most (none is made past it)."""
RETRY_SECONDS = 5.0
"""And up to this much more when that found no line at all, or up to the lines' time where
more is left: a roster missing one person's line is none (Curtois & Qu Instance22 at 180 s,
one run of two: AN had no line after 6 s, and the whole model found no roster in the 145 s
after)."""


def lines_roster(
    instance: Instance,
    judge: Judge,
    until: float,
    past: Sequence[Assignment] = (),
    plan: dict[str, dict[int, str]] | None = None,
) -> Roster | None:
    """Everyone's first line in turn, then rebuilding passes until one changes fewer than
    `BUILT_PASS_CHANGES` of the lines or `until` (perf_counter) comes (module docstring).
    The first pass always runs to its end: a roster missing someone's line is none.
    `plan`: the weekends chosen beforehand (solve/weekend_plan.py) of those it names."""
    reasons = ties(instance) + (["history"] if past else [])
    if reasons:
        logger.info("first lines: declined (%s)", ", ".join(reasons))
        return None
    lines = Lines(instance)
    order = [spec.id for spec in instance.specialists]
    plan = plan or {}
    stepped = 0
    for spec in order:
        sub = sub_instance(instance, spec, lines)
        reasons = declines(sub)
        if reasons:
            logger.info("first lines: declined for %s (%s)", spec, ", ".join(reasons))
            return None
        line = first_line(sub, plan.get(spec))
        if line is None or not judge(sub, line):
            retry = max(RETRY_SECONDS, until - time.perf_counter() - STEP_SECONDS)
            line = line_step(instance, spec, lines, Steps(), STEP_SECONDS, retry=retry)[0]
            stepped += 1
        if line is None:
            logger.info("first lines: none for %s; declined", spec)
            return None
        lines.set(spec, line)
    passes = 0
    while time.perf_counter() < until:
        changed = sum(rebuilt(instance, spec, lines, until, judge) for spec in order)
        passes += 1
        if changed < max(1, len(order) * BUILT_PASS_CHANGES):
            break
    logger.info("first lines: %d of %d by CP-SAT, %d rebuilding passes", stepped, len(order), passes)
    return lines.roster()


def first_roster_of(built: RosterModel, roster: Roster) -> FirstRoster | None:
    """`roster` (demand sessions only, at home, no commitment, no stay) in the model's form:
    each specialist-day's pattern and the candidates served, interchangeable specialists
    ordered as the symmetry breaking asks (where the model breaks symmetry); None when the model has no such pattern or
    candidate (a rule the lines keep differently from the day enumeration)."""
    prep = built.prep
    stops: dict[tuple[str, int], list[str | None]] = {key: [None] * prep.n_periods for key in built.days}
    served: set[Candidate] = set()
    for a in roster.assignments:
        t, p = prep.date_index.get(a.date), prep.period_index.get(a.period)
        if t is None or p is None or a.demand is None or (a.specialist, t) not in stops:
            return None
        stops[(a.specialist, t)][p] = a.site
        served.add(Candidate(a.specialist, a.demand, t, p, a.site, a.role))
    if not served <= set(built.x):
        return None
    chosen: dict[tuple[str, int], int] = {}
    for key, choices in built.days.items():
        want = tuple(stops[key])
        index = next(
            (k for k, (pat, _) in enumerate(choices) if pat.stops == want and pat.at_home and not any(pat.committed)),
            None,
        )
        if index is None:
            logger.info("first lines: no day pattern for %s on day %d", *key)
            return None
        chosen[key] = index
    first = FirstRoster(chosen, served)
    if built.options.symmetry_breaking:
        sort_interchangeable(built, first)
    return first


def lines_start(
    built: RosterModel, judge: Judge, until: float, limit: float, past: Sequence[Assignment] = ()
) -> Completed | None:
    """The first-lines roster (`lines_roster`) in the model's form, completed to every
    variable within `limit` seconds and left as the model's hint; None when declined or not
    completed (the hint is then cleared). Where a weekend plan is made, the roster is built
    with it (its passes until they settle or `until` comes) and then, if what is left to
    `until` is at least what that took (or whatever is left when it gave no roster: past
    `until` is better than none), without it, and the cheaper by
    the model's exact objective kept: neither is better everywhere (the first-lines roster
    after its passes, checked: with the plan 13, 15, 19 cheaper, 18 dearer; with the plan's
    first version also 4, 6, 7, 8 cheaper, 1-3, one weekend of two each, dearer)."""
    instance = built.prep.instance
    now = time.perf_counter()
    plan = weekend_plan(instance, now + PLAN_SHARE * (until - now)) if not (past or ties(instance)) else {}
    tries = [plan, {}] if plan else [{}]
    best: Completed | None = None
    spent = 0.0
    for planned in tries:
        began = time.perf_counter()
        if best is not None and until - began < spent:  # its first pass, always run to its end, would overrun
            left = until - began
            logger.info("first lines: no roster without the plan (%.1fs left, the first took %.1fs)", left, spent)
            break
        # Not half the time each: on Instance19 at load 12 both rosters' passes were cut
        # short (11119 with the plan, 12250 without, against 7050 from one roster's).
        completed = _completed(built, lines_roster(instance, judge, until, past, planned), limit)
        objective = None if completed is None else completed.objective
        logger.info("first lines (%s): %s", "weekend plan" if planned else "no plan", objective)
        if completed is not None and (best is None or completed.objective < best.objective):
            best = completed
        spent = time.perf_counter() - began
    if best is None:
        built.model.clear_hints()
    else:
        best.set_as_hint(built)
    return best


def _completed(built: RosterModel, roster: Roster | None, limit: float) -> Completed | None:
    """`roster` in the model's form completed to every variable (None: not possible)."""
    first = None if roster is None else first_roster_of(built, roster)
    if first is None:
        return None
    hint(built, first)
    return complete_hint(built, limit)


def greedy_cheaper(built: RosterModel, lined: Completed, limit: float) -> bool:
    """Does the greedy roster, before its moves (solve/greedy.py), cost less than the
    first-lines roster by the model's exact objective? Its moves then start from it; else
    the first-lines roster is the start and the moves are not run. Leaves `lined` hinted."""
    filled = greedy_roster(built)
    completed = None
    if filled is not None:
        hint(built, filled)
        completed = complete_hint(built, limit)
    lined.set_as_hint(built)
    cheaper = completed is not None and completed.objective < lined.objective
    logger.info(
        "first lines: %d against the greedy roster's %s",
        lined.objective,
        None if completed is None else completed.objective,
    )
    return cheaper
