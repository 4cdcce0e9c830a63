"""`plan_model` prepares everything but the candidates once and takes each candidate set
from it (`prepared.with_pairs`) where it used to call `prepare` for the sample, the whole
instance and every shape. Nothing decided may change: `with_pairs` is `prepare` with the
pairs, and the plan is the one the former `plan_model` (kept below as `reference_plan`,
verbatim but for names) made: the same prepared data, candidates in the same order, the same
shortlist and the same day patterns counted."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from support import INSTANCES, SHARED
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.prepared import candidates_on, prepare, with_pairs
from outreach_opt.domain.roster import Assignment
from outreach_opt.domain.travel import travel_matrix
from outreach_opt.generate import generate
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.solve.day_patterns import DayKey, DayPattern
from outreach_opt.solve.shortlist import (
    FULL_MODEL_VARIABLES,
    SAMPLE_SPECIALISTS,
    SHAPES,
    VARIABLES_PER_SECOND,
    Plan,
    Shortlist,
    _candidates_estimate,
    _patterns,
    fits,
    fitting_specialists,
    plan_model,
    restricted,
    select_pairs,
)


def _reference_clearly_over(instance: Instance, past: Sequence[Assignment], room: int) -> bool:
    specs = [s.id for s in instance.specialists]
    if not specs:
        return False
    sample = specs[:: max(1, len(specs) // SAMPLE_SPECIALISTS)]
    prep = prepare(instance, past, pairs=frozenset((s, d.id) for s in sample for d in instance.demands))
    scale = len(specs) / len(sample)
    days = [(spec, t) for spec in sample for t in range(prep.n_days)]
    return _patterns(prep, days, {}, stop=1.5 * room / scale) * scale > 1.5 * room


def reference_plan(instance: Instance, past: Sequence[Assignment], time_limit: float) -> Plan:
    """The former `plan_model` (main at bd9f223): a `prepare` for each candidate set."""
    travel = travel_matrix(instance)
    fitting = fitting_specialists(instance, travel)
    n_fitting = sum(len(specs) for specs in fitting.values())
    widest = None
    room = FULL_MODEL_VARIABLES - _candidates_estimate(instance, fitting)
    if room >= 0 and not _reference_clearly_over(instance, past, room):
        whole = prepare(instance, past)
        cache: dict[DayKey, list[DayPattern]] = {}
        if fits(whole, FULL_MODEL_VARIABLES, cache):
            return Plan(whole, cache)
        widest = whole
    wanted = max(1, round(VARIABLES_PER_SECOND * time_limit))
    for k, (sites, per_session) in enumerate(SHAPES):
        pairs = select_pairs(instance, fitting, sites, per_session)
        prep = restricted(widest, pairs) if widest is not None else prepare(instance, past, pairs=pairs)
        cache = {}
        if fits(prep, wanted, cache) or k == len(SHAPES) - 1:
            return Plan(prep, cache, Shortlist(sites, per_session, len(pairs), n_fitting))
    raise AssertionError("unreachable")


def _same_plan(instance: Instance, time_limit: float) -> Plan:
    plan = plan_model(instance, [], time_limit)
    old = reference_plan(instance, [], time_limit)
    assert plan.shortlist == old.shortlist
    assert plan.prep.candidates == old.prep.candidates  # the same order too
    assert plan.prep == old.prep
    assert plan.cache.keys() == old.cache.keys()
    return plan


BUNDLED = [*sorted(INSTANCES.glob("*.yaml")), SHARED / "format" / "example-instance.yaml"]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: Path(p).stem)
def test_same_plan_on_bundled_instances(path: Path) -> None:
    """Modelled whole: the sample, then the whole candidates from the shared preparation."""
    assert _same_plan(load_instance(str(path)), 10).shortlist is None


@pytest.mark.parametrize(("specialists", "sites", "limit", "shortlisted"), [(120, 30, 10, False), (300, 40, 60, True)])
def test_same_plan_on_generated_instances(specialists: int, sites: int, limit: float, shortlisted: bool) -> None:
    """120 x 30 passes the sample and is modelled whole; 300 x 40 (L) is shortlisted: each
    shape's candidates from the shared preparation."""
    plan = _same_plan(instance_from_data(generate(specialists, sites, 1, 1), "generated"), limit)
    assert (plan.shortlist is not None) == shortlisted


def _pair_sets(instance: Instance, seed: int) -> list[frozenset[tuple[str, str]] | None]:
    everyone = [(s.id, d.id) for s in instance.specialists for d in instance.demands]
    rng = random.Random(seed)
    return [None, frozenset(), frozenset(everyone), frozenset(p for p in everyone if rng.random() < 0.4)]


@PROPERTY_SETTINGS
@given(instances(rich=True, special=True))
def test_with_pairs_is_preparing_with_the_pairs(data: dict[str, Any]) -> None:
    """Drawn instances (teams, pins, commitments, unavailability, stays): every field of
    `with_pairs` of the candidate-less preparation equals `prepare(..., pairs=)`'s, and its
    candidates are the whole instance's of those pairs, in the whole's order (the order
    `prepare` made them in before it went by pairs)."""
    instance = instance_from_data(data, "drawn")
    base = prepare(instance, pairs=frozenset())
    assert base.candidates == []
    whole = prepare(instance)
    for pairs in _pair_sets(instance, len(data["specialists"])):
        prep = with_pairs(base, pairs)
        assert prep == prepare(instance, pairs=pairs)
        assert prep.candidates == [c for c in whole.candidates if pairs is None or (c.specialist, c.demand) in pairs]
        days = {t for t in range(base.n_days) if t % 3 != 1}  # some days, not every one
        assert list(candidates_on(base, pairs, days)) == [c for c in prep.candidates if c.day in days]
