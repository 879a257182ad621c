"""Targets and headline windows come from the scenario and its calendar, not from 2020 constants."""

from __future__ import annotations

import pytest
import yaml

from sim import load_scenario, run
from sim.errors import ScenarioError
from sim.metrics.summary import load_targets
from sim.metrics.targets import window_name

TINY = {"population": {"people_per_agent": 1000}}


def _run(write_scenario, data: dict, name: str = "case"):
    return run(load_scenario(write_scenario({**TINY, **data}, name=name)), seed=3)


def _arrivals(res, start: str, end: str) -> float:
    m = res.tables["monthly"]
    return float(m.loc[(m["month"] >= start) & (m["month"] <= end), "arrivals_ningbo"].sum())


@pytest.mark.parametrize(
    "start,end,name",
    [
        ("2020-01", "2020-05", "jan_may_2020"),
        ("2019-11", "2020-03", "nov_2019_mar_2020"),
        ("2016-07", "2016-07", "jul_2016"),
    ],
)
def test_window_names(start, end, name):
    assert window_name(start, end) == name


def test_a_run_outside_2020_is_not_scored_against_2020_and_counts_its_own_first_months(write_scenario):
    res = _run(write_scenario, {"calendar": {"start": "2016-03", "months": 6}})
    assert res.targets.empty
    assert not [k for k in res.metrics if "2020" in k]
    assert res.metrics["arrivals_ningbo_mar_jul_2016"] == _arrivals(res, "2016-03", "2016-07") > 0


def test_a_run_covering_jan_may_2020_is_scored_on_that_window(write_scenario):
    res = _run(write_scenario, {"calendar": {"start": "2019-10", "months": 9}})
    assert list(res.targets["id"]) == [t["id"] for t in load_targets()]
    assert res.metrics["arrivals_ningbo_oct_2019_feb_2020"] == _arrivals(res, "2019-10", "2020-02")
    assert res.metrics["arrivals_ningbo_jan_may_2020"] == _arrivals(res, "2020-01", "2020-05")
    t1 = res.targets.set_index("id").loc["T1"]
    assert t1["model"] == res.metrics["arrivals_ningbo_jan_may_2020"]


def test_too_short_a_run_is_not_scored_unless_the_scenario_names_the_section(write_scenario):
    short = {"calendar": {"months": 3}}
    assert _run(write_scenario, short).targets.empty
    named = _run(write_scenario, {**short, "scoring": {"targets_section": "calibration_2020"}}, name="named")
    assert "T1" in set(named.targets["id"])
    off = _run(write_scenario, {"scoring": {"targets_file": None}}, name="off")
    assert off.targets.empty


def test_headline_window_follows_early_months(write_scenario):
    res = _run(write_scenario, {"calendar": {"months": 6}, "scoring": {"early_months": 2}})
    assert res.metrics["arrivals_ningbo_jan_feb_2020"] == _arrivals(res, "2020-01", "2020-02")
    assert res.metrics["arrivals_ningbo_jan_may_2020"] == _arrivals(res, "2020-01", "2020-05")


def test_own_targets_file_next_to_the_scenario(write_scenario, tmp_path):
    own = {
        "first_half_2021": {
            "period": {"start": "2021-01", "end": "2021-06"},
            "targets": [{"id": "X1", "metric": "arrivals_ningbo_jan_jun_2021", "value": 1000, "tolerance": 10**9}],
        }
    }
    (tmp_path / "my_targets.yaml").write_text(yaml.safe_dump(own))
    res = _run(
        write_scenario, {"calendar": {"start": "2021-01", "months": 6}, "scoring": {"targets_file": "my_targets.yaml"}}
    )
    assert list(res.targets["id"]) == ["X1"] and bool(res.targets["met"].iloc[0])
    assert res.targets["model"].iloc[0] == _arrivals(res, "2021-01", "2021-06")


@pytest.mark.parametrize(
    "scoring,key",
    [
        ({"targets_file": "nowhere.yaml"}, "scoring.targets_file"),
        ({"targets_section": "t_1999"}, "scoring.targets_section"),
    ],
)
def test_unknown_targets_file_or_section_is_a_scenario_error(write_scenario, scoring, key):
    path = write_scenario({"scoring": scoring})
    with pytest.raises(ScenarioError) as ei:
        load_scenario(path)
    assert (
        ei.value.key_path == key and ei.value.file == str(path) and repr(next(iter(scoring.values()))) == ei.value.given
    )
