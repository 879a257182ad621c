"""The calibration loss: a weighted, tolerance-normalized distance to the targets.

Rules:
- A target's distance z is how far the model lies from it in units of its
  tolerance: |model - value| / tolerance for a point target, the distance outside
  [low, high] / tolerance for a range, |month difference| / tolerance_months for a
  month target. z <= 1 means the target is met.
- A metric the run could not compute (NaN, or a month never reached) counts as
  z = MISSING_Z, far worse than any met target.
- The loss of one run is the weighted mean of z^2 over the fitted targets (weight
  `weight:` in the targets file, default 1); the loss of a trial is the mean of its
  runs' losses over the common-random-number seeds.
- Targets marked `holdout: true` never enter the loss: `split_targets` sets them apart.
"""

from __future__ import annotations

import math

import numpy as np

#: Distance of a target the run could not compute (ASSUMPTION: 10 tolerances).
MISSING_Z = 10.0


def split_targets(targets: list[dict]) -> tuple[list[dict], list[dict]]:
    """(fitted, held out): targets marked `holdout: true` go to the second list."""
    fitted = [t for t in targets if not t.get("holdout", False)]
    held = [t for t in targets if t.get("holdout", False)]
    return fitted, held


def month_index(label: str) -> int:
    """Months since year 0 of a "YYYY-MM" label."""
    return int(label[:4]) * 12 + int(label[5:7]) - 1


def distance(value, target: dict) -> float:
    """Tolerance-normalized distance z of a model value to one target (see module rules)."""
    if "month" in target:
        if not value or not isinstance(value, str):
            return MISSING_Z
        return abs(month_index(value) - month_index(target["month"])) / max(target["tolerance_months"], 1e-9)
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or isinstance(value, str):
        return MISSING_Z
    v = float(value)
    if "value" in target:
        return abs(v - target["value"]) / target["tolerance"]
    gap = max(0.0, target["low"] - v, v - target["high"])
    return gap / target["tolerance"]


def run_loss(metrics: dict, targets: list[dict]) -> float:
    """Weighted mean of squared distances of one run's metrics to `targets`."""
    if not targets:
        raise ValueError("no fitted targets: every target is held out or the scenario has none")
    w = np.array([float(t.get("weight", 1.0)) for t in targets])
    z = np.array([min(distance(metrics.get(t["metric"]), t), MISSING_Z) for t in targets])
    return float((w * z**2).sum() / w.sum())


def trial_loss(per_seed_metrics: list[dict], targets: list[dict]) -> float:
    """Mean over seeds of each run's loss against the fitted targets."""
    fitted, _ = split_targets(targets)
    return float(np.mean([run_loss(m, fitted) for m in per_seed_metrics]))
