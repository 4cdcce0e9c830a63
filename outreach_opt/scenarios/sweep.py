"""Expanding a scenario file into validated instance variants, one per scenario or swept value.

A sweep (`sweep: {parameter: travel_factor, from: 0.6, to: 1.4, step: 0.1}`) applies after the
scenario's own operations, once per value, and names each variant `name [parameter=value]`.
Every variant is validated as a whole instance here, in the parent process, so a bad scenario
stops the run (exit 2) before any solve starts rather than failing inside a worker.

A variant's instance is named `base name / variant name` (`instance_name`), set in its data
before validation, so the instance, what a worker receives, the roster it makes (whose
`instance` is that name) and the `.instance.yaml` whatif writes all say which variant they
are: `check BASE ROSTER` of a variant's roster notes that it names another instance.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Path, Problem, format_path
from outreach_opt.io.load import instance_from_data
from outreach_opt.scenarios.operations import Patch, add_extra_specialists, apply, scale_demand, scale_travel
from outreach_opt.scenarios.scenario import Scenario, ScenarioDoc


@dataclass(frozen=True)
class Variant:
    """One instance to solve: its name, plain data (what a worker receives) and sweep point."""

    name: str
    data: dict[str, Any]
    instance: Instance
    scenario: str
    """The scenario's own name: for a sweep, shared by all its values."""
    parameter: str | None = None
    value: float | None = None
    notes: tuple[str, ...] = ()


NAME_SEPARATOR = " / "
"""Between the base instance's name and the variant's in a variant instance's name."""


def instance_name(base: str, variant: str) -> str:
    """`base / variant`: the name of a variant's instance, which says what it was made from
    (the instance `name` has no length limit, so any two names make a valid one)."""
    return f"{base}{NAME_SEPARATOR}{variant}"


def base_data(base: Instance) -> dict[str, Any]:
    """The base instance as plain data, the form operations patch and workers receive."""
    return base.model_dump(mode="json")


def expand(doc: ScenarioDoc, base: Instance, *, rename: bool = True) -> list[Variant]:
    """Every scenario of the file applied to `base`, sweeps expanded, each one validated.

    Each variant's instance is named `instance_name(base.name, variant name)`; with
    `rename=False` it keeps the base's name (an event: the repaired roster is for the instance
    that was published). Problems of all scenarios are reported together (a sweep stops at its
    first bad value, whose problem the other values would only repeat)."""
    plain, sharers = base_data(base), len(base.outreach_sharers())
    variants: list[Variant] = []
    problems: list[Problem] = []
    for i, scenario in enumerate(doc.model.scenarios):
        try:
            variants += _expand_one(doc, ("scenarios", i), scenario, plain, sharers, rename)
        except InputError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return variants


def _expand_one(
    doc: ScenarioDoc, at: Path, scenario: Scenario, plain: dict[str, Any], sharers: int, rename: bool
) -> list[Variant]:
    patch = Patch(copy.deepcopy(plain))
    for j, op in enumerate(scenario.operations):
        with _located(doc):
            apply(patch, op, (*at, "operations", j))
    if scenario.sweep is None:
        return [_variant(doc, scenario, patch, at, scenario.name, sharers, rename)]
    variants = []
    sweep_at: Path = (*at, "sweep")
    parameter = scenario.sweep.parameter
    for value in scenario.sweep.values():
        point = patch.copy()
        if parameter == "travel_factor":
            scale_travel(point.data, value)
        elif parameter == "demand_factor":
            scale_demand(point.data, value)
        else:
            with _located(doc):
                add_extra_specialists(point, str(scenario.sweep.template), int(value), sweep_at)
        name = f"{scenario.name} [{parameter}={value:g}]"
        variants.append(_variant(doc, scenario, point, sweep_at, name, sharers, rename, parameter, value))
    return variants


def _headcount(instance: Instance, base: int) -> list[str]:
    """A note when the variant shares outreach among another number of specialists than the
    base and `fairness_deviation` is weighted: the term is `n` times the sum of each sharer's
    distance from the mean burden, so at the same spread its cost grows with `n` (five
    sharers and two extra: 2500, 3600, 4800 in a generated week), and the objective's change
    is not the roster's alone."""
    n = len(instance.outreach_sharers())
    if n == base or not instance.weights.fairness_deviation:
        return []
    return [
        f"{n} specialists share outreach against the base's {base}: fairness_deviation counts n times "
        "each one's distance from the mean, so the objective moves with the headcount (compare the fairness spread)"
    ]


@contextmanager
def _located(doc: ScenarioDoc) -> Iterator[None]:
    """Give problems raised inside (which carry scenario-file paths) their lines."""
    try:
        yield
    except InputError as exc:
        raise InputError([doc.located.locate(p) for p in exc.problems]) from None


def _variant(
    doc: ScenarioDoc,
    scenario: Scenario,
    patch: Patch,
    at: Path,
    name: str,
    base: int,
    rename: bool,
    parameter: str | None = None,
    value: float | None = None,
) -> Variant:
    """Name the patched data's instance after its base and `name` (unless not to `rename`) and
    validate it; a problem points at the operation that caused it, or else at the scenario (or
    its sweep), and names the instance field it is about."""
    if rename:
        patch.data["name"] = instance_name(str(patch.data["name"]), name)
    try:
        instance = instance_from_data(patch.data, f"{doc.file}: {name}")
    except InputError as exc:
        problems = []
        for problem in exc.problems:
            where = patch.origin(problem.path) or at
            message = f"in scenario {name!r}, {format_path(problem.path) or 'the instance'}: {problem.message}"
            problems.append(doc.located.locate(Problem(where, message)))
        raise InputError(problems) from None
    return Variant(
        name, patch.data, instance, scenario.name, parameter, value, (*patch.notes, *_headcount(instance, base))
    )
