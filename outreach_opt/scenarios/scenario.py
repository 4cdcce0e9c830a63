"""The scenario file: named what-if variants of one base instance, validated like an instance.

    base: anzhen-tongzhou-week.yaml      # optional; relative to this file, inside its folder
    scenarios:
      - name: two more cardiologists
        operations:
          - {op: add, section: specialists, item: {id: extra-1, home: anzhen-tongzhou, skills: [pci]}}
          - {op: change, section: demands, id: xianghe-clinic, set: {sessions: {min: 3, max: 3}}}
          - {op: remove, section: specialists, id: li-wei}   # with their commitments, requests, pins
          - {op: travel, from: anzhen-tongzhou, to: dachang-peoples, minutes: 25}   # both ways
          - {op: scale, what: travel, factor: 0.8}           # or what: demand (sessions min/max)
          - {op: set, path: rules.min_rest_minutes, value: 540}   # rules.* or weights.*
          - {op: unavailable, specialist: li-wei, dates: [2025-10-21], periods: [am]}  # leave added
      - name: faster road sweep
        sweep: {parameter: travel_factor, from: 0.6, to: 1.4, step: 0.1}

The models are frozen and forbid unknown keys for the same reason the instance's are: a
misspelt key must be an error with a suggestion, not a silently ignored what-if. Every problem
names the scenario file's line, read with `read_located`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from outreach_opt.domain.instance import Minutes
from outreach_opt.domain.problems import InputError, Path, Problem, suggest
from outreach_opt.io.load import pydantic_message
from outreach_opt.io.located_yaml import Located, read_located

MAX_SWEEP = 200
"""Most scenarios one sweep may expand to: far above a readable chart, and a guard against a
step written as 0.001 instead of 0.1."""

MAX_FACTOR = 100
"""Largest travel or demand factor, for `op: scale` and for a sweep alike: a hundredfold is
past any what-if; larger ones only make absurd session counts (a travel leg stops at a day)."""

MAX_EXTRA_SPECIALISTS = 300
"""Most extra specialists a sweep adds: far above any department's hiring (the sample weeks
have ten specialists), and a guard against a typo such as 10000000, whose clones would hang
the run before any solve."""

ListSection = Literal["specialists", "demands", "sites"]
"""Sections whose entries have ids, so that `change` and `remove` can name one."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Add(_Frozen):
    """Append an entry; commitments (which have no id) can only be added."""

    op: Literal["add"]
    section: Literal["specialists", "demands", "sites", "commitments"]
    item: dict[str, Any]


class Remove(_Frozen):
    """Remove an entry by id. A specialist takes every mention of them (commitments,
    requests, pins, `preferred` lists, succession rules); a site its travel legs."""

    op: Literal["remove"]
    section: ListSection
    id: str


class Change(_Frozen):
    """Replace the given fields of an entry; fields not named keep their base values."""

    op: Literal["change"]
    section: ListSection
    id: str
    values: dict[str, Any] = Field(alias="set", min_length=1)


class Travel(_Frozen):
    """Set the driving time between two sites, both ways (a listed reverse leg changes too)."""

    op: Literal["travel"]
    origin: str = Field(alias="from")
    to: str
    minutes: Minutes


class Scale(_Frozen):
    """Multiply every travel leg, or every demand's sessions min and max, rounding half up."""

    op: Literal["scale"]
    what: Literal["travel", "demand"]
    factor: float = Field(gt=0, le=MAX_FACTOR, allow_inf_nan=False)


class SetValue(_Frozen):
    """Set one rule or weight, e.g. `rules.min_rest_minutes`."""

    op: Literal["set"]
    path: str = Field(pattern=r"^(rules|weights)\.[A-Za-z_]+$")
    value: Any


class MarkUnavailable(_Frozen):
    """A specialist cannot work on these dates (whole days, or only the given periods): added
    to their `unavailable` list, so leave already written there stays. The usual event of a
    repair (someone falls ill); with `change` the whole list would have to be written again."""

    op: Literal["unavailable"]
    specialist: str
    dates: list[dt.date] = Field(min_length=1)
    periods: list[str] | None = Field(default=None, min_length=1)


Operation = Annotated[Add | Remove | Change | Travel | Scale | SetValue | MarkUnavailable, Field(discriminator="op")]
OPERATIONS: dict[str, type[BaseModel]] = {
    "add": Add,
    "remove": Remove,
    "change": Change,
    "travel": Travel,
    "scale": Scale,
    "set": SetValue,
    "unavailable": MarkUnavailable,
}


class Sweep(_Frozen):
    """A parameter range: one scenario per value from `from` to `to` (inclusive) by `step`."""

    parameter: Literal["travel_factor", "demand_factor", "extra_specialists"]
    start: float = Field(alias="from", allow_inf_nan=False)
    to: float = Field(allow_inf_nan=False)
    step: float = Field(gt=0, allow_inf_nan=False)
    template: str | None = Field(
        default=None, description="extra_specialists: the specialist whose home, skills and limits the extras get."
    )

    @field_validator("to")
    @classmethod
    def _capped(cls, to: float, info: ValidationInfo) -> float:
        """The largest value, capped as `op: scale` caps its factor: the 200-value cap bounds
        how many variants there are, not how large each is (a sweep to 10000000 extra
        specialists hung). `from` is at most `to`, so capping `to` caps them all; the error
        stands at `to`, the value to lower."""
        parameter = info.data.get("parameter")  # absent when misspelt: that error says enough
        if parameter == "extra_specialists" and to > MAX_EXTRA_SPECIALISTS:
            shown = f"{to:.0f}" if to.is_integer() and to < 1e15 else f"{to:g}"
            raise ValueError(
                f"a sweep adds at most {MAX_EXTRA_SPECIALISTS} extra specialists, not {shown}; "
                f"lower 'to:' to {MAX_EXTRA_SPECIALISTS} or less"
            )
        if parameter in ("travel_factor", "demand_factor") and to > MAX_FACTOR:
            raise ValueError(
                f"a factor is at most {MAX_FACTOR} (as for op: scale), not {to:g}; lower 'to:' to {MAX_FACTOR} or less"
            )
        return to

    @model_validator(mode="after")
    def _sane(self) -> Sweep:
        if self.to < self.start:
            raise ValueError(f"'to' ({self.to:g}) is below 'from' ({self.start:g})")
        if len(self.values()) > MAX_SWEEP:
            raise ValueError(f"the sweep has {len(self.values())} values, more than {MAX_SWEEP}; use a larger step")
        if self.parameter == "extra_specialists":
            if self.template is None:
                raise ValueError("extra_specialists clones a specialist: name it with 'template: <specialist id>'")
            if any(v != int(v) or v < 0 for v in self.values()):
                raise ValueError("extra_specialists counts people: from, to and step must be whole numbers ≥ 0")
        elif self.start <= 0:
            raise ValueError(f"a factor must be above 0, not {self.start:g}")
        return self

    def values(self) -> list[float]:
        """The swept values; rounded so that 0.6 + 3 × 0.1 is 0.9, not 0.8999999999999999."""
        count = int((self.to - self.start) / self.step + 1e-9) + 1
        return [round(self.start + i * self.step, 9) for i in range(count)]


class Scenario(_Frozen):
    name: str = Field(min_length=1, max_length=100)
    operations: list[Operation] = Field(default_factory=list)
    sweep: Sweep | None = None


class ScenarioFile(_Frozen):
    base: str | None = None
    scenarios: list[Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> ScenarioFile:
        names = [s.name for s in self.scenarios]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"scenario names must be unique; repeated: {', '.join(twice)}")
        return self


@dataclass(frozen=True)
class ScenarioDoc:
    """A validated scenario file with the places of its values, for located errors."""

    model: ScenarioFile
    located: Located

    @property
    def file(self) -> str:
        return self.located.file

    def fail(self, path: Path, message: str, key: bool = False) -> InputError:
        return InputError([self.located.locate(Problem(path, message), key=key)])

    def base_path(self) -> FsPath | None:
        """The `base:` file, relative to the scenario file; it must stay inside that folder so
        a shared scenario file cannot point at files elsewhere on the machine."""
        if self.model.base is None:
            return None
        folder = FsPath(self.file).resolve().parent
        target = (folder / self.model.base).resolve()
        if FsPath(self.model.base).is_absolute() or not target.is_relative_to(folder):
            raise self.fail(("base",), f"{self.model.base!r} is outside the scenario file's folder; name a file in it")
        if not target.is_file():
            raise self.fail(("base",), f"the base file {str(target)!r} does not exist")
        return target

    def refuse_other_base(self, base: str) -> None:
        """A file that names its `base:` was written against that instance: patching another
        one (whose ids may match by chance) is refused, by `whatif` and `repair` alike."""
        named = self.base_path()
        if named is not None and not named.samefile(base):
            raise self.fail(("base",), f"this file patches {str(named)!r}, but the base given is {base!r}")


SCENARIO_FILE = "a scenario list: 'scenarios:' with each scenario's name and operations (see instances/scenarios/)"
"""What an empty scenario file should have held; the reader's default speaks of an instance."""


def load_scenario_file(path: str) -> ScenarioDoc:
    """Read and validate a scenario file; every problem is an InputError with its line."""
    return validated(read_located(path, SCENARIO_FILE))


def validated(located: Located) -> ScenarioDoc:
    """Scenario-file data already read, validated; every problem located in it."""
    if not isinstance(located.data, dict):
        raise InputError([located.locate(Problem((), "a scenario file is a mapping with 'scenarios:' (and 'base:')"))])
    try:
        model = ScenarioFile.model_validate(located.data)
    except ValidationError as exc:
        problems = [_problem(located, err) for err in exc.errors()]
        # A misspelt key ('sett') suggested as a missing one ('set') is one mistake: keep the
        # unknown-key message, which names both.
        suggested = {(*p.path[:-1], m.group(1)) for p in problems if (m := _SUGGESTED.search(p.message))}
        kept = [p for p in problems if not (p.path in suggested and p.message.startswith("required"))]
        raise InputError(kept) from None
    renames = [
        located.locate(Problem(("scenarios", i, "operations", j, "set", "id"), _renames(op)), key=True)
        for i, scenario in enumerate(model.scenarios)
        for j, op in enumerate(scenario.operations)
        if isinstance(op, Change) and "id" in op.values
    ]
    if renames:
        raise InputError(renames)
    return ScenarioDoc(model, located)


def _renames(op: Change) -> str:
    """A `change` alters an entry that stays itself, and other entries name it by its id
    (commitments, pins, travel legs, preferred lists): a new id would leave those naming an id
    that is gone (reported at the instance's path, far from the cause) or quietly make another
    entry without them. Renaming is a remove and an add, and should read as one."""
    what = op.section.removesuffix("s")
    return (
        f"change cannot set 'id' (it would rename {what} {op.id!r}); "
        f"remove it (op: remove) and add the new {what} (op: add) instead"
    )


_SUGGESTED = re.compile(r"^unknown key .*did you mean '([^']+)'")


_CHILD: dict[tuple[type[BaseModel], str], type[BaseModel]] = {
    (ScenarioFile, "scenarios"): Scenario,
    (Scenario, "sweep"): Sweep,
}


def _problem(located: Located, err: Any) -> Problem:
    """A pydantic error as a located problem, without the union tag pydantic adds to the path."""
    path: list[str | int] = []
    current: type[BaseModel] | None = ScenarioFile
    owner: type[BaseModel] | None = None  # the model whose key the path ends in
    tag_next = False  # pydantic puts the union's tag ("add", "set" …) right after the index
    for part in err["loc"]:
        if tag_next and part in OPERATIONS:
            current, tag_next = OPERATIONS[str(part)], False
            continue
        tag_next = isinstance(part, int) and path[-1:] == ["operations"]
        path.append(part)
        if isinstance(part, str):
            owner, current = current, _CHILD.get((current, part)) if current else None
    kind = err["type"]
    if kind == "extra_forbidden" and owner is not None:
        known = [f.alias or name for name, f in owner.model_fields.items()]
        hint = suggest(str(path[-1]), known) or f"; known keys: {', '.join(known)}"
        message = f"unknown key {path[-1]!r}{hint}"
    elif kind == "union_tag_invalid":
        given = str(err.get("ctx", {}).get("tag", ""))
        message = f"unknown operation {given!r}{suggest(given, OPERATIONS)}; one of: {', '.join(OPERATIONS)}"
    elif kind == "union_tag_not_found":
        message = f"an operation needs 'op:', one of: {', '.join(OPERATIONS)}"
    elif kind == "string_pattern_mismatch" and owner is SetValue:
        # the shared translation reads every pattern as an id's
        message = (
            f"{err['input']!r} cannot be set: only rules.<name> and weights.<name> can "
            "(a name of letters and '_', e.g. rules.min_rest_minutes)"
        )
    elif kind == "finite_number":
        message = (
            f"expected a finite number, found {err['input']} (YAML reads .inf and .nan as infinity and "
            "not-a-number); write an ordinary number"
        )
    else:
        message = pydantic_message(err, tuple(path))
    return located.locate(Problem(tuple(path), message), key=kind == "extra_forbidden")
