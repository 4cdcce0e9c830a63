"""Input problems: what is wrong with an instance or roster, and where.

A `Problem` carries the path of the field inside the document (e.g. ``("specialists", 2,
"home")``); the loader turns that path into a file, line and column. Keeping the path rather
than a formatted string lets the same checks serve files, dictionaries built in code, and tests.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and what to do."""

    path: Path
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def field(self) -> str:
        """The path as a user reads it: ``specialists[2].home``."""
        return format_path(self.path)

    def located(self, file: str | None, line: int | None, column: int | None) -> Problem:
        return Problem(self.path, self.message, file, line, column)

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field_part = f" {self.field}:" if self.path else ""
        return f"{where}:{field_part} {self.message}"


def format_path(path: Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class InputError(Exception):
    """Bad input: one or more problems, each with its place. Never a bug in the tool."""

    problems: Sequence[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, file: str | None, message: str, line: int | None = None) -> InputError:
        """One problem with a whole file (it exists, cannot be read, is empty …)."""
        return cls([Problem((), message, file, line, None)])


class ReferenceProblems(Exception):  # noqa: N818 - named for what it carries
    """Raised from `Instance`'s validator; deliberately not a ValueError so pydantic does not
    fold the separate problems (each with its own path) into one anonymous message."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest known name, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
