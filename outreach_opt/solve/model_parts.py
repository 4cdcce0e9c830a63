"""What every group of rules reads and writes: the attributes `RosterModel` owns.

The rule groups (workload_rules, sharing_rules) are mixins of `RosterModel`; declaring its
attributes once here lets each group be type-checked on its own without repeating them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from outreach_opt.solve.day_patterns import DayPattern

if TYPE_CHECKING:
    from outreach_opt.domain.prepared import Candidate, Prepared


class ModelParts:
    prep: Prepared
    model: cp_model.CpModel
    x: dict[Candidate, cp_model.IntVar]
    days: dict[tuple[str, int], list[tuple[DayPattern, cp_model.IntVar]]]
    terms: dict[str, cp_model.LinearExprT]
    servers: dict[tuple[str, str], cp_model.IntVar]
