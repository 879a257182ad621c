"""Headline metrics of one run, and their comparison with calibration targets."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .retention import survival_at

TARGETS_FILE = Path(__file__).resolve().parents[2] / "scenarios" / "targets.yaml"


#: Every headline metric a run reports (the keys of `headline`), for checking option values.
METRICS: tuple[str, ...] = (
    "arrivals_ningbo_jan_may_2020",
    "poor_share_arrivals_jan_may_2020",
    "broker_placements_jan_may_2020",
    "broker_poor_share_jan_may_2020",
    "month_poor_stable_reaches_2000",
    "arrivals_ningbo_total",
    "return_home_total",
    "quits_total",
    "festival_go_back_share",
    "retention_first_job_1m_unsupported",
    "retention_first_job_3m_unsupported",
    *(f"retention_ningbo_{k}m{g}" for k in (3, 6, 12) for g in ("", "_poor")),
    "cost_total_yuan",
    "cost_sending_county_yuan",
    "cost_ningbo_yuan",
    "cost_central_yuan",
)
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
    if name in allowed:
        return name
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise ScenarioError("<command line>", option, f"unknown metric {name!r}{hint}", "one of " + ", ".join(allowed))


def _window(monthly: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return monthly[(monthly["month"] >= start) & (monthly["month"] <= end)]


def first_month_reaching(monthly: pd.DataFrame, column: str, level: float, poor: bool | None = True) -> str:
    """First month label in which the summed `column` reaches `level` ('' if never)."""
    df = monthly if poor is None else monthly[monthly["poor"] == poor]
    s = df.groupby("month")[column].sum()
    hit = s[s >= level]
    return str(hit.index[0]) if len(hit) else ""


def headline(monthly: pd.DataFrame, ret: pd.DataFrame, budget: pd.DataFrame) -> dict[str, float | str]:
    """Headline metrics (people, shares, survival, yuan)."""
    jm = _window(monthly, "2020-01", "2020-05")
    arr = float(jm["arrivals_ningbo"].sum())
    arr_poor = float(jm.loc[jm["poor"], "arrivals_ningbo"].sum())
    br = float(jm["arrivals_broker"].sum())
    br_poor = float(jm.loc[jm["poor"], "arrivals_broker"].sum())
    out: dict[str, float | str] = {
        "arrivals_ningbo_jan_may_2020": arr,
        "poor_share_arrivals_jan_may_2020": arr_poor / arr if arr else float("nan"),
        "broker_placements_jan_may_2020": br,
        "broker_poor_share_jan_may_2020": br_poor / br if br else float("nan"),
        "month_poor_stable_reaches_2000": first_month_reaching(monthly, "stable_employed", 2000.0),
        "arrivals_ningbo_total": float(monthly["arrivals_ningbo"].sum()),
        "return_home_total": float(monthly["return_home"].sum()),
        "quits_total": float(monthly["quits"].sum()),
        "festival_go_back_share": _share(monthly, "festival_back", "festival_stay"),
    }
    for k in (1, 3):
        out[f"retention_first_job_{k}m_unsupported"] = survival_at(ret, k, "unsupported", "first_job")
    for k in (3, 6, 12):
        out[f"retention_ningbo_{k}m"] = survival_at(ret, k, "all", "ningbo")
        out[f"retention_ningbo_{k}m_poor"] = survival_at(ret, k, "poor", "ningbo")
    out["cost_total_yuan"] = float(budget["yuan"].sum()) if len(budget) else 0.0
    for payer in ("sending_county", "ningbo", "central"):
        out[f"cost_{payer}_yuan"] = float(budget.loc[budget["payer"] == payer, "yuan"].sum()) if len(budget) else 0.0
    return out


def _share(monthly: pd.DataFrame, yes: str, no: str) -> float:
    """yes / (yes + no) over the run (NaN when both are zero)."""
    a, b = float(monthly[yes].sum()), float(monthly[no].sum())
    return a / (a + b) if a + b else float("nan")


def load_targets(path: Path = TARGETS_FILE) -> list[dict]:
    """The calibration targets (scenarios/targets.yaml)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["targets"]


def _month_diff(a: str, b: str) -> int:
    return (int(a[:4]) * 12 + int(a[5:7])) - (int(b[:4]) * 12 + int(b[5:7]))


def compare_targets(metrics: dict, targets: list[dict]) -> pd.DataFrame:
    """One row per target: model value, target, tolerance, and whether it is met.

    A target has `value` and `tolerance` (absolute), or `low`/`high` widened by
    `tolerance`; a `month` target is met within `tolerance_months`.
    """
    rows = []
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
                "source": t.get("source", ""),
            }
        )
    return pd.DataFrame(rows)


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
