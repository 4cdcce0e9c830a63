"""The project keeps its promises about itself: the README's commands, style, import direction."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from support import REPO

PACKAGE = REPO / "outreach_opt"
LAYERS = {"domain": 0, "io": 1, "check": 1, "solve": 1, "report": 2, "scenarios": 2, "batch": 3, "cli": 4}
"""A module may import only from its own package or a lower layer: io, check and solve are
siblings that never import each other; report renders rosters with the checker's numbers
(cli -> batch -> report / scenarios -> io / check / solve -> domain)."""


def test_ci_runs_the_readme_test_command() -> None:
    """`.ci/run` must run exactly the README's test command, so the README stays true."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    command = next(line.strip() for line in readme.splitlines() if "pytest" in line and "pip install" in line)
    assert command in ci_lines


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_import_direction() -> None:
    """cli -> io / check / solve -> domain; only solve imports OR-Tools."""
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        layer = parts[0] if len(parts) > 1 else None
        for name in _imports(path):
            if name.startswith("ortools"):
                assert layer == "solve", f"{path} imports {name}"
            if not name.startswith("outreach_opt.") or layer is None:
                continue
            target = name.split(".")[1]
            if target not in LAYERS or target == layer:
                continue
            assert LAYERS[target] < LAYERS[layer], f"{path} ({layer}) imports {name}"


def test_ruff_and_mypy_clean() -> None:
    """Lint, format and types are part of the suite, so CI holds them."""
    for command in (
        ["ruff", "check", "outreach_opt", "tests", "cli.py"],
        ["ruff", "format", "--check", "outreach_opt", "tests", "cli.py"],
        ["mypy", "outreach_opt"],
    ):
        done = subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"


def test_readme_synopsis_lists_every_command_and_option() -> None:
    """The README's "The command line" block names every command, and for each exactly the
    options the command takes: a user reading it neither misses an option nor tries one that
    is not there."""
    import re

    import click

    from outreach_opt.cli.main import main

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The command line", 1)[1].split("\n\n", 2)[1]
    written = {}
    for line in block.splitlines():
        words = line.split()
        assert words[0] == "outreach-opt", line
        written[words[1]] = set(re.findall(r"--[a-z-]+", line))
    assert set(written) == set(main.commands)
    for name, command in main.commands.items():
        options = {
            flag
            for param in command.params
            if isinstance(param, click.Option) and "--help" not in param.opts
            for flag in (*param.opts, *param.secondary_opts)
            if flag.startswith("--")
        }
        assert written[name] == options, (name, written[name] ^ options)
