"""Teams, recomputed from a roster: which demand sessions the roster holds, and rule
`team_complete` (a team session has every role filled by exactly its count, or nobody).

A demand without a team has one session per assignment; the members of a team demand on one
date and period make one session together. Counting sessions (demand_max, capacity, coverage)
goes through `held_sessions`, so a team session counts once, as in the model.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from outreach_opt.check.context import Context, Violation, day_text
from outreach_opt.domain.instance import Demand
from outreach_opt.domain.roster import Assignment


def held_sessions(ctx: Context, assignments: Sequence[Assignment]) -> list[list[Assignment]]:
    """The roster's demand sessions, each as its assignments: one for a demand without a
    team, every member (whatever their role) for a team demand's date and period."""
    sessions: list[list[Assignment]] = []
    teams: dict[tuple[str, dt.date, str], list[Assignment]] = defaultdict(list)
    for a in assignments:
        if a.demand is None:
            continue
        if ctx.demands[a.demand].team:
            teams[(a.demand, a.date, a.period)].append(a)
        else:
            sessions.append([a])
    return sessions + list(teams.values())


def is_complete(demand: Demand, members: Sequence[Assignment]) -> bool:
    """Does a session have exactly its team (or, without a team, its one specialist)?"""
    if not demand.team:
        return len(members) == 1
    have = Counter(a.role for a in members)
    return have == Counter({r.role: r.count for r in demand.team})


def members_text(ctx: Context, members: Sequence[Assignment]) -> str:
    """'Ren Yanlong (lead), Li Wei (assistant)'."""
    return ", ".join(f"{ctx.who(a.specialist)} ({a.role or 'no role'})" for a in members)


def role_misfit(ctx: Context, a: Assignment, demand: Demand) -> list[str]:
    """Why an assignment's role does not fit its demand (part of rule `demand_fit`)."""
    roles = ", ".join(r.role for r in demand.team or [])
    if not demand.team:
        return [f"the demand has no team, but the roster gives the role {a.role!r}"] if a.role is not None else []
    if a.role is None:
        return [f"the demand needs a team ({roles}) and the roster gives no role"]
    if a.role not in {r.role for r in demand.team}:
        return [f"the role {a.role!r} is not one of its team's ({roles})"]
    return []


def check_team_complete(ctx: Context, assignments: Sequence[Assignment]) -> list[Violation]:
    """A team session is held by the whole team, each role by exactly its count, or not at
    all: no lone assistant, no second lead."""
    violations = []
    for members in held_sessions(ctx, assignments):
        first = members[0]
        demand = ctx.demands[first.demand or ""]
        if not demand.team or is_complete(demand, members):
            continue
        have = Counter(a.role for a in members)
        wanted = ", ".join(f"{r.count} {r.role}" for r in demand.team)
        found = ", ".join(f"{n} {role or 'without a role'}" for role, n in sorted(have.items(), key=repr))
        violations.append(
            Violation(
                "team_complete",
                f"Demand {ctx.demand_name(demand.id)} on {day_text(first.date)} {first.period} needs its whole "
                f"team ({wanted}), but the roster has {found}: {members_text(ctx, members)}. A team session "
                "is held by the whole team or not at all.",
                date=first.date,
                period=first.period,
                site=demand.site,
            )
        )
    return violations
