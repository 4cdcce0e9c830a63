"""`shortlist.select_pairs` picks the same pairs as the algorithm it replaced (kept below as
`reference_pairs`, verbatim but for names), which for each want scanned every load step's
specialists: O(wants x demands x specialists), where the new one keeps per (demand, role)
its specialists still able in rank order and takes the first of the least load step (numpy
for long lists, plain Python for short ones).

Compared on the bundled instances, on generated ones of several sizes and on drawn ones
(hypothesis), for every shortlist shape."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import INSTANCES, SHARED
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.travel import travel_matrix
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve import shortlist
from outreach_opt.solve.shortlist import SHAPES, Fitting, _allowance, _count, _room, fitting_specialists, select_pairs


def reference_pairs(
    instance: Instance, fitting: Fitting, sites_per_specialist: int, per_session: int
) -> frozenset[tuple[str, str]]:
    """The old `select_pairs`, unchanged (main at 0e26fd2)."""
    specs = {s.id: s for s in instance.specialists}
    site_of = {(dem, spec): site for (dem, _), ranked in fitting.items() for _, spec, site in ranked}
    pairs: set[tuple[str, str]] = set()
    sites: dict[str, set[str]] = defaultdict(set)
    for pin in instance.pins:
        pairs.add((pin.specialist, pin.demand))
    for night in instance.pinned_stays:
        pairs.update(
            (spec, dem) for (dem, spec), site in site_of.items() if (spec, site) == (night.specialist, night.site)
        )
    for dem in instance.demands:
        pairs.update((spec, dem.id) for spec in dem.preferred)
    demands = {d.id: d for d in instance.demands}
    for spec, demand_id in pairs:
        site = site_of.get((demand_id, spec))
        if spec in specs and site is not None and site != specs[spec].home:
            sites[spec].add(site)
    allowance = {spec.id: _allowance(spec) for spec in instance.specialists}
    load: dict[str, int] = defaultdict(int)
    for spec, demand_id in pairs:
        load[spec] += demands[demand_id].sessions.max if demand_id in demands else 0
    step = {spec: 2 * load[spec] // allowance[spec] for spec in specs}
    at_step: dict[int, set[str]] = defaultdict(set)
    for spec, k in step.items():
        at_step[k].add(spec)
    order = sorted(instance.demands, key=lambda d: (-d.priority, d.id))
    wants = {(dem.id, role): per_session * dem.sessions.max * _count(dem, role) for dem in order for role in dem.roles}
    ranks = {key: {spec: rank for rank, (_, spec, _) in enumerate(ranked)} for key, ranked in fitting.items()}
    for i in range(max(wants.values(), default=0)):
        for dem in order:
            for role in dem.roles:
                if wants[(dem.id, role)] <= i:
                    continue
                rank = ranks[(dem.id, role)]
                chosen: str | None = None
                for k in sorted(at_step):
                    able = [
                        s
                        for s in at_step[k]
                        if s in rank
                        and (s, dem.id) not in pairs
                        and _room(specs[s], site_of[(dem.id, s)], sites[s], sites_per_specialist)
                    ]
                    if able:
                        chosen = min(able, key=rank.__getitem__)
                        break
                if chosen is None:
                    continue
                site = site_of[(dem.id, chosen)]
                if site != specs[chosen].home:
                    sites[chosen].add(site)
                pairs.add((chosen, dem.id))
                load[chosen] += dem.sessions.max
                at_step[step[chosen]].discard(chosen)
                step[chosen] = 2 * load[chosen] // allowance[chosen]
                at_step[step[chosen]].add(chosen)
    return frozenset(pairs)


def _same_pairs(inst: Instance) -> None:
    fitting = fitting_specialists(inst, travel_matrix(inst))
    for sites, per_session in SHAPES:
        new = select_pairs(inst, fitting, sites, per_session, plain_options=False)
        assert new == reference_pairs(inst, fitting, sites, per_session), (sites, per_session)


BUNDLED = [*sorted(INSTANCES.glob("*.yaml")), SHARED / "format" / "example-instance.yaml"]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: Path(p).stem)
def test_same_pairs_on_bundled_instances(path: Path) -> None:
    _same_pairs(load_instance(str(path)))


@pytest.mark.parametrize(
    ("specialists", "sites", "weeks", "seed"),
    [(8, 4, 1, 1), (20, 8, 1, 2), (40, 12, 1, 3), (60, 15, 2, 4), (80, 25, 1, 5), (120, 30, 1, 6)],
)
def test_same_pairs_on_generated_instances(specialists: int, sites: int, weeks: int, seed: int) -> None:
    """Generated consortia, up to where the shortlist is what `solve` uses (300 x 40 is)."""
    _same_pairs(instance_from_data(generate(specialists, sites, weeks, seed), "generated"))


@PROPERTY_SETTINGS
@given(instances(rich=True, special=True))
def test_same_pairs_on_drawn_instances(data: dict[str, Any]) -> None:
    """Drawn small instances: teams (roles), pins, preferred specialists, stays."""
    _same_pairs(instance_from_data(data, "drawn"))


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(st.integers(2, 60), st.integers(2, 16), st.integers(1, 2), st.integers(0, 10_000))
def test_same_pairs_on_drawn_consortia(specialists: int, sites: int, weeks: int, seed: int) -> None:
    """Thirty drawn sizes of generated consortia: many specialists per demand, load steps
    rising as picks go round, the site cap binding."""
    _same_pairs(instance_from_data(generate(specialists, sites, weeks, seed), "drawn"))


@pytest.mark.parametrize("numpy_from", [0, 3, 10**9], ids=["numpy", "switching", "plain"])
@pytest.mark.parametrize(("specialists", "sites", "seed"), [(40, 12, 3), (120, 30, 6)])
def test_same_pairs_numpy_or_plain(
    monkeypatch: pytest.MonkeyPatch, numpy_from: int, specialists: int, sites: int, seed: int
) -> None:
    """Both searches of `_least_loaded` (numpy for long candidate lists, plain Python for
    short) and the switch between them pick the same pairs as the reference: the generated
    sizes above never reach `NUMPY_FROM`, so it is lowered here."""
    monkeypatch.setattr(shortlist, "NUMPY_FROM", numpy_from)
    _same_pairs(instance_from_data(generate(specialists, sites, 1, seed), "generated"))
