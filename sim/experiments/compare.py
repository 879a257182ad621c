"""Paired comparisons on common random numbers: the same seeds for a baseline
and each policy scenario, so per-seed differences cancel the noise the policy
does not touch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics.names import RETENTION_COMPARED
from .bands import mean_ci, t975

HEADLINE = (
    *RETENTION_COMPARED,
    "return_home_total",
    "cost_total_yuan",
)


def flatten(d, prefix: str = "") -> dict:
    """Nested mappings and lists -> {dotted.path: value}."""
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(d, list) and d and all(isinstance(x, dict) for x in d):
        for i, v in enumerate(d):
            out.update(flatten(v, f"{prefix}.{i}"))
    else:
        out[prefix] = d
    return out


#: Keys that document a scenario rather than set it: not counted as parameters that differ.
DOC_KEYS, DOC_LEAVES = ("name", "description"), ("source", "name_zh")


def parameter_differences(base: dict, other: dict) -> pd.DataFrame:
    """Every resolved parameter whose value differs between two scenarios (names,
    descriptions, sources and Chinese labels are not parameters: DOC_KEYS, DOC_LEAVES)."""
    a, b = flatten(base), flatten(other)
    rows = [
        {"parameter": k, "baseline": a.get(k, "(absent)"), "scenario": b.get(k, "(absent)")}
        for k in sorted(set(a) | set(b))
        if a.get(k, "(absent)") != b.get(k, "(absent)") and k not in DOC_KEYS and k.rsplit(".", 1)[-1] not in DOC_LEAVES
    ]
    return pd.DataFrame(rows, columns=["parameter", "baseline", "scenario"])


def paired_differences(base_reps: list[dict], reps: list[dict], metrics=HEADLINE) -> pd.DataFrame:
    """Per-seed differences (scenario - baseline) of the headline metrics."""
    rows = []
    for a, b in zip(base_reps, reps, strict=True):
        assert a["seed"] == b["seed"], "paired runs must share seeds"
        rows.append(
            {"seed": a["seed"], **{m: b["metrics"].get(m, np.nan) - a["metrics"].get(m, np.nan) for m in metrics}}
        )
    return pd.DataFrame(rows)


def summarize_pairs(name: str, base_reps: list[dict], reps: list[dict], metrics=HEADLINE) -> pd.DataFrame:
    """Mean paired difference with its 95% interval, beside the unpaired interval
    and the variance-reduction factor of pairing."""
    d = paired_differences(base_reps, reps, metrics)
    rows = []
    for m in metrics:
        a = np.array([r["metrics"].get(m, np.nan) for r in base_reps], float)
        b = np.array([r["metrics"].get(m, np.nan) for r in reps], float)
        mean, lo, hi = mean_ci(d[m])
        var_unpaired = _var(a) + _var(b)
        var_paired = _var(d[m].to_numpy(float))
        rows.append(
            {
                "scenario": name,
                "metric": m,
                "baseline_mean": _mean(a),
                "scenario_mean": _mean(b),
                "diff_mean": mean,
                "diff_lo95": lo,
                "diff_hi95": hi,
                "n_pairs": int(np.isfinite(d[m]).sum()),
                "variance_reduction": var_unpaired / var_paired if var_paired > 0 else float("inf"),
            }
        )
    return pd.DataFrame(rows)


def _mean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else float("nan")


def _var(x: np.ndarray) -> float:
    """Sample variance of the finite values (NaN with fewer than two)."""
    x = x[np.isfinite(x)]
    return float(x.var(ddof=1)) if len(x) > 1 else float("nan")


WORLD = ("population", "places", "calendar")


def world_differences(base: dict, other: dict) -> list[str]:
    """Key paths of people, places or calendar that differ between two resolved
    scenarios. Empty means the two are twins: the same people in the same places
    on the same calendar, differing only in policies and behavior, so common
    random numbers pair person i of one with person i of the other."""
    diffs = parameter_differences(base, other)
    return [p for p in diffs["parameter"] if p.split(".")[0] in WORLD]


def summarize_unpaired(name: str, base_reps: list[dict], reps: list[dict], metrics=HEADLINE) -> pd.DataFrame:
    """Difference of means of independent replicate sets with Welch's 95% interval
    (unequal variances; Welch-Satterthwaite degrees of freedom, rounded down)."""
    rows = []
    for m in metrics:
        a = np.array([r["metrics"].get(m, np.nan) for r in base_reps], float)
        b = np.array([r["metrics"].get(m, np.nan) for r in reps], float)
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        diff = _mean(b) - _mean(a)
        lo, hi, df = welch_interval(a, b, diff)
        rows.append(
            {
                "scenario": name,
                "metric": m,
                "pairing": "unpaired (Welch)",
                "baseline_mean": _mean(a),
                "scenario_mean": _mean(b),
                "diff_mean": diff,
                "diff_lo95": lo,
                "diff_hi95": hi,
                "n_baseline": len(a),
                "n_scenario": len(b),
                "welch_df": df,
            }
        )
    return pd.DataFrame(rows)


def welch_interval(a: np.ndarray, b: np.ndarray, diff: float) -> tuple[float, float, float]:
    """Welch's 95% interval around `diff` = mean(b) - mean(a), and its degrees of freedom."""
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan"), float("nan")
    va, vb = _var(a) / len(a), _var(b) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return diff, diff, float("nan")
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = t975(max(1, int(df))) * se
    return diff - half, diff + half, float(df)
