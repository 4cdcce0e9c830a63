"""Loading instances and rosters from files, with errors that say file, line, field and fix.

Every failure to load is an `InputError` holding located `Problem`s; nothing else escapes for
bad input. Pydantic's messages are kept but given the place the value was written, reworded
where pydantic speaks of its own types, and, for an unknown key or a misspelt choice, the
closest known name. When the shape of an instance is wrong somewhere, the cross-reference
checks still run on every entry that is fine on its own, so one run reports both.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import Any

from pydantic import BaseModel, ValidationError

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Path, Problem, ReferenceProblems, suggest
from outreach_opt.domain.references import data_reference_problems
from outreach_opt.domain.roster import Roster
from outreach_opt.io.located_yaml import Located, read_located

MAX_PROBLEMS = 50
"""Problems reported at most for one file; the rest are counted."""

_TRAVEL_PARTS = ("from", "to", "minutes")
_LEG = "a travel leg is [from, to, minutes], e.g. [anzhen-tongzhou, dachang-peoples, 40]"


def load_instance(path: str) -> Instance:
    """Read and validate an instance file (YAML or JSON)."""
    return _validate(read_located(path, places=False), Instance)  # type: ignore[return-value]


_EXPORTS = {".csv": "a CSV", ".ics": "an iCalendar", ".xlsx": "an Excel", ".html": "an HTML", ".htm": "an HTML"}
"""Extensions of exports: written for people and other programs, never read back as rosters."""


def load_roster(path: str) -> Roster:
    """Read a roster file (JSON or YAML) into its model; references are the checker's job.
    An export (CSV, calendar, workbook, report) is refused by its name, before a parser
    would call it a YAML syntax error or 'text'."""
    export = _EXPORTS.get(FilePath(path).suffix.lower())
    if export is not None:
        raise InputError.single(
            path,
            f"this is {export} export, which the roster commands cannot read back; give the roster "
            "as JSON or YAML (write one with --out roster.json, or export --format json)",
        )
    what = "a roster (instance:, status:, assignments:)"
    return _validate(read_located(path, what, places=False), Roster)  # type: ignore[return-value]


def load_history(folder: str) -> list[Roster]:
    """Every roster file (.json, .yaml, .yml) in a folder of earlier published rosters, in
    name order. Only their assignments before the horizon will count (domain/history.py)."""
    path = FilePath(folder)
    if not path.is_dir():
        raise InputError.single(folder, "--history must name a folder of earlier roster files (.json or .yaml)")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".json", ".yaml", ".yml"} and p.is_file())
    return [load_roster(str(p)) for p in files]


def located_in_their_files(problems: Sequence[Problem]) -> list[Problem]:
    """Problems found after loading (an unknown id in a roster, say) name their file and path
    but no line: each gets the line of its path, the file read again (only on the way to an
    error). A file that cannot be read again leaves its problems as they are."""
    docs: dict[str, Located | None] = {}
    located = []
    for problem in problems:
        if problem.file is not None and problem.line is None and problem.path:
            if problem.file not in docs:
                try:
                    docs[problem.file] = read_located(problem.file)
                except InputError:
                    docs[problem.file] = None
            doc = docs[problem.file]
            problem = doc.locate(problem) if doc is not None else problem
        located.append(problem)
    return located


def instance_from_data(data: Any, source: str = "<data>") -> Instance:
    """Validate already-parsed data (e.g. built in code); problems carry paths but no lines."""
    return _validate(Located(data, {}, source), Instance)  # type: ignore[return-value]


def roster_from_data(data: Any, source: str = "<data>") -> Roster:
    """A roster from already-parsed data, with the same errors as `load_roster`."""
    return _validate(Located(data, {}, source), Roster)  # type: ignore[return-value]


def _validate(doc: Located, model: type[BaseModel]) -> BaseModel:
    if not isinstance(doc.data, dict):
        what = "an instance" if model is Instance else "a roster"
        first = "name:, horizon:, periods: …" if model is Instance else "instance:, status:, assignments: …"
        message = f"the file holds {_kind(doc.data)}, not {what}: a mapping of fields ({first})"
        raise InputError([doc.locate(Problem((), message))])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = _shape_problems(doc, exc, model)
        if model is Instance:
            problems += [doc.locate(p) for p in data_reference_problems(doc.data)]
        raise InputError(_reported(problems, doc.file)) from None
    except ReferenceProblems as exc:
        raise InputError(_reported([doc.locate(p) for p in exc.problems], doc.file)) from None


def _shape_problems(doc: Located, exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    found = [(err, _problem_from_pydantic(err, model)) for err in exc.errors()]
    # A misspelt key suggested as a missing one ("specialist" for "specialists") is one mistake:
    # keep the unknown-key message, which says both.
    suggested = {
        (*problem.path[:-1], match.group(1))
        for err, problem in found
        if err["type"] == "extra_forbidden" and (match := re.search(r"did you mean '([^']+)'", problem.message))
    }
    return [
        doc.locate(problem, key=err["type"] == "extra_forbidden")
        for err, problem in found
        if not (err["type"] == "missing" and problem.path in suggested)
    ]


def _reported(problems: list[Problem], file: str) -> list[Problem]:
    """In the order they were written; at most MAX_PROBLEMS, the rest counted."""
    ordered = sorted(problems, key=lambda p: (p.line is not None, p.line or 0, p.column or 0))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    rest = len(ordered) - MAX_PROBLEMS
    return [*ordered[:MAX_PROBLEMS], Problem((), f"… and {rest} more problems; fix these first", file)]


def _problem_from_pydantic(err: Any, model: type[BaseModel]) -> Problem:
    path: Path = tuple(part for part in err["loc"] if isinstance(part, int) or _is_plain(part))
    kind = err["type"]
    if kind == "extra_forbidden" and path:
        owner = _model_at(model, path[:-1])
        known = list(owner.model_fields) if owner else []
        bad = str(path[-1])
        hint = suggest(bad, known) or (f"; known keys: {', '.join(known)}" if known else "")
        return Problem(path, f"unknown key {bad!r}{hint}")
    if kind == "missing" and len(path) == 3 and _is_travel_leg(path[:2]):
        return Problem(path[:2], f"{_LEG}; its {_TRAVEL_PARTS[int(path[2])]} is missing")
    return Problem(path, pydantic_message(err, path))


def pydantic_message(err: Any, path: Path) -> str:
    """A pydantic error (one of `ValidationError.errors()`) said in the file's terms, for the
    value at `path`: what was expected, what was found, how to write it. Scenario and event
    files use it too."""
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing" and path:
        return f"required key {path[-1]!r} is missing; add it"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected a mapping of fields (key: value), found {_kind(given)}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list, found {_kind(given)}" + (f"; {_LEG}" if _is_travel_leg(path) else "")
    if kind in {"too_long", "too_short"} and _is_travel_leg(path):
        return f"{_LEG} (got {_shown(given)})"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}, found {ctx.get('actual_length', 0)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{given!r} is not an id: use letters, digits, '-', '_' or '.', starting with a letter or digit (no spaces)"
        )
    if kind == "string_type":
        return _string_expected(path, given)
    if kind in {"int_parsing", "int_from_float"}:
        # pydantic's "unable to parse string as an integer" calls YAML's 1e30 (read as text:
        # YAML wants a dot in a float) the user's string; 2.5 is "a fractional part"
        message = f"expected a whole number, found {_shown(given)}; write it in digits, with no fraction"
        return f"{_TRAVEL_PARTS[path[-1]]}: {message}" if _is_travel_leg(path[:-1]) and path[-1] == 2 else message
    message = str(err["msg"])
    if message.startswith(("Value error, ", "Assertion failed, ")):
        message = message.split(", ", 1)[1]
    if kind in {"enum", "literal_error"} and isinstance(given, str):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        message = f"{given!r} is not one of {', '.join(choices)}{suggest(given, choices)}"
    elif kind not in {"value_error", "assertion_error"} and "input" in err:
        message += f" (got {_shown(given)})"
    if kind.startswith(("date_", "datetime_")):
        message += "; write dates as YYYY-MM-DD, e.g. 2025-10-20"
    if _is_travel_leg(path[:-1]) and path and isinstance(path[-1], int) and path[-1] < 3:
        message = f"{_TRAVEL_PARTS[path[-1]]}: {message}"
    return message


def _is_travel_leg(path: Path) -> bool:
    return len(path) == 2 and path[0] == "travel" and isinstance(path[1], int)


def _string_expected(path: Path, given: Any) -> str:
    """Text was expected: YAML read the value as something else. Say how to write it."""
    if isinstance(given, int) and not isinstance(given, bool) and path and path[-1] in {"start", "end"}:
        clock = f"{given // 60:02d}:{given % 60:02d}"
        return (
            f'found the number {given}: write clock times in quotes, "HH:MM" (unquoted, YAML reads '
            f"{clock} as the number {given}, minutes in base 60)"
        )
    if isinstance(given, bool):
        return (
            f"expected text, found {str(given).lower()} (YAML reads yes/no/on/off/true/false unquoted as "
            "true/false); put the name in quotes"
        )
    if isinstance(given, int | float | dt.date):
        return f"expected text, found {_kind(given)} {given}; put it in quotes if it is a name"
    if given is None:
        return "expected text, found nothing (null); write a value or remove the key"
    return f"expected text, found {_kind(given)}"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _shown(value: Any) -> str:
    """A short rendering of a wrong value (never the whole of a large list)."""
    if isinstance(value, list | dict | tuple):
        shown = repr(value) if len(value) <= 8 else ""
        return shown if shown and len(shown) <= 60 else f"{_kind(value)} of {len(value)}"
    shown = repr(value.isoformat() if isinstance(value, dt.date) else value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _is_plain(part: object) -> bool:
    """Pydantic adds type tags such as 'function-after[...]' or 'list[...]' to some paths."""
    return isinstance(part, str) and "[" not in part and "(" not in part


def _model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The pydantic model that owns the fields at `path`, walking lists, tuples and optionals."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            if not args:
                return None
            current = args[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so the walk sees the list or model inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0]
        else:
            return annotation
