"""The HTML report, opened for real in headless Chromium (Debian's `chromium` package).

The page is rendered to a file and loaded from file:// with networking features off. A small
probe script, added to a test copy only (the report itself has no scripts), writes what the
browser computed into the DOM: each grid cell's background colour and whether the page fits
the window. `--dump-dom` then shows what a reader sees. Without Chromium the browser tests
skip locally, but fail under CI (the variable CI set), where `.ci/run` must install it.

Run as a script to regenerate the committed screenshot:
    .venv/bin/python tests/test_html_report.py docs/report-anzhen-week.png
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support import INSTANCES

from outreach_opt.check.checker import check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.report.html import roster_to_html
from outreach_opt.report.views import DUTY_GREY, site_colours
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.solve import solve

ANZHEN = INSTANCES / "anzhen-tongzhou-week.yaml"
WINDOW = (1600, 1400)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROBE = """<script>
const seen = {};
for (const cell of document.querySelectorAll('#grid .cell:not(.empty)')) {
  const key = (cell.classList.contains('duty') ? 'duty:' : '') + cell.className.match(/site-(\\S+)/)[1];
  (seen[key] = seen[key] || new Set()).add(getComputedStyle(cell).backgroundColor);
}
const out = {};
for (const [key, colours] of Object.entries(seen)) out[key] = [...colours];
document.body.dataset.colours = JSON.stringify(out);
document.body.dataset.overflow = String(document.documentElement.scrollWidth > window.innerWidth);
</script>"""


@functools.cache
def anzhen() -> tuple[Instance, Roster, str]:
    """The Anzhen week solved (one worker: the same roster every run) and its report page."""
    instance = load_instance(str(ANZHEN))
    result = solve(instance, SolveOptions(time_limit=20, workers=1))
    assert result.roster is not None
    report = check_roster(instance, result.roster)
    status, bound, gap, wall = result.status.value, result.bound, result.gap, result.wall_time
    html = roster_to_html(instance, result.roster, report, status=status, bound=bound, gap=gap, wall_time=wall)
    return instance, result.roster, html


def chromium() -> str:
    """The browser's path; skip without it, unless under CI, where it must be installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run must `apt-get install -y chromium` (CI is set)")
    pytest.skip("chromium is not installed (apt-get install chromium); required when CI is set")


def run_chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_browser_shows_grid_legend_coverage_and_cjk(tmp_path: Path) -> None:
    """Chromium's DOM has every specialist in the grid, the legend with every site (Chinese
    names intact), a coverage row per demand, drives on the timeline; each site's outreach
    cells are painted in its legend colour, home duties grey; the page fits 1600 px."""
    instance, roster, html = anzhen()
    page = tmp_path / "report.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(page, tmp_path / "profile", "--dump-dom").stdout
    grid = dom[dom.index('id="grid"') : dom.index('id="sites"')]
    for spec in instance.specialists:
        assert f'data-specialist="{spec.id}"' in grid and spec.label in grid
    legend = dom[dom.index('id="legend"') : dom.index('id="grid"')]
    for site in instance.sites:
        assert f'data-site="{site.id}"' in legend
        assert site.name in legend
    assert "北京安贞医院通州院区" in legend and "任燕龙" in grid
    coverage = dom[dom.index('id="coverage"') : dom.index('id="timeline"')]
    assert len(re.findall(r"<tr class=\"(?:covered|missing)\"", coverage)) == len(instance.demands)
    assert 'class="bar drive"' in dom
    body = re.search(r'<body data-colours="([^"]*)" data-overflow="(\w+)"', dom)
    assert body is not None, "the probe ran in the browser"
    painted = json.loads(body.group(1).replace("&quot;", '"'))
    colours = site_colours(instance)
    outreach = {a.site for a in roster.assignments if not a.commitment}
    assert outreach, "the week has outreach to colour"
    for site in outreach:
        assert painted[site] == [rgb(colours[site])], site
    duties = [key for key in painted if key.startswith("duty:")]
    assert duties and all(painted[key] == [rgb(DUTY_GREY)] for key in duties)
    assert body.group(2) == "false", "the week grid fits the window without scrolling sideways"


def _cells(html: str, table: str) -> dict[tuple[str, str], str]:
    """(date, period) -> the text of each in-window slot of one on-call table."""
    block = html[html.index(f'data-on-call="{table}"') :].split("</table>", 1)[0]
    found = re.findall(r'<td class="slot[^"]*" data-date="([^"]+)" data-period="([^"]+)">([^<]*)</td>', block)
    return {(date, period): text for date, period, text in found}


def _trainee_row(html: str, trainee: str) -> str:
    return html[html.index(f'data-trainee="{trainee}"') :].split("</tr>", 1)[0]


def test_browser_shows_green_channel_and_teaching(tmp_path: Path) -> None:
    """Chromium's DOM has the Dachang green channel slot by slot, each slot naming whom the
    solver's own listing (the roster's `on_call`, derived from the model's day patterns) puts
    within reach, none short; and per local doctor the sessions that taught them, re-derived
    here from the instance (a session of a demand that teaches them, while they are in), with
    the distinct teachers: two for the Dachang cardiologist, one for Yanda's
    electrophysiologist, targets met."""
    instance, roster, html = anzhen()
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = run_chromium(page, tmp_path / "profile", "--dump-dom").stdout
    names = {s.id: s.label for s in instance.specialists}
    listing = roster.model_extra["on_call"]  # type: ignore[index]
    cells = _cells(dom, "dachang-green-channel")
    assert cells == {(s["date"], s["period"]): ", ".join(names[w] for w in s["within_reach"]) for s in listing}
    assert len(cells) == 7 and 'class="slot short"' not in dom
    teaching = dom[dom.index('id="teaching"') : dom.index('id="timeline"')]
    expected_teachers = {"dachang-cardiologist": 2, "yanda-electrophysiologist": 1}
    for trainee in instance.trainees:
        taught = {
            (a.date, a.period, a.demand, a.specialist)
            for a in roster.assignments
            if a.demand is not None
            and trainee.id in next(d.teaches for d in instance.demands if d.id == a.demand)
            and not trainee.is_off(a.date, a.period)
        }
        row = _trainee_row(teaching, trainee.id)
        assert row.startswith(f'data-trainee="{trainee.id}"') and trainee.label in row
        assert row.count('<li class="lesson"') == len({t[:3] for t in taught}) > 0
        teachers = {names[t[3]] for t in taught}
        assert len(teachers) == expected_teachers[trainee.id] and all(name in row for name in teachers)
    assert '<tr class="short"' not in teaching


def test_report_marks_short_on_call_slots_and_teaching_targets() -> None:
    """The Anzhen week with its commitments only and a green channel asking for 9 PCI doctors
    (there are fewer): every evening slot is marked short; with no session taught, each
    trainee is short their whole weekly share (12 a month -> 3, 4 -> 1), priced at 200 each."""
    instance, roster, _ = anzhen()
    data = instance.model_dump(mode="json")
    data["on_call"][0]["count"] = 9
    hungry = instance_from_data(data, "test")
    duties = roster.model_copy(update={"assignments": [a for a in roster.assignments if a.commitment]})
    page = roster_to_html(hungry, duties, check_roster(hungry, duties))
    cells = _cells(page, "dachang-green-channel")
    assert len(cells) == 7 and all(re.search(r"\(\d short\)$", text) for text in cells.values())
    assert page.count('<td class="slot short"') == 7
    for trainee, short in (("dachang-cardiologist", 3), ("yanda-electrophysiologist", 1)):
        row = _trainee_row(page, trainee)
        assert "none" in row and f'<td class="num short">{short} ({200 * short})</td>' in row
    assert page.count('<tr class="short" data-trainee=') == 2


def screenshot(html: str, folder: Path, out: Path) -> Path:
    page = folder / "report.html"
    page.write_text(html, encoding="utf-8")
    run_chromium(page, folder / "profile", f"--screenshot={out}", f"--window-size={WINDOW[0]},{WINDOW[1]}")
    return out


def test_browser_screenshot_is_a_full_size_png(tmp_path: Path) -> None:
    """The screenshot the docs use comes out as a PNG of the window's size, and not a blank
    page (a page of flat colour compresses to a few kilobytes)."""
    _, _, html = anzhen()
    shot = screenshot(html, tmp_path, tmp_path / "shot.png").read_bytes()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", shot[16:24])
    assert (width, height) == WINDOW
    assert len(shot) > 100_000


def test_report_is_self_contained_and_escaped() -> None:
    """No link, script or font leaves the file; UTF-8 is declared; names are text, not
    markup (an instance name with a tag in it is shown, not run)."""
    instance, roster, html = anzhen()
    assert '<meta charset="utf-8">' in html
    for outside in ("http://", "https://", "src=", "href=", "@import", "url(", "<script", "<link"):
        assert outside not in html, outside
    hostile = instance.model_copy(update={"name": "<script>alert(1)</script> week"})
    page = roster_to_html(hostile, roster, check_roster(hostile, roster))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; week" in page


def test_report_shows_the_night_away() -> None:
    """Gao Yu's Saturday at Chengde ends there for the night (rule overnight_stay): his
    Saturday cell says where he sleeps, and no other cell speaks of a night."""
    _, roster, html = anzhen()
    assert [s.specialist for s in roster.stays] == ["gao-yu"]
    row = html.split('<tr data-specialist="gao-yu">', 1)[1].split("</tr>", 1)[0]
    saturday = row.split('data-date="2025-10-25"', 1)[1].split("</td>", 1)[0]
    assert "night at Chengde Central Hospital" in saturday
    assert html.count('<div class="night">') == 1


def test_report_highlights_what_is_missing() -> None:
    """tiny.yaml leaves one Sanhe clinic session uncovered: its row is marked missing with
    the count, the other rows are not, and the objective table shows the uncovered cost."""
    instance = load_instance(str(INSTANCES / "tiny.yaml"))
    result = solve(instance, SolveOptions(time_limit=20, workers=1))
    assert result.roster is not None
    report = check_roster(instance, result.roster)
    page = roster_to_html(instance, result.roster, report)
    missing = re.findall(r'<tr class="missing" data-demand="([^"]+)" data-week="1">', page)
    assert missing == [demand for demand, _ in report.uncovered]
    assert re.search(r'<td class="num gap">1</td>', page)
    assert f'<tr data-term="uncovered"><td>uncovered</td><td class="num">{report.breakdown["uncovered"]}</td>' in page


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report-anzhen-week.png")
    work = target.parent / ".shot"
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(screenshot(anzhen()[2], work, target.resolve()))
    finally:
        shutil.rmtree(work)


def test_headings_name_the_span_of_the_horizon() -> None:
    """A four-week roster's grids are headed "4 weeks by specialist/site", not "Week by …";
    a week (or less) keeps "Week"."""
    four = load_instance(str(INSTANCES / "anzhen-cardiology-4weeks.yaml"))
    empty = Roster(instance=four.name, assignments=[])
    page = roster_to_html(four, empty, check_roster(four, empty))
    assert "<h2>4 weeks by specialist</h2>" in page and "<h2>4 weeks by site</h2>" in page
    tiny = load_instance(str(INSTANCES / "tiny.yaml"))
    empty = Roster(instance=tiny.name, assignments=[])
    assert "<h2>Week by specialist</h2>" in roster_to_html(tiny, empty, check_roster(tiny, empty))
