"""Safe YAML (and JSON) parsing that remembers where every value was written.

Nothing in an input file can build an object or run code: we read PyYAML's *event* stream
(libyaml's C parser where it is installed, else PyYAML's own; both are iterative, so no input
can exhaust the stack) and build plain values ourselves. Only the plain YAML types are
accepted (mapping, list, text, number, true/false, null, date); any other tag, such as
``!!python/object/apply``, is refused with its place. While building we

- record the 1-based line and column of every path, so that a problem found later (by
  pydantic or a cross-reference check) can name the place it was written;
- report duplicate keys instead of silently keeping the last one;
- bound what the document can expand to: aliases share the value they point to, but their
  expanded size counts, so an "alias bomb" (billion laughs) is refused at the alias that
  crosses `MAX_VALUES`, in milliseconds; nesting deeper than `MAX_DEPTH` is refused too;
- refuse files over `MAX_BYTES` before reading them.

JSON is read as JSON (syntax errors come with the JSON parser's line and column) and then
walked as YAML for the places of its values.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from outreach_opt.domain.problems import InputError, Path, Problem
from outreach_opt.io.text_problems import check_characters, syntax_problem

MAX_BYTES = 20 * 1024 * 1024
"""Largest instance or roster file read, far above any real instance (the sample weeks are
under 10 kB; parsing runs at roughly 1 MB a second). A larger file is refused unread."""

MAX_VALUES = 1_000_000
"""Most values a document may hold once its aliases are expanded."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings (an instance needs about 7)."""

_SHOWN_DEPTH = 8  # a too-deep value is named by its first levels

_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("null", "bool", "int", "float", "str", "timestamp")}
_MAP_TAGS = {None, "!", f"{_YAML}map"}
_SEQ_TAGS = {None, "!", f"{_YAML}seq"}
_MERGE = f"{_YAML}merge"
_KIND = {
    f"{_YAML}int": "whole number",
    f"{_YAML}float": "number",
    f"{_YAML}bool": "true/false",
    f"{_YAML}timestamp": "date",
    f"{_YAML}null": "null",
}

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

Place = tuple[int, int]


@dataclass(frozen=True)
class Located:
    """A parsed document: the plain data and the 1-based line/column of every path in it.

    `places` holds where each value was written (for a value on its own lines, where its key
    was); `key_places` where each mapping key was written, for problems with the key itself.
    Read with `places=False`, both are empty and `text` is kept: `place` parses it again for
    them, on the way to an error only.
    """

    data: Any
    places: dict[Path, Place]
    file: str
    key_places: dict[Path, Place] = field(default_factory=dict)
    text: str | None = field(default=None, repr=False, compare=False)

    @cached_property
    def _placed(self) -> Located:
        return self if self.text is None else parse_text(self.text, self.file)

    def place(self, path: Path, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of the deepest written part of `path` (pydantic paths may go
        deeper than the document, e.g. into a default or a missing key)."""
        doc = self._placed
        if key and tuple(path) in doc.key_places:
            return doc.key_places[tuple(path)]
        for end in range(len(path), -1, -1):
            found = doc.places.get(tuple(path[:end]))
            if found is not None:
                return found
        return None, None

    def locate(self, problem: Problem, key: bool = False) -> Problem:
        if problem.file is not None and problem.line is not None:
            return problem
        line, column = self.place(problem.path, key)
        return problem.located(self.file, line, column)


def _fail(file: str, path: Path, message: str, mark: Any) -> InputError:
    line, column = _at(mark) if mark is not None else (None, None)
    return InputError([Problem(path, message, file, line, column)])


def _at(mark: Any) -> Place:
    """A YAML mark (0-based) as a 1-based (line, column)."""
    return mark.line + 1, mark.column + 1


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


@dataclass
class _Open:
    """A mapping or list whose end has not been read yet."""

    value: dict[Any, Any] | list[Any]
    path: Path
    anchor: str | None
    size: int = 1
    depth: int = 1
    key: str | None = None  # a mapping's key waiting for its value
    key_mark: Any = None
    merges: list[tuple[Any, Any]] = field(default_factory=list)  # (source, mark) of '<<' keys


_NO_VALUE = object()


class _Builder:
    """Builds plain values from the event stream, with places, budgets and tag checks."""

    def __init__(self, loader: Any, file: str, track: bool = True) -> None:
        self.loader = loader
        self.file = file
        self.track = track  # record places (else only the values: errors are read again, tracked)
        self.places: dict[Path, Place] = {}
        self.key_places: dict[Path, Place] = {}
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.open_anchors: set[str] = set()
        self.stack: list[_Open] = []
        self.total = 0
        self.root: Any = _NO_VALUE
        self.plain: dict[tuple[str, Any], tuple[Any]] = {}  # untagged scalar (text, implicit) -> its value

    def run(self) -> Any:
        documents = 0
        get_event = self.loader.get_event
        while True:
            event = get_event()
            kind = type(event)
            # The most frequent events first, by their exact class (parsers make no subclasses).
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._node(event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self._close(event)
            elif isinstance(event, yaml.StreamEndEvent):
                break
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(
                        self.file,
                        (),
                        "a second YAML document starts here ('---'); a file holds one instance",
                        event.start_mark,
                    )
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent | yaml.CollectionStartEvent):
                self._node(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self._close(event)
        return self.root

    # -- where the next value goes -------------------------------------------------------

    def _node(self, event: Any) -> None:
        stack = self.stack
        plain = stack and type(event) is yaml.ScalarEvent and event.anchor is None and len(stack) < MAX_DEPTH
        if plain and self._plain_scalar(stack[-1], event):
            return
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            self._key(parent, event)
            return
        if parent is None:
            path: Path = ()
            mark = event.start_mark
        elif isinstance(parent.value, dict):
            assert parent.key is not None
            path = (*parent.path, parent.key)
            # A value on its own lines (a block list or mapping) is placed at its key.
            same_line = event.start_mark.line == parent.key_mark.line
            mark = event.start_mark if same_line else parent.key_mark
        else:
            path = (*parent.path, len(parent.value))
            mark = event.start_mark
        self.places.setdefault(path, _at(mark))

        if isinstance(event, yaml.CollectionStartEvent):
            is_map = isinstance(event, yaml.MappingStartEvent)
            if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                raise self._tag_refused(path, event)
            if len(self.stack) + 1 > MAX_DEPTH:
                raise _fail(
                    self.file,
                    path[:_SHOWN_DEPTH],
                    f"the document nests deeper than {MAX_DEPTH} levels; an instance needs far fewer",
                    event.start_mark,
                )
            self._count(1, path, event)
            if event.anchor is not None:
                self.open_anchors.add(event.anchor)
            self.stack.append(_Open({} if is_map else [], path, event.anchor))
            return
        if isinstance(event, yaml.AliasEvent):
            value, size, depth = self._alias(path, event)
        else:
            value, size, depth = self._scalar(path, event), 1, 1
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1, 1)
        self._count(size, path, event)
        self._attach(value, size, depth, event)

    def _plain_scalar(self, parent: _Open, event: Any) -> bool:
        """`_node`'s common case (hundreds of thousands in a year-long file): a scalar with no
        anchor, a list item or the value of a key other than '<<', within the nesting bound.
        The steps of `_node` and `_attach`, fewer checks; False (nothing done) otherwise."""
        container = parent.value
        start = event.start_mark
        if isinstance(container, list):
            step: str | int = len(container)
            mark = start
        elif parent.key is None:
            self._key(parent, event)
            return True
        elif parent.key == "<<":
            return False
        else:
            step = parent.key
            mark = start if start.line == parent.key_mark.line else parent.key_mark
        path = parent.path  # errors only, untracked: an error is read again, tracked
        if self.track:
            path = (*parent.path, step)
            if path not in self.places:
                self.places[path] = (mark.line + 1, mark.column + 1)
        value = self._scalar(path, event)
        self._count(1, path, event)
        parent.size += 1
        if parent.depth < 2:
            parent.depth = 2
        if isinstance(container, list):
            container.append(value)
        else:
            container[parent.key] = value
            parent.key = None
        return True

    def _count(self, values: int, path: Path, event: Any) -> None:
        """Count values as the document would expand them; an alias counts all it repeats."""
        self.total += values
        if self.total > MAX_VALUES:
            raise _fail(
                self.file,
                path,
                f"the document expands to more than {MAX_VALUES:,} values (an alias repeating a "
                "block of aliases?); refused: write the instance out plainly, without nested aliases",
                event.start_mark,
            )

    def _key(self, parent: _Open, event: Any) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise _fail(
                self.file,
                parent.path,
                "a mapping key must be a plain name, not a list, mapping or alias",
                event.start_mark,
            )
        if event.tag not in (None, "!") and event.tag not in _SCALAR_TAGS:
            raise self._tag_refused(parent.path, event)
        # PyYAML resolves a plain '<<', and only that, as the merge key (its one resolver for '<').
        if event.implicit[0] and event.value == "<<":
            name = "<<"
        else:
            # Keys are names: taken as written (so `on:` or `1:` stay the text "on", "1").
            name = event.value
            if name in parent.value:
                first = self.key_places.get((*parent.path, name))
                where = f" (first at line {first[0]})" if first else ""
                raise _fail(
                    self.file,
                    (*parent.path, name),
                    f"duplicate key {name!r}{where}; each key may appear once",
                    event.start_mark,
                )
            if self.track:
                self.key_places[(*parent.path, name)] = _at(event.start_mark)
        parent.key = name
        parent.key_mark = event.start_mark

    def _scalar(self, path: Path, event: Any) -> Any:
        if event.tag is None:
            # Untagged scalars are read by their text alone: ids, dates and numbers repeat
            # thousands of times in a year-long instance, and each is resolved and built once.
            known = self.plain.get((event.value, event.implicit))
            if known is not None:
                return known[0]
            value = self._untagged(path, event)
            self.plain[(event.value, event.implicit)] = (value,)
            return value
        return self._construct(path, event, f"{_YAML}str" if event.tag == "!" else event.tag)

    def _untagged(self, path: Path, event: Any) -> Any:
        tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _MERGE:  # '<<' as a value, not a key, is just text
            tag = f"{_YAML}str"
        elif tag == f"{_YAML}bool" and event.value.lower() not in ("true", "false"):
            # YAML 1.2: only true/false are booleans. Under 1.1, `want: off` or a period
            # called `on` would silently become False/True.
            tag = f"{_YAML}str"
        return self._construct(path, event, tag)

    def _construct(self, path: Path, event: Any, tag: str) -> Any:
        if tag not in _SCALAR_TAGS:
            raise self._tag_refused(path, event)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            kind = _KIND.get(tag, "value")
            raise _fail(
                self.file, path, f"{event.value!r} is not a valid {kind} ({reason})", event.start_mark
            ) from None

    def _alias(self, path: Path, event: Any) -> tuple[Any, int, int]:
        name = event.anchor
        if name in self.open_anchors and name not in self.anchors:
            raise _fail(self.file, path, f"the alias *{name} refers to a block that contains it", event.start_mark)
        if name not in self.anchors:
            raise _fail(self.file, path, f"the alias *{name} refers to no anchor &{name} above it", event.start_mark)
        return self.anchors[name]

    def _tag_refused(self, path: Path, event: Any) -> InputError:
        return _fail(
            self.file,
            path,
            f"the tag {_show_tag(str(event.tag))!r} is not allowed: an instance holds plain values only "
            "(mappings, lists, text, numbers, true/false, dates); nothing in it is run or built",
            event.start_mark,
        )

    # -- finishing values --------------------------------------------------------------

    def _close(self, event: Any) -> None:
        done = self.stack.pop()
        if isinstance(done.value, dict):
            for source, mark in done.merges:
                for key, val in source.items():
                    if key not in done.value:
                        done.value[key] = val
                        self.places.setdefault((*done.path, key), _at(mark))
        if done.anchor is not None:
            self.open_anchors.discard(done.anchor)
            self.anchors[done.anchor] = (done.value, done.size, done.depth)
        self._attach(done.value, done.size, done.depth, event)

    def _attach(self, value: Any, size: int, depth: int, event: Any) -> None:
        if len(self.stack) + depth > MAX_DEPTH:
            raise _fail(
                self.file,
                self.stack[-1].path[:_SHOWN_DEPTH] if self.stack else (),
                f"the document nests deeper than {MAX_DEPTH} levels through its aliases",
                event.start_mark,
            )
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        parent.size += size
        parent.depth = max(parent.depth, depth + 1)
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        key, parent.key = parent.key, None
        if key == "<<":
            sources = value if isinstance(value, list) else [value]
            if not sources or not all(isinstance(s, dict) for s in sources):
                raise _fail(
                    self.file,
                    parent.path,
                    "'<<' merges a mapping or a list of mappings into this one",
                    parent.key_mark,
                )
            parent.merges.extend((s, parent.key_mark) for s in sources)
        else:
            parent.value[key] = value


def parse_text(text: str, file: str, what: str = "an instance (see instances/)", places: bool = True) -> Located:
    """Parse YAML or JSON text; raise InputError with the place of any problem. `places=False`
    records no places (a year-long instance parses a fifth faster): they are found again from
    the text kept when a problem needs one. Any problem while parsing is read again, tracked."""
    if not places:
        try:
            untracked = _parse(text, file, what, track=False)
        except InputError:
            pass  # the tracked reading below says it with every place
        else:
            return Located(untracked.data, {}, file, {}, text)
    return _parse(text, file, what, track=True)


def _json_syntax(exc: json.JSONDecodeError, text: str) -> str:
    """json's own words end mid-sentence ("Unterminated string starting at"): say what to do,
    and that a `.json` file which does not open with `{` may be YAML under the wrong name."""
    said = exc.msg[: -len(" at")] + " here" if exc.msg.endswith(" at") else exc.msg
    message = f"JSON syntax: {said}; fix the JSON there"
    if not text.lstrip().startswith(("{", "[")):
        message += " (if the file is YAML, give it a .yaml name)"
    return message


def _parse(text: str, file: str, what: str, track: bool) -> Located:
    if not text.strip():
        raise InputError([Problem((), f"the file is empty; it should hold {what}", file, 1, 1)])
    check_characters(text, file)
    json_data: Any = _NO_VALUE
    if file.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            json_data = json.loads(text)
        except json.JSONDecodeError as exc:
            if file.lower().endswith(".json"):
                raise InputError([Problem((), _json_syntax(exc, text), file, exc.lineno, exc.colno)]) from None
        except RecursionError:
            raise InputError([Problem((), f"the document nests deeper than {MAX_DEPTH} levels", file, 1, 1)]) from None
        if json_data is not _NO_VALUE:
            # Valid JSON holds tabs only as white space (never inside strings), and YAML reads
            # JSON once they are spaces; one character for one keeps every place.
            text = text.replace("\t", " ")
            # YAML refuses the surrogate escapes JSON writes for characters past U+FFFF (emoji):
            # a same-length stand-in keeps the places; the values come from JSON anyway.
            text = _SURROGATE_ESCAPE.sub(r"\\u003f", text)
    loader = _LOADER(text)
    try:
        builder = _Builder(loader, file, track)
        data = builder.run()
    except yaml.YAMLError as exc:
        raise InputError([syntax_problem(exc, text, file)]) from None
    finally:
        loader.dispose()
    if data is _NO_VALUE:
        raise InputError([Problem((), f"the file holds only comments; it should hold {what}", file, 1, 1)])
    if json_data is not _NO_VALUE and json_data != data:
        data = json_data  # JSON's own reading of its numbers (e.g. 1e3) wins; the places are the same
    return Located(data, builder.places, file, builder.key_places)


def read_located(path: str, what: str = "an instance (see instances/)", places: bool = True) -> Located:
    """Read a file as UTF-8 and parse it; unreadable, too large or binary files are input errors."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise InputError([_too_large(path, size)])
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem((), f"cannot read the file: {exc.strerror}", path, None, None)]) from None
    if len(raw) > MAX_BYTES:  # not a regular file, or it grew while we read it
        raise InputError([_too_large(path, len(raw))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        raise InputError(
            [
                Problem(
                    (),
                    f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}; is it a binary or a spreadsheet?); "
                    "save it as UTF-8 YAML or JSON",
                    path,
                    line,
                    column,
                )
            ]
        ) from None
    return parse_text(text, path, what, places)


def _too_large(path: str, size: int) -> Problem:
    return Problem(
        (),
        f"the file is {size / 1024 / 1024:.1f} MB, over the limit of {MAX_BYTES // 1024 // 1024} MB for an "
        "instance or roster; refused without reading it (is it the right file?)",
        path,
        1,
        1,
    )
