"""Rosters and output files given on the command line: refused early, with located messages.

Every command that reads a roster (export, show, explain, diff, repair) refuses one that names
unknown specialists, sites, periods, demands or dates, because nothing can be rendered, diffed
or repaired with an id the instance does not have. (An `--out` that could not be written is
refused before a long solve by `io.write.check_writable`.)
"""

from __future__ import annotations

import click

from outreach_opt.check.checker import Context, check_known_ids, usable_assignments
from outreach_opt.check.context import day_text
from outreach_opt.check.stays import unknown_stay_ids
from outreach_opt.domain.history import past_assignments
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import load_history

_LISTED = 10
"""Unknown-id problems listed before '… and N more'."""


def refuse_unknown_ids(instance: Instance, roster: Roster, source: str, doing: str) -> None:
    """An assignment with unknown ids (or serving neither a demand nor a commitment), or a
    night away at an unknown place or date, is bad input. The first few are listed; a roster
    made for another instance (the usual cause of many) is said so first; the last line says
    what to do before `doing` (e.g. "exporting it"). A missing travel time is not refused:
    its leg counts 0 minutes, as in the checker's totals."""
    ctx = Context.of(instance)
    usable = {id(a) for a in usable_assignments(ctx, roster.assignments)}
    unusable = [i for i, a in enumerate(roster.assignments) if id(a) not in usable]
    # Sentences (with their "did you mean" searches) for the listed ones only: for all 13,300
    # of a 1000 x 4-week roster given with a 300 x 1-week instance they took 1 min 45 s.
    listed = [
        Problem(("assignments", i), _refusal(violation.message), source)
        for i in unusable[:_LISTED]
        for violation in check_known_ids(ctx, [roster.assignments[i]])
    ]
    stays = _unknown_stays(ctx, roster, source)
    if not unusable and not stays:
        return
    problems = (listed + stays)[:_LISTED]
    more = len(unusable) + len(stays) - len(problems)
    if more > 0:
        problems.append(Problem((), f"… and {more} more like these.", source))
    if roster.instance != instance.name:
        problems.insert(0, Problem((), f"the roster is for {roster.instance!r}, not {instance.name!r}", source))
    problems.append(Problem((), f"fix the roster (or pair it with its own instance) before {doing}", source))
    raise InputError(problems)


def _refusal(message: str) -> str:
    """The checker's sentence without its note for the checks that follow: here none do."""
    return message.removesuffix(" It is left out of the other checks.")


def _unknown_stays(ctx: Context, roster: Roster, source: str) -> list[Problem]:
    """Nights away (`stays`) naming someone or somewhere the instance does not have, or dated
    outside its horizon: nothing can be diffed or repaired with them (repair would leave such a
    night out where diff counts it)."""
    return [
        Problem(
            ("stays", i),
            f"The night away of {stay.specialist!r} on {day_text(stay.night)} at {stay.site!r} {unknown}.",
            source,
        )
        for i, stay in enumerate(roster.stays)
        if (unknown := unknown_stay_ids(ctx, stay)) is not None
    ]


def past_from_history(instance: Instance, folder: str | None) -> list[Assignment]:
    """The earlier rosters' assignments that count for `instance` (`--history FOLDER`), with a
    note on standard error when the folder has assignments and none counts: only dates before
    the horizon do, and a folder holding this week's own roster was silently ignored."""
    if folder is None:
        return []
    rosters = load_history(folder)
    past = past_assignments(instance, rosters)
    given = sum(len(r.assignments) for r in rosters)
    if given and not past:
        click.echo(
            f"note: --history {folder}: none of its {given} assignment(s) counts; only sessions dated before "
            f"the horizon ({instance.horizon.start.isoformat()}) by the instance's specialists, sites and "
            "periods do",
            err=True,
        )
    return past
