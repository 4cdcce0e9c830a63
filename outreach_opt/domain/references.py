"""Every check that spans more than one object of an instance, in one place.

Each problem names the offending id and the path of the field, and suggests the closest known
id for a misspelt one. `Instance` runs `raise_reference_problems` after its fields validate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from outreach_opt.domain.problems import Path, Problem, ReferenceProblems, suggest

if TYPE_CHECKING:
    from outreach_opt.domain.instance import Instance


def raise_reference_problems(instance: Instance) -> None:
    problems = reference_problems(instance)
    if problems:
        raise ReferenceProblems(problems)


def reference_problems(instance: Instance) -> list[Problem]:
    """All cross-reference problems of an instance, in document order of their kind."""
    problems: list[Problem] = []
    problems += _duplicate_ids(instance)
    problems += _period_order(instance)
    site_ids = {s.id for s in instance.sites}
    period_ids = [p.id for p in instance.periods]
    spec_ids = {s.id for s in instance.specialists}
    resources = {s.id: set(s.resources) for s in instance.sites}

    def ref(path: Path, value: str, known: Iterable[str], what: str) -> None:
        known = list(known)
        if value not in known:
            problems.append(Problem(path, f"unknown {what} {value!r}{suggest(value, known)}"))

    def resource_ref(path: Path, resource: str | None, site: str) -> None:
        if resource is None or site not in resources:
            return
        if resource not in resources[site]:
            have = ", ".join(sorted(resources[site])) or "none"
            problems.append(
                Problem(
                    path,
                    f"site {site!r} lists no resource {resource!r}{suggest(resource, resources[site])}; "
                    f"it has: {have}. Add it to the site's resources (0 if it has none).",
                )
            )

    for i, (a, b, _minutes) in enumerate(instance.travel):
        ref(("travel", i, 0), a, site_ids, "site")
        ref(("travel", i, 1), b, site_ids, "site")
        if a == b:
            problems.append(Problem(("travel", i), f"travel from {a!r} to itself is always 0 minutes; remove this leg"))
    legs = Counter((a, b) for a, b, _ in instance.travel)
    for i, (a, b, _m) in enumerate(instance.travel):
        if legs[(a, b)] > 1:
            problems.append(Problem(("travel", i), f"travel from {a!r} to {b!r} is listed more than once"))
            legs[(a, b)] = 1  # report each duplicate pair once

    for i, spec in enumerate(instance.specialists):
        ref(("specialists", i, "home"), spec.home, site_ids, "site")
        for j, off in enumerate(spec.unavailable):
            for k, period in enumerate(off.periods or []):
                ref(("specialists", i, "unavailable", j, "periods", k), period, period_ids, "period")

    for i, com in enumerate(instance.commitments):
        ref(("commitments", i, "specialist"), com.specialist, spec_ids, "specialist")
        ref(("commitments", i, "period"), com.period, period_ids, "period")
        ref(("commitments", i, "site"), com.site, site_ids, "site")
        resource_ref(("commitments", i, "resource"), com.resource, com.site)
    problems += _commitment_clashes(instance)

    for i, dem in enumerate(instance.demands):
        ref(("demands", i, "site"), dem.site, site_ids, "site")
        for k, period in enumerate(dem.periods or []):
            ref(("demands", i, "periods", k), period, period_ids, "period")
        resource_ref(("demands", i, "resource"), dem.resource, dem.site)

    if not problems:  # travel completeness only makes sense once every site id is known
        problems += _missing_travel(instance)
    return problems


def _duplicate_ids(instance: Instance) -> list[Problem]:
    problems = []
    for section in ("periods", "sites", "specialists", "demands"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(instance, section)):
            if item.id in seen:
                problems.append(
                    Problem(
                        (section, i, "id"),
                        f"duplicate id {item.id!r}: {section}[{seen[item.id]}] has it already; ids must be unique",
                    )
                )
            else:
                seen[item.id] = i
    return problems


def _period_order(instance: Instance) -> list[Problem]:
    problems = []
    for i in range(1, len(instance.periods)):
        before, after = instance.periods[i - 1], instance.periods[i]
        if after.start_minute < before.end_minute:
            problems.append(
                Problem(
                    ("periods", i, "start"),
                    f"period {after.id!r} starts at {after.start}, before {before.id!r} ends at "
                    f"{before.end}; list periods in time order without overlap",
                )
            )
    return problems


def _commitment_clashes(instance: Instance) -> list[Problem]:
    """Two commitments of one specialist on the same weekday and period: two places at once."""
    problems = []
    first: dict[tuple[str, int, str], int] = {}
    for i, com in enumerate(instance.commitments):
        for weekday in sorted(com.weekdays()):
            key = (com.specialist, weekday, com.period)
            if key in first:
                day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]
                problems.append(
                    Problem(
                        ("commitments", i),
                        f"{com.specialist!r} already has commitments[{first[key]}] on {day} "
                        f"{com.period}: one specialist cannot hold two commitments at once",
                    )
                )
            else:
                first[key] = i
    return problems


def _missing_travel(instance: Instance) -> list[Problem]:
    from outreach_opt.domain.travel import reachable_sites, travel_matrix

    matrix = travel_matrix(instance)
    missing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for spec_id, sites in reachable_sites(instance).items():
        ordered = sorted(sites)
        for a in ordered:
            for b in ordered:
                if a < b and ((a, b) not in matrix or (b, a) not in matrix):
                    missing[(a, b)].append(spec_id)
    hint = (
        "add [from, to, minutes] to travel"
        if not instance.derive_missing_travel
        else "no route over the listed legs joins them; add a leg"
    )
    return [
        Problem(
            ("travel",),
            f"no travel time between {a!r} and {b!r}, which {', '.join(specs[:3])}"
            f"{' and others' if len(specs) > 3 else ''} could combine in a day; {hint}"
            + ("" if instance.derive_missing_travel else " (or set derive_missing_travel: true)"),
        )
        for (a, b), specs in sorted(missing.items())
    ]
