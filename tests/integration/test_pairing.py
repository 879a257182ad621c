"""`compare` pairs only twins (or says it does not pair), and `--no-figures`
means no figures in every command (issue 15)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import main
from sim.experiments.compare import welch_interval, world_differences
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = {"population": {"people_per_agent": 500}, "calendar": {"months": 3}}


def test_compare_across_worlds_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys):
    assert main(["compare", "teaching_small", "baseline_2020", "--replicates", "2", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "not twins" in err and "calendar" in err and "--unpaired" in err
    assert not (tmp_path / "o").exists()


def test_twin_rule_is_the_budget_rule():
    """Policies and behavior may differ; people, places and calendar may not."""
    base = load_scenario("no_policy").model_dump(mode="json")
    assert world_differences(base, load_scenario("policy_liaison").model_dump(mode="json")) == []
    assert world_differences(base, load_scenario("teaching_small").model_dump(mode="json")) != []
    assert main(["budget", "teaching_small", "--baseline", "no_policy", "--out", "/nonexistent"]) == 2


def test_unpaired_compare_uses_independent_replicates_and_welch_intervals(write_scenario, tmp_path, capsys):
    a = write_scenario(TINY, name="three_months")
    b = write_scenario({**TINY, "calendar": {"months": 4}}, name="four_months")
    argv = ["compare", str(a), str(b), "--unpaired", "--replicates", "3", "--quiet", "--no-figures"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "UNPAIRED comparison: independent replicates, Welch 95% intervals" in out
    assert "pairing gain" not in out
    (folder,) = (tmp_path / "compare").iterdir()
    s = pd.read_csv(folder / "unpaired_summary.csv")
    assert (s.pairing == "unpaired (Welch)").all() and not (folder / "paired_summary.csv").exists()
    ok = s.dropna(subset=["diff_lo95"])
    assert len(ok) and (ok.diff_lo95 <= ok.diff_mean).all() and (ok.diff_mean <= ok.diff_hi95).all()
    man = json.loads((folder / "manifest.json").read_text())
    assert man["pairing"].startswith("unpaired")
    assert not set(man["seeds"]["three_months"]) & set(man["seeds"]["four_months"])  # independent seeds
    assert not (folder / "figures").exists()


def test_welch_interval_matches_scipy_within_the_rounding_of_its_degrees_of_freedom():
    from scipy import stats  # installed with the calibrate extra (SALib needs it)

    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 7), rng.normal(0.5, 3, 11)
    diff = b.mean() - a.mean()
    lo, hi, df = welch_interval(a, b, diff)
    ref = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert df == pytest.approx(stats.ttest_ind(b, a, equal_var=False).df)
    assert lo <= ref.low and ref.high <= hi  # degrees of freedom rounded down: never narrower
    assert (hi - lo) / (ref.high - ref.low) < 1.03


def test_no_figures_with_replicates_draws_no_figures(tmp_path, capsys):
    argv = ["run", "teaching_small", "--months", "2", "--replicates", "2", "--no-figures", "--quiet"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    (folder,) = (tmp_path / "teaching_small").iterdir()
    assert (folder / "monthly_bands.csv").exists() and not list(folder.rglob("*.png"))


def test_no_figures_in_compare_budget_and_sweep(tmp_path, capsys):
    twins = ["compare", "no_policy", "policy_liaison", "--replicates", "2", "--engine", "arrays", "--quiet"]
    assert main([*twins, "--no-figures", "--out", str(tmp_path / "c")]) == 0
    budget = ["budget", "teaching_small", "--replicates", "2", "--engine", "arrays", "--quiet", "--no-figures"]
    assert main([*budget, "--out", str(tmp_path / "b"), "--brief", str(tmp_path / "brief.html")]) == 0
    spec = {
        "name": "s",
        "scenario": str(ROOT / "scenarios" / "teaching_small.yaml"),
        "design": "sobol",
        "samples": 2,
        "seed": 1,
        "output": "cost_total_yuan",
        "overrides": TINY,
        "parameters": {"policies.liaison.staff": {"low": 0, "high": 100}},
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert main(["sweep", str(tmp_path / "s.yaml"), "--no-figures", "--quiet", "--out", str(tmp_path / "w")]) == 0
    assert (tmp_path / "w" / "sweeps" / "s" / "sobol.csv").exists()
    assert not list(tmp_path.rglob("*.png"))
    (folder,) = (tmp_path / "b" / "budget").iterdir()
    for html in (folder / "brief.html", tmp_path / "brief.html"):
        assert "<img" not in html.read_text() and "data-metric" in html.read_text()
