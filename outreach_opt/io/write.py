"""Writing outputs so that nothing is lost: atomically, and never over a file by surprise.

A crash or kill while writing leaves the old file or the new one, never half of one: the text
goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Roster


def write_atomic(path: str | Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` atomically; refuse to replace an existing file unless `force`."""
    target = Path(path)
    if target.exists() and not force:
        raise InputError.single(str(target), "the file exists already; pass --force to replace it")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError.single(str(target), f"the folder {str(folder)!r} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def roster_text(roster: Roster, path: str | Path, extra: dict[str, Any] | None = None) -> str:
    """The roster as JSON, or YAML when the file name ends in .yaml/.yml (same shape)."""
    data: dict[str, Any] = roster.to_jsonable()
    if extra:
        data.update(extra)
    if Path(path).suffix.lower() in {".yaml", ".yml"}:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
