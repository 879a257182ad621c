"""Headline metrics of one run, and their comparison with calibration targets."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..shipped import shipped_file
from .names import NUMERIC_METRICS, is_metric
from .retention import survival_points
from .targets import read_sections, window_name

#: Every headline metric a run reports (the keys of `headline`): the numeric ones of
#: `sim.metrics.names` (one list for every command) and the month labels.
METRICS: tuple[str, ...] = (*NUMERIC_METRICS, "month_poor_stable_reaches_2000")
#: Metrics that are month labels, not numbers.
TEXT_METRICS = ("month_poor_stable_reaches_2000",)


def check_metric(name: str, option: str, numeric: bool = True, extra: tuple[str, ...] = ()) -> str:
    """Return `name` if it is a metric a run reports, else raise a ScenarioError naming `option`.

    Args:
        name: The metric as the user wrote it.
        option: The command-line option (or file key) it came from, for the message.
        numeric: Only numeric metrics are allowed (not month labels).
        extra: Further names the caller accepts (e.g. a budget's own `cost_yuan`).
    """
    import difflib

    from ..errors import ScenarioError

    allowed = [m for m in METRICS if not (numeric and m in TEXT_METRICS)] + list(extra)
    if name in allowed or is_metric(name):
        return name
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ScenarioError("<command line>", option, f"unknown metric {name!r}{hint}", "one of " + ", ".join(allowed))


def windowed(monthly: pd.DataFrame, name: str, start: str, end: str) -> dict[str, float]:
    """Arrivals, their registered-poor share, broker placements and their poor share,
    counted over the months `start`..`end`, in metrics suffixed with `name`."""
    month = monthly["month"].to_numpy(object)
    rows = (month >= start) & (month <= end)
    poor = rows & monthly["poor"].to_numpy(bool)
    arrivals, broker = (monthly[c].to_numpy(np.float64) for c in ("arrivals_ningbo", "arrivals_broker"))
    arr, arr_poor = float(arrivals[rows].sum()), float(arrivals[poor].sum())
    br, br_poor = float(broker[rows].sum()), float(broker[poor].sum())
    return {
        f"arrivals_ningbo_{name}": arr,
        f"poor_share_arrivals_{name}": arr_poor / arr if arr else float("nan"),
        f"broker_placements_{name}": br,
        f"broker_poor_share_{name}": br_poor / br if br else float("nan"),
    }


def first_month_reaching(monthly: pd.DataFrame, column: str, level: float, poor: bool | None = True) -> str:
    """First month label in which the summed `column` reaches `level` ('' if never)."""
    df = monthly if poor is None else monthly[monthly["poor"].to_numpy() == poor]
    months, idx = np.unique(df["month"].to_numpy(str), return_inverse=True)
    total = np.bincount(idx, weights=df[column].to_numpy(float), minlength=len(months))
    hit = np.flatnonzero(total >= level)
    return str(months[hit[0]]) if len(hit) else ""


def headline(
    monthly: pd.DataFrame,
    ret: pd.DataFrame,
    budget: pd.DataFrame,
    windows: dict[str, tuple[str, str]] | None = None,
) -> dict[str, float | str]:
    """Headline metrics (people, shares, survival, yuan).

    Args:
        windows: Windows of months to count arrivals over, by name (see
            `targets.scoring_plan`); default: the run's first five months.
    """
    if windows is None:
        months = sorted(monthly["month"].unique())
        end = months[min(5, len(months)) - 1]
        windows = {window_name(months[0], end): (months[0], end)}
    out: dict[str, float | str] = {}
    for name, (start, end) in windows.items():
        out.update(windowed(monthly, name, start, end))
    out |= {
        "month_poor_stable_reaches_2000": first_month_reaching(monthly, "stable_employed", 2000.0),
        "arrivals_ningbo_total": float(monthly["arrivals_ningbo"].sum()),
        "return_home_total": float(monthly["return_home"].sum()),
        "quits_total": float(monthly["quits"].sum()),
        "festival_go_back_share": _share(monthly, "festival_back", "festival_stay"),
    }
    surv = survival_points(ret)
    nan = float("nan")
    for k in (1, 3):
        out[f"retention_first_job_{k}m_unsupported"] = surv.get(("unsupported", "first_job", k), nan)
    for k in (3, 6, 12):
        out[f"retention_ningbo_{k}m"] = surv.get(("all", "ningbo", k), nan)
        out[f"retention_ningbo_{k}m_poor"] = surv.get(("poor", "ningbo", k), nan)
    out["cost_total_yuan"] = float(budget["yuan"].sum()) if len(budget) else 0.0
    for payer in ("sending_county", "ningbo", "central"):
        out[f"cost_{payer}_yuan"] = float(budget.loc[budget["payer"] == payer, "yuan"].sum()) if len(budget) else 0.0
    return out


def _share(monthly: pd.DataFrame, yes: str, no: str) -> float:
    """yes / (yes + no) over the run (NaN when both are zero)."""
    a, b = float(monthly[yes].sum()), float(monthly[no].sum())
    return a / (a + b) if a + b else float("nan")


def load_targets(path: Path | None = None, section: str | None = None) -> list[dict]:
    """The calibration targets of a targets file (default: the shipped targets.yaml),
    of one section or of all."""
    sections = read_sections(path or shipped_file("targets.yaml"))
    chosen = [sections[section]] if section else sections.values()
    return [t for s in chosen for t in s["targets"]]


def _month_diff(a: str, b: str) -> int:
    return (int(a[:4]) * 12 + int(a[5:7])) - (int(b[:4]) * 12 + int(b[5:7]))


def compare_targets(metrics: dict, targets: list[dict]) -> pd.DataFrame:
    """One row per target: model value, target, tolerance, and whether it is met.

    A target has `value` and `tolerance` (absolute), or `low`/`high` widened by
    `tolerance`; a `month` target is met within `tolerance_months`.
    """
    rows = []
    cols = ["id", "metric", "model", "target", "tolerance", "met", "holdout", "source"]
    for t in targets:
        v = metrics.get(t["metric"], float("nan"))
        if "month" in t:
            ok = bool(v) and abs(_month_diff(str(v), t["month"])) <= t["tolerance_months"]
            want, tol = t["month"], f"±{t['tolerance_months']} month"
        elif "value" in t:
            ok = bool(np.isfinite(v) and abs(v - t["value"]) <= t["tolerance"])
            want, tol = t["value"], f"±{t['tolerance']:g}"
        else:
            ok = bool(np.isfinite(v) and t["low"] - t["tolerance"] <= v <= t["high"] + t["tolerance"])
            want, tol = f"{t['low']:g}-{t['high']:g}", f"±{t['tolerance']:g}"
        rows.append(
            {
                "id": t["id"],
                "metric": t["metric"],
                "model": v,
                "target": want,
                "tolerance": tol,
                "met": ok,
                "holdout": bool(t.get("holdout", False)),  # kept out of calibration's fit (sim.calibrate.loss)
                "source": t.get("source", ""),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def finite_or_none(obj):
    """A copy of nested dicts/lists with every NaN or infinite float replaced by None.

    Numpy scalars become plain Python numbers; tuples become lists.
    """
    if isinstance(obj, dict):
        return {str(k): finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_none(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def json_text(obj, indent: int | None = 2) -> str:
    """Strict JSON: a metric that could not be computed (NaN, infinity) is written as null.

    Most JSON readers (JavaScript, jq, R's jsonlite in strict mode, Go) reject the
    `NaN` that Python writes by default, so it is never written.
    """
    return json.dumps(finite_or_none(obj), indent=indent, allow_nan=False, default=float, ensure_ascii=False)
