"""A first roster built greedily in plain Python, to start the search from (issue 8).

At scale CP-SAT's own first rosters leave most demand uncovered for a long time: the only
hint was the commitments-only roster, and the search's neighbourhoods are too slow on a
100k-variable model to climb from there within a minute. This builds, in well under a
second per thousand candidate sessions, a roster that covers what it can, cheapest first,
and `hint` hands it to the search as a complete starting point.

It starts from every day's commitments-only pattern and adds one demand session at a time,
the neediest demand first (priority, then fewest candidates), at the candidate whose
objective increase is smallest, as long as that is below the session's uncovered cost. A
session is added only where the day's new pattern is one of the enumerated ones (so the
day-local rules hold) and every other hard rule of models/MODEL.md still holds after it; the
rules that only forbid too little (minimum minutes) cannot be broken by adding, and the ones
about runs of days off or on (`min_consecutive_days`, `min_days_off`) are kept by never
turning a day off into a working day for a specialist who has them. Interchangeable
specialists' schedules are then sorted as the symmetry breaking orders them.

Instances with `max_sessions_by_period` (rule `period_sessions`) or on-call entries (rule
`on_call_reach`) get no greedy roster, and
demands with a team (rule `team_complete`) are left to the search: the greedy roster serves
none of their sessions, which keeps the rule, and a pin on one means no greedy roster.

The result is a hint, not a promise: tests check it with the independent checker, and a rule
this module does not know about (a new one) only makes CP-SAT repair the hint.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from outreach_opt.domain.prepared import Candidate
from outreach_opt.solve.first_roster import FirstRoster, commitments_only
from outreach_opt.solve.greedy_moves import Greedy

if TYPE_CHECKING:
    from outreach_opt.solve.builder import RosterModel

logger = logging.getLogger(__name__)


def greedy_roster(
    built: RosterModel,
    improve_until: float | None = None,
    on_filled: Callable[[FirstRoster], None] | None = None,
) -> FirstRoster | None:
    """The greedy roster described in the module docstring; None when there is no start.
    With `improve_until` (a perf_counter time), sessions are then moved to cheaper places
    until no move helps or that time comes, and what is still uncovered is tried again;
    with time left, the roster is built again towards fixed fairness targets
    (`TARGET_SHARES`) and the cheapest kept.
    `on_filled` gets the roster before the moves (a roster of its own: `solve` reports it as
    the first one, as the moves take as long again at 300 specialists), then each cheaper
    one a try ends with."""
    if built.prep.instance.on_call or any(spec.max_sessions_by_period for spec in built.prep.specialists.values()):
        return None  # rules `on_call_reach`, `period_sessions` are not among the checks below
    if commitments_only(built) is None:
        return None
    tasks = _tasks(built)
    began = time.perf_counter()
    state = _filled(built, tasks)
    if state is None:
        return None
    fill_seconds = time.perf_counter() - began
    if on_filled is not None:
        on_filled(state.snapshot())
    if improve_until is not None:
        cands_of: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        for cand in built.x:
            if not built.prep.demands[cand.demand].team:
                cands_of[(cand.demand, built.prep.week[cand.day])].append(cand)
        best: Greedy | None = None
        reported = state.objective()
        fair = state.weights.fairness_deviation and len(state.sharers) > 1
        total = sum(state.burden.values())
        share_of_fill = fill_seconds / max(1e-9, improve_until - began)
        quick = share_of_fill < TARGET_FIRST_UP_TO or (
            share_of_fill < TARGET_FIRST_SMALL_UP_TO and len(built.x) < TARGET_FIRST_SMALL_CANDIDATES
        )
        order = TARGET_SHARES if quick and TARGET_SHARES else (None, *TARGET_SHARES)
        tried: dict[float, int] = {}  # target share -> its try's objective
        quickest: float | None = None  # seconds of the quickest target try so far
        for share in order if fair else (None,):
            if share is None:
                other: Greedy | None = _improved(state, tasks, cands_of, improve_until, STALL_SHARE)
            elif _past_a_loser(share, tried):
                logger.info("greedy: target share %s skipped, past a share that lost", share)
                continue
            elif _time_for_a_try(improve_until - time.perf_counter(), fill_seconds, quickest):
                try_began = time.perf_counter()
                other = _towards(built, tasks, cands_of, round(share * total), improve_until)
                spent = time.perf_counter() - try_began
                quickest = spent if quickest is None else min(quickest, spent)
                if other is not None:
                    tried[share] = other.objective()
            else:
                logger.info("greedy: target share %s skipped, no time for a try", share)
                continue
            if other is not None:
                logger.info("greedy roster towards target share %s: objective %+d", share, other.objective())
                if best is None or other.objective() < best.objective():
                    best = other
                if on_filled is not None and best.objective() < reported:
                    reported = best.objective()
                    on_filled(best.snapshot())
        if best is None:  # every target try skipped for time or declined: the fill's own moves
            best = _improved(state, tasks, cands_of, improve_until)
        if not best.settled and _tail_pays(best):  # the best try's moves, to the end
            _improved(best, tasks, cands_of, improve_until)
            logger.info("greedy roster, best try moved on: objective %+d", best.objective())
            if on_filled is not None and best.objective() < reported:
                on_filled(best.snapshot())
        state = best
    state.sort_interchangeable()
    return state.roster


TARGET_FIRST_UP_TO = 0.1
"""When one fill takes less than this share of the improvement's time only the targets are
tried (each ends with moves under the true total), else the moves with the true total from
the fill come first. The true total's try from the fill never won where the fill is quick
(greedy alone, each try run to its end, CPU time: 80 x 15 seeds 1-3 627,093 / 543,005 /
501,729 against the best target's 565,866 / 402,055 / 403,364; 300 x 40 seeds 1-3 6.62-6.72M
/ 6,755,712 / 6,806,134 against 5,782,360 / 6,158,166 / 6,117,733) and at 300 x 40 took
20-26 s, to the deadline; without it the search gets that time. Before, it came after the
first two targets (two, not one: at 300 specialists x 40
sites, 60 s, loaded machine, the true total's moves from the fill ended at the deadline far
above either target's roster and took the second target's time; with 0.5 before them, seeds
1-3: 5,841,136 / 6,144,985 / 5,972,447 against 5,855,383 / 6,157,775 / 6,025,096; M-1 at 30 s
561,860 against 565,844). At 1000 specialists x 4 weeks a fill takes
40-70 s of about 125 s: the target's fill and moves took it all, the true-total moves never
ran, and the roster stayed at the greedy fill's (305M at 300 s, against 203M when the moves
ran first); at 80 specialists a fill is a small share and the target first does best."""

TARGET_FIRST_SMALL_UP_TO = 0.25
TARGET_FIRST_SMALL_CANDIDATES = 50_000
"""Below this many candidate sessions a fill under `TARGET_FIRST_SMALL_UP_TO` of the time
counts as small too. At 300 specialists x 40 sites (10k candidates, 60 s) a fill takes
1.2-2.5 s of about 28 s, but on a loaded machine (seed 3's first roster at 12.1 s instead of
5.5 s) it passed a tenth, the true total's moves from the fill ran first and ended at the
deadline (6.84M greedy alone, seed 3) where the 0.6 target's try gives 6.18M. A quarter for
every size was tried and undone: XL-1 (128k-151k candidates) on the loaded machine then
ended at the fill's 305M again (against 204M at a tenth, run right after), its fill having
come under a quarter."""

STALL_SHARE = 0.005
"""Each try's moves stop once a round of them (passes of single moves, then a pass of chain
moves) lowers its objective by less than this share; the best try's then go on to the end
(`greedy_roster`). Why: at 80 specialists x 15 sites the tries' last rounds took most of
their time for almost nothing (seed 3, the 0.6 try, CPU time: 403,888 at 4.2 s, 403,491 at
17.3 s), so the 0.5 try, best there, got no time at 30 s."""

TAIL_SHARE = STALL_SHARE / 10
"""The best try's moves go on after its stall only when the round they stopped at gained at
least this share (`_tail_pays`). Why: at 80 x 15 and 300 x 40 that round gains a few
thousandths of a percent and so did the moves after it, for seconds the neighbourhoods could
use. Shared machine (load 5-8), -v logs and a log of each round (/tmp/lsplit/prof.py): 80 x
15 seed 3, the 0.6 try's last round 1.7 s for 8 (0.002 %), then the moves to the end 2.1 s
for 0; 300 x 40 seed 1, the 0.5 try's last round 0.6 s for 195 (0.003 %), then 0.8 s for 103;
seed 3 1.4 s for 186. Where rounds still gain a tenth of the stall share (a slow fill, 1000
specialists x 4 weeks, whose one try is the fill's own moves) the moves go on as before."""

TARGET_SHARES = (0.6, 0.5, 0.7)
"""Fixed totals to build towards, as shares of the first roster's total burden `T`, tried in
turn while the improvement has time, a share past one that lost skipped (`_past_a_loser`).
Why: `fairness_deviation`, `sum |n B_s - T|` with `T` the roster's own total, is concave in
how many sharers sit above the mean, so single moves cannot lower `T`: dropping a point from
someone above the mean raises every other deviation above it. The greedy roster, which gives
below-mean sharers all the points it can, ends where most sharers sit one level above the
mean and stays there. Against a fixed `T` each term `|n B_s - T|` is convex, so a roster
built and moved towards a low target serves the same sessions with fewer burden points;
moves with the true `T` then balance it. Measured at 80 specialists x 15 sites (seeds 1-3,
greedy and moves alone, shared machine): fairness 699,200 / 532,300 / 514,800 with the true
`T` against 556,400 / 459,800 / 403,000 towards 0.6 `T` and 583,800 / 398,650 / 403,000
towards 0.5 `T`. None of 0.4, 0.45, 0.55, 0.65, 0.7, 0.75 and 0.8 did better than both (0.55
repeated 0.5's roster); 0.7 stays as a third try for instances whose best total lies higher
(300 x 40 seed 3, greedy alone run to its end: 6,117,733 against 6,147,274 for 0.5; never
best at 80 x 15; with this session's moves, `solve -v` at 60 s on the shared machine, 6,078,335
against 0.5's 6,069,096, and `_past_a_loser` no longer tries it there)."""


def _past_a_loser(share: float, tried: dict[float, int]) -> bool:
    """True when some share already tried lies between the best one tried and `share`: the
    tries went the other way, so `share` is not tried (`TARGET_SHARES` then walks from 0.6 to
    0.5 and on to 0.7 only when 0.6 beat 0.5). Why: the third try rarely won and took the
    search's time. Shared machine (load 5-8), `main` (0f1fa84), -v logs of `solve` at 60 s,
    300 specialists x 40 sites seeds 1-3: 0.6 / 0.5 / 0.7 tries 5,754,762 / 5,674,255 /
    5,889,645 (the 0.7 try alone 11 s of the greedy's 24 s), 6,017,622 / 6,043,142 /
    6,114,192 (0.7 tried under this rule too), 6,148,837 / 6,069,096 / 6,078,335."""
    if not tried:
        return False
    best = min(tried, key=lambda s: tried[s])
    low, high = sorted((best, share))
    return any(low < other < high for other in tried)


def _tail_pays(best: Greedy) -> bool:
    """The best try's moves go on (to the end of the improvement) unless the round its
    `stall` stopped it at lowered the objective by less than `TAIL_SHARE` of it."""
    return best.stalled_gain is None or best.stalled_gain >= TAIL_SHARE * abs(best.objective())


def _time_for_a_try(left: float, fill_seconds: float, quickest: float | None) -> bool:
    """A target try starts only with more time left than two fills and than `NEXT_TRY_ROOM`
    times the quickest target try so far: a try cut by the deadline never won and its time is
    the search's. Shared machine, `solve` at 30 s, 80 specialists x 15 sites: the 0.5 try
    started 2.9 s (seed 1) and 3.6 s (seed 3) before the deadline after 0.6 tries of 8.6 and
    8.2 s, and ended at 677,811 and 416,081 against the 0.6 try's 549,433 and 326,584."""
    return left > 2 * fill_seconds and (quickest is None or left > NEXT_TRY_ROOM * quickest)


NEXT_TRY_ROOM = 3.0
"""A further target try needs this many times the quickest try's seconds left: room for the
try and twice as long again for moves after it, else the best try's own moves go on
(`greedy_roster`). Why: at 1000 specialists x 4 weeks a try takes 43-73 s of the greedy's
~140 s and stops at its stall before its swaps run; the best try's moves past the stall (swaps,
then the chains they open) gained more than a second try. At XL-1 the 0.6 try alone, moved to
its settling (greedy alone, one core): 173.5M at its stall, 170.2M 80 s later, 169.5M after
150 s (/tmp trajectory script, 2026-12-07). At 2.0 the 0.5 try still ran where the 0.6 try had
taken just under half of what was left (XL-1, 47 s with 90 s left), and one core stood idle
for it once the bound's MIP had ended (process CPU sampled every 5 s: 100 % from 96 to 162 s).
Measured, `benchmarks/ab_settings.py --time-limit 300 --rounds 1 --a greedy.NEXT_TRY_ROOM=2.0
--b greedy.NEXT_TRY_ROOM=3.0` XL seeds 1-3, from a copy of the tree, idle, 2026-12-07
10:43-11:17 UTC: 168,499,952 / 129,421,435 / 124,976,865 against 167,473,613 / 129,563,450 /
124,957,802 (sums -0.21 %, cheaper in 2 of 3, one of them the noise). XL-1: the 0.5 try lost
(175,989,016 against 173,819,654) and the 0.6 try's moves had 42 s after it, to 172,687,225,
against 91 s to 170,036,735 without it. XL-2: the 0.5 try won (137,653,928 against 138,046,406)
and moved to 134,190,961; without it the 0.6 try moved to 134,000,548, yet the search ended
0.1 % dearer. XL-3 ran the same tries both ways (0.5 had no room at 2.0 either). At 80 x 15
(30 s) and 300 x 40 (60 s), seeds 1-3, the same hour: the same tries both ways but at M-3, which
skipped the 0.5 try (348,858, a loser) and ended at the same 319,395; M 545,069 / 362,209 /
319,395 both ways; L's pairs ran the same tries, 5,380,048 / 5,419,421 / 5,449,251 against
5,403,130 / 5,419,421 / 5,502,250 (the neighbourhoods' noise: the same code 1 % apart). Rule
set before the runs: XL's sum lower and cheaper in 2 of 3; at M and L the same tries (then
the same code) or sums not dearer by more than 0.2 %.
2.0 before (2026-12-06, against 1.0, the same script, XL seeds 1-3, idle): 167,505,509 /
129,878,070 / 126,110,832 against 1.0's 169,436,606 / 130,926,759 / 125,562,226; the greedy
at 1.0 ran the 0.5 try with no time for moves after it (XL-1 173,369,969 against 170,141,047;
XL-2 137,216,416 against 134,878,296); M and L within 0.05 %."""


def _filled(
    built: RosterModel, tasks: list[tuple[list[Candidate], str, int]], target: int | None = None
) -> Greedy | None:
    """A roster from the commitments-only start: pins, then every demand's minimum, then the
    specialists' minimum working minutes; fairness measured against `target` when set."""
    start = commitments_only(built)
    assert start is not None  # checked by the caller
    state = Greedy(built, start)
    state.target = target
    if not state.serve_pins():
        return None
    state.fill(tasks)
    return state if state.meet_minimums() else None


def _towards(
    built: RosterModel,
    tasks: list[tuple[list[Candidate], str, int]],
    cands_of: dict[tuple[str, int], list[Candidate]],
    target: int,
    until: float,
) -> Greedy | None:
    """A roster filled and moved with fairness measured against `target`, then moved with
    the roster's own total (the model's objective)."""
    state = _filled(built, tasks, target)
    if state is None:
        return None
    state.improve(cands_of, until)
    state.target = None
    return _improved(state, tasks, cands_of, until, STALL_SHARE)


def _improved(
    state: Greedy,
    tasks: list[tuple[list[Candidate], str, int]],
    cands_of: dict[tuple[str, int], list[Candidate]],
    until: float,
    stall: float = 0.0,
) -> Greedy:
    """`state` after its moves (`Greedy.improve`), and what they left uncovered tried again."""
    if state.improve(cands_of, until, stall):
        served = len(state.roster.served)
        state.fill(tasks)
        state.settled = state.settled and len(state.roster.served) == served  # else moves may help again
    return state


def _tasks(built: RosterModel) -> list[tuple[list[Candidate], str, int]]:
    """(candidates, demand, week) for each demand-week with a minimum, neediest first."""
    prep = built.prep
    by_week: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for cand in built.x:
        by_week[(cand.demand, prep.week[cand.day])].append(cand)
    tasks = []
    for demand in prep.instance.demands:
        if demand.sessions.min == 0 or demand.priority == 0 or demand.team:
            continue
        for w in range(prep.n_weeks):
            cands = by_week.get((demand.id, w), [])
            if cands:
                tasks.append((cands, demand.id, w))
    tasks.sort(key=lambda task: (-prep.demands[task[1]].priority, len(task[0]) / prep.demands[task[1]].sessions.min))
    return tasks
