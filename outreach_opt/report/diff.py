"""Who changed where and when between two rosters of one instance: the roster diff.

A department head republishing a week after someone falls ill needs to tell exactly the
people whose days changed, and what changed for each. The unit is the slot (specialist,
date, period): a slot whose contents differ is one change, `added` (empty before),
`removed` (empty after) or `changed` (something else there now). A night is a unit too
(specialist, night): a stay away from home (the roster's `stays`) added, removed or moved to
another site is one change, because someone booked a room or planned their evening around it.
These are also the units the repair model counts (solve/repair.py), so the count printed
here is the count it minimised.

Plain Python over the instance and the two rosters (assignments and stays): it reads no solver and no
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

from outreach_opt.check.context import day_text
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster, Stay

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


@dataclass(frozen=True)
class NightChange:
    """A night whose stay differs: `old` and `new` hold the stays listed for it (one in a
    valid roster), so a night moved to another site is `changed`."""

    specialist: str
    date: dt.date
    """The date whose evening the night begins (`Stay.night`)."""
    kind: ChangeKind
    old: tuple[Stay, ...]
    new: tuple[Stay, ...]
    note: str = ""
    """'moved to the night of Fri 2025-10-24' when the same specialist stays at that site on
    another night instead."""


Change = SlotChange | NightChange


def _kind(was: Sequence[object], now: Sequence[object]) -> ChangeKind:
    return "added" if not was else "removed" if not now else "changed"


def roster_diff(instance: Instance, old: Roster, new: Roster) -> list[Change]:
    """Every slot and every night whose contents differ, by specialist (instance order) and
    date; a day's slots in period order, then its night."""
    before, after = _by_slot(old.assignments), _by_slot(new.assignments)
    changes: list[SlotChange] = []
    for slot in set(before) | set(after):
        was, now = before.get(slot, ()), after.get(slot, ())
        if sorted(map(slot_value, was)) != sorted(map(slot_value, now)):
            changes.append(SlotChange(*slot, _kind(was, now), was, now))
    nights_before, nights_after = _by_night(old.stays), _by_night(new.stays)
    nights: list[NightChange] = []
    for night in set(nights_before) | set(nights_after):
        was_at, now_at = nights_before.get(night, ()), nights_after.get(night, ())
        if sorted(s.site for s in was_at) != sorted(s.site for s in now_at):
            nights.append(NightChange(*night, _kind(was_at, now_at), was_at, now_at))
    order = {s.id: i for i, s in enumerate(instance.specialists)}
    rank = {p.id: i for i, p in enumerate(instance.periods)}

    def key(c: Change) -> tuple[int, str, dt.date, int]:
        last = len(rank) + 1  # an unknown period before the night, the night last
        place = rank.get(c.period, last - 1) if isinstance(c, SlotChange) else last
        return (order.get(c.specialist, len(order)), c.specialist, c.date, place)

    return sorted([*_annotated(instance, changes), *_moved_nights(nights)], key=key)


def _by_night(stays: Iterable[Stay]) -> dict[tuple[str, dt.date], tuple[Stay, ...]]:
    nights: dict[tuple[str, dt.date], list[Stay]] = defaultdict(list)
    for stay in stays:
        nights[(stay.specialist, stay.night)].append(stay)
    return {night: tuple(items) for night, items in nights.items()}


def _moved_nights(changes: list[NightChange]) -> list[NightChange]:
    """Pair a night lost with a night gained by the same specialist at the same site (the
    nearest first): the stay moved to another night."""
    lost = [c for c in changes if c.kind == "removed"]
    gained = [c for c in changes if c.kind == "added"]
    notes: dict[int, str] = {}
    for lc in sorted(lost, key=lambda c: (c.specialist, c.date)):
        sites = {s.site for s in lc.old}
        match = [
            gc
            for gc in gained
            if gc.specialist == lc.specialist and id(gc) not in notes and sites & {s.site for s in gc.new}
        ]
        if match:
            gc = min(match, key=lambda c: (abs((c.date - lc.date).days), c.date))
            notes[id(lc)] = f"moved to the night of {day_text(gc.date)}"
            notes[id(gc)] = f"moved from the night of {day_text(lc.date)}"
    return [NightChange(c.specialist, c.date, c.kind, c.old, c.new, notes.get(id(c), "")) for c in changes]


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
    return f"{day_text(date)} {period}"


def describe_night(instance: Instance, stay: Stay) -> str:
    """'night at Chengde Central Hospital'."""
    sites = {s.id: s.name or s.id for s in instance.sites}
    return f"night at {sites.get(stay.site, stay.site)}"


def describe(instance: Instance, a: Assignment) -> str:
    """'clinic at Hebei Yanda Hospital (sanhe-clinic)' or 'clinic at … (commitment)'."""
    sites = {s.id: s.name or s.id for s in instance.sites}
    what = "commitment" if a.commitment else a.demand
    return f"{a.activity} at {sites.get(a.site, a.site)} ({what})"


def diff_lines(instance: Instance, changes: Sequence[Change]) -> list[tuple[str, str]]:
    """The diff for a terminal, as (kind, text): a 'specialist' heading each, then one line
    per changed slot or night with the date written once per day; '+' added, '-' removed,
    '~' changed. A night's line reads 'night' where a slot's reads its period."""
    names = {s.id: s.name or s.id for s in instance.specialists}
    lines: list[tuple[str, str]] = []
    last: tuple[str, dt.date | None] = ("", None)
    for c in changes:
        if c.specialist != last[0]:
            lines.append(("specialist", names.get(c.specialist, c.specialist)))
            last = (c.specialist, None)
        day = day_text(c.date) if c.date != last[1] else ""
        last = (c.specialist, c.date)
        if isinstance(c, SlotChange):
            old, new, period = [describe(instance, a) for a in c.old], [describe(instance, a) for a in c.new], c.period
        else:
            old, new, period = (
                [describe_night(instance, s) for s in c.old],
                [describe_night(instance, s) for s in c.new],
                "night",
            )
        if c.kind == "added":
            text = "+ " + ", ".join(new)
        elif c.kind == "removed":
            text = "- " + ", ".join(old)
        else:
            text = "~ " + ", ".join(new) + f", was {', '.join(old)}"
        note = f"  [{c.note}]" if c.note else ""
        lines.append((c.kind, f"  {day:<15} {period:<5} {text}{note}"))
    return lines


def summary(changes: Sequence[Change]) -> str:
    """'3 change(s) for 2 specialist(s): 1 added, 2 removed, 0 changed', and how many of them
    are nights when any are."""
    kinds = Counter(c.kind for c in changes)
    people = len({c.specialist for c in changes})
    if not changes:
        return "no changes: the rosters are the same"
    nights = sum(isinstance(c, NightChange) for c in changes)
    return (
        f"{len(changes)} change(s) for {people} specialist(s): {kinds['added']} added, "
        f"{kinds['removed']} removed, {kinds['changed']} changed"
    ) + (f" ({nights} of them nights away)" if nights else "")
