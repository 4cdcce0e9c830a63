"""`outreach-opt repair` and `outreach-opt diff`: re-plan a published week after an event, and
show who changed where and when.

Every repaired roster passes the checker before it is printed or written, and its diff is
computed independently (report/diff.py) from the two rosters; the count the model minimised
must equal the diff's, or it is an internal error and nothing is written.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from rich.console import Console
from rich.text import Text

from outreach_opt.check.checker import check_roster
from outreach_opt.cli import tables
from outreach_opt.cli.console import make_console
from outreach_opt.cli.explain import print_explanation
from outreach_opt.cli.export import format_for, render
from outreach_opt.cli.options import SEED, WORKERS, Seconds
from outreach_opt.cli.roster_input import past_from_history, refuse_unknown_ids
from outreach_opt.cli.uncovered import print_uncovered_summary
from outreach_opt.domain.instance import Instance
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.io.write import check_writable, write_atomic
from outreach_opt.report.diff import Change, diff_lines, roster_diff, summary
from outreach_opt.scenarios.event import load_event
from outreach_opt.solve.explain import explain
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.repair import RepairOptions, repair

EXIT_CHECK_FAILED = 1
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER = 4

_STYLE = {"specialist": "bold", "added": "green", "removed": "red", "changed": "yellow"}


def print_diff(console: Console, instance: Instance, changes: Sequence[Change]) -> None:
    """The diff, '+' lines green, '-' red, '~' yellow on a terminal; then its summary."""
    for kind, line in diff_lines(instance, changes):
        console.print(Text(line, style=_STYLE[kind]))
    console.print(summary(changes))


@click.command(name="diff")
@click.argument("instance")
@click.argument("old")
@click.argument("new")
def diff_command(instance: str, old: str, new: str) -> None:
    """List who changed where and when between rosters OLD and NEW of INSTANCE: added,
    removed and changed sessions and nights away, by specialist and day."""
    problem = load_instance(instance)
    before, after = load_roster(old), load_roster(new)
    refuse_unknown_ids(problem, before, old, "comparing it")
    refuse_unknown_ids(problem, after, new, "comparing it")
    print_diff(make_console(), problem, roster_diff(problem, before, after))


@click.command(name="repair")
@click.argument("instance")
@click.argument("roster")
@click.option("--event", "event_file", required=True, help="YAML file: what happened (what-if operations).")
@click.option(
    "--max-changes", type=click.IntRange(min=0), help="At most this many changed slots and nights away (a hard cap)."
)
@click.option(
    "--changes-first",
    is_flag=True,
    help="Fewest changes before coverage (never re-covers what the event uncovered).",
)
@click.option("--time-limit", type=Seconds(min=0.1), default=30.0, show_default=True, help="Seconds.")
@click.option("--workers", type=WORKERS, default=0, show_default=True, help="0: every core.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write the repaired roster (.json .yaml .csv …).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--history", type=click.Path(file_okay=False), help="Folder of earlier published rosters to count in.")
def repair_command(
    instance: str,
    roster: str,
    event_file: str,
    max_changes: int | None,
    changes_first: bool,
    time_limit: float,
    workers: int,
    seed: int,
    out: str | None,
    force: bool,
    history: str | None,
) -> None:
    """Repair ROSTER, published for INSTANCE, after the event in --event: keep as much of it
    as possible, print what changed, and check the result."""
    base = load_instance(instance)
    published = load_roster(roster)
    refuse_unknown_ids(base, published, roster, "repairing it")
    event = load_event(event_file, base, instance)
    if out is not None:
        format_for(out)
        check_writable(out, force)
    past = past_from_history(event.instance, history)
    console = make_console()
    console.print(f"event: {event.name}" + "".join(f"\n  note: {n}" for n in event.notes))
    before = check_roster(base, published, past)
    if not before.ok:
        console.print(f"note: the published roster already broke {len(before.violations)} rule(s) before the event")
    options = RepairOptions(time_limit, workers, seed, max_changes, changes_first)
    result = repair(event.instance, published, event.affected, options, past)
    if result.roster is None:
        if result.status is Status.INFEASIBLE and max_changes is not None:
            console.print(
                f"[bold red]no repair[/bold red] keeps the hard rules with at most {max_changes} change(s) "
                f"({result.forced} are forced by the event); allow more with --max-changes."
            )
            sys.exit(EXIT_INFEASIBLE)
        if result.status is Status.INFEASIBLE:
            console.print("[bold red]infeasible[/bold red]: after the event the hard rules cannot all hold.")
            print_explanation(console, explain(event.instance, time_limit=time_limit, past=past), None)
            sys.exit(EXIT_INFEASIBLE)
        console.print(f"no repaired roster found within {time_limit:g} s; try a longer --time-limit.")
        sys.exit(EXIT_NO_ROSTER)
    report = check_roster(event.instance, result.roster, past)
    changes = roster_diff(event.instance, published, result.roster)
    print_diff(console, event.instance, changes)
    console.print(tables.coverage(event.instance, result.roster, report))
    if not report.ok or report.objective != result.objective or len(changes) != result.changes:
        console.print(tables.violations(report))
        console.print(
            f"[bold red]internal error[/bold red]: the repaired roster failed the checker or its diff "
            f"(objective {result.objective} vs {report.objective}, changes {result.changes} vs {len(changes)}); "
            "nothing written."
        )
        sys.exit(EXIT_CHECK_FAILED)
    order = "changes first" if changes_first else "coverage first, then fewest changes"
    if result.restricted is not None:
        proof = f"modelled over {result.restricted}, with every pair of the published roster: not proven"
    else:
        proof = "each step proven optimal" if result.proven else "not every step proven optimal in time"
    console.print(
        f"repaired: {result.changes} change(s), {result.forced} forced by the event ({order}; {proof})\n"
        f"objective {result.objective} (the published roster before the event: {before.objective}); "
        f"checked: all hard rules hold; {result.wall_time:.2f} s"
    )
    print_uncovered_summary(console, event.instance, result.roster, instance, report, past, out, event_file)
    if out is not None:
        write_atomic(out, render(event.instance, result.roster, report, format_for(out)), force=force)
        console.print(f"repaired roster written to {out}")
