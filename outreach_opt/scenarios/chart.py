"""A KPI chart of one sweep as a small SVG: one panel per KPI, the swept value along x.

Hand-written rather than drawn with a plotting library: four polylines with axes and labels
are a few dozen lines of SVG, and matplotlib would be the heaviest dependency of the project.
Each KPI gets its own panel and y range because their units differ (an objective in thousands,
uncovered sessions in single digits); every y axis starts at 0. Rows without a roster are left out of the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

PANELS = (
    ("objective", "objective"),
    ("uncovered", "uncovered sessions"),
    ("travel_hours", "travel hours"),
    ("fairness_spread", "fairness spread (sessions)"),
)
WIDTH, PANEL, LEFT, RIGHT, TOP = 640, 150, 70, 20, 40


def sweep_chart(title: str, parameter: str, rows: Sequence[dict[str, Any]]) -> str:
    """The SVG text of a sweep's KPI curves; `rows` need `value` and the KPI columns."""
    height = TOP + len(PANELS) * PANEL + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    xs = [float(r["value"]) for r in rows]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    for n, (column, label) in enumerate(PANELS):
        top = TOP + n * PANEL
        parts += _panel(rows, column, label, top, x_lo, x_hi, last=n == len(PANELS) - 1, parameter=parameter)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _scale(value: float, lo: float, hi: float, start: float, end: float) -> float:
    return start + (end - start) * (0.5 if hi == lo else (value - lo) / (hi - lo))


def _panel(
    rows: Sequence[dict[str, Any]],
    column: str,
    label: str,
    top: float,
    x_lo: float,
    x_hi: float,
    last: bool,
    parameter: str,
) -> list[str]:
    bottom, right = top + PANEL - 35, WIDTH - RIGHT
    points = [(float(r["value"]), float(r[column])) for r in rows if r.get(column) is not None]
    ys = [y for _, y in points]
    y_lo = min([0.0, *ys])  # axes start at 0 (counts, hours, costs): no exaggerated slopes
    y_hi = max([y_lo + 1, *ys])
    out = [
        f'<text x="{LEFT}" y="{top + 12}" font-weight="bold">{escape(label)}</text>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{top + 18}" x2="{LEFT}" y2="{bottom}" stroke="black"/>',
        f'<text x="{LEFT - 6}" y="{top + 22}" text-anchor="end">{y_hi:g}</text>',
        f'<text x="{LEFT - 6}" y="{bottom}" text-anchor="end">{y_lo:g}</text>',
    ]
    for x in sorted({x for x, _ in points}):
        px = _scale(x, x_lo, x_hi, LEFT + 10, right - 10)
        out.append(f'<line x1="{px:.1f}" y1="{bottom}" x2="{px:.1f}" y2="{bottom + 4}" stroke="black"/>')
        out.append(f'<text x="{px:.1f}" y="{bottom + 15}" text-anchor="middle">{x:g}</text>')
    xy = [
        (_scale(x, x_lo, x_hi, LEFT + 10, right - 10), _scale(y, y_lo, y_hi, bottom - 5, top + 22)) for x, y in points
    ]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in xy)
    out.append(f'<polyline points="{path}" fill="none" stroke="#1f6fb4" stroke-width="2"/>')
    out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#1f6fb4"/>' for px, py in xy]
    if last:
        out.append(f'<text x="{(LEFT + right) / 2}" y="{bottom + 30}" text-anchor="middle">{escape(parameter)}</text>')
    return out
