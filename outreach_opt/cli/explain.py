"""`outreach-opt explain INSTANCE`: why the hard rules cannot all hold, in the user's terms;
`explain INSTANCE --roster ROSTER`: why each uncovered session of ROSTER is (cli/uncovered.py).

Prints a minimal set of conflicting rule groups (solve/explain.py) as a table: rule id, who
or what, when, the instance line each rests on, and a sentence with the numbers. Exit 3 when
the rules conflict, 0 when they can all hold, 4 when not even that was decided in time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from outreach_opt.check.checker import check_roster
from outreach_opt.cli.console import make_console
from outreach_opt.cli.options import WORKERS, Seconds
from outreach_opt.cli.roster_input import past_from_history, refuse_unknown_ids
from outreach_opt.cli.uncovered import print_uncovered, print_weekend_shortfall
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import suggest
from outreach_opt.domain.roster import Assignment
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.io.located_yaml import read_located
from outreach_opt.report.uncovered import WEEKEND_SHARE, weekend_shortfall, why_uncovered
from outreach_opt.scenarios.event import load_event
from outreach_opt.solve.explain import Explanation, explain

EXIT_OK = 0
EXIT_INFEASIBLE = 3
EXIT_NO_ANSWER = 4


def explanation_table(explanation: Explanation, source: str | None) -> Table:
    """The conflicting groups; `source` (the instance file) gives each its file:line."""
    doc = read_located(source) if source is not None else None
    table = Table(title="conflicting rules (drop any one and the others can hold)", show_lines=True)
    for column in ("rule", "who / what", "when", "instance line", "why"):
        table.add_column(column, overflow="fold", no_wrap=column == "instance line")
    for c in explanation.conflicts:
        where = ""
        if doc is not None and source is not None:
            line, _column = doc.place(c.path)
            where = f"{source}:{line}" if line is not None else source
        table.add_row(*(Text(cell) for cell in (c.rule, c.who, c.when, where, c.sentence)))
    return table


def print_explanation(console: Console, explanation: Explanation, source: str | None) -> int:
    """Print an explanation; return the exit status it calls for. `solve` calls this too."""
    if not explanation.decided:
        console.print("not decided within the time limit; try a longer --time-limit.")
        return EXIT_NO_ANSWER
    if explanation.feasible:
        what = "the hard rules and every demand's minimum" if explanation.hard_minimums else "the hard rules"
        console.print(f"feasible: {what} can all hold.")
        return EXIT_OK
    console.print(explanation_table(explanation, source))
    note = "" if explanation.minimal else " (time ran out: the set may not be minimal)"
    console.print(
        f"[bold red]infeasible[/bold red]: these {len(explanation.conflicts)} rule(s) cannot all hold together{note}."
    )
    return EXIT_INFEASIBLE


def explain_instance(
    problem: Instance, source: str | None, time_limit: float, hard_minimums: bool, past: Sequence[Assignment] = ()
) -> int:
    """Explain and print; the exit status. `solve` can call this when it finds no roster."""
    console = make_console()
    result = explain(problem, time_limit=time_limit, past=past, hard_minimums=hard_minimums)
    return print_explanation(console, result, source)


@click.command(name="explain")
@click.argument("instance")
@click.option(
    "--time-limit",
    type=Seconds(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds in all (with --roster: the weekend count, the reasons, and every cover solve in what is left).",
)
@click.option("--hard-minimums", is_flag=True, help="Also make every demand's sessions.min a hard rule.")
@click.option("--history", type=click.Path(file_okay=False), help="Folder of earlier published rosters to count in.")
@click.option("--roster", help="Explain instead why sessions of this roster are uncovered.")
@click.option("--event", "event_file", help="Apply this event (as for `repair`) to INSTANCE first.")
@click.option(
    "--demand",
    "only",
    multiple=True,
    metavar="ID",
    help="With --roster: explain only this demand's short weeks (repeat for more), the dearest first.",
)
@click.option(
    "--workers",
    type=WORKERS,
    default=0,
    show_default=True,
    help="With --roster: cores for the cover solves, 0: every core (the conflict search uses one).",
)
def explain_command(
    instance: str,
    time_limit: float,
    hard_minimums: bool,
    history: str | None,
    roster: str | None,
    event_file: str | None,
    only: tuple[str, ...],
    workers: int,
) -> None:
    """Explain why the hard rules of INSTANCE cannot all hold (a minimal conflicting set), or
    with --roster why each session left uncovered in ROSTER is."""
    problem = load_instance(instance)
    if event_file is not None:
        problem = load_event(event_file, problem, instance).instance
    past = past_from_history(problem, history)
    if roster is None:
        sys.exit(explain_instance(problem, instance, time_limit, hard_minimums, past))
    known = {d.id for d in problem.demands}
    for demand in only:
        if demand not in known:
            raise click.BadParameter(
                f"{demand!r} is not a demand of {instance}{suggest(demand, known)}", param_hint="'--demand'"
            )
    given = load_roster(roster)
    refuse_unknown_ids(problem, given, roster, "explaining it")
    report = check_roster(problem, given, past)
    console = make_console()
    # One time limit for it all: the weekend count's share first, then the reasons, then the
    # cover solves share what is left (why_uncovered).
    began = time.perf_counter()
    weekend_seconds = WEEKEND_SHARE * time_limit
    weekend = weekend_shortfall(problem, report, past, weekend_seconds)
    left = time_limit - (time.perf_counter() - began)
    answers = why_uncovered(
        problem, given, past, cost_to_cover=True, time_limit=left, workers=workers, only=only, report=report
    )
    print_uncovered(console, problem, answers, report.objective, report.breakdown)
    if not answers:
        whose = f"the minimum of {', '.join(only)} is" if only else "every demand's minimum is"
        console.print(f"nothing uncovered: {whose} met in every week.")
        return
    print_weekend_shortfall(console, weekend, weekend_seconds)
    if not report.ok:
        console.print(
            f"note: the roster breaks {len(report.violations)} rule(s) already; `outreach-opt check` lists them."
        )
