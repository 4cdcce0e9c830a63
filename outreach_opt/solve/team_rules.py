"""Teams: a demand whose every session needs several people in named roles.

For a demand with a `team`, ``held[d, t, p]`` (Boolean) says the team session is held on day t
in period p, and for every role r: Σ_s x[s, d, r, t, p] = count_r · held. So members are there
exactly when the session is held: no lone assistant, no lead without the assistant, and no
second team in the same period. Everything that counts *sessions* of a demand (demand_max,
demand_min, capacity, uncovered) counts ``held`` for a team demand, through `demand_sessions`;
everything about *people* (travel, workload, fairness, preferences, continuity) sees each
member's own x as for any other demand session. The checker's side is check/teams.py.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from outreach_opt.solve.model_parts import ModelParts


class TeamRules(ModelParts):
    """Mixed into `RosterModel`, which owns the attributes (declared in `ModelParts`)."""

    def _add_team_complete(self) -> None:
        """Rule `team_complete`: a team session is held with every role filled by exactly its
        count, or no member of it is there at all."""
        members: dict[tuple[str, int, int], dict[str | None, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for cand, var in self.x.items():
            if self.prep.demands[cand.demand].team:
                members[(cand.demand, cand.day, cand.period)][cand.role].append(var)
        for key in sorted(members):  # sorted: the same model in every process
            demand_id, t, p = key
            demand = self.prep.demands[demand_id]
            held = self.model.new_bool_var(f"held[{demand_id},{t},{p}]")
            self.held[key] = held
            for role in demand.team or []:
                # A role with too few candidates here makes this force held = 0 (presolve
                # removes it); kept so that explain names the team as what cannot be met.
                filled = cp_model.LinearExpr.sum(members[key].get(role.role, []))
                self._hard(self.model.add(filled == role.count * held), "team_complete", (demand_id,))
