"""Pins taken from a roster: `solve --pin ROSTER` keeps every demand session of ROSTER, and
every night away it lists.

A department head who has already announced part of the week passes that roster in; each of
its demand sessions inside the horizon becomes a pin (rule `pins`). Commitments are fixed by
the instance anyway. Its stays are pinned too (`pinned_stays`): a night at Chengde was
announced with the weekend around it, a room booked and the family told, so the new roster
keeps it rather than trading it for a cheaper way to the same sessions; and the pinned
sessions stay feasible with it, since the stay was the roster's way to reach them. A roster
naming an unknown specialist, demand, period or site is bad input, reported at the
assignment or stay, not a silently dropped pin; so is a roster with nothing inside the horizon
(another week's), which would pin nothing at all.
"""

from __future__ import annotations

import datetime as dt

from outreach_opt.domain.instance import Instance, Pin, StayPin
from outreach_opt.domain.problems import InputError, Problem, suggest
from outreach_opt.domain.roster import Roster


def with_roster_pins(instance: Instance, roster: Roster, source: str) -> Instance:
    """`instance` with a pin for each demand session of `roster` dated inside the horizon,
    and a pinned stay for each of its nights between two days of the horizon."""
    known = {
        "specialist": [s.id for s in instance.specialists],
        "demand": [d.id for d in instance.demands],
        "period": [p.id for p in instance.periods],
        "site": [s.id for s in instance.sites],
    }

    def unknown(*fields: tuple[str, str]) -> list[tuple[str, str]]:
        """(field, message) for each id the instance does not know."""
        return [
            (key, f"unknown {key} {value!r}{suggest(value, known[key])}: it cannot be pinned in {instance.name!r}")
            for key, value in fields
            if value not in known[key]
        ]

    first = instance.horizon.start
    problems: list[Problem] = []
    pins = list(instance.pins)
    for i, a in enumerate(roster.assignments):
        if a.demand is None or not 0 <= (a.date - first).days < instance.horizon.days:
            continue
        bad = unknown(("specialist", a.specialist), ("demand", a.demand), ("period", a.period))
        problems += [Problem(("assignments", i, key), message, source) for key, message in bad]
        if not bad:
            pins.append(Pin(specialist=a.specialist, date=a.date, period=a.period, demand=a.demand))
    stays = list(instance.pinned_stays)
    for i, stay in enumerate(roster.stays):
        if not 0 <= (stay.night - first).days < instance.horizon.days - 1:
            continue
        bad = unknown(("specialist", stay.specialist), ("site", stay.site))
        problems += [Problem(("stays", i, key), message, source) for key, message in bad]
        if not bad:
            stays.append(StayPin(specialist=stay.specialist, night=stay.night, site=stay.site))
    added = len(pins) - len(instance.pins) + len(stays) - len(instance.pinned_stays)
    outside = sum(1 for a in roster.assignments if a.demand is not None) + len(roster.stays)
    if not problems and outside and not added:
        last = first + dt.timedelta(days=instance.horizon.days - 1)
        problems.append(
            Problem(
                (),
                f"its {outside} demand session(s) and night(s) away all fall outside the horizon, {first} to "
                f"{last}, so nothing would be pinned: pass the roster of these dates",
                source,
            )
        )
    if problems:
        raise InputError(problems)
    return instance.model_copy(update={"pins": pins, "pinned_stays": stays})
