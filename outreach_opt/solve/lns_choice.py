"""Which specialist-days a neighbourhood frees (solve/lns.py runs them): the kinds that take
turns, their sizes, and where they are centred (short demands, unmet requests, and at large
instances the specialists whose burden sets the fairness term, solve/lns_focus.py).

Why a module of its own: the choice is plain Python over names and days, testable without a
model, while lns.py holds the loop that solves the neighbourhoods (lanes, replay, stop)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from outreach_opt.domain.prepared import Prepared
from outreach_opt.solve.lns_focus import FOCUS_FROM_SPECIALISTS, large_kinds

SpecDay = tuple[str, int]

KINDS = {"specialists": 0.1, "days": 0.15, "block": 0.2, "pair": 0.15}
"""The kinds that take turns, each with its first size (share of its units). Besides the
first three, `pair`: everyone over two windows of half the width, one around a short day
and one anywhere, so that a shift can move from a day that can spare it to a short day far
away (one window holds both only when they are close; a person's total minutes and shifts
over the horizon stay as they were outside the windows). `cover` (one short demand-week's
possible servers over a window around it; commit d5c2633) was measured and left out:
against the three kinds alone, Curtois & Qu 60 s, seeds 0-1, alternated, loaded machine
(load 5-10): Instance8 2140 / 1860 with it against 1754 / 1922, Instance12 5162 / 5185
against 5294 / 4760. With `pair`: Instance8 1857 / 1742 against 1753 / 2037, Instance12 5071 / 5180 against 5375 / 5592.
In those runs `days` gained most per neighbourhood, then `pair`; `specialists` least."""

WEEKENDS = 0.15
"""First size (share of the specialists) of the `weekends` kind, where `max_weekends` binds
(`weekend_days`); 0 leaves the kind out. It frees a few people on every weekend of the
horizon, each weekend with its Friday and Monday, and nothing else of theirs. Why: under a
binding limit a person gives up one weekend only to take another, so a Saturday left short is
mended by someone trading one of their weekends for it, their runs into Friday or Monday
(minimum runs and rests) moving along. `days` and `pair` free everyone over one or two windows,
so over one or two weekends; `specialists` frees whole horizons of fewer people to trade among
(at first 12 of Instance13's 120, 336 specialist-days, against this kind's 18 and 270). On
Curtois & Qu Instance13 the weekend cover alone as a MIP (weekend days only; each person's
weekend limit, period limits, Saturday-to-Sunday successions and days off) leaves at least 11
sessions short (HiGHS, proven optimal), and the rosters counted (150 s and 300 s) left 17-25
short, all on Saturdays and Sundays.
Measured: models/NEIGHBOURHOODS.md, "A kind for weekends, around them only"."""
REQUEST_FOCUS = 0.5
"""Share of neighbourhoods centred on an unmet soft request (`Search.unmet`) rather than on a
short demand, when the roster has both. Why: the focus on short demands alone pulls every
window and half of every group of people to the uncovered sessions, also once they cannot be
mended: on Curtois & Qu Instance7 (300 s, seed 0, loaded machine) the roster reached 1071 at
54 s with 10 uncovered sessions (1056, the best-known, allows at most 10) and then gained 10
points of requests in 230 s, 512 neighbourhoods all around the uncovered days. Requests are
paid where the people who asked are, often elsewhere in the horizon. Measured A/B (60 s,
seeds 1-4, alternated, loaded): means 1521 / 4808 / 4576 against 1733 / 4838 / 4917 on
Instances 8, 10 and 12 (cheaper on 4, 2 and 3 seeds of 4), 1117 against 1068 on 7 (cheaper
on 1); figures and their noise in models/NEIGHBOURHOODS.md."""
GROW = 1.25
"""Factor a kind's size grows by after a closed neighbourhood (and shrinks by after a timeout)."""
MIN_SHARE = 0.01
"""Least size a kind shrinks to after timeouts, or its first size where that is smaller: a
timeout never grows a kind. Why the second part: the large instances' kinds start at
`lns_focus.LARGE_UNITS` specialist-days, 0.002 of 1000 specialists x 28 days, and a first
timeout took them to this 0.01 at once (280 specialist-days, the sizes seen at 1000 x 60 x 4
weeks, medians 0.01-0.013). Their sizes find about the same level by growing after closed
neighbourhoods: with the floor at 0.0005 the medians were 0.007-0.01 and the rosters cost the
same (XL seeds 1-3, 300 s, one alternated round, sums within 0.004 %; models/NEIGHBOURHOODS.md)."""


@dataclass
class Neighbourhoods:
    """Chooses which specialist-days to free, with a size per kind that adapts."""

    specialists: list[str]
    n_days: int
    rng: random.Random
    size: dict[str, float] = field(default_factory=lambda: dict(KINDS))
    turn: int = 0
    weekends: list[list[int]] = field(default_factory=list)
    """Day indices of each weekend whose count binds someone (`weekend_days`): with any, the
    `weekends` kind takes its turn."""
    floor: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        if self.weekends and WEEKENDS > 0:
            self.size.setdefault("weekends", WEEKENDS)
        self.floor = {kind: min(MIN_SHARE, share) for kind, share in self.size.items()}

    @classmethod
    def sized(
        cls,
        specialists: list[str],
        n_days: int,
        rng: random.Random,
        fair: bool,
        weekends: list[list[int]] | None = None,
    ) -> Neighbourhoods:
        """`KINDS` below `FOCUS_FROM_SPECIALISTS`, with `weekends` when given (`weekend_days`);
        from it the large instances' kinds and sizes (`lns_focus.large_kinds`, with `fair` when
        the model has a fairness term to focus on; `weekends` was not measured there)."""
        if len(specialists) < FOCUS_FROM_SPECIALISTS:
            return cls(specialists, n_days, rng, weekends=list(weekends or []))
        return cls(specialists, n_days, rng, size=large_kinds(len(specialists), n_days, fair))

    def next(
        self,
        short: list[SpecDay],
        unmet: list[SpecDay] | None = None,
        fair: Callable[[int, random.Random], list[str]] | None = None,
    ) -> tuple[str, set[SpecDay]]:
        """The next neighbourhood. `short` lists (specialist, day) pairs that could serve a
        session the roster leaves uncovered: a window is centred on one of their days and
        specialists are drawn from them first, so what is freed can mend what costs most.
        `unmet` lists the (specialist, day) of each soft request the roster does not grant:
        with both, `REQUEST_FOCUS` of the neighbourhoods take their focus from it instead.
        `fair(k, rng)` draws k specialists around the heaviest burdens (`lns_focus.FairFocus`)
        for the `fair` kind: their whole horizons are freed."""
        kinds = list(self.size)
        kind = kinds[self.turn % len(kinds)]
        self.turn += 1
        share = self.size[kind]
        if unmet and (not short or self.rng.random() < REQUEST_FOCUS):
            short = unmet
        n, days = len(self.specialists), self.n_days
        k = max(1, min(n, round(share * n)))  # people freed by the kinds sized in people
        focus = self.rng.choice(short) if short else None
        if kind == "fair" and fair is not None:
            people = fair(k, self.rng)
            if people:
                return kind, {(s, t) for s in people for t in range(days)}
        if kind in ("specialists", "fair"):  # `fair` without a focus: as `specialists`
            return kind, {(s, t) for s in self._people(k, short) for t in range(days)}
        if kind == "weekends":
            return kind, {(s, t) for s in self._people(k, short) for t in self._around_weekends()}
        if kind == "pair":
            width = max(1, min(days, round(share * days)))
            first = self._window(max(1, width // 2), focus)
            second = self._window(max(1, width - len(first)), None)
            return kind, {(s, t) for s in self.specialists for t in (*first, *second)}
        if kind == "days":
            window = self._window(max(1, min(days, round(share * days))), focus)
            return kind, {(s, t) for s in self.specialists for t in window}
        # block: sqrt of the share in each direction, at least half the days
        width = max(1, min(days, round(max(0.5, share**0.5) * days)))
        count = max(1, min(n, round(share * n * days / width)))
        window = self._window(width, focus)
        return kind, {(s, t) for s in self._people(count, short) for t in window}

    def _window(self, width: int, focus: SpecDay | None) -> range:
        if focus is None:
            start = self.rng.randrange(days - width + 1) if (days := self.n_days) > width else 0
        else:
            start = min(max(0, focus[1] - self.rng.randrange(width)), self.n_days - width)
        return range(start, start + width)

    def _around_weekends(self) -> list[int]:
        """Every weekend's days with the day before and the day after, inside the horizon."""
        days = {t + step for ts in self.weekends for t in (min(ts), max(ts)) for step in (-1, 0, 1)}
        return sorted(t for t in days if 0 <= t < self.n_days)

    def _people(self, k: int, short: list[SpecDay]) -> list[str]:
        able = sorted({s for s, _ in short})
        first = self.rng.sample(able, min(len(able), (k + 1) // 2))
        rest = [s for s in self.specialists if s not in first]
        return first + self.rng.sample(rest, min(len(rest), k - len(first)))

    def closed(self, kind: str) -> None:
        self.size[kind] = min(1.0, self.size[kind] * GROW)

    def timed_out(self, kind: str) -> None:
        self.size[kind] = max(self.floor[kind], self.size[kind] / GROW)


def weekend_days(prep: Prepared) -> list[list[int]]:
    """The horizon's weekends (`Prepared.weekends`) when some specialist may work fewer of them
    than there are (`max_weekends`), else none: only then is *which* weekends one works a
    choice that costs (`WEEKENDS`)."""
    count = len(prep.weekends)
    limits = (spec.max_weekends for spec in prep.instance.specialists)
    return prep.weekends if any(limit is not None and limit < count for limit in limits) else []
