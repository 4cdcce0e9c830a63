"""Solving an instance too long for one model: specialist by specialist (solve/by_specialist.py),
the roster priced by the engine's own model of the pairs it uses.

Why: on half a year or a year of nurse rostering the whole model cannot be built or searched
within a limit (Curtois & Qu Instance22, 50 people x 364 days: no roster in 250 s; Instance21
peaked at 5.9 GB; Instance24's shortlist alone ran past 12 minutes of a 120 s limit, choosing
among 150 people for each of 11,648 day-shift covers). The benchmark solved these by specialist
(benchmarks/curtois_qu.py) while `outreach-opt solve` tried the whole model, so a user who
imported Instance24 waited far past the limit for nothing. Now `solve` takes the same route
where it applies (`applies`): where the whole model is too large for the limit (`whole_fits`).
Since the whole model starts from the same first lines (solve/line_start.py), a long horizon
small enough for its limit is better solved whole: its neighbourhoods change several
people's lines at once, where the passes here stop once no one person's line can improve
alone (`WHOLE_SESSIONS_PER_SECOND` has the figures).

The roster's objective and terms come from the engine's model restricted to the (specialist,
demand) pairs the roster uses, with every decision fixed to the roster (`first_roster_of`,
completed like the greedy's): the same objective as the whole model's, because a term of the
model depends only on what is served and by whom, and a pair left out is one nobody serves.
On Instance20 (182 days, 50 people) that model had 5,165 candidates and priced the roster in
3.3 s, equal to the checker's 8372 (`/tmp/lead/price.py 20 60`, shared machine). The
independent checker still judges the roster, as for every solve.

No bound is claimed: the relaxation is not built for these (its LP over a year of days is
not what the limit is for), and a by-specialist roster proves nothing about the optimum.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import prepare
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.solve.builder import BuildOptions, RosterModel
from outreach_opt.solve.by_specialist import Judge, Steps, by_specialist, ties
from outreach_opt.solve.first_roster import Completed, complete_hint, hint
from outreach_opt.solve.line_start import first_roster_of
from outreach_opt.solve.lns import breakdown
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Progress, Result, Status, read_roster
from outreach_opt.solve.shortlist import asked_slots

logger = logging.getLogger(__name__)

LONGEST_WHOLE_DAYS = 84
"""Horizons up to twelve weeks are solved as one model; longer ones that decompose go by
specialist unless their whole model is small for the limit (`whole_fits`)."""
WHOLE_SESSIONS_PER_SECOND = 700
"""A longer horizon is still solved as one model when its sessions that fit by skills
(`fitting_sessions`) are at most this many per second of the time limit. Measured on Curtois
& Qu (idle, one run each way, `benchmarks/ab_settings.py` with `LONGEST_WHOLE_DAYS` raised
against this route; the whole model's first roster from everyone's first lines,
solve/line_start.py, then its neighbourhoods): Instance20 (39,130 sessions) at 60 s 5997
against 7231 by specialist, at 300 s 5049 against 7108 (best known 4769); Instance21
(100,646) at 150 s 22898 against 23860, at 300 s 21961 against 23431 (21133); Instance22
(120,484) at 300 s 44133 against 60225 (30241). Those runs had 652-671 sessions a second
at most."""
MOST_WHOLE_SESSIONS = 150_000
"""Above this many the whole model is not tried at any limit: Instance23 (369,096, with its
day patterns past `shortlist.FULL_MODEL_VARIABLES`, so modelled as a shortlist that kept every
pair, and a shortlisted model gets no first lines) found no roster in 300 s that way and
peaked at 8.1 GB (Instances 21 and 22 whole: 2.3 and 2.7 GB)."""
FIRST_PASS_SHARE = 0.5
"""Share of the search's time the first pass (everyone's first line) is planned to take, as
in benchmarks/curtois_qu.py."""
PRICE_SHARE = 0.15
"""Share of the limit kept for pricing the roster: building the model of its own pairs and
completing it, 3.3 s of 60 on Instance20 at load ~5, 10 s to build at load ~15."""
PRICE_MIN_SECONDS = 10.0
"""The completion gets at least this, past the limit if need be: a roster found and not
priced would be lost (at load ~15 the 1 s left on Instance20 was too little)."""


def applies(instance: Instance, past: Sequence[Assignment], judge: Judge | None, time_limit: float) -> bool:
    """Whether `solve` goes by specialist: a horizon past `LONGEST_WHOLE_DAYS` whose whole
    model does not fit the limit (`whole_fits`), nothing that ties specialists beyond the
    cover (`by_specialist.ties`), no past (the first lines do not count one), and a judge for
    the lines built in plain Python."""
    return (
        judge is not None
        and not past
        and instance.horizon.days > LONGEST_WHOLE_DAYS
        and not ties(instance)
        and not whole_fits(instance, time_limit)
    )


def whole_fits(instance: Instance, time_limit: float) -> bool:
    """Whether a long horizon's whole model is small enough for `time_limit` (`whole_from`).
    Why: the whole model's neighbourhoods move several people's lines at once, where each
    by-specialist step moves one against everyone else's, and settles where no one person's
    line can improve alone (Instance20 at 300 s: every line proven the best given the others'
    after 122 s, at 7108)."""
    least = whole_from(instance)
    return least is not None and time_limit >= least


def whole_from(instance: Instance) -> float | None:
    """The time limit from which a long horizon is solved as one model
    (`WHOLE_SESSIONS_PER_SECOND`); None when it never is (`MOST_WHOLE_SESSIONS`)."""
    sessions = fitting_sessions(instance)
    return sessions / WHOLE_SESSIONS_PER_SECOND if sessions <= MOST_WHOLE_SESSIONS else None


def fitting_sessions(instance: Instance) -> int:
    """(specialist, demand, date, period) with the skills: the whole model's candidate
    sessions before days off and unavailability (equal to them on Curtois & Qu 20-24). The
    demands' slots are summed per set of skills they need, then per specialist over the sets
    within theirs: a year of Instance24 (150 people, 11,648 demands) in a few hundredths of a
    second."""
    slots: Counter[frozenset[str]] = Counter()
    for dem in instance.demands:
        slots[frozenset(dem.skills)] += asked_slots(instance, dem)
    per_skills: dict[frozenset[str], int] = {}
    total = 0
    for spec in instance.specialists:
        has = frozenset(spec.skills)
        if has not in per_skills:
            per_skills[has] = sum(n for needs, n in slots.items() if needs <= has)
        total += per_skills[has]
    return total


def solve_by_specialist(
    instance: Instance,
    options: SolveOptions,
    started: float,
    judge: Judge,
    on_progress: Callable[[Progress], None] | None = None,
    run: Callable[[Callable[[int], None], Callable[[], None]], None] | None = None,
) -> Result:
    """The by-specialist roster found by the limit, priced by the model of its own pairs.
    `run(stop, search)` runs the search so that a signal calls `stop` (the CLI's Ctrl-C): the
    roster of the last finished pass is kept, marked interrupted."""
    until = started + (1 - PRICE_SHARE) * options.time_limit
    first_until = started + FIRST_PASS_SHARE * (until - started)
    signals: list[int] = []
    found: list[Roster] = []
    settled: list[float] = []  # when the passes proved every line the best given the others'

    def stage(text: str) -> None:
        if on_progress is not None:
            on_progress(Progress(time.perf_counter() - started, None, None, stage=text))

    def search() -> None:
        roster = by_specialist(
            instance,
            Steps(workers=options.workers, seed=options.seed),
            first_until=first_until,
            until=until,
            judge=judge,
            on_roster=found.append,
            stopped=lambda: bool(signals),
            on_stage=stage,
            give_up_after=started + options.time_limit,
            on_settled=lambda: settled.append(time.perf_counter() - started),
        )
        if roster is not None:
            found.append(roster)

    if run is None:
        search()
    else:
        run(signals.append, search)
    searched = time.perf_counter()
    interrupted = bool(signals)
    if not found:
        wall = searched - started
        logger.info("by specialist: no roster after %.2fs", wall)
        return Result(Status.UNKNOWN, None, None, None, {}, wall, wall, interrupted)
    left = started + options.time_limit - time.perf_counter()
    people = len({a.specialist for a in found[-1].assignments})
    stage(f"pricing the roster: the engine's model of its {people} specialists' pairs")
    priced = price(instance, found[-1], max(PRICE_MIN_SECONDS, left))
    if priced is None:
        wall = time.perf_counter() - started
        logger.warning("by specialist: the roster could not be priced by the model (%.2fs)", wall)
        return Result(Status.UNKNOWN, None, None, None, {}, wall, searched - started, interrupted)
    built, completed = priced
    assert completed.solver is not None  # complete_hint's always holds its solver
    terms = breakdown(built, completed.solver)
    objective = sum(terms.values())
    roster = read_roster(built, completed.solver, Status.FEASIBLE, objective, None, interrupted)
    wall = time.perf_counter() - started
    pricing = wall - (searched - started)
    logger.info("by specialist: %d, priced in %.2fs (%d candidates)", objective, pricing, len(built.x))
    if on_progress is not None:
        on_progress(Progress(wall, objective, None))
    ended = None
    if settled and not interrupted:
        least = whole_from(instance)
        whole = (
            f"; from --time-limit {math.ceil(least)} it is solved as one model instead, which may find a cheaper one"
            if least is not None and least > options.time_limit
            else ""
        )
        ended = (
            f"the search ended at {settled[0]:.1f} s of {options.time_limit:g}: each specialist's line is "
            "proven the best given everyone else's, so a longer --time-limit gives the same roster this way "
            f"(solved specialist by specialist; not a proof of the best roster){whole}"
        )
    return Result(
        Status.FEASIBLE, roster, objective, None, terms, wall, searched - started, interrupted, ended_early=ended
    )


def price(instance: Instance, roster: Roster, limit: float) -> tuple[RosterModel, Completed] | None:
    """The engine's model of the (specialist, demand) pairs `roster` uses, its decisions fixed
    to the roster and completed within `limit` seconds (module docstring); None when the model
    cannot express the roster (a day the enumeration does not make) or it is not completed.
    No symmetry breaking: two specialists alike in the instance need not share the roster's
    pairs, so ordering their schedules could ask for a pair the model leaves out."""
    pairs = frozenset((a.specialist, a.demand) for a in roster.assignments if a.demand is not None)
    built = RosterModel(prepare(instance, (), pairs=pairs), BuildOptions(symmetry_breaking=False)).build()
    first = first_roster_of(built, roster)
    if first is None:
        return None
    hint(built, first)
    completed = complete_hint(built, limit)
    return None if completed is None else (built, completed)
