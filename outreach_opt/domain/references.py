"""Every check that spans more than one object of an instance, in one place.

Each problem names the offending id and the path of the field, and suggests the closest known
id for a misspelt one. `Instance` runs `raise_reference_problems` after its fields validate.

The checks read a `Parts` view: the entries of each section with their index. A valid
instance gives every entry; data whose shape is wrong somewhere (`parts_from_data`) gives the
entries that validate on their own, so a misspelt id is reported in the same run as a wrong
type elsewhere, and the ids written on broken entries still count as known (no echo errors).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from outreach_opt.domain.problems import Path, Problem, ReferenceProblems, suggest

if TYPE_CHECKING:
    from outreach_opt.domain.instance import (
        Commitment,
        Demand,
        Instance,
        Period,
        Pin,
        Request,
        Site,
        Specialist,
        Succession,
        TravelLeg,
    )

SECTIONS_WITH_IDS = ("periods", "sites", "specialists", "demands")
_SECTIONS = ("periods", "sites", "travel", "specialists", "commitments", "demands", "requests", "pins")
_OPTIONAL_SECTIONS = ("travel", "commitments", "demands", "requests", "pins")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Parts:
    """What the reference checks read. Each section lists (index, entry) for the entries that
    validated; `ids` lists (index, id as written) for every entry with an id, valid or not;
    a section in `unusable` could not be read at all, so references to it are not checked."""

    periods: list[tuple[int, Period]] = field(default_factory=list)
    sites: list[tuple[int, Site]] = field(default_factory=list)
    travel: list[tuple[int, TravelLeg]] = field(default_factory=list)
    specialists: list[tuple[int, Specialist]] = field(default_factory=list)
    commitments: list[tuple[int, Commitment]] = field(default_factory=list)
    demands: list[tuple[int, Demand]] = field(default_factory=list)
    requests: list[tuple[int, Request]] = field(default_factory=list)
    pins: list[tuple[int, Pin]] = field(default_factory=list)
    successions: list[tuple[int, Succession]] = field(default_factory=list)
    """Only from a valid instance: they sit under `rules`, not in a top-level section."""
    ids: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    unusable: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, instance: Instance) -> Parts:
        return cls(
            periods=list(enumerate(instance.periods)),
            sites=list(enumerate(instance.sites)),
            travel=list(enumerate(instance.travel)),
            specialists=list(enumerate(instance.specialists)),
            commitments=list(enumerate(instance.commitments)),
            demands=list(enumerate(instance.demands)),
            requests=list(enumerate(instance.requests)),
            pins=list(enumerate(instance.pins)),
            successions=list(enumerate(instance.rules.forbidden_successions)),
            ids={s: [(i, item.id) for i, item in enumerate(getattr(instance, s))] for s in SECTIONS_WITH_IDS},
        )

    def known(self, section: str) -> list[str] | None:
        """The ids written in a section, or None when the section could not be read."""
        if section in self.unusable:
            return None
        return [name for _, name in self.ids.get(section, [])]


def raise_reference_problems(instance: Instance) -> None:
    problems = reference_problems(instance)
    if problems:
        raise ReferenceProblems(problems)


def reference_problems(instance: Instance) -> list[Problem]:
    """All cross-reference problems of a valid instance, in document order of their kind."""
    from outreach_opt.domain.consortium_refs import consortium_problems

    problems = parts_problems(Parts.of(instance)) + _pins_outside(instance) + _pinned_stays(instance)
    if not problems:
        problems += consortium_problems(instance)
    if not problems:  # travel completeness only makes sense once every site id is known
        problems += _missing_travel(instance)
    return problems


def data_reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    """The cross-reference problems of instance data that failed to validate somewhere.

    Every entry that validates on its own is checked; travel completeness is checked too when
    every entry of every section validated (the shape problem is elsewhere, e.g. `weights`).
    """
    from outreach_opt.domain.instance import Instance

    parts, complete = parts_from_data(data)
    problems = parts_problems(parts)
    if complete and not problems:
        derive = data.get("derive_missing_travel", False)
        if isinstance(derive, bool):
            # Only what travel completeness reads; the rest of the instance is what failed.
            values: dict[str, Any] = {name: [item for _, item in getattr(parts, name)] for name in _SECTIONS}
            problems += _missing_travel(Instance.model_construct(**values, derive_missing_travel=derive))
    return problems


def parts_from_data(data: Mapping[str, Any]) -> tuple[Parts, bool]:
    """Validate each entry of each section on its own; (the parts, whether all were valid)."""
    parts = Parts()
    complete = True
    for section, adapter in _adapters().items():
        raw = data.get(section, [] if section in _OPTIONAL_SECTIONS else None)
        if not isinstance(raw, list):
            parts.unusable.add(section)
            complete = False
            continue
        valid: list[tuple[int, Any]] = []
        ids: list[tuple[int, str]] = []
        for i, entry in enumerate(raw):
            try:
                item = adapter.validate_python(entry)
            except ValidationError as exc:
                complete = False
                item = _without_broken_keys(adapter, entry, exc)
                if item is None:
                    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                        ids.append((i, entry["id"]))
                    continue
            valid.append((i, item))
            if isinstance(item, BaseModel) and section in SECTIONS_WITH_IDS:
                ids.append((i, item.id))  # type: ignore[attr-defined]
        setattr(parts, section, valid)
        if section in SECTIONS_WITH_IDS:
            parts.ids[section] = ids
    return parts, complete


def _without_broken_keys(adapter: TypeAdapter[Any], entry: Any, exc: ValidationError) -> Any:
    """The entry validated without the keys that broke it (a wrong type, an unknown key), so
    that its other references are still checked; None when that cannot work (the id itself,
    a problem of the whole entry, or a required key)."""
    if not isinstance(entry, dict):
        return None
    broken = {err["loc"][0] if err["loc"] else None for err in exc.errors()}
    if None in broken or "id" in broken or not broken <= entry.keys():
        return None
    try:
        return adapter.validate_python({k: v for k, v in entry.items() if k not in broken})
    except ValidationError:
        return None


@functools.cache
def _adapters() -> dict[str, TypeAdapter[Any]]:
    from outreach_opt.domain.instance import Commitment, Demand, Period, Pin, Request, Site, Specialist, TravelLeg

    models: dict[str, Any] = {
        "requests": Request,
        "pins": Pin,
        "periods": Period,
        "sites": Site,
        "travel": TravelLeg,
        "specialists": Specialist,
        "commitments": Commitment,
        "demands": Demand,
    }
    return {section: TypeAdapter(model) for section, model in models.items()}


def parts_problems(parts: Parts) -> list[Problem]:
    """Duplicate ids, period order, references to unknown ids, commitment clashes."""
    problems: list[Problem] = []
    problems += _duplicate_ids(parts)
    problems += _period_order(parts)
    site_ids = parts.known("sites")
    period_ids = parts.known("periods")
    spec_ids = parts.known("specialists")
    resources: dict[str, set[str]] = {}
    for _, site in parts.sites:
        resources.setdefault(site.id, set(site.resources))  # a duplicate id is reported above

    def ref(path: Path, value: str, known: Iterable[str] | None, what: str) -> None:
        if known is None:
            return
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

    for i, (a, b, _minutes) in parts.travel:
        ref(("travel", i, 0), a, site_ids, "site")
        ref(("travel", i, 1), b, site_ids, "site")
        if a == b:
            problems.append(Problem(("travel", i), f"travel from {a!r} to itself is always 0 minutes; remove this leg"))
    first_leg: dict[tuple[str, str], int] = {}
    reported: set[tuple[str, str]] = set()
    for i, (a, b, _m) in parts.travel:
        if (a, b) not in first_leg:
            first_leg[(a, b)] = i
        elif (a, b) not in reported:
            reported.add((a, b))
            problems.append(
                Problem(
                    ("travel", i),
                    f"travel from {a!r} to {b!r} is listed more than once (first at travel[{first_leg[(a, b)]}]); "
                    "keep one",
                )
            )

    for i, spec in parts.specialists:
        ref(("specialists", i, "home"), spec.home, site_ids, "site")
        for j, pref in enumerate(spec.preferences):
            if pref.site is not None:
                ref(("specialists", i, "preferences", j, "site"), pref.site, site_ids, "site")
            for k, period in enumerate(pref.periods or []):
                ref(("specialists", i, "preferences", j, "periods", k), period, period_ids, "period")
        for j, off in enumerate(spec.unavailable):
            for k, period in enumerate(off.periods or []):
                ref(("specialists", i, "unavailable", j, "periods", k), period, period_ids, "period")
        for period in spec.max_sessions_by_period:
            ref(("specialists", i, "max_sessions_by_period", period), period, period_ids, "period")

    for i, com in parts.commitments:
        ref(("commitments", i, "specialist"), com.specialist, spec_ids, "specialist")
        ref(("commitments", i, "period"), com.period, period_ids, "period")
        ref(("commitments", i, "site"), com.site, site_ids, "site")
        resource_ref(("commitments", i, "resource"), com.resource, com.site)
    problems += _commitment_clashes(parts)

    for i, dem in parts.demands:
        ref(("demands", i, "site"), dem.site, site_ids, "site")
        for k, period in enumerate(dem.periods or []):
            ref(("demands", i, "periods", k), period, period_ids, "period")
        if not dem.remote:  # a teleconsultation's resource is at each specialist's home
            resource_ref(("demands", i, "resource"), dem.resource, dem.site)
        for k, name in enumerate(dem.preferred):
            ref(("demands", i, "preferred", k), name, spec_ids, "specialist")

    for i, req in parts.requests:
        ref(("requests", i, "specialist"), req.specialist, spec_ids, "specialist")
        for k, period in enumerate(req.periods or []):
            ref(("requests", i, "periods", k), period, period_ids, "period")

    demand_ids = parts.known("demands")
    for i, pin in parts.pins:
        ref(("pins", i, "specialist"), pin.specialist, spec_ids, "specialist")
        ref(("pins", i, "period"), pin.period, period_ids, "period")
        ref(("pins", i, "demand"), pin.demand, demand_ids, "demand")

    for i, rule in parts.successions:
        path = ("rules", "forbidden_successions", i)
        for side in ("today", "tomorrow"):
            period = getattr(rule, side).period
            if period is not None:
                ref((*path, side, "period"), period, period_ids, "period")
        for k, name in enumerate(rule.specialists or []):
            ref((*path, "specialists", k), name, spec_ids, "specialist")
    return problems


def _pins_outside(instance: Instance) -> list[Problem]:
    """A pin dated outside the horizon could never hold in this roster: surely a mistake."""
    first = instance.horizon.start
    last = first + dt.timedelta(days=instance.horizon.days - 1)
    return [
        Problem(
            ("pins", i, "date"),
            f"{pin.date.isoformat()} is outside the horizon {first.isoformat()} to {last.isoformat()}; "
            "pin a date inside it or remove the pin",
        )
        for i, pin in enumerate(instance.pins)
        if not first <= pin.date <= last
    ]


def _pinned_stays(instance: Instance) -> list[Problem]:
    """A pinned stay names a known specialist and site, on a night inside the horizon whose
    morning is inside it too (a stay lies between two of its days)."""
    specialists = [s.id for s in instance.specialists]
    sites = [s.id for s in instance.sites]
    first = instance.horizon.start
    problems = []
    for i, pin in enumerate(instance.pinned_stays):
        for key, value, known in (("specialist", pin.specialist, specialists), ("site", pin.site, sites)):
            if value not in known:
                problems.append(Problem(("pinned_stays", i, key), f"unknown {key} {value!r}{suggest(value, known)}"))
        if not 0 <= (pin.night - first).days < instance.horizon.days - 1:
            last = first + dt.timedelta(days=instance.horizon.days - 2)
            problems.append(
                Problem(
                    ("pinned_stays", i, "night"),
                    f"the night of {pin.night.isoformat()} is not between two days of the horizon; pin a night "
                    f"from {first.isoformat()} to {last.isoformat()} or remove the pin",
                )
            )
    return problems


def _duplicate_ids(parts: Parts) -> list[Problem]:
    problems = []
    for section in SECTIONS_WITH_IDS:
        seen: dict[str, int] = {}
        for i, name in parts.ids.get(section, []):
            if name in seen:
                problems.append(
                    Problem(
                        (section, i, "id"),
                        f"duplicate id {name!r}: {section}[{seen[name]}] has it already; ids must be unique",
                    )
                )
            else:
                seen[name] = i
    return problems


def _period_order(parts: Parts) -> list[Problem]:
    problems = []
    by_index = dict(parts.periods)
    for i in sorted(by_index):
        before, after = by_index.get(i - 1), by_index[i]
        if before is not None and after.start_minute < before.end_minute:
            problems.append(
                Problem(
                    ("periods", i, "start"),
                    f"period {after.id!r} starts at {after.start}, before {before.id!r} ends at "
                    f"{before.end}; list periods in time order without overlap",
                )
            )
    return problems


def _commitment_clashes(parts: Parts) -> list[Problem]:
    """Two commitments of one specialist on the same weekday and period: two places at once."""
    problems = []
    by_index = dict(parts.commitments)
    first: dict[tuple[str, int, str], int] = {}
    for i, com in parts.commitments:
        clashes: dict[int, list[str]] = defaultdict(list)  # earlier commitment -> shared weekdays
        for weekday in sorted(com.weekdays()):
            key = (com.specialist, weekday, com.period)
            if key in first:
                clashes[first[key]].append(WEEKDAY_NAMES[weekday])
            else:
                first[key] = i
        for j, days in clashes.items():
            other = by_index[j]
            where = f"at {other.site!r}" + (" too" if other.site == com.site else f"; this one is at {com.site!r}")
            problems.append(
                Problem(
                    ("commitments", i),
                    f"{com.specialist!r} already has commitments[{j}] on {', '.join(days)} {com.period} "
                    f"({where}): one specialist cannot hold two commitments at once",
                )
            )
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
