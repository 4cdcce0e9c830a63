"""Scenario files: each operation patches the Anzhen week as written, sweeps expand, every
mistake is an InputError with the scenario file's line and a suggestion."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from support import INSTANCES

from outreach_opt.cli.main import main
from outreach_opt.domain.instance import Instance
from outreach_opt.domain.problems import InputError, Problem
from outreach_opt.io.load import load_instance
from outreach_opt.scenarios.event import load_event
from outreach_opt.scenarios.scenario import Sweep, load_scenario_file
from outreach_opt.scenarios.sweep import Variant, expand

ANZHEN = INSTANCES / "anzhen-tongzhou-week.yaml"
TINY = INSTANCES / "tiny.yaml"
ROAD = "{op: travel, from: anzhen-tongzhou, to: dachang-peoples, minutes: 25}"


@pytest.fixture(scope="module")
def anzhen() -> Instance:
    return load_instance(str(ANZHEN))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def variants(tmp_path: Path, base: Instance, text: str) -> list[Variant]:
    return expand(load_scenario_file(str(_write(tmp_path, text))), base)


def problems(tmp_path: Path, base: Instance, text: str) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        variants(tmp_path, base, text)
    return list(caught.value.problems)


def test_add_specialist_and_commitment(tmp_path: Path, anzhen: Instance) -> None:
    """`add` appends a specialist (and a commitment for them) and the result validates."""
    [v] = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: one more cardiologist
            operations:
              - {op: add, section: specialists, item: {id: extra-1, home: anzhen-tongzhou, skills: [pci]}}
              - {op: add, section: commitments, item: {specialist: extra-1, day: mon, period: am,
                                                       site: anzhen-tongzhou, activity: clinic}}
        """,
    )
    assert [s.id for s in v.instance.specialists][-1] == "extra-1"
    assert len(v.instance.specialists) == len(anzhen.specialists) + 1
    assert v.instance.commitments[-1].specialist == "extra-1"


def test_remove_specialist_takes_their_commitments(tmp_path: Path, anzhen: Instance) -> None:
    """Li Wei has three commitments; removing him removes them too, and says so in a note."""
    [v] = variants(
        tmp_path, anzhen, "scenarios: [{name: no li, operations: [{op: remove, section: specialists, id: li-wei}]}]"
    )
    assert "li-wei" not in {s.id for s in v.instance.specialists}
    assert len(v.instance.commitments) == len(anzhen.commitments) - 3
    assert v.notes == ("removing specialist li-wei also removed their 3 commitment(s)",)


def test_remove_specialist_takes_every_mention_of_them(tmp_path: Path, anzhen: Instance) -> None:
    """Li Wei's requests, pins, pinned stay, place in `preferred` lists and succession rules
    go with him (any one left named an unknown specialist and refused the scenario: found by
    a sweep on generated instances, which have requests); other people's entries stay, and a
    succession rule that bound only him goes rather than binding everyone."""
    data = anzhen.model_dump(mode="json")
    mine = {"specialist": "li-wei"}
    data["requests"] = [
        {**mine, "date": "2025-10-20", "want": "off"},
        {"specialist": "wang-jing", "date": "2025-10-21", "want": "on"},
    ]
    data["pins"] = [{**mine, "date": "2025-10-20", "period": "eve", "demand": "dachang-pci-evenings"}]
    data["pinned_stays"] = [{**mine, "night": "2025-10-20", "site": "dachang-peoples"}]
    data["demands"][0]["preferred"] = ["li-wei", "ren-yanlong"]
    data["demands"][1]["preferred"] = ["li-wei"]
    evening, morning = {"period": "eve"}, {"period": "am"}
    data["rules"]["forbidden_successions"] = [
        {"today": evening, "tomorrow": morning, "specialists": ["li-wei"]},
        {"today": evening, "tomorrow": morning, "specialists": ["li-wei", "wang-jing"]},
        {"today": evening, "tomorrow": morning},
    ]
    base = Instance.model_validate(data)
    [v] = variants(
        tmp_path, base, "scenarios: [{name: no li, operations: [{op: remove, section: specialists, id: li-wei}]}]"
    )
    assert [r.specialist for r in v.instance.requests] == ["wang-jing"]
    assert v.instance.pins == [] and v.instance.pinned_stays == []
    assert [d.preferred for d in v.instance.demands[:2]] == [["ren-yanlong"], []]
    assert [r.specialists for r in v.instance.rules.forbidden_successions] == [["wang-jing"], None]
    assert v.notes == (
        "removing specialist li-wei also removed their 3 commitment(s), their 1 request(s), their 1 pin(s), "
        "their 1 pinned stay(s), their place in 2 demand(s)' preferred list and their name from 2 forbidden "
        "succession(s)",
    )


def test_remove_site_takes_its_travel_legs(tmp_path: Path, anzhen: Instance) -> None:
    """Dachang TCM, once its two demands are gone, can be removed; its six legs go with it."""
    [v] = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: no dachang tcm
            operations:
              - {op: remove, section: demands, id: dachang-tcm-ward-round}
              - {op: remove, section: demands, id: dachang-tcm-consult}
              - {op: remove, section: sites, id: dachang-tcm}
        """,
    )
    assert all("dachang-tcm" not in leg[:2] for leg in v.instance.travel)
    assert len(v.instance.travel) == len(anzhen.travel) - 6


def test_remove_site_in_use_is_refused_at_the_operation(tmp_path: Path, anzhen: Instance) -> None:
    """Dachang TCM with one of its two demands still there: refused at the operation's id,
    naming what stands there, not as an unknown site at the instance's demand."""
    found = problems(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: no dachang tcm
            operations:
              - {op: remove, section: demands, id: dachang-tcm-ward-round}
              - {op: remove, section: sites, id: dachang-tcm}
        """,
    )
    assert [(p.path, p.message) for p in found] == [
        (
            ("scenarios", 0, "operations", 1, "id"),
            "site 'dachang-tcm' still has 1 demand(s) (dachang-tcm-consult); remove or move them first",
        )
    ]


def test_change_replaces_only_the_given_fields(tmp_path: Path, anzhen: Instance) -> None:
    """Xianghe wants three clinics a week: sessions change, name and priority stay."""
    [v] = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: xianghe three
            operations:
              - {op: change, section: demands, id: xianghe-clinic, set: {sessions: {min: 3, max: 3}}}
        """,
    )
    before = next(d for d in anzhen.demands if d.id == "xianghe-clinic")
    after = next(d for d in v.instance.demands if d.id == "xianghe-clinic")
    assert (after.sessions.min, after.sessions.max) == (3, 3)
    assert (after.name, after.priority, after.site) == (before.name, before.priority, before.site)


def test_travel_changes_a_listed_leg_either_way_or_adds_one(tmp_path: Path, anzhen: Instance) -> None:
    """The new road: Dachang to Tongzhou in 25 min changes the listed Tongzhou–Dachang leg (no
    second leg); a pair not listed yet is appended."""
    road, new_site = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: new road
            operations:
              - {op: travel, from: dachang-peoples, to: anzhen-tongzhou, minutes: 25}
          - name: new clinic
            operations:
              - {op: add, section: sites, item: {id: langfang-new}}
              - {op: travel, from: langfang-new, to: anzhen-tongzhou, minutes: 35}
        """,
    )
    assert ("anzhen-tongzhou", "dachang-peoples", 25) in road.instance.travel
    assert len(road.instance.travel) == len(anzhen.travel)
    assert new_site.instance.travel[-1] == ("langfang-new", "anzhen-tongzhou", 35)


def test_scale_rounds_half_up(tmp_path: Path, anzhen: Instance) -> None:
    """Travel × 0.9: 45 min becomes 41 (40.5 rounded up), 40 becomes 36. Demand × 1.5: PCI
    evenings 2 → 3, the Sanhe clinic 3–4 → 5–6."""
    travel, demand = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - {name: slower, operations: [{op: scale, what: travel, factor: 0.9}]}
          - {name: busier, operations: [{op: scale, what: demand, factor: 1.5}]}
        """,
    )
    assert ("sanhe-yanda", "xianghe-peoples", 41) in travel.instance.travel
    assert ("anzhen-tongzhou", "dachang-peoples", 36) in travel.instance.travel
    sessions = {d.id: (d.sessions.min, d.sessions.max) for d in demand.instance.demands}
    assert sessions["dachang-pci-evenings"] == (3, 3)
    assert sessions["sanhe-clinic"] == (5, 6)


def test_set_rule_and_weight(tmp_path: Path, anzhen: Instance) -> None:
    """`set` reaches rules and weights by their dotted path."""
    [v] = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: shorter rest, dearer driving
            operations:
              - {op: set, path: rules.min_rest_minutes, value: 540}
              - {op: set, path: weights.travel_minute, value: 2}
        """,
    )
    assert v.instance.rules.min_rest_minutes == 540
    assert v.instance.weights.travel_minute == 2


UNKNOWN_IDS = [
    ("{op: remove, section: specialists, id: li-wie}", "li-wie", "li-wei"),
    ("{op: change, section: demands, id: xianghe-clinc, set: {priority: 5}}", "xianghe-clinc", "xianghe-clinic"),
    ("{op: travel, from: anzhen-tongzhou, to: dachang-peoplse, minutes: 25}", "dachang-peoplse", "dachang-peoples"),
    ("{op: set, path: rules.min_rest, value: 540}", "min_rest", "min_rest_minutes"),
]


@pytest.mark.parametrize(("operation", "wrong", "right"), UNKNOWN_IDS)
def test_unknown_id_names_it_with_line_and_suggestion(
    tmp_path: Path, anzhen: Instance, operation: str, wrong: str, right: str
) -> None:
    """An operation on an unknown id is refused before any solve, at its line (line 5 here,
    after a valid first operation), naming the id and the closest known one."""
    text = f"""
        scenarios:
          - name: typo
            operations:
              - {{op: set, path: weights.travel_minute, value: 2}}
              - {operation}
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert problem.file == str(tmp_path / "scenarios.yaml")
    assert problem.line == 5
    assert repr(wrong) in problem.message and f"did you mean {right!r}" in problem.message
    assert str(problem).startswith(f"{problem.file}:5:")


def test_sweep_template_unknown(tmp_path: Path, anzhen: Instance) -> None:
    """The template of an extra_specialists sweep must be a specialist, with a suggestion."""
    text = """
        scenarios:
          - name: hires
            sweep: {parameter: extra_specialists, from: 0, to: 2, step: 1,
                    template: ren-yanlng}
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert problem.line == 4 and "did you mean 'ren-yanlong'" in problem.message


def test_misspelt_key_and_operation(tmp_path: Path, anzhen: Instance) -> None:
    """A misspelt key or operation name gets a suggestion; 'sett' is one mistake, not also a
    missing 'set'."""
    text = """
        scenarios:
          - name: typos
            operations:
              - {op: chnage, section: demands, id: xianghe-clinic}
              - {op: change, section: demands, id: xianghe-clinic, sett: {priority: 5}}
        """
    found = [(p.line, p.message) for p in problems(tmp_path, anzhen, text)]
    assert len(found) == 2
    assert found[0][0] == 4 and "unknown operation 'chnage' (did you mean 'change'?)" in found[0][1]
    assert found[1][0] == 5 and "unknown key 'sett' (did you mean 'set'?)" in found[1][1]


def test_problem_in_added_item_points_at_its_line(tmp_path: Path, anzhen: Instance) -> None:
    """An added specialist whose home is misspelt fails the instance's own checks; the message
    names the instance field and points at the `home:` line inside the operation."""
    text = """
        scenarios:
          - name: new doctor
            operations:
              - op: add
                section: specialists
                item:
                  id: extra-1
                  home: anzhen-tongzhuo
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert problem.line == 8
    assert "specialists[10].home" in problem.message and "did you mean 'anzhen-tongzhou'" in problem.message


def test_base_may_not_leave_the_scenario_folder(tmp_path: Path) -> None:
    """`base:` is relative to the scenario file and must stay in its folder."""
    doc = load_scenario_file(str(_write(tmp_path, "base: ../elsewhere.yaml\nscenarios: [{name: a}]\n")))
    with pytest.raises(InputError) as caught:
        doc.base_path()
    [problem] = caught.value.problems
    assert problem.line == 1 and "outside the scenario file's folder" in problem.message


def test_sweep_values_are_exact() -> None:
    """0.6 to 2.5 by 0.1 is twenty values with no float noise (0.9, not 0.8999999999999999)."""
    values = Sweep.model_validate({"parameter": "travel_factor", "from": 0.6, "to": 2.5, "step": 0.1}).values()
    assert len(values) == 20
    assert values[0] == 0.6 and values[3] == 0.9 and values[-1] == 2.5


def test_extra_specialists_sweep_clones_without_duties(tmp_path: Path, anzhen: Instance) -> None:
    """Extras copy the template's home, skills and limits, but not his leave or commitments."""
    found = variants(
        tmp_path,
        anzhen,
        "scenarios: [{name: hires, sweep: {parameter: extra_specialists, from: 0, to: 2, step: 1, "
        "template: huang-tao}}]",
    )
    assert [v.name for v in found] == [f"hires [extra_specialists={n}]" for n in range(3)]
    clone = found[2].instance.specialists[-1]
    template = next(s for s in anzhen.specialists if s.id == "huang-tao")
    assert clone.id == "huang-tao-extra-2" and clone.skills == template.skills and clone.home == template.home
    assert template.unavailable and not clone.unavailable
    assert not [c for c in found[2].instance.commitments if c.specialist.startswith("huang-tao-extra")]
    assert [v.notes for v in found] == [(), (), ()]  # the Anzhen week does not weigh fairness_deviation


def test_a_sweep_of_headcounts_says_the_fairness_term_moves_with_it(tmp_path: Path, anzhen: Instance) -> None:
    """With `fairness_deviation` weighted (n times each sharer's distance from the mean), a
    variant with more sharers than the base gets a note: its objective is not comparable."""
    found = variants(
        tmp_path,
        anzhen,
        """
        scenarios:
          - name: hires
            operations: [{op: set, path: weights.fairness_deviation, value: 10}]
            sweep: {parameter: extra_specialists, from: 0, to: 1, step: 1, template: huang-tao}
        """,
    )
    assert found[0].notes == ()
    assert found[1].notes == (
        "11 specialists share outreach against the base's 10: fairness_deviation counts n times each one's "
        "distance from the mean, so the objective moves with the headcount (compare the fairness spread)",
    )


NOT_FINITE = (
    "expected a finite number, found {} (YAML reads .inf and .nan as infinity and not-a-number); "
    "write an ordinary number"
)


@pytest.mark.parametrize(
    ("written", "line", "key", "shown"),
    [("to: .inf", 6, "to", "inf"), ("step: .inf", 7, "step", "inf"), ("from: .nan", 5, "from", "nan")],
)
def test_sweep_numbers_must_be_finite(
    tmp_path: Path, anzhen: Instance, written: str, line: int, key: str, shown: str
) -> None:
    """`.inf` and `.nan` are numbers to YAML: a sweep to infinity crashed counting its values,
    a step of infinity gave NaN factors (0 × inf), `from: .nan` said Python's "cannot convert
    float NaN to integer". Each is refused at its own line."""
    keys = {"from": "from: 0.6", "to": "to: 1.4", "step": "step: 0.2", key: written}
    text = f"""
        scenarios:
          - name: roads
            sweep:
              parameter: travel_factor
              {keys["from"]}
              {keys["to"]}
              {keys["step"]}
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert (problem.path, problem.line) == (("scenarios", 0, "sweep", key), line)
    assert problem.message == NOT_FINITE.format(shown)


def test_scale_factor_must_be_finite(tmp_path: Path, anzhen: Instance) -> None:
    """`op: scale` with `factor: .nan` said only "greater than 0"; it is not a number at all."""
    text = "scenarios: [{name: s, operations: [{op: scale, what: travel, factor: .nan}]}]"
    [problem] = problems(tmp_path, anzhen, text)
    assert (problem.line, problem.message) == (1, NOT_FINITE.format("nan"))


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        (
            "{parameter: extra_specialists, from: 0, to: 10000000, step: 5000000, template: huang-tao}",
            "a sweep adds at most 300 extra specialists, not 10000000; lower 'to:' to 300 or less",
        ),
        (
            "{parameter: travel_factor, from: 0.6, to: 1e+300, step: 1e+299}",
            "a factor is at most 100 (as for op: scale), not 1e+300; lower 'to:' to 100 or less",
        ),
        (
            "{parameter: demand_factor, from: 1, to: 101, step: 100}",
            "a factor is at most 100 (as for op: scale), not 101; lower 'to:' to 100 or less",
        ),
    ],
)
def test_sweep_values_are_capped_like_the_operations(
    tmp_path: Path, anzhen: Instance, sweep: str, message: str
) -> None:
    """The 200-value cap bounds how many variants a sweep makes, not how large each is: ten
    million extra specialists hung the run, a travel factor of 1e+300 ran. A factor is capped
    as `op: scale` caps it, a headcount at what a planner could hire; refused at `to:`."""
    [problem] = problems(tmp_path, anzhen, f"scenarios:\n  - name: big\n    sweep:\n      {sweep}\n")
    assert (problem.path, problem.line, problem.message) == (("scenarios", 0, "sweep", "to"), 4, message)


def test_sweep_up_to_the_caps_is_accepted() -> None:
    """The caps themselves are allowed: 300 extra specialists, a factor of 100."""
    hires = {"parameter": "extra_specialists", "from": 0, "to": 300, "step": 150, "template": "huang-tao"}
    assert Sweep.model_validate(hires).values() == [0, 150, 300]
    factor = {"parameter": "travel_factor", "from": 50, "to": 100, "step": 50}
    assert Sweep.model_validate(factor).values() == [50, 100]


@pytest.mark.parametrize(("text", "said"), [("", "the file is empty"), ("# roads\n", "the file holds only comments")])
def test_empty_scenario_file_says_it_should_hold_scenarios(tmp_path: Path, text: str, said: str) -> None:
    """An empty or comment-only scenario file got the instance reader's words ("it should hold
    an instance (see instances/)"); `whatif` wants a scenario list."""
    with pytest.raises(InputError) as caught:
        load_scenario_file(str(_write(tmp_path, text)))
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (
        1,
        f"{said}; it should hold a scenario list: 'scenarios:' with each scenario's name and operations "
        "(see instances/scenarios/)",
    )


def test_set_outside_rules_and_weights_says_what_can_be_set(tmp_path: Path, anzhen: Instance) -> None:
    """`set` reaches rules and weights only; `horizon.days` was called "not an id" (the shared
    translation of a pattern), which says nothing of what `path:` may be."""
    text = """
        scenarios:
          - name: longer week
            operations:
              - {op: set, path: weights.travel_minute, value: 2}
              - {op: set, path: horizon.days, value: 5}
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert (problem.path, problem.line) == (("scenarios", 0, "operations", 1, "path"), 5)
    assert problem.message == (
        "'horizon.days' cannot be set: only rules.<name> and weights.<name> can "
        "(a name of letters and '_', e.g. rules.min_rest_minutes)"
    )


@pytest.mark.parametrize(
    ("section", "ident", "what"),
    [
        ("specialists", "li-wei", "specialist"),
        ("demands", "xianghe-clinic", "demand"),
        ("sites", "dachang-tcm", "site"),
    ],
)
def test_change_may_not_rename(tmp_path: Path, anzhen: Instance, section: str, ident: str, what: str) -> None:
    """`change` with `set: {id: …}` was accepted and renamed the entry, leaving whatever named
    the old id behind; it is refused at the `id:` key inside `set`, saying what to do."""
    text = f"""
        scenarios:
          - name: renamed
            operations:
              - op: change
                section: {section}
                id: {ident}
                set:
                  name: New name
                  id: renamed-1
        """
    [problem] = problems(tmp_path, anzhen, text)
    assert (problem.path, problem.line, problem.column) == (("scenarios", 0, "operations", 0, "set", "id"), 9, 11)
    assert problem.message == (
        f"change cannot set 'id' (it would rename {what} {ident!r}); "
        f"remove it (op: remove) and add the new {what} (op: add) instead"
    )


def test_travel_minutes_are_a_number_not_a_flag(tmp_path: Path, anzhen: Instance) -> None:
    """`minutes: true` was read as 1 minute (pydantic's lax mode): refused at its key."""
    found = problems(
        tmp_path,
        anzhen,
        "scenarios: [{name: road, operations: [{op: travel, from: anzhen-tongzhou, to: dachang-peoples, "
        "minutes: true}]}]",
    )
    assert [(p.path, p.message) for p in found] == [
        (("scenarios", 0, "operations", 0, "minutes"), "expected a whole number, found true; write the number")
    ]


def test_variant_instance_is_named_for_its_base_and_scenario(tmp_path: Path, anzhen: Instance) -> None:
    """Every variant carried the base's name, so its roster (whose `instance` is that name)
    could not be told from the base's: each is `base / scenario`, a sweep point's with its
    value, in the instance and in the data a worker receives."""
    found = variants(
        tmp_path,
        anzhen,
        f"""
        scenarios:
          - {{name: faster road, operations: [{ROAD}]}}
          - {{name: roads, sweep: {{parameter: travel_factor, from: 0.8, to: 1.0, step: 0.2}}}}
        """,
    )
    names = [f"{anzhen.name} / faster road", *(f"{anzhen.name} / roads [travel_factor={f}]" for f in ("0.8", "1"))]
    assert [v.instance.name for v in found] == names
    assert [v.data["name"] for v in found] == names
    assert [v.name for v in found] == ["faster road", "roads [travel_factor=0.8]", "roads [travel_factor=1]"]


def test_long_base_and_scenario_names_stay_valid(tmp_path: Path, anzhen: Instance) -> None:
    """A long base name and the longest scenario name (100) still make a valid variant that
    names both (the instance `name` has no length limit)."""
    base = anzhen.model_copy(update={"name": "Anzhen " * 60})
    scenario = "s" * 100
    [v] = variants(tmp_path, base, f"scenarios: [{{name: {scenario}, operations: [{ROAD}]}}]")
    assert v.instance.name == f"{base.name} / {scenario}"


def test_event_keeps_the_base_name(tmp_path: Path, anzhen: Instance) -> None:
    """An event is expanded like a scenario, but the repaired roster is for the instance the
    department head published: its instance keeps the base's name."""
    path = tmp_path / "event.yaml"
    path.write_text(f"name: road closed\noperations: [{ROAD}]\n", encoding="utf-8")
    assert load_event(str(path), anzhen).instance.name == anzhen.name


def test_whatif_outputs_name_the_variant_and_check_notes_it(tmp_path: Path) -> None:
    """whatif --out's roster and instance of a scenario carry the variant's name, so `check`
    of that roster against the base says it names another instance; before, both carried the
    base's name and the check was silent."""
    scenario = _write(tmp_path, f"scenarios: [{{name: faster road, operations: [{ROAD}]}}]")
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["whatif", str(TINY), str(scenario), "--jobs", "1", "--time-limit", "3", "--out", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    base = load_instance(str(TINY)).name
    name = f"{base} / faster road"
    assert json.loads((out / "faster-road.roster.json").read_text(encoding="utf-8"))["instance"] == name
    assert yaml.safe_load((out / "faster-road.instance.yaml").read_text(encoding="utf-8"))["name"] == name
    assert json.loads((out / "base.roster.json").read_text(encoding="utf-8"))["instance"] == base
    checked = runner.invoke(main, ["check", str(TINY), str(out / "faster-road.roster.json")])
    assert f"note: the roster names instance {name!r}, not {base!r}" in checked.stdout, checked.output
    own = runner.invoke(main, ["check", str(out / "faster-road.instance.yaml"), str(out / "faster-road.roster.json")])
    assert own.exit_code == 0 and "note: the roster names" not in own.stdout, own.output
