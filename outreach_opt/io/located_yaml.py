"""Safe YAML (and JSON, a subset of it) parsing that remembers where every value was written.

PyYAML's safe loader builds no objects from tags and runs no code; we compose the node tree
with it and construct plain values ourselves so that each value's path maps to its line and
column, duplicate keys are reported instead of silently dropped, and aliases cannot expand
into an exponential document (a node budget stops an "alias bomb").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from outreach_opt.domain.problems import InputError, Path, Problem

MAX_NODES = 2_000_000
"""More values than any real instance has; past it the document is refused, not expanded."""


@dataclass(frozen=True)
class Located:
    """A parsed document: the plain data and the 1-based line/column of every path in it."""

    data: Any
    places: dict[Path, tuple[int, int]]
    file: str

    def place(self, path: Path) -> tuple[int | None, int | None]:
        """Line and column of the deepest written part of `path` (pydantic paths may go
        deeper than the document, e.g. into a default or a tuple's type)."""
        for end in range(len(path), -1, -1):
            found = self.places.get(tuple(path[:end]))
            if found is not None:
                return found
        return None, None

    def locate(self, problem: Problem) -> Problem:
        line, column = self.place(problem.path)
        return problem.located(self.file, line, column)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.places: dict[Path, tuple[int, int]] = {}
        self.budget = MAX_NODES

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path, mark_node: yaml.Node | None = None) -> Any:
        self.budget -= 1
        if self.budget < 0:
            line, column = self._mark(node)
            raise InputError(
                [
                    Problem(
                        path,
                        f"the document expands to more than {MAX_NODES:,} values (are aliases "
                        "repeating a large block?); write the instance out plainly",
                        self.file,
                        line,
                        column,
                    )
                ]
            )
        self.places.setdefault(path, self._mark(mark_node or node))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise self._error(key_node, path, "a mapping key must be a plain name")
                name = key if isinstance(key, str) else str(key)
                if key in result:
                    first = self.places.get((*path, name))
                    where = f" (first at line {first[0]})" if first else ""
                    message = f"duplicate key {key!r}{where}; each key may appear once"
                    raise self._error(key_node, (*path, name), message)
                result[key] = self.build(value_node, (*path, name), key_node)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _error(self, node: yaml.Node, path: Path, message: str) -> InputError:
        line, column = self._mark(node)
        return InputError([Problem(path, message, self.file, line, column)])


def parse_text(text: str, file: str) -> Located:
    """Parse YAML or JSON text; raise InputError with the place of any syntax problem."""
    if not text.strip():
        raise InputError([Problem((), "the file is empty; it should hold an instance (see instances/)", file, 1, 1)])
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise InputError([Problem((), "the file holds no document", file, 1, 1)])
        builder = _Builder(loader, file)
        data = builder.build(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        if "\t" in text and "tab" in str(reason).lower():
            reason += " (YAML indents with spaces, not tabs)"
        raise InputError([Problem((), f"YAML syntax: {reason}", file, line, column)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem((), f"YAML syntax: {exc}", file, None, None)]) from None
    finally:
        loader.dispose()
    return Located(data, builder.places, file)


def read_located(path: str) -> Located:
    """Read a file as UTF-8 and parse it; unreadable or binary files are input errors."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise InputError([Problem((), f"cannot read the file: {exc.strerror}", path, None, None)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    (),
                    "the file is not UTF-8 text (is it a binary or a spreadsheet?); save it as UTF-8 YAML or JSON",
                    path,
                    line,
                    None,
                )
            ]
        ) from None
    if "\x00" in text:
        raise InputError([Problem((), "the file contains NUL bytes: it is not a text instance", path, None, None)])
    return parse_text(text, path)
