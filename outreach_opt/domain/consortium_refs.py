"""Cross-reference checks of the consortium's own sections: `on_call`, `trainees` and
`remote_links`, and the demands' `teaches` and `remote_resource`. Kept apart from
references.py so that the core checks stay short; they run from `reference_problems` on a
valid instance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from outreach_opt.domain.problems import Path, Problem, suggest

if TYPE_CHECKING:
    from outreach_opt.domain.instance import Instance


def consortium_problems(instance: Instance) -> list[Problem]:
    """Unknown sites, periods and trainees; duplicate ids; on-call legs with no travel time."""
    problems: list[Problem] = []
    sites = [s.id for s in instance.sites]
    periods = [p.id for p in instance.periods]
    trainees = [t.id for t in instance.trainees]

    def ref(path: Path, value: str, known: Iterable[str], what: str) -> None:
        known = list(known)
        if value not in known:
            problems.append(Problem(path, f"unknown {what} {value!r}{suggest(value, known)}"))

    for section, ids in (("on_call", [o.id for o in instance.on_call]), ("trainees", trainees)):
        seen: dict[str, int] = {}
        for i, name in enumerate(ids):
            if name in seen:
                problems.append(
                    Problem((section, i, "id"), f"duplicate id {name!r}: {section}[{seen[name]}] has it already")
                )
            seen.setdefault(name, i)
    for i, oc in enumerate(instance.on_call):
        ref(("on_call", i, "site"), oc.site, sites, "site")
        for k, period in enumerate(oc.periods or []):
            ref(("on_call", i, "periods", k), period, periods, "period")
    for i, trainee in enumerate(instance.trainees):
        ref(("trainees", i, "site"), trainee.site, sites, "site")
        for j, off in enumerate(trainee.unavailable):
            for k, period in enumerate(off.periods or []):
                ref(("trainees", i, "unavailable", j, "periods", k), period, periods, "period")
    resources = {s.id: s.resources for s in instance.sites}
    for i, dem in enumerate(instance.demands):
        for k, name in enumerate(dem.teaches):
            ref(("demands", i, "teaches", k), name, trainees, "trainee")
        robot = dem.remote_resource
        if robot is not None and dem.site in resources and robot not in resources[dem.site]:
            problems.append(
                Problem(
                    ("demands", i, "remote_resource"),
                    f"site {dem.site!r} lists no resource {robot!r}{suggest(robot, resources[dem.site])}; "
                    "add it to the site's resources (the robot the remote surgeon operates)",
                )
            )
        console = dem.resource
        if robot is not None and console is not None and not any(r.get(console, 0) > 0 for r in resources.values()):
            problems.append(
                Problem(
                    ("demands", i, "resource"),
                    f"no site has a {console!r}, the master console this remote surgery is operated from; "
                    "add it to the resources of the site(s) the surgeons can operate from",
                )
            )
    for i, (a, b) in enumerate(instance.remote_links):
        ref(("remote_links", i, 0), a, sites, "site")
        ref(("remote_links", i, 1), b, sites, "site")
    if not problems:
        problems += _on_call_travel(instance)
    return problems


def _on_call_travel(instance: Instance) -> list[Problem]:
    """Reach is judged from every place a skilled specialist could be: each such place needs a
    known travel time to the on-call hospital, or the rule would guess."""
    from outreach_opt.domain.travel import reachable_sites, travel_matrix

    matrix = travel_matrix(instance)
    places = reachable_sites(instance)
    problems = []
    for i, oc in enumerate(instance.on_call):
        missing = sorted(
            {
                site
                for spec in instance.specialists
                if set(oc.skills) <= set(spec.skills)
                for site in places[spec.id]
                if (site, oc.site) not in matrix
            }
        )
        if missing:
            problems.append(
                Problem(
                    ("on_call", i, "site"),
                    f"no travel time from {', '.join(repr(m) for m in missing)} to {oc.site!r}, where "
                    f"specialists on call for {oc.id!r} could be; add [from, to, minutes] to travel "
                    "(or set derive_missing_travel: true)",
                )
            )
    return problems
