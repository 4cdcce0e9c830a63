"""Nothing lost: a process killed (SIGKILL) at any moment while writing leaves either the old
file or the new one, complete, never half of one; and no temporary file is mistaken for it.

A child process rewrites one 4 MB file over and over with `write_atomic(..., force=True)`,
alternating two contents; it is killed at several moments. Each time the target must equal
one of the two contents exactly.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outreach_opt.domain.problems import InputError
from outreach_opt.io.write import write_atomic

WRITER = """
import sys
from outreach_opt.io.write import write_atomic
target = sys.argv[1]
contents = [b"A" * 4_000_000, b"B" * 4_000_000]
print("ready", flush=True)
i = 0
while True:
    write_atomic(target, contents[i % 2], force=True)
    i += 1
"""


def test_kill_while_writing_leaves_old_or_new(tmp_path: Path) -> None:
    """Killed at 8 different moments mid-stream: the file is always all A or all B."""
    target = tmp_path / "roster.json"
    target.write_bytes(b"A" * 4_000_000)
    for attempt in range(8):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.037 * attempt)  # different points of the write cycle
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        data = target.read_bytes()
        assert data in (b"A" * 4_000_000, b"B" * 4_000_000), f"attempt {attempt}: {len(data)} bytes, mixed"


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    """An existing output is never replaced silently."""
    target = tmp_path / "out.csv"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "keep"
    write_atomic(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left behind
