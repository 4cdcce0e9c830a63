"""`outreach-opt import-cq FILE --out INSTANCE`: a Curtois & Qu shift scheduling file as an
outreach-opt instance, to solve, check and show like any other.

The reading is `outreach_opt.io.curtois_qu` (every benchmark rule said with an engine rule);
like `generate`, this command only writes, and bad input is raised as `InputError`, which
the group's wrapper turns into located messages and exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from outreach_opt.io.curtois_qu import read_curtois_qu
from outreach_opt.io.load import instance_from_data
from outreach_opt.io.write import check_writable, write_instance_data


@click.command(name="import-cq")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="The YAML (or .json) file to write.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def import_cq_command(source: str, out: str, force: bool) -> None:
    """Convert a Curtois & Qu shift scheduling benchmark file (InstanceN.txt) into an instance."""
    check_writable(out, force)
    data = read_curtois_qu(source)
    instance = instance_from_data(data, source)
    write_instance_data(
        out, data, f"outreach-opt import-cq {Path(source).name}: Curtois & Qu shift scheduling benchmark", force=force
    )
    click.echo(
        f"instance written to {out}: {len(instance.specialists)} employees as specialists, "
        f"{len(instance.periods)} shift types as periods, {instance.horizon.days} days, "
        f"{len(instance.demands)} cover demands, {len(instance.requests)} requests"
    )
