"""The comparison table of a what-if run: one row per solved variant, base first, as plain data.

Rows are built from the workers' plain results, so the table is the same whichever executor
ran the solves; `WALL_TIME_COLUMNS` are the only columns that may differ between two runs with
the same seeds. JSON keeps nested mappings (coverage per priority, load per specialist); CSV
flattens them into one column each (`covered_p10`, `load_ren-yanlong`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from outreach_opt.scenarios.sweep import Variant

WALL_TIME_COLUMNS = ("seconds",)
"""Columns that measure the machine, not the roster: they differ between runs."""

BASE_NAME = "base"

_KPIS = ("required", "covered", "uncovered", "served", "travel_hours", "fairness_spread")
_DELTAS = (("objective", "d_objective"), ("covered", "d_covered"), ("uncovered", "d_uncovered"))


def comparison(results: Sequence[dict[str, Any]], variants: Sequence[Variant]) -> list[dict[str, Any]]:
    """Rows for `results` (the base's first, then one per variant in the same order), each with
    its change against the base where both have a roster."""
    rows = [_row(results[0], None)] + [_row(r, v) for r, v in zip(results[1:], variants, strict=True)]
    base = rows[0]
    for row in rows:
        for column, delta in _DELTAS:
            row[delta] = None if row[column] is None or base[column] is None else row[column] - base[column]
        travel, base_travel = row["travel_hours"], base["travel_hours"]
        row["d_travel_hours"] = None if travel is None or base_travel is None else round(travel - base_travel, 2)
    return rows


def _row(result: dict[str, Any], variant: Variant | None) -> dict[str, Any]:
    kpis = result.get("kpis") or {}
    row: dict[str, Any] = {
        "scenario": result["name"],
        "sweep": variant.scenario if variant is not None and variant.parameter else None,
        "parameter": variant.parameter if variant is not None else None,
        "value": variant.value if variant is not None else None,
        "status": result["status"],
        "checked": result["checked"],
        "objective": result["objective"],
        "bound": result["bound"],
        "gap": result["gap"],
    }
    row.update({k: kpis.get(k) for k in _KPIS})
    row["covered_by_priority"] = kpis.get("covered_by_priority", {})
    row["required_by_priority"] = kpis.get("required_by_priority", {})
    row["outreach_load"] = kpis.get("outreach_load", {})
    row["notes"] = "; ".join(variant.notes) if variant is not None else ""
    row["error"] = result["error"]
    row["seconds"] = result["seconds"]
    return row


def table_json(rows: Sequence[dict[str, Any]]) -> str:
    document = {"base": BASE_NAME, "wall_time_columns": list(WALL_TIME_COLUMNS), "rows": list(rows)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its nested mappings spread into one column per key (for CSV)."""
    out = {k: v for k, v in row.items() if not isinstance(v, dict)}
    for priority, covered in row["covered_by_priority"].items():
        out[f"covered_{priority}"] = covered
        out[f"required_{priority}"] = row["required_by_priority"].get(priority)
    for specialist, load in row["outreach_load"].items():
        out[f"load_{specialist}"] = load
    return out


def table_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV with the union of every row's columns, in first-seen order; empty where absent."""
    flats = [flat(r) for r in rows]
    columns: dict[str, None] = {}
    for f in flats:
        columns.update(dict.fromkeys(f))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(flats)
    return buffer.getvalue()


def sweeps(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by the sweep they belong to, in order of the swept value."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["sweep"] is not None:
            groups.setdefault(row["sweep"], []).append(row)
    return {name: sorted(group, key=lambda r: r["value"]) for name, group in groups.items()}
