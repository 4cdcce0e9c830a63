"""Year-long instances load, print and write in reasonable time, with the same results.

Each faster path is checked against the slower one it replaced (kept here as the reference):
the sites each specialist can reach, and the YAML text of rosters and imported instances.
Speed itself is for benchmarks/, never asserted here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from support import EXAMPLE, INSTANCES
from test_properties import PROPERTY_SETTINGS, instances

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.travel import reachable_sites
from outreach_opt.io.load import instance_from_data, load_instance
from outreach_opt.io.located_yaml import parse_text
from outreach_opt.io.write import _PLAIN_TEXT, yaml_text

# -- reachable sites -----------------------------------------------------------------------


def _reachable_by_every_demand(instance: Instance) -> dict[str, set[str]]:
    """The scan reachable_sites made before it read demands by kind: every demand asked
    for every specialist."""
    sites: dict[str, set[str]] = {s.id: {s.home} for s in instance.specialists}
    for c in instance.commitments:
        if c.specialist in sites:
            sites[c.specialist].add(c.site)
    for spec in instance.specialists:
        for demand in instance.demands:
            if set(demand.skills) <= set(spec.skills):
                sites[spec.id].update(instance.served_from(demand, spec.home))
    return sites


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(INSTANCES.glob("*.yaml"))], ids=lambda p: p.name)
def test_reachable_sites_as_by_every_demand_on_the_samples(path: Any) -> None:
    """The samples (ruijin-jiading has teleconsultations and remote surgery) reach the same
    sites by kind of demand as by every demand."""
    instance = load_instance(str(path))
    assert reachable_sites(instance) == _reachable_by_every_demand(instance)


@PROPERTY_SETTINGS
@given(instances(rich=True, special=True))
def test_reachable_sites_as_by_every_demand(data: dict[str, Any]) -> None:
    """Random instances with teams, teleconsultations, remote surgery from console sites and
    links between some sites: reading demands by kind loses no site."""
    instance = instance_from_data(data)
    assert reachable_sites(instance) == _reachable_by_every_demand(instance)


# -- YAML text ---------------------------------------------------------------------------

_ALL_OPTIONS: list[dict[str, Any]] = [{}, {"width": 120, "default_flow_style": None}]

_plain = st.text(st.characters(codec="utf-8").filter(lambda c: _PLAIN_TEXT.fullmatch(c) is not None), max_size=30)
_words = st.one_of(_plain, st.sampled_from(["yes", "null", "2025-10-20", "- a", "a: b", "#c", "'q'", '"', "12", "~"]))
_values = st.recursive(
    st.one_of(_words, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_words, inner, max_size=4)),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(st.one_of(st.dictionaries(_words, _values), _values), st.sampled_from(_ALL_OPTIONS))
def test_yaml_text_as_pyyaml_writes_it(data: Any, options: dict[str, Any]) -> None:
    """On plain text (where the C emitter is taken), the text PyYAML's own emitter writes.
    Rosters and instances are mappings; a lone scalar ends otherwise ('...'), so it is drawn too."""
    assert yaml_text(data, **options) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)


_NOT_PLAIN = [
    "\\,张张.-yes-\t\"*'",
    "\n ,.|",
    "#.nonull\u2028 |'~",
    '|}."0\ufeffZnull \ufeff>*',
    ">?%1`%yes#\x07yes]~%",
    '.\r#"\rnull',
    "?%!2025-10-20,\x00",
    "next\x85line",
    "emoji 😀",
]
"""Texts (found by a random search) on which libyaml's emitter writes other text than PyYAML's,
in the shape of `test_yaml_text_of_other_text_as_pyyaml_writes_it`."""


@pytest.mark.parametrize("text", _NOT_PLAIN)
def test_yaml_text_of_other_text_as_pyyaml_writes_it(text: str) -> None:
    """Text the C emitter quotes or escapes otherwise is written by PyYAML's emitter: the
    same text still, where the C emitter alone writes another (checked here, so the case
    keeps its point)."""
    data = {"name": text, "list": [text, {text: 1}], "long": text * 20}
    for options in _ALL_OPTIONS:
        expected = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options)
        assert yaml_text(data, **options) == expected
    if hasattr(yaml, "CSafeDumper"):
        assert yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False) != expected


# -- parsing -------------------------------------------------------------------------------


def test_repeated_text_is_read_by_how_it_is_written() -> None:
    """Scalars are built once per text and way of writing it: the same text quoted and plain
    reads as text and as a number, date or null, wherever it comes first (a cache keyed by the
    text alone would give the second the first's value)."""
    doc = parse_text(
        "a: [1, '1', 2025-10-20, '2025-10-20', null, 'null', on, 'on', 1]\n"
        "b: ['1', 1, '2025-10-20', 2025-10-20, 'null', null, 'on', on, '1']\n",
        "x.yaml",
    )
    first = [1, "1", dt.date(2025, 10, 20), "2025-10-20", None, "null", "on", "on", 1]
    assert doc.data == {"a": first, "b": [first[i ^ 1] if i < 8 else "1" for i in range(9)]}
    assert [type(v) for v in doc.data["b"]] == [str, int, str, dt.date, str, type(None), str, str, str]
    assert doc.places[("b", 8)] == (2, 63)  # the last item's own place, not the first "1"'s
