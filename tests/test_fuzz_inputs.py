"""Fuzzing the inputs: mutated instances and rosters never make loading or `check` raise
anything but the documented `InputError` (exit status 2 in the CLI), and never hang.

Mutations of the contract example (as data and as YAML text): drop a field, change a value's
type, point a reference at an unknown id, duplicate an entry, truncate or corrupt the text.
Rosters are mutated the same way and checked against the example. `InputError` is the only
exception allowed; anything else propagates and fails the test (no blanket except).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.problems import InputError
from outreach_opt.io.load import instance_from_data, load_instance, roster_from_data
from outreach_opt.io.located_yaml import parse_text

TEXT = EXAMPLE.read_text(encoding="utf-8")
DATA: dict[str, Any] = yaml.safe_load(TEXT)
INSTANCE = load_instance(str(EXAMPLE))
ROSTER: dict[str, Any] = {
    "instance": INSTANCE.name,
    "assignments": [
        {
            "specialist": "ren-yanlong",
            "date": "2025-10-20",
            "period": "am",
            "site": "anzhen-tongzhou",
            "activity": "clinic",
            "commitment": True,
        },
        {
            "specialist": "wang-jing",
            "date": "2025-10-21",
            "period": "eve",
            "site": "dachang-peoples",
            "activity": "surgery",
            "demand": "dachang-pci-evenings",
        },
    ],
}
ODD_VALUES = st.sampled_from([None, "", "zzz", -1, 10**12, 1.5, True, [], {}, ["x"], {"a": 1}, "2025-13-45", "25:00"])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(out)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = out
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["drop", "retype", "unknown_id", "duplicate"]))
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(ODD_VALUES)
        elif action == "unknown_id" and isinstance(parent[key], str):
            parent[key] = parent[key] + "-x"
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return out


@st.composite
def mutated_instances(draw: st.DrawFn) -> dict[str, Any]:
    return _mutate(DATA, draw)


@st.composite
def mutated_rosters(draw: st.DrawFn) -> dict[str, Any]:
    return _mutate(ROSTER, draw)


FUZZ = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mutated_instances())
def test_mutated_instance_data_loads_or_says_why(data: dict[str, Any]) -> None:
    """A mutated instance either validates or raises InputError whose every problem has a
    message; nothing else may escape."""
    try:
        instance_from_data(data, "fuzz")
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@FUZZ
@given(mutated_instances())
def test_mutated_instance_text_loads_or_says_why(data: dict[str, Any]) -> None:
    """The same mutations written as YAML text go through the located parser: every problem
    carries the file name."""
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        parsed = parse_text(text, "fuzz.yaml")
        instance_from_data(parsed.data, "fuzz.yaml")
    except InputError as exc:
        assert all(p.message for p in exc.problems)


@FUZZ
@given(st.integers(0, len(TEXT)), st.binary(max_size=40), st.integers(0, len(TEXT)))
def test_corrupted_text_loads_or_says_why(cut: int, junk: bytes, at: int) -> None:
    """Truncated text with random bytes spliced in: InputError with the file, or a load."""
    text = TEXT[:cut] + junk.decode("utf-8", "replace") + TEXT[at:]
    try:
        instance_from_data(parse_text(text, "bad.yaml").data, "bad.yaml")
    except InputError as exc:
        assert exc.problems


@FUZZ
@given(mutated_rosters())
def test_mutated_roster_is_checked_or_refused(data: dict[str, Any]) -> None:
    """A mutated roster either fails to load with InputError, or the checker judges it
    (unknown ids become `known_ids` violations) without raising."""
    try:
        roster = roster_from_data(data, "fuzz-roster.json")
    except InputError as exc:
        assert exc.problems
        return
    report = check_roster(INSTANCE, roster)
    assert isinstance(report.objective, int)
