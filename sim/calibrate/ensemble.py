"""Parameter uncertainty carried forward: `--ensemble FILE` for run, compare and budget.

Rules:
- FILE is a locked calibration file (`laborsim calibrate --lock`); its
  `calibration.locked.ensemble` lists the accepted parameter sets.
- Replicate i runs seed i with parameter set k_i, drawn uniformly (with
  replacement) from the ensemble by a generator of its own derived from the master
  seed, so the draw is reproducible and every scenario of a comparison (and a
  policy and its twin) gets the same set on the same seed: pairs stay paired.
- Results then hold parameter and seed uncertainty together, and say so
  (`uncertainty_label`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from ..errors import ScenarioError
from .task import apply_params


def load_ensemble(path: str | Path, option: str = "--ensemble") -> tuple[list[dict], str]:
    """(parameter sets, method in words) of a locked calibration file."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ScenarioError(
            "<command line>", option, f"{path} ({type(e).__name__})", "a readable locked calibration file"
        ) from None
    locked = ((doc or {}).get("calibration") or {}).get("locked") if isinstance(doc, dict) else None
    sets = (locked or {}).get("ensemble") if isinstance(locked, dict) else None
    if (
        not isinstance(sets, list)
        or not sets
        or not all(isinstance(s, dict) and isinstance(s.get("params"), dict) for s in sets)
    ):
        raise ScenarioError(
            "<command line>",
            option,
            f"{path} (no calibration.locked.ensemble)",
            "a locked file written by laborsim calibrate (e.g. scenarios/calibrated/baseline_2020.yaml)",
        )
    for s in sets:
        bad = [k for k in s["params"] if not str(k).startswith("behavior.")]
        if bad:
            raise ScenarioError(str(p), "calibration.locked.ensemble", repr(bad[0]), "behavior.* parameters only")
    return [dict(s["params"]) for s in sets], str(locked.get("ensemble_method", ""))


def draw_sets(master_seed: int, n: int, k: int) -> list[int]:
    """Index of the ensemble set for each of `n` replicates (uniform over `k`, reproducible)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(master_seed, spawn_key=(0xE45E,))))
    return [int(i) for i in rng.integers(0, k, size=n)]


def with_params(scenario, params: dict):
    """The scenario with a parameter set applied (validated again)."""
    from ..schema import Scenario

    return Scenario.model_validate(apply_params(scenario.model_dump(mode="json"), params))


def uncertainty_label(path: str | Path | None, k: int = 0) -> str:
    """What the bands and intervals of a result include, in words."""
    if not path:
        return "seed (chance) variation only; parameters fixed at the scenario's values"
    return f"seed variation and parameter uncertainty: {k} calibrated parameter sets drawn from {Path(path).name}"
