"""Writing outputs so that nothing is lost: atomically, and never over a file by surprise.

A crash or kill while writing leaves the old file or the new one, never half of one: the text
goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
Binary outputs (an .xlsx workbook, an .ics calendar) go the same way, so every export has the
same guarantee.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Roster


def write_atomic(path: str | Path, text: str | bytes, *, force: bool = False) -> None:
    """Write `text` to `path` atomically; refuse to replace an existing file unless `force`.

    A `str` is written as UTF-8 text, `bytes` exactly as given. A file that cannot be written
    (no permission, a read-only or full disk) is an InputError naming the file and the cause.
    """
    target = Path(path)
    folder = _checked_folder(target, force)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot_write(target, folder, exc) from None
    try:
        # mkstemp makes the file private (0600); outputs are for sharing, so use the usual
        # mode a new file would get under the user's umask.
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(target, folder, exc) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def check_writable(path: str | Path, force: bool) -> None:
    """Refuse, before any long work, an output that could not be written afterwards: a file
    that exists (without `force`), a folder in its place, a folder that is missing or that
    does not take new files. The last is tried, not guessed from permission bits (root, a
    read-only disk, /proc): a temporary file is made there and removed."""
    target = Path(path)
    folder = _checked_folder(target, force)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot_write(target, folder, exc) from None
    os.close(handle)
    Path(temporary).unlink(missing_ok=True)


def make_folder(path: str | Path) -> Path:
    """An output folder (and its parents), made if missing; an InputError when it cannot be."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError.single(str(folder), "this is a file, and a folder is needed here; name a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(
            str(folder), f"cannot make the folder: {exc.strerror or exc}; choose a folder you can write to"
        ) from None
    return folder


def _checked_folder(target: Path, force: bool) -> Path:
    """The folder `target` goes in, after refusing what no write should do."""
    if target.is_dir():
        raise InputError.single(str(target), "this is a folder; name the file to write")
    if target.exists() and not force:
        raise InputError.single(str(target), "the file exists already; pass --force to replace it")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError.single(str(target), f"the folder {str(folder)!r} does not exist")
    return folder


def _cannot_write(target: Path, folder: Path, exc: OSError) -> InputError:
    cause = exc.strerror or exc
    message = f"cannot write in the folder {str(folder)!r} (the system said: {cause}); choose a folder you can write to"
    return InputError.single(str(target), message)


def write_instance_data(path: str | Path, data: dict[str, Any], header: str, *, force: bool = False) -> None:
    """Write instance data made in code (generated, imported) as JSON for a `.json` path,
    otherwise as YAML opening with the comment `header` that says where it came from."""
    if Path(path).suffix.lower() == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = f"# {header}\n" + yaml_text(data, width=120, default_flow_style=None)
    write_atomic(path, text, force=force)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: without it a power cut can forget the new name."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def roster_text(roster: Roster, path: str | Path, extra: dict[str, Any] | None = None) -> str:
    """The roster as JSON, or YAML when the file name ends in .yaml/.yml (same shape)."""
    data: dict[str, Any] = roster.to_jsonable()
    if extra:
        data.update(extra)
    if Path(path).suffix.lower() in {".yaml", ".yml"}:
        return yaml_text(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_C_DUMPER: type[Any] | None = getattr(yaml, "CSafeDumper", None)

_PLAIN_TEXT = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Text on which libyaml's emitter writes what PyYAML's own does, character for character:
printable characters of the Basic Multilingual Plane, less the line separators U+2028/U+2029
and the byte order mark. Outside it (a tab, a newline, U+0085, an emoji, a control
character) the two quote or escape differently, both valid YAML."""


def yaml_text(data: Any, **options: Any) -> str:
    """`yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)`, the same text,
    written by libyaml's C emitter where it is installed and every text in `data` is plain
    (`_PLAIN_TEXT`) in a mapping; PyYAML's own emitter otherwise. The representer is PyYAML's in both, so
    numbers, dates and booleans read the same; the C emitter is about four times faster: a
    year-long roster or imported instance took seconds to write in pure Python."""
    plain = isinstance(data, dict) and _all_plain(data)  # a lone scalar ends otherwise ('...')
    dumper = _C_DUMPER if _C_DUMPER is not None and plain else yaml.SafeDumper
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, **options)


def _all_plain(data: Any) -> bool:
    """Every key (non-empty text) and text value in `data` (nested dicts and lists) is
    `_PLAIN_TEXT`."""
    todo = [data]
    while todo:
        value = todo.pop()
        if isinstance(value, str):
            if _PLAIN_TEXT.fullmatch(value) is None:
                return False
        elif isinstance(value, dict):
            # An empty key is written '? ' by PyYAML, plainly by libyaml; other keys as text.
            if not all(isinstance(key, str) and key for key in value):
                return False
            todo.extend(value.keys())
            todo.extend(value.values())
        elif isinstance(value, list | tuple):
            todo.extend(value)
    return True
