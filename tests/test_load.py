"""Loading: `load_instance`, `instance_from_data` and the located YAML/JSON reader underneath.

Each test says which promise of the loader it holds: every problem has a path (and, from a
file, a line and column), misspelt names get a suggestion, duplicates are errors, travel is
filled in as the format says, and nothing in a file is ever run or built.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import BASE, EXAMPLE, INSTANCES, base, commit_dict, demand, specialist

from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.domain.travel import listed_travel, travel_matrix
from outreach_opt.io import located_yaml
from outreach_opt.io.load import MAX_PROBLEMS, instance_from_data, load_instance, load_roster
from outreach_opt.io.located_yaml import parse_text, read_located


def problems_of(data: dict[str, Any]) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        instance_from_data(data, "test")
    return list(caught.value.problems)


def messages(data: dict[str, Any]) -> dict[str, str]:
    """field -> message for every problem of `data` (which must fail to load)."""
    return {p.field: p.message for p in problems_of(data)}


def write(tmp_path: Path, text: str, name: str = "week.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load_problems(path: str) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_instance(path)
    return list(caught.value.problems)


# -- the shipped instances load ---------------------------------------------------------


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(INSTANCES.glob("*.yaml"))], ids=lambda p: p.name)
def test_shipped_instances_load(path: Path) -> None:
    """The contract example and every sample instance load unchanged, from YAML and as JSON."""
    instance = load_instance(str(path))
    as_json = json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str)
    assert instance_from_data(json.loads(as_json)) == instance


# -- suggestions ------------------------------------------------------------------------


def test_unknown_key_suggests_the_field() -> None:
    """A misspelt key names the closest field; one far from every field lists them all."""
    data = base(specialists=[specialist("a", max_session_per_week=4)])
    assert messages(data) == {
        "specialists[0].max_session_per_week": "unknown key 'max_session_per_week' "
        "(did you mean 'max_sessions_per_week'?)"
    }
    data = base(rules={"min_rest_minutes": 0, "zzz": 1})
    message = messages(data)["rules.zzz"]
    assert message.startswith("unknown key 'zzz'; known keys: min_rest_minutes")


def test_misspelt_section_is_one_problem_not_two() -> None:
    """`specialist:` for `specialists:` is reported once, as the unknown key with its fix
    (not also as a missing `specialists`)."""
    data = base()
    data["specialist"] = data.pop("specialists")
    found = problems_of(data)
    assert [p.message for p in found] == ["unknown key 'specialist' (did you mean 'specialists'?)"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"specialists": [specialist("a", home="hom")]},
            "specialists[0].home",
            "unknown site 'hom' (did you mean 'home'?)",
        ),
        (
            {"commitments": [commit_dict("mon", "am", who="aa")]},
            "commitments[0].specialist",
            "unknown specialist 'aa' (did you mean 'a'?)",
        ),
        (
            {"demands": [demand("d", periods=["evening"])]},
            "demands[0].periods[0]",
            "unknown period 'evening' (did you mean 'eve'?)",
        ),
        (
            {"demands": [demand("d", resource="clinic_rom")]},
            "demands[0].resource",
            "site 'far' lists no resource 'clinic_rom' (did you mean 'clinic_room'?); it has: cath_lab, "
            "clinic_room. Add it to the site's resources (0 if it has none).",
        ),
        (
            {"travel": [["home", "near", 20], ["home", "farr", 40], ["near", "far", 30]]},
            "travel[1][1]",
            "unknown site 'farr' (did you mean 'far'?)",
        ),
    ],
)
def test_misspelt_id_suggests_the_id(change: dict[str, Any], field: str, message: str) -> None:
    """Every kind of reference (site, specialist, period, resource) suggests the closest id."""
    assert messages(base(**change)) == {field: message}


def test_misspelt_choice_suggests_the_choice() -> None:
    """A misspelt weekday or site kind is an error listing the choices, with the closest."""
    data = base(commitments=[commit_dict("thurs", "am")])
    assert messages(data) == {
        "commitments[0].day": "'thurs' is not one of mon, tue, wed, thu, fri, sat, sun (did you mean 'thu'?)"
    }


# -- duplicates ---------------------------------------------------------------------------


@pytest.mark.parametrize("section", ["periods", "sites", "specialists", "demands"])
def test_duplicate_id_names_the_first_index(section: str) -> None:
    """A repeated id is an error at the second entry, naming the index of the first."""
    data = base(demands=[demand("d1"), demand("d2", site="near")], specialists=[specialist("a"), specialist("b")])
    entries = data[section]
    entries.append(copy.deepcopy(entries[0]))
    if section == "periods":
        entries[-1].update(start="23:00", end="23:30")  # in time order, so only the id is wrong
    last = len(entries) - 1
    found = messages(data)
    assert found[f"{section}[{last}].id"] == (
        f"duplicate id {entries[0]['id']!r}: {section}[0] has it already; ids must be unique"
    )


def test_duplicate_yaml_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    """A key written twice is never silently resolved: the second is refused, the first named."""
    path = write(tmp_path, "name: a\nhorizon:\n  start: 2025-10-20\n  days: 7\n  days: 14\n")
    (problem,) = load_problems(path)
    assert (problem.line, problem.column, problem.field) == (5, 3, "horizon.days")
    assert problem.message == "duplicate key 'days' (first at line 4); each key may appear once"


def test_duplicate_travel_leg_is_an_error() -> None:
    data = base(travel=[*BASE["travel"], ["home", "near", 25]])
    assert messages(data) == {
        "travel[3]": "travel from 'home' to 'near' is listed more than once (first at travel[0]); keep one"
    }


# -- travel -------------------------------------------------------------------------------


def test_travel_reverse_is_filled_unless_listed() -> None:
    """A leg one way gives the reverse the same minutes, unless the reverse is listed itself."""
    inst = instance_from_data(
        base(travel=[["home", "near", 20], ["home", "far", 40], ["far", "home", 55], ["near", "far", 30]])
    )
    matrix = listed_travel(inst)
    assert matrix[("near", "home")] == 20
    assert matrix[("home", "far")] == 40 and matrix[("far", "home")] == 55
    assert matrix[("far", "near")] == 30
    assert matrix[("home", "home")] == 0


def test_missing_travel_names_the_pair() -> None:
    """A pair a specialist could combine (home and a demand's site) with no time is an error
    naming both sites and who needs it, and saying how to fix it."""
    data = base(travel=[["home", "near", 20]], demands=[demand("d", site="far")])
    assert messages(data) == {
        "travel": "no travel time between 'far' and 'home', which a could combine in a day; add "
        "[from, to, minutes] to travel (or set derive_missing_travel: true)",
    }


def test_derive_missing_travel_takes_the_shortest_route() -> None:
    """Sites on a line A -10- B -15- C -5- D, plus a listed A-C of 40 (slower than via B).

    By hand: a listed leg keeps its own time even when a route is shorter, so A-C stays 40;
    missing pairs get the shortest route over the listed legs: A-D = A-B-C-D = 10+15+5 = 30
    (not A-C-D = 45), B-D = 15+5 = 20; reverses are the same (every leg is symmetric here).
    """
    sites = [{"id": s} for s in ("A", "B", "C", "D")]
    legs = [["A", "B", 10], ["B", "C", 15], ["C", "D", 5], ["A", "C", 40]]
    spec = {"id": "x", "home": "A", "skills": ["clinic"]}
    demands = [demand(f"d{s}", site=s) for s in ("B", "C", "D")]
    data = base(sites=sites, travel=legs, specialists=[spec], demands=demands, derive_missing_travel=True)
    matrix = travel_matrix(instance_from_data(data))
    assert matrix[("A", "C")] == 40
    assert matrix[("A", "D")] == matrix[("D", "A")] == 30
    assert matrix[("B", "D")] == matrix[("D", "B")] == 20
    # Without the flag the same holes are errors, one per pair.
    data["derive_missing_travel"] = False
    found = [p.message for p in problems_of(data)]
    assert len(found) == 2
    assert found[0].startswith("no travel time between 'A' and 'D'")
    assert found[1].startswith("no travel time between 'B' and 'D'")


def test_derive_missing_travel_with_no_route_is_still_an_error() -> None:
    data = base(travel=[["home", "near", 20]], demands=[demand("d", site="far")], derive_missing_travel=True)
    (message,) = messages(data).values()
    assert "no route over the listed legs joins them; add a leg" in message


# -- commitments, resources, periods ----------------------------------------------------


def test_commitment_clash_message() -> None:
    """Two commitments of one specialist in one weekday and period: the second is refused,
    naming the first, the day, the period and both sites."""
    data = base(commitments=[commit_dict("mon", "am"), commit_dict("mon", "am", site="far", days=None)])
    assert messages(data) == {
        "commitments[1]": "'a' already has commitments[0] on mon am (at 'home'; this one is at 'far'): "
        "one specialist cannot hold two commitments at once"
    }
    # `days` overlapping `day` clashes on the shared weekdays only, listed in one message.
    data = base(
        commitments=[commit_dict("mon", "pm"), {**commit_dict("mon", "pm"), "day": None, "days": ["mon", "wed"]}]
    )
    data["commitments"][1].pop("day")
    assert messages(data)["commitments[1]"].startswith("'a' already has commitments[0] on mon pm (at 'home' too)")


def test_resource_not_listed_at_site() -> None:
    """A commitment using a resource its site does not list says what the site has."""
    data = base(commitments=[commit_dict("mon", "am", site="near", resource="cath_lab")])
    assert messages(data) == {
        "commitments[0].resource": "site 'near' lists no resource 'cath_lab'; it has: clinic_room. "
        "Add it to the site's resources (0 if it has none)."
    }


def test_leave_outside_the_horizon_is_allowed() -> None:
    """The contract: a date outside the horizon has no effect, so long leave lists can be reused."""
    data = base(
        specialists=[specialist("a", unavailable=[{"date": "2024-01-01"}, {"date": "2026-12-24", "periods": ["am"]}])]
    )
    assert len(instance_from_data(data).specialists[0].unavailable) == 2


def test_period_order_and_clock_text() -> None:
    periods = [
        {"id": "am", "start": "08:00", "end": "12:00"},
        {"id": "pm", "start": "11:00", "end": "17:00"},
        {"id": "eve", "start": "8pm", "end": "22:00"},
    ]
    found = messages(base(periods=periods))
    assert found["periods[1].start"].startswith("period 'pm' starts at 11:00, before 'am' ends at 12:00")
    assert found["periods[2].start"] == '\'8pm\' is not a clock time; write it as "HH:MM", e.g. "08:00"'


# -- one run reports shape and reference problems ------------------------------------------


def test_shape_and_reference_problems_in_one_run() -> None:
    """A wrong type in one entry does not hide a misspelt id in another: both come back, and
    the broken entry's own id still counts as known (no echo errors about it)."""
    data = base(
        specialists=[specialist("a", max_sessions_per_week="ten"), specialist("b", home="hme")],
        commitments=[commit_dict("mon", "am", who="a")],
    )
    assert messages(data) == {
        "specialists[0].max_sessions_per_week": "expected a whole number, found 'ten'; write it in digits, with no "
        "fraction",
        "specialists[1].home": "unknown site 'hme' (did you mean 'home'?)",
    }


def test_reference_in_a_broken_entry_is_still_checked() -> None:
    """An entry with an unknown key or a wrong type still has its other references checked
    (validated without the broken keys), so the misspelt home shows in the same run."""
    data = base(specialists=[specialist("a", home="hme", grade=3, skils=["pci"])])
    assert set(messages(data)) == {"specialists[0].grade", "specialists[0].skils", "specialists[0].home"}


def test_missing_travel_is_checked_when_only_a_setting_is_broken() -> None:
    """When every entry is fine and only e.g. the weights are wrong, travel completeness is
    reported in the same run."""
    data = base(travel=[["home", "near", 20]], demands=[demand("d", site="far")], weights={"travel_minute": -1})
    found = messages(data)
    assert set(found) == {"weights.travel_minute", "travel"}


def test_problems_are_capped() -> None:
    """Thousands of broken entries give the first MAX_PROBLEMS and a count of the rest."""
    data = base(specialists=[specialist(f"s{i}", home="nowhere") for i in range(MAX_PROBLEMS + 30)])
    found = problems_of(data)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].message == "… and 30 more problems; fix these first"


def test_not_a_mapping() -> None:
    with pytest.raises(InputError) as caught:
        instance_from_data([1, 2])
    assert "the file holds a list, not an instance" in str(caught.value)


# -- places -------------------------------------------------------------------------------


def test_places_point_at_values_and_keys(tmp_path: Path) -> None:
    """A wrong value is placed at the value (line and column); an unknown key at the key; a
    block written on its own lines at its key."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("    home: anzhen-chaoyang", "    home: anzhen-chaoyng")
    text = text.replace("    grade: attending", "    grad: attending")
    lines = text.splitlines()
    path = write(tmp_path, text)
    found = {p.field: p for p in load_problems(path)}
    home = found["specialists[1].home"]
    assert (home.file, home.line, home.column) == (path, lines.index("    home: anzhen-chaoyng") + 1, 11)
    key = found["specialists[2].grad"]
    assert (key.line, key.column) == (lines.index("    grad: attending") + 1, 5)
    assert str(home) == (
        f"{path}:{home.line}:11: specialists[1].home: unknown site 'anzhen-chaoyng' (did you mean 'anzhen-chaoyang'?)"
    )


def test_json_places_and_syntax(tmp_path: Path) -> None:
    """JSON is located too: schema problems at their line, syntax errors at the JSON parser's."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["specialists"][2]["home"] = "anzhen-tongzhuo"
    text = json.dumps(data, indent=2, default=str)
    path = write(tmp_path, text, "week.json")
    (problem,) = load_problems(path)
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if "anzhen-tongzhuo" in row)
    assert (problem.line, problem.field) == (line, "specialists[2].home")
    broken = write(tmp_path, text.replace('"days": 7', '"days": 7,'), "broken.json")
    (problem,) = load_problems(broken)
    assert problem.message.startswith("JSON syntax: ") and problem.line is not None and problem.column is not None


def test_json_reads_numbers_as_json(tmp_path: Path) -> None:
    """JSON's 1e1 is the number 10 (YAML 1.1 would read it as text); tab-indented JSON in a
    .yaml file is JSON too."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    text = json.dumps(data, indent="\t", default=str).replace('"priority": 10', '"priority": 1e1')
    assert load_instance(write(tmp_path, text, "week.yaml")) == load_instance(str(EXAMPLE))


def test_json_escapes_past_the_basic_plane(tmp_path: Path) -> None:
    """json.dumps writes an emoji as a surrogate pair of escapes, which YAML refuses: still
    valid JSON, so it loads, and places after it stay right."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["name"] = "Tongzhou week \U0001f3e5 \u5317\u4eac"
    text = json.dumps(data, indent=1, default=str)
    assert "\\ud83c\\udfe5" in text
    assert load_instance(write(tmp_path, text, "week.json")).name == data["name"]
    data["specialists"][1]["home"] = "anzhen-chaoyng"
    text = json.dumps(data, indent=1, default=str)
    (problem,) = load_problems(write(tmp_path, text, "week.json"))
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if "anzhen-chaoyng" in row)
    assert (problem.line, problem.field) == (line, "specialists[1].home")


MERGED = """\
name: merge test
horizon: {start: 2025-10-20, days: 1}
periods: [{id: am, start: "08:00", end: "12:00"}]
sites: [{id: home, resources: {clinic_room: 2}}]
specialists:
  - &ren {id: ren, name: Ren, home: home, skills: &skills [clinic, pci], max_sessions_per_week: 5}
  - {<<: *ren, id: zhang, name: Zhang}
  - {id: li, home: home, skills: *skills}
"""


def test_merge_keys_and_anchors_work(tmp_path: Path) -> None:
    """Anchors, aliases and `<<` merges are plain YAML and load; a key written next to a merge
    overrides the merged one, without a duplicate-key error."""
    ren, zhang, li = load_instance(write(tmp_path, MERGED)).specialists
    assert (zhang.id, zhang.name, zhang.home, zhang.max_sessions_per_week) == ("zhang", "Zhang", "home", 5)
    assert zhang.skills == li.skills == ren.skills == ["clinic", "pci"]


def test_keys_are_names_as_written() -> None:
    """YAML 1.1 reads an unquoted `on` or `1` key as true or a number; keys are names here.
    `<<` is a merge only as a key; as a value it is text."""
    doc = parse_text("resources: {on: 1, 2: 3}\nname: <<\n", "x.yaml")
    assert doc.data == {"resources": {"on": 1, "2": 3}, "name": "<<"}


# -- safety -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [echo hi]\n",
        "a: !!python/object/new:subprocess.Popen [[echo, hi]]\n",
        "a: !!python/name:os.system\n",
        "!!python/object:collections.OrderedDict {a: 1}\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x, y}\n",
        "? !!python/tuple [1, 2]\n: x\n",
    ],
)
def test_no_tag_builds_anything(text: str) -> None:
    """Only plain YAML types: any other tag is refused with its place, never constructed."""
    with pytest.raises(InputError) as caught:
        parse_text(text, "x.yaml")
    (problem,) = caught.value.problems
    assert problem.line is not None
    assert "is not allowed" in problem.message or "plain name" in problem.message


def test_alias_chains_cannot_nest_too_deep() -> None:
    """Each alias of an alias nests one level deeper without growing the text: refused at
    MAX_DEPTH, never a RecursionError."""
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 200)]
    with pytest.raises(InputError) as caught:
        parse_text("\n".join(lines) + "\n", "x.yaml")
    assert "nests deeper than" in caught.value.problems[0].message


def test_expansion_budget_counts_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aliases count what they repeat: ten aliases of a 5-value list are 50+ values."""
    monkeypatch.setattr(located_yaml, "MAX_VALUES", 40)
    text = "base: &b [1, 2, 3, 4]\nuse: [" + ", ".join(["*b"] * 10) + "]\n"
    with pytest.raises(InputError) as caught:
        parse_text(text, "x.yaml")
    assert "expands to more than 40 values" in caught.value.problems[0].message


def test_size_limit_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(located_yaml, "MAX_BYTES", 1024 * 1024)
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(InputError) as caught:
        read_located(str(path))
    assert "over the limit of 1 MB" in caught.value.problems[0].message


@pytest.mark.parametrize("loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
def test_pure_python_and_libyaml_agree(loader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the pure-Python parser reads the same data, places and refusals."""
    monkeypatch.setattr(located_yaml, "_LOADER", loader)
    doc = parse_text(EXAMPLE.read_text(encoding="utf-8"), "example.yaml")
    assert doc.data["specialists"][1]["unavailable"][0]["date"].isoformat() == "2025-10-22"
    assert doc.places[("specialists", 1, "home")] == (46, 11)
    for text, line in [("a: 1\nb: [1, 2\n", 3), ("a: 1\na: 2\n", 2), ("a: !!python/name:os.system\n", 1)]:
        with pytest.raises(InputError) as caught:
            parse_text(text, "x.yaml")
        assert caught.value.problems[0].line == line


def test_one_document_per_file(tmp_path: Path) -> None:
    (problem,) = load_problems(write(tmp_path, "name: a\n---\nname: b\n"))
    assert problem.line == 2 and "a second YAML document" in problem.message


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    (problem,) = load_problems(str(tmp_path / "absent.yaml"))
    assert problem.message.startswith("cannot read the file")
    (problem,) = load_problems(str(tmp_path))
    assert problem.message.startswith("cannot read the file")


def test_roster_problems_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, "instance: x\nstatus: optimal\nassignments:\n  - {specialist: a, date: 2025-10-32}\n")
    with pytest.raises(InputError) as caught:
        load_roster(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "assignments[0].date")
    assert "'2025-10-32' is not a valid date" in problem.message


def test_instance_type_is_returned() -> None:
    assert isinstance(instance_from_data(base()), Instance)


def test_on_off_yes_no_are_text(tmp_path: Path) -> None:
    """YAML 1.2 booleans: `want: off` is the word off (a request), not False; true stays true."""
    text = EXAMPLE.read_text(encoding="utf-8") + (
        "requests:\n  - {specialist: li-wei, date: 2025-10-21, want: off, hard: true}\n"
        "  - {specialist: zhang-min, date: 2025-10-22, want: on}\n"
    )
    path = tmp_path / "wants.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_instance(str(path))
    assert [(r.want, r.hard) for r in loaded.requests] == [("off", True), ("on", False)]


def test_references_of_requests_successions_and_preferred(tmp_path: Path) -> None:
    """Misspelt specialists and periods in requests, successions and `preferred` are named,
    each at its line, with a suggestion."""
    text = (
        EXAMPLE.read_text(encoding="utf-8").replace(
            "rules:\n", "rules:\n  forbidden_successions: [{today: {period: evening}, tomorrow: {period: am}}]\n"
        )
        + "requests:\n  - {specialist: li-wie, date: 2025-10-21, want: off, periods: [pmm]}\n"
    )
    path = tmp_path / "refs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_instance(str(path))
    messages = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert "requests[0].specialist: unknown specialist 'li-wie' (did you mean 'li-wei'?)" in messages
    assert "requests[0].periods[0]: unknown period 'pmm' (did you mean 'pm'?)" in messages
    assert any(m.startswith("rules.forbidden_successions[0].today.period: unknown period 'evening'") for m in messages)
    assert all(p.line is not None for p in caught.value.problems)
