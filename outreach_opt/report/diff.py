"""Who changed where and when between two rosters of one instance: the roster diff.

A department head republishing a week after someone falls ill needs to tell exactly the
people whose days changed, and what changed for each. The unit is the slot (specialist,
date, period): a slot whose contents differ is one change, `added` (empty before),
`removed` (empty after) or `changed` (something else there now). That is also the unit the
repair model counts (solve/repair.py), so the count printed here is the count it minimised.

Plain Python over the instance and the two assignment lists: it reads no solver and no
checker, so it can judge a repair independently. Each change also says where its session
went or came from when the diff shows it (handed over to someone in the same slot, or moved
by the same specialist to another slot), which reads far better than a bare add and remove.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from outreach_opt.check.context import WEEKDAY_NAMES
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment

ChangeKind = Literal["added", "removed", "changed"]
Slot = tuple[str, dt.date, str]


def slot_value(a: Assignment) -> tuple[str, str, str | None, bool]:
    """What a slot holds, for comparing: site, activity, demand, commitment."""
    return (a.site, a.activity, a.demand, a.commitment)


@dataclass(frozen=True)
class SlotChange:
    specialist: str
    date: dt.date
    period: str
    kind: ChangeKind
    old: tuple[Assignment, ...]
    new: tuple[Assignment, ...]
    note: str = ""
    """Where the session went or came from, when the diff shows it: 'to Wang Jing', 'moved to
    Thu 2025-10-23 pm'."""


def roster_diff(instance: Instance, old: Iterable[Assignment], new: Iterable[Assignment]) -> list[SlotChange]:
    """Every slot whose contents differ, by specialist (instance order), date and period."""
    before = _by_slot(old)
    after = _by_slot(new)
    order = {s.id: i for i, s in enumerate(instance.specialists)}
    rank = {p.id: i for i, p in enumerate(instance.periods)}
    changes = []
    for slot in set(before) | set(after):
        was, now = before.get(slot, ()), after.get(slot, ())
        if sorted(map(slot_value, was)) == sorted(map(slot_value, now)):
            continue
        kind: ChangeKind = "added" if not was else "removed" if not now else "changed"
        changes.append(SlotChange(*slot, kind, was, now))
    changes.sort(key=lambda c: (order.get(c.specialist, len(order)), c.specialist, c.date, rank.get(c.period, 99)))
    return _annotated(instance, changes)


def _by_slot(assignments: Iterable[Assignment]) -> dict[Slot, tuple[Assignment, ...]]:
    slots: dict[Slot, list[Assignment]] = defaultdict(list)
    for a in assignments:
        slots[(a.specialist, a.date, a.period)].append(a)
    return {slot: tuple(items) for slot, items in slots.items()}


def _annotated(instance: Instance, changes: list[SlotChange]) -> list[SlotChange]:
    """Pair a lost demand session with a gained one of the same demand: first in the same
    slot by someone else (handed over), then by the same specialist elsewhere (moved), then
    by someone else elsewhere in the same week (taken over)."""
    names = {s.id: s.name or s.id for s in instance.specialists}
    start = instance.horizon.start
    lost = [(c, a) for c in changes for a in c.old if a.demand is not None and a not in c.new]
    gained = [(c, a) for c in changes for a in c.new if a.demand is not None and a not in c.old]
    notes: dict[int, list[str]] = defaultdict(list)
    used: set[int] = set()

    def pair(la: Assignment, ga: Assignment, kind: int) -> tuple[str, str] | None:
        same_slot = (ga.date, ga.period) == (la.date, la.period)
        same_week = (ga.date - start).days // 7 == (la.date - start).days // 7
        who_lost, who_gained = names.get(la.specialist, la.specialist), names.get(ga.specialist, ga.specialist)
        if kind == 0 and same_slot and ga.specialist != la.specialist:
            return f"to {who_gained}", f"from {who_lost}"
        if kind == 1 and not same_slot and ga.specialist == la.specialist:
            return f"moved to {when(ga.date, ga.period)}", f"moved from {when(la.date, la.period)}"
        if kind == 2 and not same_slot and same_week and ga.specialist != la.specialist:
            return f"to {who_gained}, {when(ga.date, ga.period)}", f"from {who_lost}, {when(la.date, la.period)}"
        return None

    for kind in range(3):
        for lc, la in lost:
            for gc, ga in gained:
                if id(la) in used or id(ga) in used or ga.demand != la.demand:
                    continue
                found = pair(la, ga, kind)
                if found is not None:
                    notes[id(lc)].append(found[0])
                    notes[id(gc)].append(found[1])
                    used |= {id(la), id(ga)}
    return [SlotChange(c.specialist, c.date, c.period, c.kind, c.old, c.new, "; ".join(notes[id(c)])) for c in changes]


def when(date: dt.date, period: str) -> str:
    return f"{WEEKDAY_NAMES[date.weekday()]} {date.isoformat()} {period}"


def describe(instance: Instance, a: Assignment) -> str:
    """'clinic at Hebei Yanda Hospital (sanhe-clinic)' or 'clinic at … (commitment)'."""
    sites = {s.id: s.name or s.id for s in instance.sites}
    what = "commitment" if a.commitment else a.demand
    return f"{a.activity} at {sites.get(a.site, a.site)} ({what})"


def diff_lines(instance: Instance, changes: Sequence[SlotChange]) -> list[tuple[str, str]]:
    """The diff for a terminal, as (kind, text): a 'specialist' heading each, then one line
    per changed slot with the date written once per day; '+' added, '-' removed, '~' changed."""
    names = {s.id: s.name or s.id for s in instance.specialists}
    lines: list[tuple[str, str]] = []
    last: tuple[str, dt.date | None] = ("", None)
    for c in changes:
        if c.specialist != last[0]:
            lines.append(("specialist", names.get(c.specialist, c.specialist)))
            last = (c.specialist, None)
        day = f"{WEEKDAY_NAMES[c.date.weekday()]} {c.date.isoformat()}" if c.date != last[1] else ""
        last = (c.specialist, c.date)
        if c.kind == "added":
            text = "+ " + ", ".join(describe(instance, a) for a in c.new)
        elif c.kind == "removed":
            text = "- " + ", ".join(describe(instance, a) for a in c.old)
        else:
            was = ", ".join(describe(instance, a) for a in c.old)
            text = "~ " + ", ".join(describe(instance, a) for a in c.new) + f", was {was}"
        note = f"  [{c.note}]" if c.note else ""
        lines.append((c.kind, f"  {day:<15} {c.period:<5} {text}{note}"))
    return lines


def summary(changes: Sequence[SlotChange]) -> str:
    """'3 changes for 2 specialists: 1 added, 2 removed, 0 changed'."""
    kinds = Counter(c.kind for c in changes)
    people = len({c.specialist for c in changes})
    if not changes:
        return "no changes: the rosters are the same"
    return (
        f"{len(changes)} change(s) for {people} specialist(s): {kinds['added']} added, "
        f"{kinds['removed']} removed, {kinds['changed']} changed"
    )
