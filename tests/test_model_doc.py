"""One rule, one id, everywhere: models/MODEL.md, the builder, the checker and these tests agree.

Each row of the doc's rule tables names an id, the builder method(s) and the checker function;
this test parses them and insists that every named piece of code exists, that every checker rule
is documented, and that every hard rule is tested three ways in tests/test_rules.py.
"""

from __future__ import annotations

import re

from support import EXAMPLE, REPO

from outreach_opt.check import checker
from outreach_opt.domain import prepared
from outreach_opt.domain.roster import Roster
from outreach_opt.io.load import load_instance
from outreach_opt.solve import builder, day_patterns

DOC = (REPO / "models" / "MODEL.md").read_text(encoding="utf-8")


def _rows(heading: str) -> dict[str, list[str]]:
    """id -> the row's cells, from the table under `heading`."""
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `([a-z_]+)` \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def _names(cell: str) -> list[str]:
    return re.findall(r"`([A-Za-z_.]+)`", cell)


MODULES = {"day_patterns": day_patterns, "prepared": prepared}
"""Modules the doc names functions of, as `module.function`."""


def _exists(name: str) -> bool:
    if "." in name:
        module, attribute = name.split(".", 1)
        return module in MODULES and hasattr(MODULES[module], attribute)
    return hasattr(builder.RosterModel, name) or hasattr(checker, name)


def test_every_checker_rule_is_documented_with_existing_code() -> None:
    """Each checker rule id has a row whose builder and checker names are real code."""
    rules = _rows("## Hard rules")
    assert set(rules) == set(checker.RULES)
    for rule_id, cells in rules.items():
        builder_cell, checker_cell = cells[-2], cells[-1]
        assert checker_cell == f"`check_{rule_id}`"
        assert hasattr(checker, f"check_{rule_id}")
        for name in _names(builder_cell):
            assert _exists(name), f"{rule_id}: {name} named in MODEL.md does not exist"


def test_objective_terms_match_the_builder() -> None:
    """The doc's objective term ids are the builder's term names and the checker's breakdown keys."""
    terms = _rows("## Objective")
    empty = Roster(instance="example", assignments=[])
    assert set(terms) == set(checker.check_roster(load_instance(str(EXAMPLE)), empty).breakdown)
    for cells in terms.values():
        assert all(_exists(name) for name in _names(cells[-2])) and cells[-1] == "`objective_terms`"


def test_every_hard_rule_is_tested_three_ways() -> None:
    """tests/test_rules*.py have a class per rule with feasible, forced and alternative tests."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "tests").glob("test_rules*.py")))
    for rule_id in checker.RULES:
        if rule_id == "known_ids":
            continue  # a property of rosters, not of the model: see test_checker.py
        name = "Test" + "".join(part.capitalize() for part in rule_id.split("_"))
        body = text.split(f"class {name}:", 1)
        assert len(body) == 2, f"no {name} in test_rules.py"
        block = body[1].split("\nclass ", 1)[0]
        for way in ("test_feasible", "test_forced", "test_alternative"):
            assert f"def {way}(" in block, f"{name} lacks {way}"
