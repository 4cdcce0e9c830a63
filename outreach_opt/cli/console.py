"""The one rich Console every command prints through."""

from __future__ import annotations

import sys

from rich.console import Console


def make_console() -> Console:
    """A terminal gets colour and its own width; anything else (a pipe, CI, a test runner)
    gets plain text, wide enough for a week grid."""
    return Console() if sys.stdout.isatty() else Console(width=200, no_color=True, highlight=False)
