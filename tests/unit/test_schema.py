"""Scenario schema and loader: every kind of bad input names file, key path,
what was given and what is allowed."""

from pathlib import Path

import pytest

from sim import load_scenario
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios"


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if p.stem != "targets"))
def test_every_shipped_scenario_is_valid(name):
    sc = load_scenario(name)
    assert sc.name == name


def _err(path) -> ScenarioError:
    with pytest.raises(ScenarioError) as ei:
        load_scenario(path)
    return ei.value


def test_misspelled_key(write_scenario):
    e = _err(write_scenario({"behaviour": {}}))
    assert e.key_path == "behaviour" and "unknown key" in e.given and e.file.endswith("case.yaml")


@pytest.mark.parametrize(
    "data, key_path, meant",
    [
        ({"behaviour": {}}, "behaviour", "'behavior'"),  # British spelling at the top
        ({"calendar": {"monts": 3}}, "calendar.monts", "'months'"),
        ({"behavior": {"matching": {"leader_pul": 1.0}}}, "behavior.matching.leader_pul", "'leader_pull'"),
        # a key written one level too high: the group it belongs to is named
        ({"behavior": {"p_depart_home_month": 0.1}}, "behavior.p_depart_home_month", "'departure.p_depart_home_month'"),
        ({"extnds": "x.yaml"}, "extnds", "'extends'"),  # a key the loader reads besides the schema's
        # a policy's keys come from the schema class of its `type:`
        ({"policies": {"liaison": {"stuff": 3}}}, "policies.liaison.stuff", "'staff'"),
        # a misspelled required key is reported as unknown (pydantic lists it as missing first)
        ({"shocks": [{"sector": "auto_parts", "start": "2020-03", "multplier": 0.5}]}, "shocks.0.multplier",
         "'multiplier'"),
        # a dated change is checked against its policy's schema class
        ({"changes": [{"month": "2020-06", "policies": {"liaison": {"stuff": 3}}}]},
         "changes.0.policies.liaison.stuff", "'staff'"),
    ],
)  # fmt: skip
def test_unknown_key_names_the_key_meant(write_scenario, data, key_path, meant):
    e = _err(write_scenario(data))
    assert e.key_path == key_path and "unknown key" in e.given and e.file.endswith("case.yaml")
    assert e.allowed.endswith(f"did you mean {meant}?"), e.allowed


def test_unknown_key_of_another_group_names_the_group(write_scenario):
    e = _err(write_scenario({"behavior": {"away": {"p_depart_home_month": 0.1}}}))
    assert e.key_path == "behavior.away.p_depart_home_month"
    assert e.allowed.endswith("'p_depart_home_month' is a key of behavior.departure"), e.allowed


def test_unknown_key_named_as_its_policy_type(write_scenario):
    """A key that happens to equal its policy's type is still a key of this file."""
    e = _err(write_scenario({"policies": {"liaison": {"liaison": 1}}}))
    assert e.key_path == "policies.liaison.liaison" and e.file.endswith("case.yaml")
    assert e.allowed.startswith("one of the keys under policies.liaison (type: liaison): enabled,"), e.allowed


def test_unknown_key_lists_a_few_allowed_keys(write_scenario):
    e = _err(write_scenario({"calendar": {"zzz": 3}}))
    assert e.allowed == "one of the keys under calendar: start, months, spring_festival_month, lockdown"


def test_a_variant_is_named_after_its_file_not_its_parent(tmp_path):
    """Results and catalog rows of a variant must not be filed under the shipped
    scenario it extends."""
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {SHIPPED / 'teaching_small.yaml'}\nseed: 3\n", encoding="utf-8")
    assert load_scenario(variant).name == "variant"
    named = tmp_path / "other.yaml"
    named.write_text(f"extends: {variant}\nname: own_name\n", encoding="utf-8")
    assert load_scenario(named).name == "own_name"
    assert load_scenario("teaching_small").name == "teaching_small"


def test_a_file_name_that_is_no_scenario_name_asks_for_one(tmp_path):
    variant = tmp_path / "my variant.yaml"
    variant.write_text(f"extends: {SHIPPED / 'teaching_small.yaml'}\n", encoding="utf-8")
    e = _err(variant)
    assert e.key_path == "name" and "'my variant', the file's name" in e.given and e.file == str(variant)


@pytest.mark.parametrize(
    "data, key_path, allowed",
    [
        ({"calendar": {"start": "2020-3"}}, "calendar.start", "a month written YYYY-MM"),
        ({"changes": [{"month": "2020/06", "policies": {"liaison": {"enabled": False}}}]}, "changes.0.month",
         "a month written YYYY-MM"),
        ({"policies": {"liaison": {"enabled": "maybe"}}}, "policies.liaison.enabled", "true or false"),
        ({"changes": [{"month": "2020-06", "policies": {"liaison": {"enabled": "maybe"}}}]},
         "changes.0.policies.liaison.enabled", "true or false"),
    ],
)  # fmt: skip
def test_formats_are_said_in_words_not_as_patterns(write_scenario, data, key_path, allowed):
    e = _err(write_scenario(data))
    assert e.key_path == key_path and e.allowed.startswith(allowed), e.allowed


def test_probability_out_of_range(write_scenario):
    e = _err(write_scenario({"behavior": {"quit_outcome": {"secret": 1.7}}}))
    assert e.key_path == "behavior.quit_outcome.secret" and e.given == "1.7" and "1" in e.allowed


def test_negative_count(write_scenario):
    e = _err(write_scenario({"policies": {"liaison": {"staff": -5}}}))
    assert e.key_path == "policies.liaison.staff" and e.given == "-5"


def test_wrong_type(write_scenario):
    e = _err(write_scenario({"calendar": {"months": "twelve"}}))
    assert e.key_path == "calendar.months" and "twelve" in e.given and "integer" in e.allowed


def test_yaml_syntax_error(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("name: x\ncalendar: {months: 12\n")
    e = _err(p)
    assert e.file == str(p) and "line" in e.given


def test_extends_loop(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n")
    e = _err(tmp_path / "a.yaml")
    assert e.key_path == "extends" and "loop" in e.given


def test_extends_a_shipped_scenario_by_name(tmp_path):
    """A user's file next to nothing else may extend a shipped scenario by its name, as the
    command line accepts it; a file of that name beside it still wins."""
    (tmp_path / "mine.yaml").write_text("extends: teaching_small\nname: mine\ncalendar: {months: 7}\n")
    sc = load_scenario(tmp_path / "mine.yaml")
    assert sc.calendar.months == 7 and sc.places == load_scenario("teaching_small").places
    (tmp_path / "teaching_small.yaml").write_text("extends: no_policy\nname: local\n")
    assert load_scenario(tmp_path / "mine.yaml").policies == load_scenario("no_policy").policies


def test_missing_file_and_missing_parent(tmp_path):
    assert "does not exist" in _err(tmp_path / "nope.yaml").given
    (tmp_path / "c.yaml").write_text("extends: gone.yaml\nname: c\n")
    e = _err(tmp_path / "c.yaml")
    assert e.key_path == "extends" and "gone.yaml" in e.given


def test_error_names_the_file_that_set_the_key(write_scenario, tmp_path):
    child = write_scenario({"calendar": {"months": 0}}, name="child")
    e = _err(child)
    assert e.file.endswith("child.yaml") and e.key_path == "calendar.months"


def test_cross_reference_errors_have_key_paths(write_scenario):
    e = _err(write_scenario({"places": {"counties": {"Xingyi": {"paired_district": "Paris"}}}}))
    assert e.key_path == "places.counties.Xingyi.paired_district" and "Yuyao" in e.allowed
    e = _err(write_scenario({"policies": {"liaison": {"start": "2021-01", "end": "2020-01"}}}))
    assert e.key_path == "policies.liaison.end"
    e = _err(write_scenario({"policies": {"x": {"type": "bribe"}}}))
    assert e.key_path == "policies.x.type" and "subsidy" in e.allowed


def test_quit_outcomes_must_sum_to_one(write_scenario):
    e = _err(write_scenario({"behavior": {"quit_outcome": {"next_ningbo_job": 0.9}}}))
    assert "summing to" in e.given


def test_extends_merges_mappings_and_replaces_lists(write_scenario):
    sc = load_scenario(write_scenario({"calendar": {"lockdown": []}, "population": {"people_per_agent": 500}}))
    assert sc.calendar.lockdown == () and sc.calendar.start == "2020-01"
    assert sc.population.people_per_agent == 500 and len(sc.places.counties) == 8


@pytest.mark.parametrize(
    "lever, meant",
    [
        ("policies.liason.staff", "did you mean 'policies.liaison.staff'?"),
        ("subsidy.totl_yuan", "did you mean 'subsidy.total_yuan'?"),
    ],
)
def test_a_misspelled_lever_names_the_lever_meant(lever, meant):
    from sim.budget.goal import apply_lever

    with pytest.raises(ScenarioError) as ei:
        apply_lever(load_scenario("baseline_2020"), lever, 1.0)
    assert ei.value.key_path == "--lever" and meant in ei.value.allowed, ei.value.allowed


def test_a_subsidy_total_of_no_such_policy_lists_the_totals():
    from sim.budget.goal import apply_lever

    with pytest.raises(ScenarioError) as ei:
        apply_lever(load_scenario("baseline_2020"), "cixi.total_yuan", 1.0)
    assert ei.value.allowed.endswith("subsidy.total_yuan, cixi_subsidy.total_yuan, ninghai_subsidy.total_yuan")


def test_a_misspelled_sweep_parameter_names_the_parameter_meant(tmp_path):
    from sim.experiments.sweep import load_sweep

    sweep = tmp_path / "sw.yaml"
    sweep.write_text(
        "name: sw\nscenario: teaching_small\ndesign: grid\nparameters:\n  policies.liason.staff: {low: 0, high: 10}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as ei:
        load_sweep(sweep)
    assert ei.value.key_path == "parameters.policies.liason.staff"
    assert ei.value.allowed.endswith("did you mean 'policies.liaison.staff'?")
