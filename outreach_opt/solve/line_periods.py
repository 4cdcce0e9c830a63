"""The periods of a lone specialist's worked days by dynamic programming over the minutes
worked (step 2 of solve/first_line.py, when its greedy pass fails).

Why: the greedy pass picks each day's best period and then switches days one at a time to
longer (shorter) periods until the total minutes fit; where long periods may follow few
others (Curtois & Qu Instance21: after a 12-hour shift only an 8-hour one, and at most 46
of each), single switches stall below the minimum (A: 17360 of at least 18400 minutes)
and 38 of its 100 people were left to CP-SAT.

This is exact for the successions and the minute limits: over the worked days in date
order, its state is the period worked and the minutes so far (in units of the lengths'
greatest common divisor, a numpy vector per period), each day adding its period's value.
`max_sessions_by_period` is kept by taking a period off its least valuable days beyond its
limit and solving again (a few rounds); a line still over it is not returned.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

NEG = -1e18
ROUNDS = 6
"""Solves at most, each taking an over-used period off some of its days."""


def periods_by_minutes(
    days: list[int],
    values: list[dict[str, float]],
    length: dict[str, int],
    forbidden: set[tuple[str, str]],
    limits: dict[str, int],
    lo: int,
    hi: int | None,
) -> dict[int, str] | None:
    """A period per day of `days` (sorted), from `values[t]` (period -> value), with no
    forbidden pair on consecutive days, minutes in [lo, hi] and the period limits kept,
    of the greatest value found; None when there is none."""
    open_values = [dict(v) for v in values]
    for _ in range(ROUNDS):
        chosen = _solve(days, open_values, length, forbidden, lo, hi)
        if chosen is None:
            return None
        used = Counter(chosen.values())
        over = {p: n - limits[p] for p, n in used.items() if p in limits and n > limits[p]}
        if not over:
            return chosen
        for p, extra in over.items():
            worst = sorted((t for t, q in chosen.items() if q == p), key=lambda t: open_values[t][p])[:extra]
            for t in worst:
                del open_values[t][p]
    return None


def _solve(
    days: list[int],
    values: list[dict[str, float]],
    length: dict[str, int],
    forbidden: set[tuple[str, str]],
    lo: int,
    hi: int | None,
) -> dict[int, str] | None:
    periods = sorted({p for t in days for p in values[t]})
    if not days or not periods:
        return {} if not days and lo <= 0 else None
    unit = math.gcd(*(length[p] for p in periods))
    most = hi if hi is not None else len(days) * max(length[p] for p in periods)  # no maximum: all days longest
    size = most // unit + 1
    index = {p: i for i, p in enumerate(periods)}
    allowed = np.array([[(p, q) not in forbidden for q in periods] for p in periods])  # [from, to]
    best = np.full((len(periods), size), NEG)
    back: list[np.ndarray] = []
    previous: int | None = None
    for t in days:
        new = np.full_like(best, NEG)
        choice = np.zeros((len(periods), size), dtype=np.int16)
        for q, value in values[t].items():
            j, step = index[q], length[q] // unit
            if step >= size:
                continue
            if previous is None:
                new[j, step] = value
                continue
            sources = allowed[:, j] if previous == t - 1 else np.ones(len(periods), dtype=bool)
            masked = np.where(sources[:, None], best, NEG)
            arg = masked.argmax(axis=0)
            peak = masked[arg, np.arange(size)]
            new[j, step:] = np.where(peak[: size - step] > NEG / 2, peak[: size - step] + value, NEG)
            choice[j, step:] = arg[: size - step]
        best = new
        back.append(choice)
        previous = t
    first = -(-lo // unit)
    if first >= size:
        return None
    window = best[:, first:]
    if window.max() <= NEG / 2:
        return None
    flat = int(window.argmax())
    state, total = flat // window.shape[1], flat % window.shape[1] + first
    chosen: dict[int, str] = {}
    for i in range(len(days) - 1, -1, -1):
        t, p = days[i], periods[state]
        chosen[t] = p
        before = int(back[i][state, total])
        total -= length[p] // unit
        state = before
    return chosen
