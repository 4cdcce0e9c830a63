"""Rule `pins`: every pinned session and every pinned night away is in the roster, as pinned."""

from __future__ import annotations

from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.roster import Assignment


def check_pins(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """Each pin (specialist, date, period, demand) needs an assignment serving exactly that;
    whether the session itself fits its demand is `demand_fit`'s to judge."""
    held = {(a.specialist, a.date, a.period, a.demand) for a in assignments if a.demand is not None}
    violations = []
    for i, pin in enumerate(ctx.instance.pins):
        if (pin.specialist, pin.date, pin.period, pin.demand) in held:
            continue
        demand = ctx.demands.get(pin.demand)
        message = (
            f"{ctx.who(pin.specialist)} is pinned to demand {ctx.demand_name(pin.demand)} on {day_text(pin.date)} "
            f"{pin.period} (pins[{i}]), but the roster does not have that session"
        )
        site = demand.site if demand is not None else None
        violations.append(Violation("pins", message, pin.specialist, pin.date, pin.period, site))
    listed = {(stay.specialist, stay.night, stay.site) for stay in ctx.stays}
    for i, night in enumerate(ctx.instance.pinned_stays):
        if (night.specialist, night.night, night.site) not in listed:
            message = (
                f"{ctx.who(night.specialist)} is pinned to a night at {ctx.where(night.site)} after "
                f"{day_text(night.night)} (pinned_stays[{i}]), but the roster does not list that stay"
            )
            violations.append(Violation("pins", message, night.specialist, night.night, None, night.site))
    return violations
