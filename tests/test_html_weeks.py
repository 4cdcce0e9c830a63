"""The HTML page past LONG_DAYS: weeks in place of days (report/html_weeks.py).

A generated five-week consortium (small; its roster solved once, in tests/html_pages/) stands
in for a year: the page is the same code for 35 days as for 364, and Instance24 is for
benchmarks. What is checked is recounted here from the roster and the checker's report, not
taken from report.weeks, so a miscount there fails here. The browser tests use Debian's chromium as
test_html_report.py does (skipped locally without it, failing under CI).
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from pathlib import Path

from support import INSTANCES, base
from test_html_report import rgb, run_chromium
from test_html_same import PAGES_DIR

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Roster
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance, load_roster
from outreach_opt.report.html import roster_to_html
from outreach_opt.report.weeks import LONG_DAYS

SHORT_FILL = rgb("#fee2e2")
PROBE = """<script>
const fills = {};
for (const cell of document.querySelectorAll('#coverage-weeks td.week')) {
  fills[cell.closest('tr').dataset.site + '/' + cell.dataset.week] = getComputedStyle(cell).backgroundColor;
}
document.body.dataset.fills = JSON.stringify(fills);
</script>"""


@functools.cache
def five_weeks() -> tuple[Instance, Roster, CheckReport, str]:
    """10 specialists, 4 sites, 5 weeks (generated: the same data every run) and its roster,
    solved once (`outreach-opt solve --time-limit 30 --workers 1`: optimal, every demand
    covered) and committed, so the test does not hang on the machine's speed; then every
    session of the first demand in week 2 is taken out, so that that site-week is short."""
    instance = instance_from_data(generate(specialists=10, sites=4, weeks=5, seed=3), "generated")
    solved = load_roster(str(PAGES_DIR / "generated-5weeks-roster.yaml"))
    first = instance.demands[0].id
    week2 = {instance.horizon.start.toordinal() + d for d in range(7, 14)}
    kept = [a for a in solved.assignments if not (a.demand == first and a.date.toordinal() in week2)]
    roster = solved.model_copy(update={"assignments": kept})
    report = check_roster(instance, roster)
    return instance, roster, report, roster_to_html(instance, roster, report)


def _week(instance: Instance, date_ordinal: int) -> int:
    """1-based, counted here from the horizon's start."""
    return (date_ordinal - instance.horizon.start.toordinal()) // 7 + 1


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def _short_site_weeks(instance: Instance, report: CheckReport) -> set[tuple[str, int]]:
    site = {d.id: d.site for d in instance.demands}
    return {(site[demand], week + 1) for (demand, week), missing in report.uncovered.items() if missing}


def test_long_page_in_the_browser_marks_short_site_weeks(tmp_path: Path) -> None:
    """Chromium's DOM of the five-week page: no day grid or timeline; the specialist and site
    grids have a row each with a cell per week; in #coverage-weeks exactly the site-weeks the
    checker finds short carry `short` and are painted red, at least one other is not."""
    instance, _, report, page = five_weeks()
    short = _short_site_weeks(instance, report)
    site = instance.demands[0].site
    assert short == {(site, 2)}, "the roster covers all but the demand taken out in week 2"
    file = tmp_path / "report.html"
    file.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(file, tmp_path / "profile", "--dump-dom").stdout
    for gone in ('id="grid"', 'id="sites"', 'id="timeline"', 'class="tl-day"', 'class="day"'):
        assert gone not in dom, gone
    grid = _section(dom, 'id="grid-weeks"', "</table>")
    for spec in instance.specialists:
        row = grid[grid.index(f'data-specialist="{spec.id}"') :].split("</tr>", 1)[0]
        assert re.findall(r'<td class="week[^"]*" data-week="(\d+)"', row) == [str(w) for w in range(1, 6)]
    sites = _section(dom, 'id="sites-weeks"', "</table>")
    assert all(f'<tr data-site="{s.id}">' in sites for s in instance.sites)
    cover = _section(dom, 'id="coverage-weeks"', "</table>")
    marked = set()
    for site, cells in re.findall(r'<tr data-site="([^"]+)">(.*?)</tr>', cover, flags=re.S):
        marked |= {(site, int(w)) for w in re.findall(r'<td class="week short" data-week="(\d+)"', cells)}
    assert marked == short
    body = re.search(r'<body data-fills="([^"]*)"', dom)
    assert body is not None, "the probe ran in the browser"
    fills = json.loads(body.group(1).replace("&quot;", '"'))
    assert {key for key, fill in fills.items() if fill == SHORT_FILL} == {f"{s}/{w}" for s, w in short}
    assert len(fills) > len(short), "some site-weeks are covered, and not painted red"


def test_week_cells_count_the_roster() -> None:
    """Each specialist-week cell's sessions per period and outreach away from home are the
    roster's, counted here by date; a week without sessions is `none`."""
    instance, roster, _, page = five_weeks()
    homes = {s.id: s.home for s in instance.specialists}
    sessions: Counter[tuple[str, int, str]] = Counter()
    away: Counter[tuple[str, int]] = Counter()
    for a in roster.assignments:
        week = _week(instance, a.date.toordinal())
        sessions[(a.specialist, week, a.period)] += 1
        away[(a.specialist, week)] += a.site != homes[a.specialist]
    grid = _section(page, 'id="grid-weeks"', "</table>")
    for spec in instance.specialists:
        row = grid[grid.index(f'data-specialist="{spec.id}"') :].split("</tr>", 1)[0]
        cells = re.findall(r'<td class="(week(?: none)?)" data-week="(\d+)">(.*?)</td>', row)
        assert len(cells) == 5, spec.id
        for cls, week_text, cell in cells:
            week = int(week_text)
            counted = {(p, int(n)) for p, n in re.findall(r'<span class="n">(\S+) ×(\d+)</span>', cell)}
            expected = {(p, n) for (who, w, p), n in sessions.items() if who == spec.id and w == week}
            assert counted == expected, (spec.id, week)
            said = re.search(r'<span class="away">(\d+) away</span>', cell)
            assert (int(said.group(1)) if said else 0) == away[(spec.id, week)], (spec.id, week)
            assert (cls == "week none") == (not expected), (spec.id, week)


def test_short_demand_weeks_are_listed_alone() -> None:
    """#coverage lists the demand-weeks the checker finds short, each marked missing with its
    count, and none that is covered; the others are counted in the note above it."""
    _, _, report, page = five_weeks()
    cover = _section(page, "<h2>Demand-weeks short of cover</h2>", "</table>")
    listed = re.findall(r'<tr class="(\w+)" data-demand="([^"]+)" data-week="(\d+)">', cover)
    expected = {(demand, week + 1) for (demand, week), missing in report.uncovered.items() if missing}
    assert {(d, int(w)) for _, d, w in listed} == expected and len(listed) == len(expected)
    assert {cls for cls, _, _ in listed} == {"missing"}
    assert f"{len(expected)} demand-week(s) short" in cover


def _page(days: int) -> str:
    instance = instance_from_data(base(horizon={"start": "2025-10-20", "days": days}))
    empty = Roster(instance=instance.name, assignments=[])
    return roster_to_html(instance, empty, check_roster(instance, empty))


def test_weeks_start_past_long_days() -> None:
    """LONG_DAYS days keep the day grid and timeline; one day more turns to weeks (the last
    one partial: 29 days are 5 weeks, as the checker counts them)."""
    days = _page(LONG_DAYS)
    assert 'id="grid"' in days and 'id="timeline"' in days and "grid-weeks" not in days
    weeks = _page(LONG_DAYS + 1)
    assert 'id="grid"' not in weeks and 'id="timeline"' not in weeks
    heads = _section(weeks, 'id="grid-weeks"', "</thead>")
    assert re.findall(r'<th data-week="(\d+)"', heads) == ["1", "2", "3", "4", "5"]
    assert 'title="2025-11-17 to 2025-11-17"' in heads


def test_green_channel_per_week_marks_short_weeks() -> None:
    """The Anzhen week stretched to five weeks with nobody rostered and the green channel
    asking for 9: its table has a cell per week for its one period (eve), each counting the
    week's seven evening slots, all short."""
    data = load_instance(str(INSTANCES / "anzhen-tongzhou-week.yaml")).model_dump(mode="json")
    data["horizon"]["days"] = 35
    data["on_call"][0]["count"] = 9
    instance = instance_from_data(data, "test")
    empty = Roster(instance=instance.name, assignments=[])
    page = roster_to_html(instance, empty, check_roster(instance, empty))
    table = _section(page, 'data-on-call="dachang-green-channel"', "</table>")
    slots = re.findall(
        r'<td class="slot( short)?" data-week="(\d+)" data-period="([^"]+)">(\d+) slots, (\d+) short', table
    )
    assert slots == [(" short", str(week), "eve", "7", "7") for week in range(1, 6)]
    assert 'data-date="' not in table
