"""What the plain-Python first line (solve/first_line.py) keeps, and so where it may build one.

Why a module of its own: the construction is exact only for the rules it knows; every
caller (the first lines, the passes of better replies, the weekend plan) asks here first and
leaves anything else to CP-SAT. Split from first_line.py to keep each file readable.
"""

from __future__ import annotations

import datetime as dt

from outreach_opt.domain.instance import Instance


def declines(instance: Instance) -> list[str]:
    """What this construction does not keep (empty: it may build the line). `instance` has
    one specialist, as `by_specialist.sub_instance` gives it."""
    if len(instance.specialists) != 1:
        return ["more than one specialist"]
    spec = instance.specialists[0]
    found = []
    if spec.max_sessions_per_day != 1:
        found.append("not one session a day")
    weekly = (
        spec.max_sessions_per_week,
        spec.max_outreach_sessions_per_week,
        spec.min_minutes_per_week,
        spec.max_minutes_per_week,
        spec.max_working_days_per_week,
        spec.max_evening_sessions_per_week,
    )
    if any(limit is not None for limit in weekly):
        found.append("weekly limits")
    if spec.preferences:
        found.append("preferences")
    if instance.commitments or instance.pins or instance.pinned_stays:
        found.append("commitments or pins")
    if instance.rules.min_rest_minutes > 0:
        found.append("rest")
    for dem in instance.demands:
        if dem.site != spec.home or dem.remote or dem.day is not None or dem.days is not None:
            found.append(f"demand {dem.id} away from home or by weekday")
            break
        if dem.dates is None or len([d for d in dem.dates if inside(instance, d)]) > 1:
            found.append(f"demand {dem.id} asks on more than one date")
            break
    return found


def inside(instance: Instance, date: dt.date) -> bool:
    """`date` is a day of the horizon."""
    return 0 <= (date - instance.horizon.start).days < instance.horizon.days
