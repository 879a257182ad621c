"""Figures drawn from tidy tables (never from a live model)."""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402  (backend: the caller's; the CLI sets Agg in sim.cli.main)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .metrics.budget import cumulative_by_policy  # noqa: E402


def finish_retention_axes(ax, what: str, title: str) -> None:
    """Axes of every retention figure: months since arrival vs the share still `what`."""
    ax.set(xlabel="months since arrival", ylabel=f"share still {what}", ylim=(0, 1.02), title=title)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.figure.tight_layout()


def retention_figure(ret: pd.DataFrame, measure: str = "ningbo", groups=("all", "poor", "unsupported")):
    """Kaplan-Meier retention of all arrivals, by group, with 95% bands."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for g in groups:
        d = ret[(ret.cohort == "all") & (ret.group == g) & (ret.measure == measure)]
        if d.empty:
            continue
        ax.step(d["month"], d["survival"], where="post", label=f"{g} (n={int(d['n'].iloc[0])})")
        ax.fill_between(d["month"], d["lo"], d["hi"], step="post", alpha=0.2)
    what = "in Ningbo" if measure == "ningbo" else "in first job"
    finish_retention_axes(ax, what, f"Retention {what} (Kaplan-Meier, 95% band)")
    return fig


def flows_figure(monthly: pd.DataFrame):
    """Monthly outflow (departures, arrivals in Ningbo) and return flow (回流)."""
    m = monthly.groupby("month", sort=True)[
        ["departures", "arrivals_ningbo", "return_home", "quits", "festival_visits"]
    ].sum()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for col, label in [
        ("departures", "departures from home"),
        ("arrivals_ningbo", "arrivals in Ningbo"),
        ("return_home", "return flow home from Ningbo"),
        ("quits", "quits in Ningbo"),
    ]:
        ax.plot(range(len(m)), m[col], marker=".", label=label)
    ax.set_xticks(range(len(m)), m.index, rotation=90, fontsize=7)
    ax.set(ylabel="people per month", title="Outflow and return flow")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def stocks_figure(monthly: pd.DataFrame):
    """People by place each month."""
    cols = ["home", "local_job", "ningbo_seeking", "ningbo_job", "prd", "other_region", "festival_visit"]
    m = monthly.groupby("month", sort=True)[cols].sum()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.stackplot(range(len(m)), m.T.values, labels=cols)
    ax.set_xticks(range(len(m)), m.index, rotation=90, fontsize=7)
    ax.set(ylabel="people", title="Where the mobile labor pool is")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def budget_figure(budget: pd.DataFrame, months: list[str]):
    """Cumulative budget by policy (million yuan)."""
    cum = cumulative_by_policy(budget, months) / 1e6
    fig, ax = plt.subplots(figsize=(8, 4.2))
    if not cum.empty and len(cum.columns):
        ax.stackplot(range(len(cum)), cum.T.values, labels=list(cum.columns))
        ax.legend(fontsize=7, loc="upper left")
    ax.set_xticks(range(len(months)), months, rotation=90, fontsize=7)
    ax.set(ylabel="million yuan (cumulative)", title="Cumulative budget by policy")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def all_figures(tables: dict[str, pd.DataFrame], months: list[str]) -> dict[str, object]:
    """Every standard figure of a run, by file stem."""
    return {
        "retention_ningbo": retention_figure(tables["retention"], "ningbo"),
        "retention_first_job": retention_figure(tables["retention"], "first_job"),
        "flows": flows_figure(tables["monthly"]),
        "stocks": stocks_figure(tables["monthly"]),
        "budget_cumulative": budget_figure(tables["budget"], months),
    }


def close(fig) -> None:
    """Free a figure."""
    plt.close(fig)


# ---- figures over replicates (tables from sim.experiments.bands) -------------------
def retention_bands_figure(bands_by_name: dict[str, pd.DataFrame], group: str = "all", measure: str = "ningbo"):
    """Median retention with its 5-95% band over replicates, one line per scenario."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, rb in bands_by_name.items():
        d = rb[(rb.group == group) & (rb.measure == measure)]
        if d.empty:
            continue
        ax.step(d["month"], d["q50"], where="post", label=f"{name} (median of {int(d['n'].max())})")
        ax.fill_between(d["month"], d["q05"], d["q95"], step="post", alpha=0.2)
    what = "in Ningbo" if measure == "ningbo" else "in first job"
    finish_retention_axes(ax, what, f"Retention {what}, group '{group}' (5-95% band over replicates)")
    return fig


def monthly_bands_figure(bands_by_name: dict[str, pd.DataFrame], variables=("arrivals_ningbo", "return_home")):
    """Monthly flows: median and 5-95% band over replicates, per scenario and variable."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    months = None
    for name, mb in bands_by_name.items():
        for var in variables:
            d = mb[mb.variable == var].sort_values("step")
            months = list(d["month"])
            ax.plot(range(len(d)), d["q50"], marker=".", label=f"{name}: {var}")
            ax.fill_between(range(len(d)), d["q05"], d["q95"], alpha=0.2)
    if months:
        ax.set_xticks(range(len(months)), months, rotation=90, fontsize=7)
    ax.set(ylabel="people per month", title="Flows (median, 5-95% band over replicates)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def budget_bands_figure(bands_by_name: dict[str, pd.DataFrame], months: list[str]):
    """Cumulative cost (all policies), median and 5-95% band of the monthly totals' sums."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for name, bb in bands_by_name.items():
        cols = ["q05", "q50", "q95"]
        tot = (
            bb.astype({c: float for c in cols}).groupby("month")[cols].sum().reindex(months).fillna(0.0).cumsum() / 1e6
        )
        ax.plot(range(len(months)), tot["q50"], label=name)
        ax.fill_between(range(len(months)), tot["q05"], tot["q95"], alpha=0.2)
    ax.set_xticks(range(len(months)), months, rotation=90, fontsize=7)
    ax.set(ylabel="million yuan (cumulative)", title="Cumulative budget (sum of monthly quantiles: a rough band)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sobol_figure(indices: pd.DataFrame, output: str):
    """First- and total-order Sobol indices with their 95% intervals."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(indices) + 1.8))
    y = np.arange(len(indices))
    ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="first order S1")
    ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="total order ST")
    ax.set_yticks(y, indices["parameter"], fontsize=8)
    ax.set(xlabel="Sobol index", title=f"Sensitivity of {output}")
    ax.legend()
    fig.tight_layout()
    return fig
