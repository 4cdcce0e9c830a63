"""The consortium's own work as a department head reads it off a roster: who the green channel
can call in each slot, and who teaches which local doctor, against their monthly target.

Both come from the checker (`check/reach.py`, `check/teaching.py`), never from the roster's
own claims (a solved roster lists `on_call`, a hand-edited one may not, or may be wrong), so
the terminal tables and the HTML page show exactly what the rules judged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from outreach_opt.check.context import Context
from outreach_opt.check.reach import on_call_slots
from outreach_opt.check.teaching import TeachingBlock, teaching_blocks, teaching_sessions
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster


@dataclass(frozen=True)
class OnCallSlot:
    """One period of one green channel's window: who is within reach, and how many it needs."""

    on_call: str
    name: str
    site: str
    date: dt.date
    period: str
    count: int
    within_reach: list[str]
    """Specialist ids, in instance order."""
    soft: bool
    """The entry has a weight: a shortfall costs instead of breaking the rule."""

    @property
    def short(self) -> int:
        return max(0, self.count - len(self.within_reach))


def on_call(instance: Instance, roster: Roster, ctx: Context | None = None) -> list[OnCallSlot]:
    """Every slot of every on-call entry, in entry, date and period order."""
    ctx = ctx or Context.of(instance, stays=roster.stays)  # whereabouts start and end at stays
    return [
        OnCallSlot(oc.id, oc.name or oc.id, oc.site, day, period, oc.count, near, oc.weight is not None)
        for oc, day, period, near in on_call_slots(ctx, roster.assignments)
    ]


@dataclass(frozen=True)
class Lesson:
    """One session that teaches a trainee: its teachers (every member of a team session)."""

    date: dt.date
    period: str
    demand: str
    site: str
    teachers: list[str]


@dataclass(frozen=True)
class Trainee:
    """A local doctor: the sessions that taught them, their distinct teachers, their blocks."""

    trainee: str
    name: str
    site: str
    lessons: list[Lesson]
    teachers: list[str]
    """Specialist ids, in the order they first teach."""
    blocks: list[TeachingBlock]

    @property
    def short(self) -> int:
        return sum(block.short for block in self.blocks)


def teaching(instance: Instance, roster: Roster, ctx: Context | None = None) -> list[Trainee]:
    """Per trainee (instance order), as the checker's teaching terms count them."""
    ctx = ctx or Context.of(instance)
    taught = teaching_sessions(ctx, roster.assignments)
    blocks = defaultdict(list)
    for block in teaching_blocks(ctx, roster.assignments):
        blocks[block.trainee].append(block)
    rows = []
    for trainee in instance.trainees:
        sessions = sorted(taught[trainee.id], key=lambda a: (a.date, ctx.period_rank[a.period], a.demand or ""))
        lessons: dict[tuple[dt.date, str, str], Lesson] = {}
        for a in sessions:
            key = (a.date, a.period, a.demand or "")
            lessons.setdefault(key, Lesson(a.date, a.period, a.demand or "", a.site, [])).teachers.append(a.specialist)
        teachers = list(dict.fromkeys(a.specialist for a in sessions))
        rows.append(
            Trainee(trainee.id, trainee.label, trainee.site, list(lessons.values()), teachers, blocks[trainee.id])
        )
    return rows
