"""Up to LONG_DAYS (28 days) the HTML page is byte for byte what it was before weekly views.

The weekly sections for long horizons (report/html_weeks.py) share the template with the day
page; this holds the day page to the pages the renderer of 41963f5 (before weeks existed) wrote
for the same inputs: the bundled samples (a week, the demo week, the four-week sample at exactly
LONG_DAYS days) with rosters solved once and committed in tests/html_pages/, an empty roster,
a roster of home duties only (a short green channel, untaught trainees), one that breaks a hard
rule (the violations section) and one with the solver's figures (status, bound, gap, time).

Only `roster_to_html` is imported, so the module runs against the old code too; the hashes were
made so (from outside the worktree, so that the old package is the one imported):
    cd /tmp && PYTHONPATH=<old outreach_opt>:<repo>/tests python <repo>/tests/test_html_same.py
A change here means a change to the day page: look at it (diff the two pages), and only then
take the new hashes.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import INSTANCES

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.report.html import roster_to_html

PAGES_DIR = Path(__file__).resolve().parent / "html_pages"

OLD_SHA256 = {
    "tiny": "f849b4ad0b1c8f83abc6ef3d4f20f9dc7ba2df5063fa5347036f802f9682e137",
    "ruijin-jiading-week": "798ea603f2992ef4e2d444e25099ed601640647a7aa9c9701758c2522511015e",
    "anzhen-tongzhou-week": "063bb88bf81a0f7c55e0cc2dbe5777120b0a0f0e145857afda0ec067f250940a",
    "anzhen-tongzhou-week-figures": "cde3e0549da4c5dd461d0ed5d67f42c9f528ede5b92f7a55c9148019462eab23",
    "anzhen-tongzhou-week-duties": "f258d33540cf7dec692b12032f3edb236d7d723749380f32048b0b3588bf3a7b",
    "anzhen-tongzhou-week-broken": "d66c5d3c39252ada5b9ff3095b2268ea65359e8c7e59ee31bfa996c33f473f29",
    "anzhen-cardiology-4weeks": "7b52c9469e44c7bf9c7f8270bf7c4309787178b692a41043490c72f98dbdc1ac",
    "anzhen-cardiology-4weeks-empty": "220926f83e309d818fd4184f25a1a1adcecdad36449260acdbc241f3e2493f14",
}
"""sha256 of each page as 41963f5's renderer wrote it."""


def _page(sample: str, change: Callable[[Roster], Roster] = lambda r: r, **figures: object) -> str:
    instance = load_instance(str(INSTANCES / f"{sample}.yaml"))
    roster = change(load_roster(str(PAGES_DIR / f"{sample}-roster.yaml")))
    return roster_to_html(instance, roster, check_roster(instance, roster), **figures)  # type: ignore[arg-type]


def _keep(roster: Roster, keep: Callable[[Assignment], bool]) -> Roster:
    return roster.model_copy(update={"assignments": [a for a in roster.assignments if keep(a)]})


def _twice(roster: Roster) -> Roster:
    """The first outreach session booked a second time at another site: rule one_place breaks."""
    first = next(a for a in roster.assignments if not a.commitment)
    other = next(a.site for a in roster.assignments if a.site != first.site)
    return roster.model_copy(update={"assignments": [*roster.assignments, first.model_copy(update={"site": other})]})


PAGES: dict[str, Callable[[], str]] = {
    "tiny": lambda: _page("tiny"),
    "ruijin-jiading-week": lambda: _page("ruijin-jiading-week"),
    "anzhen-tongzhou-week": lambda: _page("anzhen-tongzhou-week"),
    "anzhen-tongzhou-week-figures": lambda: _page(
        "anzhen-tongzhou-week", status="optimal", bound=1320, gap=0.0, wall_time=1.25
    ),
    "anzhen-tongzhou-week-duties": lambda: _page(
        "anzhen-tongzhou-week", lambda r: _keep(r, lambda a: bool(a.commitment))
    ),
    "anzhen-tongzhou-week-broken": lambda: _page("anzhen-tongzhou-week", _twice),
    "anzhen-cardiology-4weeks": lambda: _page("anzhen-cardiology-4weeks"),
    "anzhen-cardiology-4weeks-empty": lambda: _page("anzhen-cardiology-4weeks", lambda r: _keep(r, lambda a: False)),
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_day_page_is_unchanged(name: str) -> None:
    """The page renders exactly as 41963f5's renderer rendered it."""
    assert sha256(PAGES[name]()) == OLD_SHA256[name]


if __name__ == "__main__":
    for key, make in PAGES.items():
        page = make()
        if len(sys.argv) > 1:
            (Path(sys.argv[1]) / f"{key}.html").write_text(page, encoding="utf-8")
        print(f'    "{key}": "{sha256(page)}",')
