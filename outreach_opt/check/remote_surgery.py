"""Rules `remote_link` and `console_site`, recomputed from a roster: a remote session
(teleconsultation or remote surgery) is given from a site that has a link to the demand's site,
when the instance lists `remote_links` at all (none listed: every pair is linked); a remote
surgery is given from a site that has its master console (`resource`): the surgeon's home or
a site they drive to, which the roster names as the assignment's site. The robot
(`remote_resource`, held at the demand's site) and the console (held where it is served from)
are counted by `capacity`.
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


def check_console_site(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each remote surgery is served from a site that has the master console it names."""
    violations = []
    for a in assignments:
        demand = ctx.demands.get(a.demand or "")
        if demand is None or not demand.is_remote_surgery:
            continue
        console = demand.resource or ""
        if a.site in ctx.sites and ctx.sites[a.site].resources.get(console, 0) > 0:
            continue
        violations.append(
            Violation.at(
                "console_site",
                f"{ctx.slot(a)} operates on {ctx.where(demand.site)}'s {demand.remote_resource} for "
                f"{ctx.demand_name(demand.id)} from {ctx.where(a.site)}, which has no {console}: a remote "
                "surgery is served from a site with one.",
                a,
            )
        )
    return violations
