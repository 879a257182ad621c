"""`--ensemble FILE`: replicates draw calibrated parameter sets as well as seeds, pairs
stay paired, and results say which uncertainty they include."""

import json
from pathlib import Path

import pytest
import yaml

from sim.calibrate.ensemble import draw_sets, load_ensemble
from sim.cli import main
from sim.errors import ScenarioError
from sim.experiments.executors import InProcessExecutor
from sim.experiments.replicates import run_replicates
from sim.loader import load_scenario

P = "behavior.departure.p_depart_home_month"


def _locked(tmp_path: Path) -> Path:
    """A locked file whose two sets differ a lot in departures."""
    doc = {
        "calibration": {
            "locked": {
                "provenance": {"date_utc": "2026-01-01T00:00:00Z", "fitted_targets": ["T1"], "holdout_targets": ["T4"],
                               "best_loss": 0.1, "hand_set_loss": 0.2, "targets_sha256": "ab" * 32},
                "best": {P: 0.002},
                "ensemble_method": "loss band (test)",
                "ensemble": [{"trial": 1, "loss": 0.1, "params": {P: 0.002}},
                             {"trial": 2, "loss": 0.2, "params": {P: 0.03}}],
            }
        }
    }  # fmt: skip
    p = tmp_path / "locked.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def test_replicates_run_the_drawn_parameter_sets(tmp_path):
    sets, method = load_ensemble(_locked(tmp_path))
    assert method == "loss band (test)"
    sc = load_scenario("teaching_small", {"calendar": {"months": 3}})
    seeds = [11, 12]  # a 15-fold departure rate swamps any seed difference
    reps = run_replicates(sc, seeds, InProcessExecutor(), 1, quiet=True, param_sets=sets)
    low, high = (r["metrics"]["arrivals_ningbo_total"] for r in reps)
    assert high > 2 * low
    assert draw_sets(5, 20, 2) == draw_sets(5, 20, 2) and set(draw_sets(5, 20, 2)) == {0, 1}


def test_a_file_without_an_ensemble_is_refused(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("name: x\n")
    with pytest.raises(ScenarioError, match="--ensemble"):
        load_ensemble(p)


def test_run_and_compare_record_what_the_bands_include(tmp_path, capsys):
    locked = _locked(tmp_path)
    out = tmp_path / "out"
    args = ["--replicates", "2", "--months", "3", "--out", str(out), "--no-figures", "--quiet"]
    assert main(["run", "teaching_small", *args, "--ensemble", str(locked)]) == 0
    text = capsys.readouterr().out
    assert "parameter uncertainty" in text
    (man,) = list(out.glob("teaching_small/*/manifest.json"))
    m = json.loads(man.read_text())
    assert len(m["ensemble_set_per_replicate"]) == 2 and "parameter uncertainty" in m["uncertainty"]
    assert main(["run", "teaching_small", *args]) == 0
    assert "seed (chance) variation only" in capsys.readouterr().out
    cmp_args = ["--replicates", "2", "--out", str(out), "--no-figures", "--quiet", "--ensemble", str(locked)]
    assert main(["compare", "teaching_small", "teaching_small", *cmp_args]) == 0
    assert "intervals include: seed variation and parameter uncertainty" in capsys.readouterr().out


def test_budget_brief_says_it_includes_parameter_uncertainty_and_shows_the_calibration(tmp_path):
    locked = _locked(tmp_path)
    (tmp_path / "locked.targets.csv").write_text(
        "id,role,target,model_median,band_q05,band_q95,met\nT1,fitted,20000 ±2000,19876.5,19000,20500,True\n"
        "T4,held out,3660 ±549,3300,3200,3400,True\n",
        encoding="utf-8",
    )
    brief = tmp_path / "brief.html"
    rc = main(["budget", "teaching_small", "--replicates", "2", "--out", str(tmp_path / "o"), "--quiet",
               "--no-figures", "--ensemble", str(locked), "--brief", str(brief)])  # fmt: skip
    assert rc == 0
    html = brief.read_text(encoding="utf-8")
    assert "uncertainty of its calibrated behavior parameters" in html
    assert 'id="calibration"' in html and "held out, never fitted: T4" in html
    assert '<td class="l">held out</td>' in html and "19,876" in html
