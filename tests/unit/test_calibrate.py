"""Calibration machinery: the loss, holdout exclusion, the calibration block's rules, locking."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from sim.calibrate.lock import ensemble, nested
from sim.calibrate.loss import MISSING_Z, distance, run_loss, split_targets, trial_loss
from sim.calibrate.task import apply_params
from sim.cli import main
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TARGETS = [
    {"id": "A", "metric": "a", "value": 100.0, "tolerance": 10.0},
    {"id": "B", "metric": "b", "low": 0.6, "high": 0.8, "tolerance": 0.05},
    {"id": "M", "metric": "m", "month": "2020-06", "tolerance_months": 1},
    {"id": "H", "metric": "h", "value": 5.0, "tolerance": 1.0, "holdout": True},
]


def test_distance_is_in_tolerances():
    assert distance(120.0, TARGETS[0]) == pytest.approx(2.0)
    assert distance(0.7, TARGETS[1]) == 0.0
    assert distance(0.9, TARGETS[1]) == pytest.approx(2.0)
    assert distance("2020-08", TARGETS[2]) == pytest.approx(2.0)
    assert distance("", TARGETS[2]) == MISSING_Z
    assert distance(float("nan"), TARGETS[0]) == MISSING_Z


def test_loss_is_the_weighted_mean_of_squared_distances_over_seeds():
    fitted, held = split_targets(TARGETS)
    assert [t["id"] for t in held] == ["H"]
    seed1 = {"a": 120.0, "b": 0.7, "m": "2020-06"}  # z = 2, 0, 0 -> 4/3
    seed2 = {"a": 100.0, "b": 0.9, "m": "2020-07"}  # z = 0, 2, 1 -> 5/3
    assert run_loss(seed1, fitted) == pytest.approx(4 / 3)
    assert trial_loss([seed1, seed2], TARGETS) == pytest.approx(1.5)
    weighted = [dict(fitted[0], weight=3.0), *fitted[1:]]
    assert run_loss(seed1, weighted) == pytest.approx(3 * 4 / 5)


def test_holdout_targets_never_enter_the_loss():
    m = {"a": 120.0, "b": 0.7, "m": "2020-06"}
    base = trial_loss([m | {"h": 5.0}], TARGETS)
    assert trial_loss([m | {"h": 500.0}], TARGETS) == base  # a held-out miss changes nothing
    assert trial_loss([m | {"a": 150.0, "h": 5.0}], TARGETS) != base  # a fitted one does
    unheld = [dict(t, holdout=False) for t in TARGETS]
    assert trial_loss([m | {"h": 500.0}], unheld) != base


def _scenario(tmp_path, params: str) -> Path:
    p = tmp_path / "cal.yaml"
    p.write_text(
        f"extends: {ROOT / 'scenarios' / 'teaching_small.yaml'}\nname: cal\ncalibration:\n  parameters:\n{params}",
        encoding="utf-8",
    )
    return p


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ("    policies.liaison.staff: {low: 1, high: 100}\n", "policy levers are never fitted"),
        ("    places.prd.wage_yuan_month: {low: 1, high: 2}\n", "a behavior.* parameter path"),
        ("    behavior.departure.no_such: {low: 0, high: 1}\n", "no such behavior parameter"),
        ("    behavior.departure.p_depart_home_month: {low: 0.1, high: 2.0}\n", "a range the behavior schema accepts"),
        ("    behavior.departure.ningbo_info: {low: 1, high: 0}\n", "a high above low"),
    ],
)
def test_bad_calibration_blocks_are_refused_in_one_line(tmp_path, capsys, params, says):
    out = tmp_path / "out"
    rc = main(["calibrate", str(_scenario(tmp_path, params)), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert says in err and "calibration.parameters" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (out / "calibration").exists()


def test_a_scenario_without_a_calibration_block_is_refused(tmp_path, capsys):
    p = tmp_path / "plain.yaml"
    p.write_text(f"extends: {ROOT / 'scenarios' / 'teaching_small.yaml'}\nname: plain\ncalibration: null\n")
    rc = main(["calibrate", str(p), "--out", str(tmp_path / "out")])
    assert rc == 2 and "calibration.parameters" in capsys.readouterr().err


def test_apply_params_sets_nested_keys_and_keeps_integers():
    sj = load_scenario("teaching_small").model_dump(mode="json")
    out = apply_params(
        sj,
        {
            "behavior.quit_hazard.by_tenure_month.1": 0.15,
            "behavior.stable_min_months": 3.6,
            "behavior.departure.seasonal.1": 2.0,
        },
    )
    assert out["behavior"]["quit_hazard"]["by_tenure_month"]["1"] == 0.15
    assert out["behavior"]["stable_min_months"] == 4
    assert out["behavior"]["departure"]["seasonal"][1] == 2.0
    assert sj["behavior"]["stable_min_months"] == 3  # the input is not changed


def test_ensemble_is_the_loss_band_best_first():
    trials = [SimpleNamespace(value=v, number=i) for i, v in enumerate([0.5, 0.1, 0.3, 0.34, 2.0])]
    got = [t.number for t in ensemble(trials, band=0.25, max_sets=10)]
    assert got == [1, 2, 3]
    assert [t.number for t in ensemble(trials, band=0.25, max_sets=2)] == [1, 2]


def test_nested_writes_the_behavior_yaml_shape():
    got = nested({"behavior.quit_hazard.by_tenure_month.1": 0.1, "behavior.away.p_give_up_search_month": 0.2})
    assert got == {"quit_hazard": {"by_tenure_month": {1: 0.1}}, "away": {"p_give_up_search_month": 0.2}}
