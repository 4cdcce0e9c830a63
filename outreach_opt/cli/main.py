"""`outreach-opt`: solve, check and validate rosters from the command line.

Exit statuses (also in the README): 0 a roster was found (solve) or is valid (check, validate);
1 the checker found a broken rule; 2 bad input (or an output that would overwrite a file);
3 the hard rules cannot all hold (infeasible); 4 no roster was found within the time limit;
130 the search was interrupted (SIGINT/SIGTERM): the best roster found is kept, marked interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from typing import Any, TypeVar

import click
from rich.console import Console

from outreach_opt import __version__
from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.check.context import Context
from outreach_opt.check.lone_line import line_holds
from outreach_opt.cli import long_tables, tables
from outreach_opt.cli.batch import batch_command, whatif_command
from outreach_opt.cli.console import make_console
from outreach_opt.cli.explain import explain_command, print_explanation
from outreach_opt.cli.export import export_command, format_for, render
from outreach_opt.cli.generate import generate_command
from outreach_opt.cli.import_cq import import_cq_command
from outreach_opt.cli.options import SEED, WORKERS, Seconds
from outreach_opt.cli.progress import ProgressView
from outreach_opt.cli.repair import diff_command, repair_command
from outreach_opt.cli.roster_input import past_from_history, refuse_unknown_ids
from outreach_opt.cli.uncovered import print_uncovered_summary
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.pins import with_roster_pins
from outreach_opt.domain.problems import InputError
from outreach_opt.domain.roster import Roster
from outreach_opt.domain.schema import instance_schema_text
from outreach_opt.io.load import load_instance, load_roster, located_in_their_files
from outreach_opt.io.write import check_writable, write_atomic
from outreach_opt.solve.explain import explain
from outreach_opt.solve.options import SolveOptions
from outreach_opt.solve.outcome import Status
from outreach_opt.solve.solve import solve

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER = 4
EXIT_INTERRUPTED = 130

DEMO = "anzhen-tongzhou-week.yaml"

F = TypeVar("F", bound=Callable[..., Any])


def _bad_input(func: F) -> F:
    """Turn bad input into its located messages on stderr and exit status 2, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            # A problem found past loading (a size limit checked before building) has no file
            # of its own: it belongs to the instance the command was given.
            source = kwargs.get("instance")
            for problem in located_in_their_files(exc.problems):
                if problem.file is None and isinstance(source, str):
                    problem = problem.located(source, None, None)
                click.echo(f"error: {problem}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _interrupts_before_the_search() -> Iterator[None]:
    """SIGTERM, like Ctrl-C, raises KeyboardInterrupt while the instance is prepared, the
    model built and the first roster made; the search then turns both into a stop that keeps
    its best roster (`search_run.stoppable`, which restores these handlers after). Why: a
    SIGTERM there ended the process with status 143 and no word, and Ctrl-C stopped only the
    CP-SAT completion it fell in, the run going on to exit 0."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="outreach-opt")
@click.option("-v", "--verbose", count=True, help="Log what the solver does (-vv for CP-SAT's own log).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Weekly rosters for specialists who serve several hospitals."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)


@main.command(name="solve")
@click.argument("instance", required=False)
@click.option("--time-limit", type=Seconds(min=0.1), default=10.0, show_default=True, help="Seconds.")
@click.option("--workers", type=WORKERS, default=0, show_default=True, help="0: every core.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option(
    "--lns/--no-lns",
    default=None,
    help="When the search is far from its bound after a tenth of the time, spend the rest improving "
    "the roster a few specialists or days at a time. Default: on for large instances (10,000 model "
    "variables and up) and for nurse rosters (every person's rules their own, as Curtois & Qu's), off "
    "for other smaller ones.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the roster; the extension picks the format: .json .yaml .csv .ics .xlsx .html",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@click.option("--history", type=click.Path(file_okay=False), help="Folder of earlier published rosters to count in.")
@click.option("--pin", "pin_roster", help="A roster whose demand sessions must stay (rule pins).")
@click.pass_context
@_bad_input
def solve_command(
    ctx: click.Context,
    instance: str | None,
    time_limit: float,
    workers: int,
    seed: int,
    lns: bool | None,
    out: str | None,
    force: bool,
    quiet: bool,
    history: str | None,
    pin_roster: str | None,
) -> None:
    """Solve INSTANCE (a YAML or JSON file; the bundled Anzhen demo week when omitted)."""
    if instance is None:
        with resources.as_file(resources.files("outreach_opt") / "demo" / DEMO) as demo:
            problem = load_instance(str(demo))
        source = f"bundled demo ({DEMO})"
    else:
        problem = load_instance(instance)
        source = instance
    if pin_roster is not None:
        pinned = load_roster(pin_roster)
        if pinned.instance != problem.name:  # said first and listed briefly, as for check and diff
            refuse_unknown_ids(problem, pinned, pin_roster, "pinning it")
        problem = with_roster_pins(problem, pinned, pin_roster)
    if out is not None:
        format_for(out)  # an unknown extension is bad input before, not after, a long solve
        check_writable(out, force)
    past = past_from_history(problem, history)
    console = make_console()
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, lns=lns, log_search=ctx.obj["verbose"] > 1
    )
    live = console.is_terminal and not quiet and not os.environ.get("CI")
    view = ProgressView(console, time_limit, live=live, stages=ctx.obj["verbose"] > 0)
    try:
        with view, _interrupts_before_the_search():
            result = solve(
                problem,
                options,
                on_progress=None if quiet else view.update,
                stop_on_signals=True,
                past=past,
                judge=line_holds,
            )
    except KeyboardInterrupt:
        # A signal in the greedy's tries keeps its last completed roster (solve's `halted`);
        # before the first roster, or in the first lines, there is none to keep.
        console.print(
            "[bold yellow]interrupted[/bold yellow] before the search began (preparing, building or making the "
            "first roster): nothing was written."
        )
        sys.exit(EXIT_INTERRUPTED)
    if result.interrupted:
        console.print("[bold yellow]interrupted[/bold yellow]: the search was stopped; keeping the best roster found.")
    if result.roster is None:
        if result.interrupted:
            console.print("no roster had been found yet.")
            sys.exit(EXIT_INTERRUPTED)
        if result.status is Status.INFEASIBLE:
            console.print(f"[bold red]infeasible[/bold red]: the hard rules of {source} cannot all hold.")
            print_explanation(console, explain(problem, time_limit=time_limit, past=past), instance)
            sys.exit(EXIT_INFEASIBLE)
        # After `result.wall_time`, not "within the limit": the by-specialist route gives up early
        # when its first pass cannot fit (its warning says how long it would need).
        console.print(
            f"no roster found after {result.wall_time:.0f} s (time limit {time_limit:g} s); try a longer --time-limit."
        )
        sys.exit(EXIT_NO_ROSTER)
    report = check_roster(problem, result.roster, past)
    if not quiet:
        _print_roster(console, problem, result.roster, report)
        console.print(tables.objective(report))
    if not report.ok or report.objective != result.objective:
        console.print(tables.violations(report))
        console.print(
            f"[bold red]internal error[/bold red]: the solver's roster failed the checker "
            f"(solver objective {result.objective}, checker {report.objective}); nothing written."
        )
        sys.exit(EXIT_CHECK_FAILED)
    gap = f", gap {result.gap:.2%}" if result.gap is not None else ""
    bound = "no bound" if result.bound is None else f"bound {result.bound}{gap}"
    if result.restricted is not None:
        console.print(f"[yellow]{result.restricted}[/yellow]")
    console.print(
        f"{result.status.value}: objective {result.objective} ({bound}), "
        f"{len(result.roster.assignments)} assignments, checked: all hard rules hold; {result.wall_time:.2f} s"
    )
    if result.ended_early is not None:
        console.print(result.ended_early)
    if not quiet:
        print_uncovered_summary(console, problem, result.roster, source, report, past, out)
    if out is not None:
        write_atomic(out, render(problem, result.roster, report, format_for(out)), force=force)
        console.print(f"roster written to {out}" + (" (marked interrupted)" if result.interrupted else ""))
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)


for command in (
    export_command,
    whatif_command,
    batch_command,
    explain_command,
    generate_command,
    repair_command,
    diff_command,
    import_cq_command,
):
    assert command.callback is not None
    command.callback = _bad_input(command.callback)
    main.add_command(command)


@main.command(name="check")
@click.argument("instance")
@click.argument("roster")
@click.option("--history", type=click.Path(file_okay=False), help="Folder of earlier published rosters to count in.")
@_bad_input
def check_command(instance: str, roster: str, history: str | None) -> None:
    """Check ROSTER (JSON or YAML) against every hard rule of INSTANCE and recompute its objective."""
    problem = load_instance(instance)
    given = load_roster(roster)
    if given.instance != problem.name:
        # Another instance's roster is the wrong file, not a broken roster: refused as the
        # other commands refuse it, before the checker lists every unknown id (an XL roster
        # checked against L took 2 minutes and 35,113 lines to say so).
        refuse_unknown_ids(problem, given, roster, "checking it")
    past = past_from_history(problem, history)
    report = check_roster(problem, given, past)
    console = make_console()
    if given.instance != problem.name:
        console.print(f"note: the roster names instance {given.instance!r}, not {problem.name!r}")
    console.print(tables.objective(report))
    if given.objective is not None and given.objective != report.objective:
        console.print(f"note: the roster claims objective {given.objective}; recomputed it is {report.objective}")
    if report.ok:
        console.print(f"valid: {len(given.assignments)} assignments, every hard rule holds.")
        return
    console.print(tables.violations(report))
    console.print(f"[bold red]{len(report.violations)} broken rule(s)[/bold red]")
    sys.exit(EXIT_CHECK_FAILED)


VIEWS = ("specialist", "site", "demand", "travel", "on-call", "teaching")
DAY_VIEWS = ("specialist", "site", "travel")
"""The views with a column or a row per day: `--week` picks one week of them."""


@main.command(name="show")
@click.argument("instance")
@click.argument("roster")
@click.option("--view", type=click.Choice(VIEWS), default="specialist", show_default=True)
@click.option(
    "--week",
    type=int,
    metavar="N",
    help="Only week N of the horizon (1-based, 7-day blocks from its first day), day by day, for any horizon "
    "length: the specialist, site or travel view of that week alone.",
)
@click.option("--history", type=click.Path(file_okay=False), help="Folder of earlier published rosters to count in.")
@_bad_input
def show_command(instance: str, roster: str, view: str, week: int | None, history: str | None) -> None:
    """Show ROSTER of INSTANCE in the terminal: a week grid by specialist (followed by who is
    on call and who teaches whom, where the instance has on-call entries or trainees), by site,
    coverage per demand, travel per specialist and day, on call, or teaching. Past 7 days the
    day-by-day views come a table per week; past 28, counts per week (--week N gives week N's
    days)."""
    if week is not None and view not in DAY_VIEWS:
        raise click.BadParameter(
            f"it picks a week of the day-by-day views ({', '.join(DAY_VIEWS)}), not of --view {view}",
            param_hint="'--week'",
        )
    problem = load_instance(instance)
    given = load_roster(roster)
    refuse_unknown_ids(problem, given, roster, "showing it")
    chosen = None if week is None else _week(problem, week)
    report = check_roster(problem, given, past_from_history(problem, history))
    console = make_console()
    if chosen is not None:
        _print_days(console, problem, given, view, [chosen])
    elif long_tables.is_long(problem) and view in {"specialist", "site", "demand", "travel"}:
        _print_long(console, problem, given, report, view)
        if view == "specialist":
            _print_consortium(console, problem, given)
    elif view == "specialist":
        _print_days(console, problem, given, view)
        _print_consortium(console, problem, given)
    elif view == "on-call" and not problem.on_call:
        console.print("the instance has no on_call entries")
    elif view == "on-call" and long_tables.is_long(problem):
        _print_on_call_weeks(console, problem, given)
    elif view == "on-call":
        console.print(tables.on_call(problem, given))
    elif view == "teaching":
        console.print(tables.teaching(problem, given) if problem.trainees else "the instance has no trainees")
    elif view == "demand":
        console.print(tables.coverage(problem, given, report))
    else:
        _print_days(console, problem, given, view)
    if not report.ok:
        console.print(f"note: {len(report.violations)} rule(s) broken; `outreach-opt check` lists them.")


@main.command(name="validate")
@click.argument("instance")
@_bad_input
def validate_command(instance: str) -> None:
    """Load INSTANCE and report every problem in it, with file, line and field."""
    problem = load_instance(instance)
    counts = {
        "specialist": len(problem.specialists),
        "site": len(problem.sites),
        "commitment": len(problem.commitments),
        "demand": len(problem.demands),
    }
    said = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for what, n in counts.items())
    click.echo(f"valid: {problem.name!r}: {problem.horizon.days} days from {problem.horizon.start}, {said}")


@main.command(name="schema")
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write it to a file instead of printing it.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@_bad_input
def schema_command(out: str | None, force: bool) -> None:
    """Print the JSON Schema of the instance format (generated from the models)."""
    text = instance_schema_text()
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text, force=force)


def _print_roster(console: Console, instance: Instance, roster: Roster, report: CheckReport) -> None:
    if long_tables.is_long(instance):
        for view in ("specialist", "site", "demand"):
            _print_long(console, instance, roster, report, view)
        _print_consortium(console, instance, roster)
        return
    _print_days(console, instance, roster, "specialist")
    _print_days(console, instance, roster, "site")
    console.print(tables.coverage(instance, roster, report))
    _print_consortium(console, instance, roster)


def _week(instance: Instance, number: int) -> tables.Week:
    """`show --week`'s week, refused (a usage error, exit 2) when the horizon has no such week."""
    found = tables.weeks(instance)
    if not 1 <= number <= len(found):
        span = "week 1 only" if len(found) == 1 else f"weeks 1 to {len(found)}"
        raise click.BadParameter(
            f"week {number} is not in the horizon: the {instance.horizon.days}-day horizon from "
            f"{instance.horizon.start} has {span} (7-day blocks from its first day)",
            param_hint="'--week'",
        )
    return found[number - 1]


def _print_days(
    console: Console, instance: Instance, roster: Roster, view: str, spans: Sequence[tables.Week | None] | None = None
) -> None:
    """A day-by-day view (one of DAY_VIEWS) over `spans`: by default one table up to 7 days, as
    it always printed, and a table per week past that, so that every day is shown and readable
    (28 day columns in one table left 3 characters a cell at 160 columns and cut the last week
    off)."""
    for week in tables.day_spans(instance) if spans is None else spans:
        if view == "specialist":
            console.print(tables.by_specialist(instance, roster, week))
        elif view == "site":
            console.print(tables.by_site(instance, roster, week))
        else:
            console.print(tables.travel(instance, roster, week=week)[0])


def _print_long(console: Console, instance: Instance, roster: Roster, report: CheckReport, view: str) -> None:
    """A horizon past `long_tables.LONG_DAYS`: weeks for days (the exports keep every day)."""
    if view == "specialist":
        width = long_tables.first_column_width(
            label for s in instance.specialists for label in (s.name or s.id, f"home {s.home}")
        )
        long_tables.print_week_grids(
            console, instance, lambda blocks: long_tables.by_specialist_weeks(instance, roster, blocks), width
        )
    elif view == "site":
        width = long_tables.first_column_width(s.name or s.id for s in instance.sites)
        long_tables.print_week_grids(
            console, instance, lambda blocks: long_tables.by_site_weeks(instance, roster, blocks), width
        )
    elif view == "demand":
        console.print(long_tables.coverage_weeks(instance, roster, report))
        console.print(f"{instance.horizon.days} days, coverage summed per week; {long_tables.EXPORTS_NOTE}")
    else:
        table, still = tables.travel(instance, roster, driving_only=True)
        console.print(table if table.row_count else "nobody drives on any day")
        console.print(f"{still} specialist-days without driving not listed; {long_tables.EXPORTS_NOTE}")


def _print_consortium(console: Console, instance: Instance, roster: Roster) -> None:
    """Who is on call and who teaches whom, for instances that have on-call entries or trainees
    (one checker context for both)."""
    if not (instance.on_call or instance.trainees):
        return
    ctx = Context.of(instance, stays=roster.stays)
    if instance.on_call and long_tables.is_long(instance):
        _print_on_call_weeks(console, instance, roster)
    elif instance.on_call:
        console.print(tables.on_call(instance, roster, ctx))
    if instance.trainees:
        console.print(tables.teaching(instance, roster, ctx))


def _print_on_call_weeks(console: Console, instance: Instance, roster: Roster) -> None:
    """Past `long_tables.LONG_DAYS`, on call per week: a slot per date and period would be a
    line each (a green channel every evening of a quarter: 91)."""
    width = long_tables.first_column_width(oc.name or oc.id for oc in instance.on_call)
    long_tables.print_week_grids(
        console, instance, lambda blocks: long_tables.on_call_weeks(instance, roster, blocks), width
    )


if __name__ == "__main__":
    main()
