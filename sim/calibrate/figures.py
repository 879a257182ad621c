"""Figures of the calibration report: model series over time beside the targets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..plotting import _month_axis, _new


def series_target_figure(panels: list[dict]):
    """One panel per series target: the ensemble median and its 5-95% band over
    parameter sets x seeds, the hand-set median, and the target as a marker with
    its tolerance.

    Each panel is {"title", "bands" (month, q05, q50, q95), "hand" (month, q50) or
    None, "target_month", "target_value", "tol_low", "tol_high", "ylabel"}.
    """
    fig, axes = _new(figsize=(7, 3.6 * len(panels)), nrows=len(panels), squeeze=False)
    for ax, p in zip(axes[:, 0], panels, strict=True):
        b: pd.DataFrame = p["bands"]
        x = np.arange(len(b))
        ax.fill_between(x, b["q05"], b["q95"], alpha=0.25, label="calibrated: 5-95% of runs (ensemble x seeds)")
        ax.plot(x, b["q50"], lw=2, label="calibrated: median")
        if p.get("hand") is not None:
            ax.plot(x, p["hand"]["q50"], ls="--", color="grey", label="hand-set: median over seeds")
        months = list(b["month"])
        if p["target_month"] in months:
            i = months.index(p["target_month"])
            lo_i, hi_i = max(0, i - p.get("tol_months", 0)), min(len(x) - 1, i + p.get("tol_months", 0))
            ax.errorbar(
                [i],
                [p["target_value"]],
                yerr=[[p["target_value"] - p["tol_low"]], [p["tol_high"] - p["target_value"]]],
                xerr=[[i - lo_i], [hi_i - i]],
                fmt="o",
                color="black",
                capsize=4,
                label="target ± tolerance",
            )
        ax.set_title(p["title"], fontsize=10)
        ax.set_ylabel(p["ylabel"])
        _month_axis(ax, months)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
