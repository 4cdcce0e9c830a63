"""Loading instances and rosters from files, with errors that say file, line, field and fix.

Every failure to load is an `InputError` holding located `Problem`s; nothing else escapes for
bad input. Pydantic's messages are kept but given the place the value was written and, for
an unknown key, the closest known key.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Path, Problem, ReferenceProblems, suggest
from outreach_opt.domain.roster import Roster
from outreach_opt.io.located_yaml import Located, read_located


def load_instance(path: str) -> Instance:
    """Read and validate an instance file (YAML or JSON)."""
    return _validate(read_located(path), Instance)  # type: ignore[return-value]


def load_roster(path: str) -> Roster:
    """Read a roster file (JSON or YAML) into its model; references are the checker's job."""
    return _validate(read_located(path), Roster)  # type: ignore[return-value]


def instance_from_data(data: Any, source: str = "<data>") -> Instance:
    """Validate already-parsed data (e.g. built in code); problems carry paths but no lines."""
    return _validate(Located(data, {}, source), Instance)  # type: ignore[return-value]


def _validate(doc: Located, model: type[BaseModel]) -> BaseModel:
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise InputError([doc.locate(Problem((), f"expected a mapping of fields at the top, found a {kind}"))])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [doc.locate(_problem_from_pydantic(err, model)) for err in exc.errors()]
        raise InputError(problems) from None
    except ReferenceProblems as exc:
        raise InputError([doc.locate(p) for p in exc.problems]) from None


def _problem_from_pydantic(err: Any, model: type[BaseModel]) -> Problem:
    path: Path = tuple(part for part in err["loc"] if isinstance(part, int) or _is_plain(part))
    kind = err["type"]
    if kind == "extra_forbidden" and path:
        owner = _model_at(model, path[:-1])
        known = list(owner.model_fields) if owner else []
        bad = str(path[-1])
        hint = suggest(bad, known) or (f"; known keys: {', '.join(known)}" if known else "")
        return Problem(path, f"unknown key {bad!r}{hint}")
    if kind == "missing" and path:
        return Problem(path, f"required key {path[-1]!r} is missing; add it")
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind not in {"value_error", "assertion_error"} and "input" in err:
        shown = repr(err["input"])
        if len(shown) <= 60:
            message += f" (got {shown})"
    return Problem(path, message)


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
