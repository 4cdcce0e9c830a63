"""Terms `teaching_continuity` and `teaching_target`, recomputed from a roster: a session of a
demand that `teaches` a trainee teaches them when the trainee is available then; each
distinct teacher of a trainee costs `weights.distinct_teacher`, each session short of a
trainee's target in a 4-week block costs `weights.teaching_session`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from outreach_opt.check.context import Context
from outreach_opt.check.teams import held_sessions, is_complete
from outreach_opt.domain.roster import Assignment


def teaching_sessions(ctx: Context, assignments: Sequence[Assignment]) -> dict[str, list[Assignment]]:
    """Trainee id -> the roster's sessions that teach them (they are available then)."""
    trainees = {r.id: r for r in ctx.instance.trainees}
    taught: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        demand = ctx.demands.get(a.demand or "")
        if demand is None or not ctx.in_horizon(a.date):
            continue
        for r in demand.teaches:
            if not trainees[r].is_off(a.date, a.period):
                taught[r].append(a)
    return taught


@dataclass(frozen=True)
class TeachingBlock:
    """One trainee's 4-week block (or the horizon's shorter last one): its target and the
    sessions that taught them in it."""

    trainee: str
    first: dt.date
    days: int
    target: int
    held: int

    @property
    def short(self) -> int:
        return max(0, self.target - self.held)


def teaching_blocks(ctx: Context, assignments: Sequence[Assignment]) -> list[TeachingBlock]:
    """Per trainee and block, the target against the sessions held: a team session counts
    once, whole or not at all (as coverage counts it)."""
    whole = [
        members[0]
        for members in held_sessions(ctx, assignments)
        if is_complete(ctx.demands[members[0].demand or ""], members)
    ]
    counted = teaching_sessions(ctx, whole)
    blocks = []
    for trainee in ctx.instance.trainees:
        for start, length, target in trainee.target_blocks(ctx.instance.horizon.days):
            held = sum(1 for a in counted[trainee.id] if start <= (a.date - ctx.first_date).days < start + length)
            first = ctx.first_date + dt.timedelta(days=start)
            blocks.append(TeachingBlock(trainee.id, first, length, target, held))
    return blocks


def teaching_costs(ctx: Context, assignments: Sequence[Assignment]) -> dict[str, int]:
    """Every member of a team session is a teacher; sessions short of the targets as
    `teaching_blocks` counts them."""
    weights = ctx.instance.weights
    taught = teaching_sessions(ctx, assignments)
    teachers = sum(len({a.specialist for a in sessions}) for sessions in taught.values())
    short = sum(block.short for block in teaching_blocks(ctx, assignments))
    return {
        "teaching_continuity": weights.distinct_teacher * teachers,
        "teaching_target": weights.teaching_session * short,
    }
