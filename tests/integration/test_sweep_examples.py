"""The shipped sweep examples teach something: their output moves with the parameters."""

from pathlib import Path

import pandas as pd

from sim.experiments.executors import InProcessExecutor
from sim.experiments.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[2]


def test_lhs_example_output_is_driven_by_its_levers_not_the_seed(tmp_path):
    spec, sc = load_sweep(ROOT / "scenarios" / "sweeps" / "teaching_lhs.yaml")
    spec = spec.model_copy(update={"samples": 6, "seeds": 1})  # a smaller design of the same sweep
    counts = run_sweep(spec, sc, tmp_path, InProcessExecutor(), 1, quiet=True)
    assert counts["failed"] == 0
    eff = pd.read_csv(tmp_path / "effects.csv").set_index("parameter")
    assert eff["r2"].iloc[0] > 0.8  # the levers explain the output
    assert eff.loc["policies.liaison.staff", "src"] > 0.6
    index = pd.read_csv(tmp_path / "index.csv")
    assert index[spec.output].std() > 0.01


def test_sobol_example_is_a_valid_design_on_parameters_that_exist():
    spec, _ = load_sweep(ROOT / "scenarios" / "sweeps" / "teaching_sobol.yaml")
    assert spec.design == "sobol" and "policies.liaison.staff" in spec.parameters
    assert spec.output == "retention_ningbo_6m"
