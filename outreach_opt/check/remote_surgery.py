"""Rule `remote_link`, recomputed from a roster: a remote session (teleconsultation or remote
surgery) is given from a site that has a link to the demand's site, when the instance lists
`remote_links` at all (none listed: every pair is linked). The robot of a remote surgery
(`remote_resource`, held at the demand's site) is counted by `capacity` with the console.
"""

from __future__ import annotations

from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation
from outreach_opt.domain.roster import Assignment


def check_remote_link(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each remote session is served from a site linked to the patient's site."""
    violations = []
    for a in assignments:
        demand = ctx.demands.get(a.demand or "")
        if demand is None or not demand.remote or ctx.instance.linked(a.site, demand.site):
            continue
        violations.append(
            Violation.at(
                "remote_link",
                f"{ctx.slot(a)} serves {ctx.demand_name(demand.id)} at {ctx.where(demand.site)} from "
                f"{ctx.where(a.site)}, but remote_links has no link between the two sites.",
                a,
            )
        )
    return violations
