"""`outreach-opt export INSTANCE ROSTER --format … --out PATH`: a roster in the format people use.

The command only loads, checks and writes; rendering is `outreach_opt.report`'s. It does not
import `cli.main` (which registers it, so that would be circular): bad input is raised as
`InputError`, and the group's wrapper turns that into located messages and exit status 2.

A roster that names unknown specialists, sites, periods or dates cannot be rendered and is
refused; a roster that breaks other rules is exported (the HTML report and the workbook show
what is broken), with a note on stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from outreach_opt.check.checker import CheckReport, check_roster
from outreach_opt.cli.roster_input import refuse_unknown_ids
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.domain.roster import Roster
from outreach_opt.io.load import load_instance, load_roster
from outreach_opt.io.write import check_writable, make_folder, write_atomic
from outreach_opt.report.exports import roster_to_csv, roster_to_ics, roster_to_json, roster_to_yaml
from outreach_opt.report.html import roster_to_html
from outreach_opt.report.xlsx import roster_to_xlsx

FORMATS = ("json", "yaml", "csv", "ics", "xlsx", "html")
_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".ics": "ics", ".xlsx": "xlsx"}
_SUFFIXES |= {".html": "html", ".htm": "html"}


@click.command(name="export")
@click.argument("instance")
@click.argument("roster")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format; taken from --out's extension when not given.",
)
@click.option(
    "--out", "-o", required=True, type=click.Path(), help="The file to write (a folder with --per-specialist)."
)
@click.option("--force", is_flag=True, help="Replace files that exist.")
@click.option("--per-specialist", is_flag=True, help="One calendar per specialist: <id>.ics in the folder --out.")
def export_command(instance: str, roster: str, fmt: str | None, out: str, force: bool, per_specialist: bool) -> None:
    """Export ROSTER (JSON or YAML) of INSTANCE as JSON, YAML, CSV, iCalendar, Excel or an HTML report."""
    fmt = fmt or ("ics" if per_specialist else format_for(out))  # a folder has no extension
    if per_specialist and fmt != "ics":
        raise InputError.single(
            out, f"--per-specialist writes one calendar per specialist; it needs --format ics, not {fmt}"
        )
    if not per_specialist:
        check_writable(out, force)
    problem = load_instance(instance)
    given = load_roster(roster)
    refuse_unknown_ids(problem, given, roster, "exporting it")
    report = check_roster(problem, given)
    if given.instance != problem.name:
        click.echo(f"note: the roster names instance {given.instance!r}, not {problem.name!r}", err=True)
    if not report.ok:
        click.echo(
            f"note: the roster breaks {len(report.violations)} hard rule(s); `outreach-opt check` lists them",
            err=True,
        )
    if per_specialist:
        written = _write_calendars(problem, given, Path(out), force)
        click.echo(f"{len(written)} calendars written to {out}")
        return
    write_atomic(out, render(problem, given, report, fmt), force=force)
    click.echo(f"{fmt} written to {out}")


def render(instance: Instance, roster: Roster, report: CheckReport, fmt: str) -> str | bytes:
    """The export's content in one format (the report is the checker's, of this roster)."""
    if fmt == "json":
        return roster_to_json(roster, report)
    if fmt == "yaml":
        return roster_to_yaml(roster, report)
    if fmt == "csv":
        return roster_to_csv(instance, roster)
    if fmt == "ics":
        return roster_to_ics(instance, roster)
    if fmt == "xlsx":
        return roster_to_xlsx(instance, roster, report)
    if fmt == "html":
        return roster_to_html(instance, roster, report)
    raise ValueError(f"unknown format {fmt!r}")  # click.Choice keeps users from getting here


def format_for(out: str) -> str:
    """The format a file name asks for (".xlsx" -> "xlsx"); `solve --out` can use it too."""
    fmt = _SUFFIXES.get(Path(out).suffix.lower())
    if fmt is None:
        known = " ".join(sorted(_SUFFIXES))
        raise InputError.single(
            out, f"cannot tell the format from the file name; end it in one of: {known} (export also takes --format)"
        )
    return fmt


def _write_calendars(instance: Instance, roster: Roster, folder: Path, force: bool) -> list[Path]:
    """One calendar per specialist of the instance, empty for one without sessions: a folder
    exported to again with --force then holds no calendar left from an earlier roster (a
    phone subscribed to it drops last week's events). Every target is checked before any is
    written, so a refused export leaves the folder as it was."""
    if folder.exists() and not folder.is_dir():
        raise InputError.single(str(folder), "--per-specialist writes into a folder, and this is a file")
    if not folder.parent.is_dir():
        raise InputError.single(str(folder), f"the folder {str(folder.parent)!r} does not exist")
    people = [s.id for s in instance.specialists]
    targets = [folder / f"{spec}.ics" for spec in people]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise InputError([Problem((), "the file exists already; pass --force to replace it", str(t)) for t in existing])
    make_folder(folder)
    for spec, target in zip(people, targets, strict=True):
        write_atomic(target, roster_to_ics(instance, roster, specialist=spec), force=force)
    return targets
