"""Rule `teleconsultation`, recomputed from a roster: a remote demand's session is given from
the specialist's own home site (no travel), where its `resource` (the terminal) is counted by
`capacity`; the partner site gives only the slot. A remote surgery (with a robot) is the
exception: rule `console_site` says where it is served from.
"""

from __future__ import annotations

from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation
from outreach_opt.domain.roster import Assignment


def check_teleconsultation(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each session of a teleconsultation is at the specialist's home site."""
    violations = []
    for a in assignments:
        demand = ctx.demands.get(a.demand or "")
        if demand is None or not demand.remote or demand.is_remote_surgery:
            continue
        home = ctx.specialists[a.specialist].home
        if a.site != home:
            violations.append(
                Violation.at(
                    "teleconsultation",
                    f"{ctx.slot(a)} is rostered at {ctx.where(a.site)} for the teleconsultation "
                    f"{ctx.demand_name(demand.id)} with {ctx.where(demand.site)}, which is given from "
                    f"{ctx.who(a.specialist)}'s own site, {ctx.where(home)}, without travel.",
                    a,
                )
            )
    return violations
