"""Problems with a file's text as text: characters YAML does not allow, and the parser's
syntax errors said with their place. Apart from located_yaml.py, which builds the values."""

from __future__ import annotations

import re

import yaml

from outreach_opt.domain.problems import InputError, Problem

# Characters YAML does not allow in a document (C0 controls other than tab, CR, LF; DEL ...).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> Problem:
    """A YAML parser's error at its line and column, with a hint where the line holds a tab."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        context_mark = exc.context_mark
        if exc.context and exc.problem and context_mark is not None and context_mark.line + 1 != line:
            reason += f" ({exc.context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
        lines = text.splitlines()
        if line is not None and 0 < line <= len(lines) and "\t" in lines[line - 1]:
            reason += "; YAML indents with spaces, never tabs: replace the tab with spaces"
        return Problem((), f"YAML syntax: {reason}", file, line, column)
    return Problem((), f"YAML syntax: {exc}", file, None, None)


def check_characters(text: str, file: str) -> None:
    """Refuse, at its place, a character no YAML document may hold (a binary file, mostly)."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    char = bad.group()
    what = "a NUL byte" if char == "\x00" else f"the control character U+{ord(char):04X}"
    raise InputError(
        [Problem((), f"the file contains {what}: it is not a text instance (binary, or damaged?)", file, line, column)]
    )
