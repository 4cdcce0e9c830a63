"""Printing why sessions are uncovered (report/uncovered.py): in full for `explain --roster`,
one line per demand-week after `solve` and `repair`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from rich.console import Console
from rich.text import Text

from outreach_opt.check.checker import CheckReport
from outreach_opt.check.context import WEEKDAY_NAMES
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.roster import Assignment, Roster
from outreach_opt.report.uncovered import (
    REASONS_SHARE,
    Candidate,
    Slot,
    Uncovered,
    WeekendShortfall,
    demand_slots,
    why_uncovered,
)
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.weekend_bound import RULES

SUMMARY_WORK = 2_000_000
"""Most work the summary after `solve` or `repair` may do, about 4 s, in units of one
assignment read by one trial: trials (specialist x slot) x (roster size + 1). Trials are
judged and priced near the roster (report/trials.py), yet the time still follows this count,
at about 2 us a unit (reasons only, `why_uncovered` without covers, idle, one run each): an
80 x 15 week after a repair, 4,889 trials x 236 = 1.15M in 2.7 s; Curtois & Qu Instance12,
665 x 969 = 0.64M in 1.3 s; Instance20 (182 days), 1,278 x 5,162 = 6.6M in 13.3 s; 300 x 40,
38,656 x 913 = 35M in 36 s. Past it the pointer to `explain --roster` is printed instead."""
SUMMARY_WORK_WHOLE = 40_000
"""The same with on-call entries, where each trial checks the whole roster: about 90 us a
unit when measured (the four-week sample after a 10 s solve: 189 trials of a 189-assignment
roster, 35,910, took 3.3 CPU s, load ~2). Counting trials alone (at most 2,000) had let a
91-day roster spend 15 of a 22 s CLI solve on the summary (172 whole checks, 2026-12-04)."""


def _slot(slot: Slot) -> str:
    date, period = slot
    return f"{WEEKDAY_NAMES[date.weekday()]} {period}"


def _week(instance: Instance, week: int) -> str:
    start = instance.horizon.start + dt.timedelta(days=7 * week)
    return f"the week from {WEEKDAY_NAMES[start.weekday()]} {start.isoformat()}"


def _terms(terms: dict[str, int]) -> str:
    return ", ".join(f"{name} {value:+d}" for name, value in terms.items())


def _reasons(candidate: Candidate, slots: int) -> str:
    """'unavailability (all 4 slots); one_place: Mon am, Tue pm' — rules by how much they block."""
    parts = [f"already serves it {', '.join(_slot(s) for s in candidate.serving)}"] if candidate.serving else []
    for rule, where in sorted(candidate.blocked.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(where) == slots:
            shown = "its only slot" if slots == 1 else f"all {slots} slots"
        else:
            shown = ", ".join(_slot(s) for s in where)
        parts.append(f"{rule}: {shown}")
    if candidate.free:
        best = min(candidate.free, key=lambda f: f.delta)
        parts.append(f"free {_slot((best.date, best.period))} at {best.delta:+d} ({_terms(best.terms)})")
    return "; ".join(parts)


def print_uncovered(
    console: Console, instance: Instance, answers: Sequence[Uncovered], objective: int, breakdown: dict[str, int]
) -> None:
    """Each uncovered demand-week: what it costs, what covering one more would cost, and for
    each specialist with the skills the rules (ids) that stop them in which slots."""
    names = {s.id: s.label for s in instance.specialists}
    demands = {d.id: d for d in instance.demands}
    for u in answers:
        d = demands[u.demand]
        console.print(
            Text(
                f"{u.demand} ({d.name or d.activity} at {d.site}), {_week(instance, u.week)}: {u.short} session(s) "
                f"short, costing {u.cost} ({instance.weights.uncovered_session} x priority {d.priority} each)",
                style="bold",
            )
        )
        if u.cover is not None:
            console.print(f"  {_cover_text(u, objective, breakdown, names)}")
        console.print(f"  slots it takes: {', '.join(_slot(s) for s in u.slots) or 'none this week'}")
        if not u.tried:
            console.print(
                f"  reasons: not tried within the time limit (they may take {REASONS_SHARE:.0%} of --time-limit; "
                "a longer limit tries more)"
            )
        for c in u.candidates:
            console.print(f"  {names[c.specialist]}: {_reasons(c, len(u.slots)) or 'no slot'}")
            for rule, message in c.example.items():
                console.print(Text(f"      {rule}: {message}", style="dim"))
        if u.unskilled:
            console.print(
                f"  demand_fit: {', '.join(names[s] for s in u.unskilled)} lack the skills {', '.join(d.skills)}"
            )


def _cover_text(u: Uncovered, objective: int, breakdown: dict[str, int], names: dict[str, str]) -> str:
    assert u.cover is not None
    if u.cover.status is Status.INFEASIBLE:
        return "covering one more session: no roster can, the hard rules stop it (the rules below say where)"
    if u.cover.objective is None and u.cover.shortlist:
        return (
            "covering one more session: not decided: no roster found within the time limit over the shortlist "
            "that `solve` models at this size, which proves nothing either way"
        )
    if u.cover.objective is None:
        return "covering one more session: not decided within the time limit (all the solves share --time-limit)"
    delta = u.cover.objective - objective
    proven = u.cover.status is Status.OPTIMAL
    if delta < 0:
        verdict = "would pay: this roster is not the best one"
    elif proven:
        verdict = "costs more than it saves under the weights" if delta > 0 else "costs the same"
    else:  # a roster found, not the best: covering costs at most this, perhaps less
        verdict = f"costs at most {delta:+d}; a cheaper way may exist"
    over = " over the shortlist" if u.cover.shortlist else ""
    proven_text = "" if proven else f" (best found{over}, not proven)"
    changed = {k: v - breakdown.get(k, 0) for k, v in u.cover.breakdown.items() if v != breakdown.get(k, 0)}
    terms = _terms(changed) or "no term changes in total"
    if u.cover.added is not None:
        who, date, period, _site = u.cover.added
        return (
            f"covering one more session: this roster with {names[who]} added {_slot((date, period))} (free, below) "
            f"has objective {u.cover.objective}, {delta:+d} against this roster's: it {verdict} ({terms}); "
            "no cheaper roster was found within the time limit"
        )
    return (
        f"covering one more session: the best roster that does has objective {u.cover.objective}{proven_text}, "
        f"{delta:+d} against this roster's {objective}: it {verdict} ({terms})"
    )


def print_weekend_shortfall(console: Console, found: WeekendShortfall | None, seconds: float) -> None:
    """The sessions short on weekend-only demand-weeks that no roster covers, after the
    per-session reasons (each of which tried one session alone)."""
    if found is None:
        return
    how = "proven" if found.proven else f"a bound: the MIP was stopped at {seconds:g} s, the least may be higher"
    console.print(
        Text(
            f"weekend cover: of the sessions asked only on Saturdays and Sundays, every roster leaves at least "
            f"{found.least} short, which the rules on those days alone force ({', '.join(RULES)}; {how}); this "
            f"roster leaves {found.short}.",
            style="bold",
        )
    )
    if found.short > found.least:
        console.print(
            f"  the other {found.short - found.least} are not ruled out by those rules: the reasons above say what "
            "stops each."
        )
    else:
        console.print("  this roster covers as many of them as any roster can: more weekends or staff would.")


def uncovered_lines(instance: Instance, answers: Sequence[Uncovered]) -> list[str]:
    """One line per demand-week for `solve` and `repair`: who has the skills and which rule
    ids stop them, most blocking first."""
    names = {s.id: s.label for s in instance.specialists}
    lines = []
    for u in answers:
        who = []
        for c in u.candidates:
            rules = ", ".join(sorted(c.blocked, key=lambda r: (-len(c.blocked[r]), r)))
            if c.serving:
                served = f"already serves it {', '.join(_slot(s) for s in c.serving)}"
                rules = f"{served}; {rules}" if rules else served
            best = min(c.free, key=lambda f: f.delta) if c.free else None
            free = f"free {_slot((best.date, best.period))} at {best.delta:+d}" if best else ""
            said = f"{rules} ({free})" if rules and free else rules or free  # no '  (free …)' when nothing blocks
            who.append(f"{names[c.specialist]}: {said}")
        able = "; ".join(who) or "nobody has the skills"
        lines.append(f"{u.demand}, week {u.week + 1}, {u.short} short — {able}")
    return lines


def summary_is_quick(instance: Instance, roster: Roster, uncovered: Collection[tuple[str, int]]) -> bool:
    """Whether trying every skilled specialist in every slot of each short demand-week is
    at most `SUMMARY_WORK` (with on-call entries, whole-roster trials: `SUMMARY_WORK_WHOLE`)."""
    demands = {d.id: d for d in instance.demands}
    skilled = {d: sum(set(demands[d].skills) <= set(s.skills) for s in instance.specialists) for d, _w in uncovered}
    trials = sum(skilled[d] * len(demand_slots(instance, demands[d], w)) for d, w in uncovered)
    most = SUMMARY_WORK_WHOLE if instance.on_call else SUMMARY_WORK
    return trials * (len(roster.assignments) + 1) <= most


def print_uncovered_summary(
    console: Console,
    instance: Instance,
    roster: Roster,
    source: str,
    report: CheckReport,
    past: Sequence[Assignment] = (),
    roster_file: str | None = None,
    event_file: str | None = None,
) -> None:
    """After `solve` or `repair`: one line per uncovered demand-week, when that is quick.
    `report` is the checker's verdict the caller already has: no second check of the roster.
    The closing hint is a command to copy: the roster file just written (when `explain` can
    read it: JSON or YAML) and the event of a repair."""
    uncovered = report.uncovered
    if not uncovered:
        return
    console.print(Text("why uncovered (rule ids stopping each specialist with the skills):", style="bold"))
    if not summary_is_quick(instance, roster, uncovered):
        console.print(f"  {len(uncovered)} demand-week(s) short; too many to try here")
    else:
        for line in uncovered_lines(instance, why_uncovered(instance, roster, past, report=report)):
            console.print(f"  {line}")
    readable = roster_file is not None and roster_file.lower().endswith((".json", ".yaml", ".yml"))
    event = f" --event {event_file}" if event_file else ""
    hint = f"`outreach-opt explain {source} --roster {roster_file if readable else 'ROSTER.json'}{event}`"
    console.print(f"  {hint} gives the slots, the checker's messages and the cost of covering each.")
