"""Ctrl-C (SIGINT) or SIGTERM during a solve keeps the best roster found, marked interrupted.

A real process, a real signal: `outreach-opt solve` runs on an instance six times the Anzhen
week over four weeks (a search that is still running after its first roster), with plain
progress lines on a pipe. When the first roster is reported, the signal is sent; the process
must exit 130 within a few seconds, having written a roster marked "interrupted" that the
independent checker accepts with the objective written in it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from support import INSTANCES, scaled

from outreach_opt.check.checker import check_roster
from outreach_opt.io.load import load_instance, load_roster


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_keeps_best_roster(tmp_path: Path, signum: int) -> None:
    """The signal stops the search, not the process: exit 130, roster written and valid."""
    instance_path = tmp_path / "big.yaml"
    instance_path.write_text(yaml.safe_dump(scaled(INSTANCES / "anzhen-tongzhou-week.yaml", 6, 28)), encoding="utf-8")
    out = tmp_path / "roster.json"
    command = [sys.executable, "-m", "outreach_opt.cli.main", "solve", str(instance_path)]
    command += ["--time-limit", "120", "--workers", "2", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "roster #1" in line:
            break
        assert time.monotonic() < deadline, "no roster reported within 60 s"
    sent = time.monotonic()
    process.send_signal(signum)
    rest, errors = process.communicate(timeout=30)
    assert process.returncode == 130, (rest, errors)
    assert time.monotonic() - sent < 15
    assert "interrupted" in rest and "Traceback" not in errors
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["status"] == "interrupted"
    report = check_roster(load_instance(str(instance_path)), load_roster(str(out)))
    assert report.ok and report.objective == written["objective"]
