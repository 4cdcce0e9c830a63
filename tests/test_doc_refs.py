"""Every pointer into the model's written-down files lands: each file named under models/ exists,
and a part quoted after it ("Where the gap sits") is one of that file's headed or bold-led parts.

Why: the model and its search are four files (models/MODEL.md, SEARCH.md, NEIGHBOURHOODS.md,
BOUNDS.md), and code, benchmarks and the README point into them by a part's title; a title
renamed or moved to another file would leave the pointer quietly wrong (one did: `lns_focus`
pointed at a "Lower bound" part that no file had).
"""

from __future__ import annotations

import re
from pathlib import Path

from support import REPO

DOCS = ("MODEL", "SEARCH", "NEIGHBOURHOODS", "BOUNDS")
REFERENCE = re.compile(
    r"\b(" + "|".join(DOCS) + r")\.md(?:'s)?\)?,?\s*\(?\s*"
    r"(?:\"([A-Z][^\"\n]*(?:\n[^\"\n]*)?)\"|'([A-Z][^'\n]*)')"
)
"""`BOUNDS.md, "Where the gap sits"`, `MODEL.md's "Why uncovered"`, `NEIGHBOURHOODS.md 'Sub-models'`:
a file and the title after it (which may wrap onto the next line)."""
LEADS = ("**", "*", "## ", "# ")
"""How a part begins: a heading, or a paragraph or item led by its bold or italic title."""


def _sources() -> list[Path]:
    globs = ("outreach_opt/**/*.py", "benchmarks/*.py", "benchmarks/*.md", "models/*.md", "tests/*.py")
    return [path for glob in globs for path in sorted(REPO.glob(glob))] + [REPO / "README.md"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_models_file_named_exists() -> None:
    named = {name for path in _sources() for name in re.findall(r"models/([A-Za-z_-]+\.md)", path.read_text("utf-8"))}
    assert named >= {"MODEL.md", "SEARCH.md", "NEIGHBOURHOODS.md", "BOUNDS.md"}
    assert [name for name in sorted(named) if not (REPO / "models" / name).is_file()] == []


def test_every_part_quoted_after_a_models_file_is_in_it() -> None:
    docs = {name: _flat((REPO / "models" / f"{name}.md").read_text("utf-8")) for name in DOCS}
    found, missing = 0, []
    for path in _sources():
        if path.name == "test_doc_refs.py":
            continue  # its own examples above are not pointers
        for match in REFERENCE.finditer(path.read_text("utf-8")):
            title = _flat(match.group(2) or match.group(3))
            found += 1
            if not any(lead + title in docs[match.group(1)] for lead in LEADS):
                missing.append(f"{path.relative_to(REPO)}: {match.group(1)}.md {title!r}")
    assert found >= 30  # the pattern still reads the pointers (37 when written)
    assert missing == []
