"""The validation report of a calibration (Markdown beside the locked file, with a
figure): provenance, fitted and held-out targets beside the model, the series
figure, parameter identifiability and trade-offs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .figures import series_target_figure
from .lock import ensemble
from .study import finished
from .validation import NOT_PINNED, TRADE_OFF, identifiability, series_bands, target_table, trade_offs


def _fmt(v) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}"


def markdown_table(df: pd.DataFrame) -> str:
    """A pipe table of a DataFrame (numbers shortened)."""
    head = "| " + " | ".join(df.columns) + " |"
    rule = "|" + "---|" * len(df.columns)
    rows = ["| " + " | ".join(_fmt(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def _panels(targets: list[dict], ens: list, hand) -> list[dict]:
    """Series panels: cumulative arrivals vs T1-like targets; registered-poor stably
    employed vs the month it reaches 2,000 (T5-like)."""
    panels = []
    for t in targets:
        if t["metric"].startswith("arrivals_ningbo_") and "value" in t:

            def cum(trials):
                b = series_bands(_cumulative(trials), "arrivals_ningbo")
                return b

            months = ens[0].user_attrs["months"]
            end = _window_end(t["metric"], months)
            panels.append(
                {
                    "title": f"{t['id']}: arrivals in Ningbo, cumulative from {months[0]}",
                    "bands": cum(ens),
                    "hand": cum([hand]) if hand is not None else None,
                    "target_month": end,
                    "target_value": t["value"],
                    "tol_low": t["value"] - t["tolerance"],
                    "tol_high": t["value"] + t["tolerance"],
                    "ylabel": "people",
                }
            )
        if t["metric"] == "month_poor_stable_reaches_2000":
            panels.append(
                {
                    "title": f"{t['id']}: registered-poor workers stably employed in Ningbo",
                    "bands": series_bands(ens, "stable_employed_poor"),
                    "hand": series_bands([hand], "stable_employed_poor") if hand is not None else None,
                    "target_month": t["month"],
                    "target_value": 2000.0,
                    "tol_low": 2000.0,
                    "tol_high": 2000.0,
                    "tol_months": t["tolerance_months"],
                    "ylabel": "people",
                }
            )
    return panels


class _Cum:
    """A trial-like view whose arrivals series is cumulative."""

    def __init__(self, t):
        self.user_attrs = dict(t.user_attrs)
        self.user_attrs["series"] = [
            {**s, "arrivals_ningbo": list(np.cumsum(s["arrivals_ningbo"]))} for s in t.user_attrs["series"]
        ]


def _cumulative(trials: list) -> list:
    return [_Cum(t) for t in trials]


def _window_end(metric: str, months: list[str]) -> str:
    """The last month of a windowed metric (arrivals_ningbo_jan_may_2020 -> 2020-05)."""
    from ..metrics.targets import MONTHS

    parts = metric.split("_")
    year = next((p for p in reversed(parts) if p.isdigit()), months[0][:4])
    names = [p for p in parts if p in MONTHS]
    m = MONTHS.index(names[-1]) + 1 if names else 5
    return f"{year}-{m:02d}"


def report_text(sc, plan, doc: dict, tt: pd.DataFrame, ident: pd.DataFrame, trades: pd.DataFrame, fig_name: str) -> str:
    """The report as Markdown."""
    prov = doc["calibration"]["locked"]["provenance"]
    fitted, held = tt[tt.role == "fitted"], tt[tt.role == "held out"]
    lines = [
        f"# Calibration report: {sc.name}",
        "",
        "Written by `laborsim calibrate --report` (sim/calibrate/report.py); re-run with `make calibrate`.",
        "",
        "## Provenance",
        "",
        *[f"- {k}: {v}" for k, v in prov.items()],
        f"- ensemble: {doc['calibration']['locked']['ensemble_method']}",
        "",
        "Model values: median over the ensemble's parameter sets x the seeds, with the 5-95% band of those "
        "runs (a band of single runs holding parameter and seed uncertainty, not a confidence interval of a "
        "mean). z: distance of the median to the target in tolerances (met when z <= 1). "
        "Hand-set: the scenario's own values on the same seeds.",
        "",
        f"Loss (mean z^2 over fitted targets and seeds): hand-set {_fmt(prov['hand_set_loss'])}, "
        f"calibrated {_fmt(prov['best_loss'])}.",
        "",
        "## Fitted targets",
        "",
        markdown_table(fitted.drop(columns=["role"])),
        "",
        f"Mean z, fitted: {fitted.z.mean():.2f} (hand-set {fitted.hand_set_z.mean():.2f})",
        "",
        "## Held-out targets (never in the loss)",
        "",
        markdown_table(held.drop(columns=["role"])) if len(held) else "(none)",
        "",
        f"Mean z, held out: {held.z.mean():.2f} (hand-set {held.hand_set_z.mean():.2f})" if len(held) else "",
        "",
        "## Model vs targets over time",
        "",
        f"![model vs targets]({fig_name})",
        "",
        "## Identifiability",
        "",
        f"spread_share: the ensemble's 5-95% spread as a share of the prior range (log scale for log "
        f"parameters); at or above {NOT_PINNED} (ASSUMPTION) the targets do not pin the parameter. "
        "Caveat: the ensemble is the accepted subset of the trials the sampler chose to run, not a "
        "posterior sample; a CMA-ES search concentrates near its path, so a narrow spread can mean "
        "'not explored' as well as 'pinned'. A wide spread among accepted sets is the robust finding.",
        "",
        markdown_table(ident),
        "",
        f"Not pinned by the targets: {', '.join(ident.loc[~ident.pinned, 'parameter']) or 'none'}.",
        "",
        f"Pairs that trade off (|Spearman rho| >= {TRADE_OFF} over the ensemble, ASSUMPTION):",
        "",
        markdown_table(trades) if len(trades) else "(none)",
        "",
    ]
    return "\n".join(lines)


def write_report(sc, plan, study, doc: dict, lock_path: Path) -> Path:
    """Write `<locked stem>.report.md` and its figure beside the locked file (atomically)."""
    from ..plotting import save

    cal = sc.calibration
    trials = finished(study)
    ens = ensemble(trials, cal.ensemble.band, cal.ensemble.max_sets)
    hand = next((t for t in trials if t.user_attrs.get("hand_set")), None)
    tt = target_table(plan.targets, ens, hand)
    ident = identifiability(plan.ranges, ens)
    trades = trade_offs(plan.ranges, ens)
    stem = lock_path.name.removesuffix(".yaml")
    panels = _panels(plan.targets, ens, hand)
    fig_name = f"{stem}.series.png"
    if panels:
        tmp_dir = lock_path.parent / f".{stem}.{os.getpid()}.fig"
        (p,) = save(series_target_figure(panels), tmp_dir, "fig")[:1]
        os.replace(p, lock_path.parent / fig_name)
        for q in tmp_dir.iterdir():
            q.unlink()
        tmp_dir.rmdir()
    out = lock_path.parent / f"{stem}.report.md"
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(report_text(sc, plan, doc, tt, ident, trades, fig_name), encoding="utf-8")
    os.replace(tmp, out)
    tt.to_csv(lock_path.parent / f"{stem}.targets.csv", index=False)
    return out
