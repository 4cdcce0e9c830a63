"""What every group of rules reads and writes: the attributes `RosterModel` owns.

The rule groups (workload_rules, sharing_rules) are mixins of `RosterModel`; declaring its
attributes once here lets each group be type-checked on its own without repeating them.

In explain mode (`BuildOptions.explain`) every hard-rule constraint is guarded by the
assumption literal of its group, (rule id, key), created on first use by `_guard`; `_hard`
adds the guard, and does nothing in normal mode, so the normal model is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from outreach_opt.solve.day_patterns import DayPattern

if TYPE_CHECKING:
    from outreach_opt.domain.prepared import Candidate, Prepared
    from outreach_opt.solve.builder import BuildOptions
    from outreach_opt.solve.fairness_window import Fairness

Group = tuple[str, tuple[Any, ...]]
"""A group of hard constraints that stand or fall together: (rule id, key)."""

DemandSession = tuple[str, int, int, str, cp_model.IntVar]
"""(demand id, day, period, site, the variable that is 1 when that session is held)."""


class BuildTimeoutError(Exception):
    """Building took past `BuildOptions.deadline`."""


class ModelParts:
    prep: Prepared
    options: BuildOptions
    model: cp_model.CpModel
    x: dict[Candidate, cp_model.IntVar]
    days: dict[tuple[str, int], list[tuple[DayPattern, cp_model.IntVar]]]
    terms: dict[str, cp_model.LinearExprT]
    servers: dict[tuple[str, str], cp_model.IntVar]
    held: dict[tuple[str, int, int], cp_model.IntVar]
    groups: dict[Group, cp_model.IntVar]
    fairness: Fairness | None

    def _check_deadline(self) -> None:
        """Give up (`BuildTimeoutError`) once `BuildOptions.deadline` has passed on its clock.
        Called between rules and, inside the rules that loop over every specialist and day,
        once per specialist: one rule alone (`forbidden_successions` on a year of days) overran
        the deadline by 28 s when it was checked only between rules."""
        deadline = self.options.deadline
        if deadline is not None and self.options.clock() > deadline:
            patterns = sum(len(choices) for choices in self.days.values())
            raise BuildTimeoutError(f"the model was not built within the time limit ({patterns:,} day patterns so far)")

    def _guard(self, rule: str, key: tuple[Any, ...]) -> cp_model.IntVar:
        """The assumption literal of group (rule, key), created on first use."""
        group = (rule, key)
        if group not in self.groups:
            self.groups[group] = self.model.new_bool_var(f"holds[{rule},{','.join(map(str, key))}]")
        return self.groups[group]

    def _hard(self, constraint: cp_model.Constraint, rule: str, key: tuple[Any, ...]) -> None:
        """In explain mode, make `constraint` hold only when its group is assumed."""
        if self.options.explain:
            constraint.only_enforce_if(self._guard(rule, key))

    def demand_sessions(self) -> list[DemandSession]:
        """Every session a demand could have: a candidate x of a demand without a team, a
        `held` variable of a team demand. Call after `_add_team_complete`
        (team_rules.py); every rule that counts sessions rather than people reads this."""
        single = [
            (c.demand, c.day, c.period, c.site, var)
            for c, var in self.x.items()
            if not self.prep.demands[c.demand].team
        ]
        teams = [(d, t, p, self.prep.demands[d].site, var) for (d, t, p), var in self.held.items()]
        return single + teams
