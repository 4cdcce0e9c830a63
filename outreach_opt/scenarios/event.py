"""An event that forces a published roster to be repaired, written with the what-if operations.

    # li-wei-ill.yaml
    name: Li Wei ill Tuesday and Wednesday
    operations:
      - {op: unavailable, specialist: li-wei, dates: [2025-10-21, 2025-10-22]}
      - {op: change, section: demands, id: xianghe-clinic, set: {sessions: {min: 1, max: 1}}}
      - {op: remove, section: demands, id: sanhe-ep-list}          # cancelled
      - {op: travel, from: anzhen-tongzhou, to: dachang-peoples, minutes: 70}

An event is one what-if scenario without a sweep, so it is read by the scenario code
(`scenario.load_scenario_file` rules, `sweep.expand` application and validation) and every
problem gets its line in the event file. A scenario file holding exactly one scenario is
accepted too. The specialists an event names (`unavailable`, or `change`/`remove` of a
specialist) are the ones the event is about: repair treats changes to their days as cheaper
than changes to anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Problem, suggest
from outreach_opt.io.located_yaml import Located, read_located
from outreach_opt.scenarios.scenario import (
    Change,
    MarkUnavailable,
    Remove,
    ScenarioDoc,
    load_scenario_file,
    validated,
)
from outreach_opt.scenarios.sweep import expand

EVENT_FILE = "an event's operations: 'operations:' with a list such as {op: unavailable, specialist: ID, dates: [...]}"
"""What an empty event file should have held; the reader's default speaks of an instance."""

NO_OPERATION = (
    "an event needs at least one operation; write what happened under 'operations:', "
    "e.g. {op: unavailable, specialist: ID, dates: [...]}"
)

_WRAP = ("scenarios", 0)
"""Where the short form's keys sit once wrapped as a one-scenario file."""


@dataclass(frozen=True)
class Event:
    name: str
    instance: Instance
    """The instance after the event, under the base's name (not a what-if variant's)."""
    affected: frozenset[str]
    """Specialists the event names."""
    notes: tuple[str, ...] = ()


def load_event(path: str, base: Instance, base_file: str | None = None) -> Event:
    """Read an event file and apply it to `base`, read from `base_file`; bad input is an
    InputError with lines."""
    located = read_located(path, EVENT_FILE)
    data = located.data
    if isinstance(data, dict) and "scenarios" in data:
        doc = load_scenario_file(path)
        if len(doc.model.scenarios) != 1 or doc.model.scenarios[0].sweep is not None:
            raise doc.fail(("scenarios",), "an event is one scenario without a sweep; this file has more")
        if base_file is not None:
            doc.refuse_other_base(base_file)
        wrapped = False
    else:
        doc = _short_form(located)
        wrapped = True
    if not doc.model.scenarios[0].operations:
        # an event that changes nothing "repairs" into the published roster, 0 changes: it
        # reads as success while the event the planner meant was never written
        problem = doc.located.locate(Problem((*_WRAP, "operations"), NO_OPERATION))
        raise InputError([_unwrapped(problem) if wrapped else problem])
    try:
        # the base's name kept: a repaired roster is for the instance that was published
        (variant,) = expand(doc, base, rename=False)
    except InputError as exc:
        raise InputError([_unwrapped(p) for p in exc.problems] if wrapped else exc.problems) from None
    scenario = doc.model.scenarios[0]
    affected = set()
    for op in scenario.operations:
        if isinstance(op, MarkUnavailable):
            affected.add(op.specialist)
        elif isinstance(op, Change | Remove) and op.section == "specialists":
            affected.add(op.id)
    return Event(scenario.name, variant.instance, frozenset(affected), variant.notes)


def _short_form(located: Located) -> ScenarioDoc:
    """`{name?, operations}` read as the scenario file `{scenarios: [{name, operations}]}`."""
    if not isinstance(located.data, dict):
        raise InputError([located.locate(Problem((), "an event file is a mapping with 'operations:' (and 'name:')"))])
    for key in located.data:
        if key not in ("name", "operations"):
            hint = suggest(str(key), ["name", "operations"])
            message = f"unknown key {key!r}{hint}; an event has 'operations:' and 'name:'"
            raise InputError([located.locate(Problem((key,), message), key=True)])
    scenario: dict[str, Any] = {**located.data, "name": located.data.get("name") or "event"}
    wrapped = Located(
        {"scenarios": [scenario]},
        {(*_WRAP, *path): place for path, place in located.places.items()},
        located.file,
        {(*_WRAP, *path): place for path, place in located.key_places.items()},
    )
    try:
        return validated(wrapped)
    except InputError as exc:
        raise InputError([_unwrapped(p) for p in exc.problems]) from None


def _unwrapped(problem: Problem) -> Problem:
    """A problem's path without the wrapping ('scenarios', 0), as the user wrote the file."""
    if tuple(problem.path[:2]) == _WRAP:
        return Problem(problem.path[2:], problem.message, problem.file, problem.line, problem.column)
    return problem
