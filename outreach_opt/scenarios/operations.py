"""Scenario operations applied to an instance's plain data.

Operations edit plain dictionaries, never the frozen models: the patched data is validated
again as a whole (`instance_from_data`), so a scenario gets every check a file gets. An
operation on an id that does not exist is refused here, with a suggestion, before anything
is solved. `Patch` remembers which operation wrote each entry, so that a problem found by the
later validation (say, an added specialist's unknown home) points at that operation's line.

Removing a specialist also removes every mention of them (commitments, requests, pins,
`preferred` lists, succession rules; `_without_specialist`), and removing a site its travel
legs: both would otherwise dangle. Each such removal leaves a note for the comparison table.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from outreach_opt.domain.instance import Rules, Weights
from outreach_opt.domain.problems import InputError, Path, Problem, suggest
from outreach_opt.scenarios.scenario import (
    Add,
    Change,
    MarkUnavailable,
    Operation,
    Remove,
    Scale,
    SetValue,
    Travel,
)

SINGULAR = {"specialists": "specialist", "demands": "demand", "sites": "site", "commitments": "commitment"}
_SETTABLE = {"rules": list(Rules.model_fields), "weights": list(Weights.model_fields)}


@dataclass
class Patch:
    """The instance data being patched, which operation wrote what, and notes for the reader."""

    data: dict[str, Any]
    origins: list[tuple[Any, Path]] = field(default_factory=list)
    """(entry object, scenario-file path of the operation that wrote it); matched by identity."""
    set_at: dict[Path, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def copy(self) -> Patch:
        """A deep copy whose origins point at the copied entries (deepcopy's memo maps them)."""
        memo: dict[int, Any] = {}
        data = copy.deepcopy(self.data, memo)
        origins = [(memo.get(id(obj), obj), at) for obj, at in self.origins]
        return Patch(data, origins, dict(self.set_at), list(self.notes))

    def origin(self, path: Path) -> Path | None:
        """Where in the scenario file the entry at instance `path` was written, if an operation
        wrote it; deeper parts of the path follow into the operation's item or `set`."""
        if len(path) >= 2 and isinstance(path[1], int) and isinstance(self.data.get(str(path[0])), list):
            items = self.data[str(path[0])]
            if path[1] < len(items):
                entry = items[path[1]]
                for obj, at in self.origins:
                    if obj is entry:
                        return (*at, *path[2:])
        return self.set_at.get(tuple(path[:2]))

    def ids(self, section: str) -> list[str]:
        return [str(item.get("id")) for item in self.data.get(section, []) if isinstance(item, dict)]


def apply(patch: Patch, op: Operation, at: Path) -> None:
    """Apply one operation written at `at` in the scenario file; unknown ids are InputErrors
    whose problems carry scenario-file paths (the caller adds the lines)."""
    if isinstance(op, Add):
        _add(patch, op, at)
    elif isinstance(op, Remove):
        _remove(patch, op, at)
    elif isinstance(op, Change):
        items = patch.data[op.section]
        i = _index(patch, op.section, op.id, (*at, "id"))
        items[i] = {**items[i], **copy.deepcopy(op.values)}
        patch.origins.append((items[i], (*at, "set")))
    elif isinstance(op, Travel):
        _travel(patch, op, at)
    elif isinstance(op, Scale):
        (scale_travel if op.what == "travel" else scale_demand)(patch.data, op.factor)
    elif isinstance(op, MarkUnavailable):
        spec = patch.data["specialists"][_index(patch, "specialists", op.specialist, (*at, "specialist"))]
        _refuse_leave_outside(patch.data, op, at)
        periods = {"periods": list(op.periods)} if op.periods else {}
        spec["unavailable"] = [*spec.get("unavailable", []), *({"date": d.isoformat(), **periods} for d in op.dates)]
    elif isinstance(op, SetValue):
        section, key = op.path.split(".", 1)
        if key not in _SETTABLE[section]:
            hint = suggest(key, _SETTABLE[section]) or f"; known: {', '.join(_SETTABLE[section])}"
            raise _error((*at, "path"), f"{section} has no setting {key!r}{hint}")
        patch.data.setdefault(section, {})[key] = op.value
        patch.set_at[(section, key)] = (*at, "value")


def _refuse_leave_outside(data: dict[str, Any], op: MarkUnavailable, at: Path) -> None:
    """Leave on a date outside the horizon, or in a period the instance does not have, would
    change nothing (an instance's own leave list may reach past its week; an operation is
    written for this one): a repair would report "0 change(s)" for a colleague never taken
    out. Each such date or period is refused at its place in the file."""
    first = dt.date.fromisoformat(data["horizon"]["start"])
    last = first + dt.timedelta(days=data["horizon"]["days"] - 1)
    week = f"{first:%a} {first.isoformat()} to {last:%a} {last.isoformat()}"
    problems = [
        Problem((*at, "dates", k), f"{day.isoformat()} is outside the horizon, {week}; give a date inside it")
        for k, day in enumerate(op.dates)
        if not first <= day <= last
    ]
    known = [str(p["id"]) for p in data["periods"]]
    problems += [
        Problem((*at, "periods", k), f"unknown period {period!r}{suggest(period, known)}; known: {', '.join(known)}")
        for k, period in enumerate(op.periods or [])
        if period not in known
    ]
    if problems:
        raise InputError(problems)


def _error(path: Path, message: str) -> InputError:
    return InputError([Problem(path, message)])


def _index(patch: Patch, section: str, ident: str, at: Path) -> int:
    ids = patch.ids(section)
    if ident in ids:
        return ids.index(ident)
    hint = suggest(ident, ids) or (f"; known: {', '.join(ids[:12])}" if ids else "")
    raise _error(at, f"unknown {SINGULAR[section]} {ident!r}{hint}")


def _add(patch: Patch, op: Add, at: Path) -> None:
    item = copy.deepcopy(op.item)
    if op.section != "commitments" and item.get("id") in patch.ids(op.section):
        raise _error(
            (*at, "item", "id"),
            f"there is already a {SINGULAR[op.section]} {item['id']!r}; use op: change to alter it",
        )
    patch.data.setdefault(op.section, []).append(item)
    patch.origins.append((item, (*at, "item")))


def _remove(patch: Patch, op: Remove, at: Path) -> None:
    del patch.data[op.section][_index(patch, op.section, op.id, (*at, "id"))]
    if op.section == "specialists":
        patch.notes.append(f"removing specialist {op.id} also removed {_without_specialist(patch.data, op.id)}")
    elif op.section == "sites":
        _refuse_site_in_use(patch.data, op.id, (*at, "id"))
        kept = [leg for leg in patch.data.get("travel", []) if op.id not in leg[:2]]
        gone = len(patch.data.get("travel", [])) - len(kept)
        patch.data["travel"] = kept
        patch.notes.append(f"removing site {op.id} also removed its {gone} travel leg(s)")


_THEIR_ENTRIES = {"commitments": "commitment", "requests": "request", "pins": "pin", "pinned_stays": "pinned stay"}
"""Sections whose entries name one specialist: removing the specialist removes them."""


def _without_specialist(data: dict[str, Any], sid: str) -> str:
    """Take every mention of specialist `sid` out of the instance data, and say what went.

    Why: a specialist who leaves (`op: remove`, or a repair event) takes with them their
    commitments, requests and pins, their place in demands' `preferred` lists and in the
    succession rules that name whom they bind; any one left would name an unknown specialist
    and refuse the whole scenario. A succession rule that bound only them goes too: with no
    one named it would bind everyone."""
    parts = []
    for section, what in _THEIR_ENTRIES.items():
        entries = data.get(section, [])
        kept = [e for e in entries if not (isinstance(e, dict) and e.get("specialist") == sid)]
        if section == "commitments" or len(kept) < len(entries):
            data[section] = kept
            parts.append(f"their {len(entries) - len(kept)} {what}(s)")
    preferred = [d for d in data.get("demands", []) if isinstance(d, dict) and sid in (d.get("preferred") or [])]
    for demand in preferred:
        demand["preferred"] = [name for name in demand["preferred"] if name != sid]
    if preferred:
        parts.append(f"their place in {len(preferred)} demand(s)' preferred list")
    rules = data.get("rules")
    successions = rules.get("forbidden_successions", []) if isinstance(rules, dict) else []
    named = [r for r in successions if isinstance(r, dict) and sid in (r.get("specialists") or [])]
    for rule in named:
        rule["specialists"] = [name for name in rule["specialists"] if name != sid]
    if named:
        assert isinstance(rules, dict)
        rules["forbidden_successions"] = [r for r in successions if not (r in named and not r["specialists"])]
        parts.append(f"their name from {len(named)} forbidden succession(s)")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


_AT_A_SITE = {
    "demands": ("site", "demand"),
    "specialists": ("home", "specialist"),
    "commitments": ("site", "commitment"),
}
"""Entries that stand at one site: a site is not removed from under them."""


def _refuse_site_in_use(data: dict[str, Any], site: str, at: Path) -> None:
    """A site still holding demands, specialists' homes or commitments is refused at the
    operation, naming them: each would otherwise be reported on its own as naming an unknown
    site, at the instance's path, which does not say what to do."""
    held = []
    for section, (key, what) in _AT_A_SITE.items():
        entries = [e for e in data.get(section, []) if isinstance(e, dict) and e.get(key) == site]
        names = [str(e.get("id", e.get("specialist"))) for e in entries]
        if names:
            listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            held.append(f"{len(names)} {what}(s) ({listed})")
    if held:
        raise _error(at, f"site {site!r} still has {'; '.join(held)}; remove or move them first")


def _travel(patch: Patch, op: Travel, at: Path) -> None:
    sites = patch.ids("sites")
    for key, site in (("from", op.origin), ("to", op.to)):
        if site not in sites:
            hint = suggest(site, sites) or f"; known: {', '.join(sites)}"
            raise _error((*at, key), f"unknown site {site!r}{hint}")
    if op.origin == op.to:
        raise _error((*at, "to"), "travel from a site to itself is always 0 minutes")
    legs = patch.data.setdefault("travel", [])
    matching = [leg for leg in legs if {leg[0], leg[1]} == {op.origin, op.to}]
    for leg in matching:
        leg[2] = op.minutes
    if not matching:
        legs.append([op.origin, op.to, op.minutes])
        patch.origins.append((legs[-1], at))


def half_up(value: float) -> int:
    """Round half up (2.5 -> 3), after trimming float noise (45 × 0.9 = 40.50000000000001)."""
    return math.floor(round(value, 6) + 0.5)


def scale_travel(data: dict[str, Any], factor: float) -> None:
    """Every listed leg × factor (derived routes follow, being sums of listed legs)."""
    for leg in data.get("travel", []):
        leg[2] = min(24 * 60, half_up(leg[2] * factor))


def scale_demand(data: dict[str, Any], factor: float) -> None:
    """Every demand's sessions min and max × factor; rounding is monotone, so min ≤ max holds."""
    for demand in data.get("demands", []):
        sessions = demand.get("sessions")
        if isinstance(sessions, dict):
            demand["sessions"] = {k: half_up(v * factor) if isinstance(v, int) else v for k, v in sessions.items()}


def add_extra_specialists(patch: Patch, template: str, count: int, at: Path) -> None:
    """`count` clones of `template`: same home, skills, grade and limits, but no leave and no
    commitments (a newly hired doctor's home duties are not known; give them with op: add)."""
    source = patch.data["specialists"][_index(patch, "specialists", template, (*at, "template"))]
    label = source.get("name") or template
    for k in range(1, count + 1):
        clone = {**copy.deepcopy(source), "id": f"{template}-extra-{k}", "name": f"{label} (extra {k})"}
        clone["unavailable"] = []
        patch.data["specialists"].append(clone)
        patch.origins.append((clone, at))
