"""Travel times between sites, in whole minutes.

The instance lists one-way legs; the reverse takes the same unless listed too. Pairs a
specialist could combine must be known: either listed, or derived as the shortest route over
listed legs when the instance sets `derive_missing_travel`. A site to itself is 0 minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from outreach_opt.domain.instance import Demand, Instance

TravelMatrix = dict[tuple[str, str], int]


def listed_travel(instance: Instance) -> TravelMatrix:
    """Legs as written, with the reverse filled in where it is not listed itself."""
    explicit = {(a, b): m for a, b, m in instance.travel}
    matrix: TravelMatrix = dict(explicit)
    for (a, b), minutes in explicit.items():
        matrix.setdefault((b, a), minutes)
    for site in instance.sites:
        matrix[(site.id, site.id)] = 0
    return matrix


def shortest_routes(matrix: TravelMatrix, sites: Iterable[str]) -> TravelMatrix:
    """All-pairs shortest routes over the known legs (Floyd–Warshall), as `matrix` with every
    pair of `sites` that some route joins set to its shortest route.

    Why numpy: in plain Python the n³ relaxations took 59 s of a 76 s solve for one specialist
    and 500 sites (`generate --sites 500`); one vectorised step per intermediate site does the
    same sums in a fraction of a second."""
    ids = list(sites)
    index = {site: k for k, site in enumerate(ids)}
    far = np.int64(2**40)  # no route; two of them still add up within int64
    dist = np.full((len(ids), len(ids)), far, dtype=np.int64)
    for (a, b), minutes in matrix.items():
        if a in index and b in index:
            dist[index[a], index[b]] = minutes
    for k in range(len(ids)):
        np.minimum(dist, dist[:, k : k + 1] + dist[k : k + 1, :], out=dist)
    best = dict(matrix)
    for i, j in zip(*np.nonzero(dist < far), strict=True):
        best[(ids[i], ids[j])] = int(dist[i, j])
    return best


def day_drive(routes: TravelMatrix, home: str, stays: Sequence[str], site: str) -> float:
    """The least driving of any day with a session at `site`, by shortest `routes`: from home
    or a stay site (last night's) there, and back to home or a stay site (tonight's). Every
    day's legs add up to at least this (each leg is at least the shortest route), so a site
    over a specialist's daily limit by it can be in none of their days; inf when unreachable."""
    if site == home:
        return 0
    ends = [home, *stays]
    there = min(routes.get((a, site), math.inf) for a in ends)
    back = min(routes.get((site, b), math.inf) for b in ends)
    return there + back


def travel_matrix(instance: Instance) -> TravelMatrix:
    """The travel minutes the rules use: listed legs, plus derived routes when allowed."""
    matrix = listed_travel(instance)
    if instance.derive_missing_travel:
        derived = shortest_routes(matrix, [s.id for s in instance.sites])
        for key, minutes in derived.items():
            matrix.setdefault(key, minutes)
    return matrix


def reachable_sites(instance: Instance) -> dict[str, set[str]]:
    """Per specialist, every site they could be at: home, commitments, demands they can serve.

    Travel must be known between each pair of these; this is the set the reference check and
    the model builder agree on.
    """
    sites: dict[str, set[str]] = {s.id: {s.home} for s in instance.specialists}
    for c in instance.commitments:
        if c.specialist in sites:
            sites[c.specialist].add(c.site)
    kinds = _demand_kinds(instance)
    for spec in instance.specialists:
        skills = set(spec.skills)
        for needed, demand in kinds:
            if needed <= skills:
                sites[spec.id].update(instance.served_from(demand, spec.home))
    return sites


def _demand_kinds(instance: Instance) -> list[tuple[frozenset[str], Demand]]:
    """One demand for each distinct set of what `reachable_sites` reads of it: its skills and
    what `Instance.served_from` reads (site, remote, remote surgery's console). A year of
    cover demands holds thousands of demands and a handful of kinds (Curtois & Qu Instance24:
    11,648 demands); asking of every demand for every specialist took seconds at each load."""
    kinds: dict[tuple[frozenset[str], str, bool, bool, str | None], Demand] = {}
    for demand in instance.demands:
        key = (frozenset(demand.skills), demand.site, demand.remote, demand.is_remote_surgery, demand.resource)
        kinds.setdefault(key, demand)
    return [(key[0], demand) for key, demand in kinds.items()]
