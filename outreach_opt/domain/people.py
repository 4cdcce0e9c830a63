"""Each person's own entries of an instance, gathered once, and the instance cut to a few people.

Why: a model or a check of a few people's lines need not read everyone's commitments,
requests, pins and pinned nights, and a caller that asks for many such cuts should not
rescan those lists each time. On Curtois & Qu Instance24 (150 people, 19,209 requests) the
by-specialist steps' rescans were 21 % of the first pass; on an 80 x 15 week `explain
--roster`'s trial rosters, each checked against the whole instance, spent most of their time
on the commitments of people the trial cannot touch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from outreach_opt.domain.instance import Commitment, Instance, Pin, Request, StayPin

_Owned = TypeVar("_Owned", Commitment, Request, Pin, StayPin)


class People:
    """The instance's specialists, and each one's commitments, requests, pins and pinned
    nights, gathered once."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.specialists = {s.id: s for s in instance.specialists}
        self.rank = {s.id: i for i, s in enumerate(instance.specialists)}
        self.commitments = _by_specialist(instance.commitments)
        self.requests = _by_specialist(instance.requests)
        self.pins = _by_specialist(instance.pins)
        self.pinned_stays = _by_specialist(instance.pinned_stays)

    def only(self, ids: Collection[str], **update: Any) -> Instance:
        """The instance with only these specialists (in the instance's order) and their own
        entries; `update` replaces other fields too (by_specialist gives its own demands).
        Everything else (sites, travel, demands, rules, weights) is the instance's."""
        kept = sorted(ids, key=self.rank.__getitem__)
        return self.instance.model_copy(
            update={
                "specialists": [self.specialists[i] for i in kept],
                "commitments": [c for i in kept for c in self.commitments.get(i, ())],
                "requests": [r for i in kept for r in self.requests.get(i, ())],
                "pins": [p for i in kept for p in self.pins.get(i, ())],
                "pinned_stays": [p for i in kept for p in self.pinned_stays.get(i, ())],
                **update,
            }
        )


def _by_specialist(items: Sequence[_Owned]) -> dict[str, list[_Owned]]:
    grouped: dict[str, list[_Owned]] = defaultdict(list)
    for item in items:
        grouped[item.specialist].append(item)
    return grouped
