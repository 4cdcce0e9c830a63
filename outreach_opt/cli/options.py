"""Option types shared by the commands."""

from __future__ import annotations

import math
from typing import Any

import click


class Seconds(click.FloatRange):
    """A time limit: at least `min` seconds and finite. click's FloatRange lets NaN through
    (no comparison holds for it), and a search given NaN seconds stopped at once with "no
    roster found within nan s"."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds; give one such as 30", param, ctx)
        return seconds


SEED = click.IntRange(-(2**31), 2**31 - 1)
"""CP-SAT's `random_seed` is a 32-bit integer: a seed outside it ended `solve` in a pybind
TypeError traceback (exit 1) instead of a usage error."""

WORKERS = click.IntRange(0, 1024)
"""CP-SAT rejected 100,000 workers with an empty reason (a RuntimeError, exit 1); no machine
this runs on has a thousand cores."""
