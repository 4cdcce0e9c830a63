"""Neighbourhoods for large instances: two kinds and the `fair` focus, sized in specialist-days.

Why: at 300 specialists x 40 sites x 1 week (a restricted model, solve/shortlist.py) the
objective is almost all `fairness_deviation` (seed 1's greedy roster: 5,724,750 of 5,754,771),
and the roster's cost sits close to the relaxation's bound at the roster's own total burden
`T` (models/BOUNDS.md, "Where the gap sits"): what is left to gain is mostly burden moved off the
specialists above the mean (`n B_s > T`) onto those below it, which lowers their deviations
and, where it also lowers the total, everybody's. The default kinds (`lns_choice.KINDS`),
sized as shares of everything, free 200-600 specialist-days there: on a loaded machine each
of 22 neighbourhoods in 26 s ran out of its 1 s step and none found a better roster (seed 1,
60 s). Here: `specialists` and `block` (a few people over a whole or half a week; `days`
and `pair` free all 300 people at once), each about `LARGE_UNITS` specialist-days, and
`fair`: whole horizons of a few specialists drawn by how far their burden sits above the
mean, with people who could take their sessions (candidates of the demands they serve in
the roster) whose burden is below it.

The focus only chooses what is freed: every roster found is still a whole roster of the
model, judged by its own terms as before. Measured against main (L seeds 1-3, 60 s, loaded,
interleaved, four rounds): cheaper on 10 of 12 pairs by up to 2.1 %, the gap to the
relaxation's bound still 12-15 %; figures in models/NEIGHBOURHOODS.md, "Neighbourhoods for large
instances".
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from outreach_opt.solve.builder import RosterModel

FOCUS_FROM_SPECIALISTS = 200
"""Instances with this many specialists and more get `large_kinds`; smaller ones (80 x 15,
Curtois & Qu) keep `lns_choice.KINDS`, measured there."""
LARGE_UNITS = 60
"""Specialist-days each large-instance kind frees at first (then grown or shrunk as any kind)."""
HEAVY_SHARE = 1 / 3
"""Share of a `fair` neighbourhood's people drawn among those above the mean burden; the
rest are people who could take their sessions."""


def large_kinds(n: int, days: int, fair: bool) -> dict[str, float]:
    """The kinds of an instance of `n` specialists over `days` days, each freeing about
    `LARGE_UNITS` specialist-days; `fair` only with a fairness term to focus on."""
    share = min(1.0, LARGE_UNITS / max(1, n * days))
    kinds = {"specialists": share, "block": share}
    if fair:
        kinds["fair"] = share
    return kinds


def fair_people(
    k: int,
    burden: Mapping[str, int],
    served: Callable[[str], set[str]],
    able: Mapping[str, Sequence[str]],
    rng: random.Random,
) -> list[str]:
    """k specialists (or fewer): `HEAVY_SHARE` of them drawn among the sharers whose scaled
    burden is above the mean (`n B_s > T`, `T` the total), each with a chance in proportion to
    `n B_s - T`, its share of the deviation it sets; the others among the specialists who could
    serve a demand the heavy ones serve (`served`, `able`), first those below the mean (a
    specialist who shares no outreach counts as below: moving a session to them lowers `T`).
    Empty when no sharer is above the mean (every burden equal)."""
    n, total = len(burden), sum(burden.values())
    excess = {s: n * b - total for s, b in burden.items() if n * b > total}
    heavy: list[str] = []
    for _ in range(min(len(excess), max(1, math.ceil(k * HEAVY_SHARE)))):
        names = sorted(s for s in excess if s not in heavy)
        heavy.extend(rng.choices(names, weights=[excess[s] for s in names]))
    if not heavy:
        return []
    partners = sorted({p for s in heavy for d in served(s) for p in able.get(d, ())} - set(heavy))
    below = [p for p in partners if n * burden.get(p, 0) < total]
    others = [p for p in partners if n * burden.get(p, 0) >= total]
    room = k - len(heavy)
    chosen = rng.sample(below, min(len(below), room))
    chosen += rng.sample(others, min(len(others), room - len(chosen)))
    return heavy + chosen


class FairFocus:
    """The model's sharers and who can serve what, to draw `fair_people` on any roster."""

    def __init__(self, built: RosterModel) -> None:
        assert built.fairness is not None  # `of` makes one only with a fairness term
        self.sharers = [(sharer.specialist, sharer.burden.index) for sharer in built.fairness.sharers]
        self.serving: dict[str, list[tuple[str, int]]] = defaultdict(list)
        """Each specialist's candidate sessions: (demand, variable index)."""
        able: dict[str, set[str]] = defaultdict(set)
        for cand, var in built.x.items():
            self.serving[cand.specialist].append((cand.demand, var.index))
            able[cand.demand].add(cand.specialist)
        self.able = {d: sorted(people) for d, people in able.items()}

    @classmethod
    def of(cls, built: RosterModel) -> FairFocus | None:
        """None without `fairness_deviation` (nothing to focus on)."""
        return cls(built) if built.fairness is not None else None

    def people(self, values: np.ndarray, k: int, rng: random.Random) -> list[str]:
        """`fair_people` on the roster whose full value vector is `values`."""
        burden = {s: int(values[i]) for s, i in self.sharers}

        def served(spec: str) -> set[str]:
            return {d for d, i in self.serving.get(spec, ()) if values[i]}

        return fair_people(k, burden, served, self.able, rng)
