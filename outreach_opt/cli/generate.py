"""`outreach-opt generate --specialists N --sites M --weeks W --seed S --out FILE`: a realistic
random instance, the same for the same arguments.

The command only validates and writes; the instance comes from `outreach_opt.generate`. Like
`export`, it does not import `cli.main` (which registers it): bad input is raised as
`InputError`, and the group's wrapper turns that into messages and exit status 2.
"""

from __future__ import annotations

import click

from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data
from outreach_opt.io.write import check_writable, write_instance_data


@click.command(name="generate")
@click.option("--specialists", type=click.IntRange(min=1, max=5000), required=True, help="How many specialists.")
@click.option(
    "--sites",
    type=click.IntRange(min=2, max=500),
    required=True,
    help="How many sites: one main campus, about one branch campus per five, the rest partner hospitals.",
)
@click.option("--weeks", type=click.IntRange(min=1, max=52), default=1, show_default=True, help="Weeks planned.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same instance.")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="The YAML (or .json) file to write.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def generate_command(specialists: int, sites: int, weeks: int, seed: int, out: str, force: bool) -> None:
    """Write a generated instance: a main campus, branch campuses and county hospitals on a map,
    specialists with grades and skills, home duties, leave and demands sized to the staff."""
    check_writable(out, force)
    data = generate(specialists, sites, weeks, seed)
    instance = instance_from_data(data, f"generated instance (seed {seed})")  # a generator bug is loud here
    write_instance_data(
        out,
        data,
        f"outreach-opt generate --specialists {specialists} --sites {sites} --weeks {weeks} --seed {seed}",
        force=force,
    )
    minimum = sum(d.sessions.min for d in instance.demands)
    allowance = sum(s.max_outreach_sessions_per_week or 0 for s in instance.specialists)
    click.echo(
        f"instance written to {out}: {len(instance.specialists)} specialists, {len(instance.sites)} sites, "
        f"{instance.horizon.days} days, {len(instance.commitments)} commitments, {len(instance.demands)} demands "
        f"({minimum} sessions a week at minimum, outreach allowance {allowance})"
    )
