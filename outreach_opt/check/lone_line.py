"""Does one specialist's line keep every hard rule of their own sub-instance? (issue 8:
`solve/by_specialist.py` asks it of every line it builds in plain Python before using it).

Why a cut-down check: the whole checker on a lone person's year of Curtois & Qu Instance24
(9,464 demands, 475 forbidden successions) took about 1 s, per person and per pass. The
sub-instance is cut to the demands the line serves and the forbidden successions whose
both sides match some session of the line: a lone specialist's hard rules read only those
(the other demands change the objective alone; a succession matching none of the line's
sessions cannot be broken by it), so the verdict is the whole checker's. Without history
only: a succession from a session before the horizon into the line's first day would need
that session's side too, and `by_specialist` uses lines built in plain Python only when
there is no past.
"""

from __future__ import annotations

import logging

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.instance import Instance, SessionMatch
from outreach_opt.domain.roster import Assignment, Roster

logger = logging.getLogger(__name__)


def line_holds(sub: Instance, line: list[Assignment]) -> bool:
    """The checker finds no broken rule in `line` within `sub` (module docstring)."""
    served = {a.demand for a in line}
    used = {(a.period, a.activity) for a in line}
    successions = [
        rule
        for rule in sub.rules.forbidden_successions
        if any(_matches(rule.today, *u) for u in used) and any(_matches(rule.tomorrow, *u) for u in used)
    ]
    rules = sub.rules.model_copy(update={"forbidden_successions": successions})
    thin = sub.model_copy(update={"demands": [d for d in sub.demands if d.id in served], "rules": rules})
    report = check_roster(thin, Roster(instance=sub.name, assignments=line))
    if not report.ok:
        logger.warning("lone line rejected: %s", report.violations[0].message)
    return report.ok


def _matches(match: SessionMatch, period: str, activity: str) -> bool:
    return (match.period is None or match.period == period) and (match.activity is None or match.activity == activity)
