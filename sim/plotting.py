"""Figures drawn from tidy tables (never from a live model)."""

from __future__ import annotations

import matplotlib

from . import headless

if headless.ON:  # the command line: figures go to files (notebooks keep their own backend)
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .i18n import MESSAGES, label, place_label, policy_label, t, use_cjk_font  # noqa: E402
from .metrics.budget import cumulative_by_policy  # noqa: E402
from .metrics.names import RETENTION_COMPARED  # noqa: E402

#: Formats and resolution of saved figures; `configure` changes them (`--figure-format`).
FORMATS: tuple[str, ...] = ("png",)
ALLOWED_FORMATS = ("png", "svg", "pdf")
DPI = 150
#: Line styles and markers that stay apart in greyscale print, cycled per series.
STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"))


def configure(formats: str | tuple[str, ...] | None = None, dpi: int | None = None) -> tuple[str, ...]:
    """Set the formats (e.g. "png,svg,pdf") and resolution of saved figures; returns the formats.

    Raises:
        ValueError: an unknown format or a resolution below 150 dpi.
    """
    global FORMATS, DPI
    if formats is not None:
        fs = tuple(f.strip().lower().lstrip(".") for f in (formats.split(",") if isinstance(formats, str) else formats))
        bad = [f for f in fs if f not in ALLOWED_FORMATS] or ([] if fs and all(fs) else ["(empty)"])
        if bad:
            raise ValueError(f"unknown figure format {bad[0]!r}; allowed: {', '.join(ALLOWED_FORMATS)}")
        FORMATS = tuple(dict.fromkeys(fs))
    if dpi is not None:
        if dpi < 150:
            raise ValueError(f"resolution {dpi} dpi; allowed: 150 dpi or more")
        DPI = dpi
    return FORMATS


def save(fig, folder, stem: str) -> list:
    """Write a figure in every configured format (`stem.png`, `stem.svg`, ...) and free it."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in FORMATS:
        paths.append(folder / f"{stem}.{f}")
        fig.savefig(paths[-1], dpi=DPI, metadata={"Software": None} if f == "png" else None)
    close(fig)
    return paths


def _new(figsize=(7, 4.2), **kw):
    """A new figure whose text can hold Chinese (a CJK font in the fallback list)."""
    use_cjk_font()
    return plt.subplots(figsize=figsize, **kw)


def _at_risk(d: pd.DataFrame) -> pd.DataFrame:
    """The months of a Kaplan-Meier curve while someone is still at risk (after that
    the estimate says nothing: drawing it on, flat, would read as retention)."""
    return d[d["at_risk"] > 0]


def _people_axis(ax) -> None:
    """Counts of people on the y axis with thousands separators (350,000, as in the legends)."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _people(n: float) -> str:
    return f"{n:,.0f}"


def _direct_labels(ax, lines: list[tuple[object, str]], x_end: float | None = None) -> None:
    """Write each series' label at the right end of its line (readable without a legend),
    nudged apart vertically so labels never overlap."""
    if not lines:
        return
    ends = []
    for line, text in lines:
        xs, ys = line.get_xdata(), line.get_ydata()
        ok = [(x, y) for x, y in zip(xs, ys, strict=False) if y == y]
        if ok:
            ends.append([ok[-1][0], ok[-1][1], text, line.get_color()])
    lo, hi = ax.get_ylim()
    gap = (hi - lo) * 0.06
    ends.sort(key=lambda e: e[1])
    for i in range(1, len(ends)):
        ends[i][1] = max(ends[i][1], ends[i - 1][1] + gap)
    for x, y, text, color in ends:
        ax.annotate(
            text,
            (x_end if x_end is not None else x, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=color,
        )


def finish_retention_axes(ax, what: str, title: str, lang: str | None = None, legend: bool = True) -> None:
    """Axes of every retention figure: months since arrival vs the share still `what`.

    `what` is a measure code (`ningbo`, `first_job`) or already a phrase ("in Ningbo").
    """
    key = {"ningbo": "axis.share_still_ningbo", "first_job": "axis.share_still_first_job"}.get(what)
    ylabel = t(key, lang) if key else f"share still {what}"
    ax.set(xlabel=t("axis.months_since_arrival", lang), ylabel=ylabel, ylim=(0, 1.02), title=title)
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=8)
    ax.figure.tight_layout()


def retention_figure(
    ret: pd.DataFrame,
    measure: str = "ningbo",
    groups=("all", "poor", "unsupported"),
    *,
    people_per_agent: float,
    lang: str | None = None,
):
    """Kaplan-Meier retention of all arrivals, by group, with 95% bands; `n` in people
    (spells x `people_per_agent`: required, as a run's tables count agents)."""
    fig, ax = _new()
    for i, g in enumerate(groups):
        d = ret[(ret.cohort == "all") & (ret.group == g) & (ret.measure == measure)]
        if d.empty:
            continue
        ls, mk = STYLES[i % len(STYLES)]
        n = t("fig.n_people", lang, n=_people(d["n"].iloc[0] * people_per_agent))
        d = _at_risk(d)
        ax.step(d["month"], d["survival"], where="post", ls=ls, label=f"{label('group', g, lang)} ({n})")
        ax.fill_between(d["month"], d["lo"], d["hi"], step="post", alpha=0.15)
    what = t(f"measure.{measure}", lang)
    finish_retention_axes(ax, measure, t("fig.retention", lang, what=what), lang)
    return fig


def retention_by_figure(
    ret_by: pd.DataFrame,
    by: str,
    measure: str = "ningbo",
    *,
    people_per_agent: float,
    lang: str | None = None,
    scenario=None,
):
    """Kaplan-Meier retention, one line per value of breakdown `by` (a table of
    `sim.metrics.breakdowns.retention_by`), with 95% bands; `n` in people (spells x
    `people_per_agent`: required); counties and districts by the scenario's Chinese
    names in Chinese (`place_label`)."""
    fig, ax = _new()
    d_by = ret_by[(ret_by["by"] == by) & (ret_by["measure"] == measure)]
    for i, (value, d) in enumerate(d_by.groupby("value", sort=True)):
        ls, _ = STYLES[i % len(STYLES)]
        n = t("fig.n_people", lang, n=_people(d["n"].iloc[0] * people_per_agent))
        name = t(f"value.{value}", lang) if f"value.{value}" in MESSAGES else place_label(by, value, scenario, lang)
        d = _at_risk(d)
        ax.step(d["month"], d["survival"], where="post", ls=ls, label=f"{name} ({n})")
        ax.fill_between(d["month"], d["lo"], d["hi"], step="post", alpha=0.1)
    what = t(f"measure.{measure}", lang)
    finish_retention_axes(ax, measure, f"{t('fig.retention', lang, what=what)} - {label('by', by, lang)}", lang)
    return fig


def _month_axis(ax, months: list[str], lang: str | None = None) -> None:
    """Month labels on the x axis, thinned to at most 12 ticks."""
    step = max(1, len(months) // 12)
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=45, ha="right", fontsize=8)
    ax.set_xlabel(t("axis.month", lang))


def flows_figure(monthly: pd.DataFrame, lang: str | None = None):
    """Monthly outflow (departures, arrivals in Ningbo) and return flow (回流), in people."""
    cols = ["departures", "arrivals_ningbo", "return_home", "quits"]
    m = monthly.groupby("month", sort=True)[cols].sum()
    fig, ax = _new(figsize=(8, 4.4))
    for i, col in enumerate(cols):
        ls, mk = STYLES[i % len(STYLES)]
        ax.plot(range(len(m)), m[col], ls=ls, marker=mk, ms=3, label=label("flow", col, lang))
    _month_axis(ax, list(m.index), lang)
    ax.set(ylabel=t("unit.people_per_month", lang), title=t("fig.flows", lang))
    _people_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def stocks_figure(monthly: pd.DataFrame, lang: str | None = None):
    """People by place each month."""
    cols = ["home", "local_job", "ningbo_seeking", "ningbo_job", "prd", "other_region", "festival_visit"]
    m = monthly.groupby("month", sort=True)[cols].sum()
    fig, ax = _new(figsize=(8.5, 4.4))
    ax.stackplot(range(len(m)), m.T.values, labels=[label("state", c, lang) for c in cols])
    _month_axis(ax, list(m.index), lang)
    ax.set(ylabel=t("unit.people", lang), title=t("fig.stocks", lang))
    _people_axis(ax)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def budget_figure(budget: pd.DataFrame, months: list[str], scenario=None, lang: str | None = None):
    """Cumulative budget by policy (million yuan)."""
    cum = cumulative_by_policy(budget, months) / 1e6
    fig, ax = _new(figsize=(8.5, 4.4))
    if not cum.empty and len(cum.columns):
        names = [policy_label(c, scenario, lang) for c in cum.columns]
        ax.stackplot(range(len(cum)), cum.T.values, labels=names)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    _month_axis(ax, months, lang)
    ax.set(ylabel=t("unit.million_yuan_cum", lang), title=t("fig.budget", lang))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def all_figures(
    tables: dict[str, pd.DataFrame],
    months: list[str],
    people_per_agent: float = 1.0,
    lang: str | None = None,
    scenario=None,
    by: str | None = None,
) -> dict[str, object]:
    """Every standard figure of a run, by file stem; with `by` (a breakdown of
    `sim.metrics.breakdowns.BREAKDOWNS`) also the retention figures with one line per
    value of that breakdown (`retention_ningbo_by_<by>`, `retention_first_job_by_<by>`),
    so the standard figures keep their names and content."""
    figs = {}
    for m in ("ningbo", "first_job"):
        figs[f"retention_{m}"] = retention_figure(tables["retention"], m, people_per_agent=people_per_agent, lang=lang)
        if by:
            figs[f"retention_{m}_by_{by}"] = retention_by_figure(
                tables["retention_by"], by, m, people_per_agent=people_per_agent, lang=lang, scenario=scenario
            )
    return figs | {
        "flows": flows_figure(tables["monthly"], lang),
        "stocks": stocks_figure(tables["monthly"], lang),
        "budget_cumulative": budget_figure(tables["budget"], months, scenario, lang),
    }


def close(fig) -> None:
    """Free a figure."""
    plt.close(fig)


# ---- figures over replicates (tables from sim.experiments.bands) -------------------
def retention_bands_figure(
    bands_by_name: dict[str, pd.DataFrame],
    group: str = "all",
    measure: str = "ningbo",
    people_per_agent: float = 1.0,
    lang: str | None = None,
):
    """Median retention with its 5-95% band over replicates, one line per scenario: each
    scenario its own line style, labelled at the end of its line; bands drawn first so
    no band hides a line. (`people_per_agent` is kept for callers that label counts.)"""
    fig, ax = _new(figsize=(7.5, 4.4))
    drawn, n_reps = [], 0
    for i, (name, rb) in enumerate(bands_by_name.items()):
        d = rb[(rb.group == group) & (rb.measure == measure)]
        if d.empty:
            continue
        color = f"C{i}"
        ax.fill_between(d["month"], d["q05"], d["q95"], step="post", alpha=0.12, color=color, lw=0)
        drawn.append((name, d, color, STYLES[i % len(STYLES)][0]))
        n_reps = max(n_reps, int(d["n"].max()))
    lines = []
    for name, d, color, ls in drawn:
        (line,) = ax.step(d["month"], d["q50"], where="post", color=color, ls=ls, lw=1.8, label=name, zorder=3)
        lines.append((line, name))
    what = t(f"measure.{measure}", lang)
    title = t("fig.retention_bands", lang, what=what, group=label("group", group, lang), n=n_reps)
    finish_retention_axes(ax, measure, title, lang, legend=len(lines) > 0)
    if len(lines) > 1:
        ax.set_xlim(right=ax.get_xlim()[1] * 1.25)
        _direct_labels(ax, lines)
    return fig


def monthly_bands_figure(
    bands_by_name: dict[str, pd.DataFrame], variables=("arrivals_ningbo", "return_home"), lang: str | None = None
):
    """Monthly flows: median and 5-95% band over replicates; a colour per scenario, a line
    style per variable, each line labelled at its end."""
    fig, ax = _new(figsize=(8.5, 4.6))
    months, lines = None, []
    for i, (name, mb) in enumerate(bands_by_name.items()):
        for j, var in enumerate(variables):
            d = mb[mb.variable == var].sort_values("step")
            months = list(d["month"])
            ls, mk = STYLES[j % len(STYLES)]
            x = range(len(d))
            ax.fill_between(x, d["q05"], d["q95"], alpha=0.12, color=f"C{i}", lw=0)
            text = f"{name}: {label('flow', var, lang)}" if len(bands_by_name) > 1 else label("flow", var, lang)
            (line,) = ax.plot(x, d["q50"], color=f"C{i}", ls=ls, marker=mk, ms=3, label=text, zorder=3)
            lines.append((line, text))
    if months:
        _month_axis(ax, months, lang)
        ax.set_xlim(-0.5, len(months) - 0.5 + len(months) * 0.45)
    ax.set(ylabel=t("unit.people_per_month", lang), title=t("fig.flows_bands", lang))
    ax.grid(alpha=0.3)
    _direct_labels(ax, lines)
    fig.tight_layout()
    return fig


def budget_bands_figure(bands_by_name: dict[str, pd.DataFrame], months: list[str], lang: str | None = None):
    """Cumulative cost (all policies): median and 5-95% of the replicates' running totals
    (tables of `experiments.bands.cumulative_bands`, one per scenario)."""
    fig, ax = _new(figsize=(8.5, 4.4))
    lines = []
    for i, (name, bb) in enumerate(bands_by_name.items()):
        cols = ["q05", "q50", "q95"]
        tot = bb.set_index("month")[cols].astype(float).reindex(months).ffill().fillna(0.0) / 1e6
        ax.fill_between(range(len(months)), tot["q05"], tot["q95"], alpha=0.12, color=f"C{i}", lw=0)
        (line,) = ax.plot(range(len(months)), tot["q50"], color=f"C{i}", ls=STYLES[i % len(STYLES)][0], label=name)
        lines.append((line, name))
    _month_axis(ax, months, lang)
    ax.set(ylabel=t("unit.million_yuan_cum", lang), title=t("fig.budget_bands", lang))
    ax.grid(alpha=0.3)
    if len(lines) > 1:
        _direct_labels(ax, lines)
    elif lines:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


#: Panels of the paired-difference figure: (metrics, scale, unit key).
PAIRED_PANELS = (
    (
        RETENTION_COMPARED,
        100.0,
        "fig.paired_x",
    ),
    (("return_home_total",), 1.0, "unit.people"),
    (("cost_total_yuan",), 1e-6, "unit.million_yuan"),
)


def paired_difference_figure(summary: pd.DataFrame, baseline: str, lang: str | None = None):
    """Paired differences (scenario - baseline, same seeds) of the headline metrics with
    their 95% intervals: a dot and a bar per scenario and metric, a line at zero.

    Args:
        summary: `sim.experiments.compare.summarize_pairs` rows (one or more scenarios).
        baseline: the baseline's name (for the title).
    """
    shown = summary["diff_mean"].notna()
    panels = [(ms, k, u) for ms, k, u in PAIRED_PANELS if (summary["metric"].isin(ms) & shown).any()]
    widths = [3 if len(ms) > 1 else 1.3 for ms, _, _ in panels]
    fig, axes = _new(
        figsize=(11, 0.45 * len(PAIRED_PANELS[0][0]) * summary["scenario"].nunique() + 2.2),
        ncols=len(panels),
        gridspec_kw={"width_ratios": widths},
    )
    axes = np.atleast_1d(axes)
    names = list(dict.fromkeys(summary["scenario"]))
    for ax, (metrics, k, unit) in zip(axes, panels, strict=True):
        d = summary[summary["metric"].isin(metrics) & summary["diff_mean"].notna()]
        rows = [(m, s) for m in metrics for s in names if ((d.metric == m) & (d.scenario == s)).any()]
        for y, (m, s) in enumerate(rows):
            r = d[(d.metric == m) & (d.scenario == s)].iloc[0]
            i = names.index(s)
            lo, mid, hi = r.diff_lo95 * k, r.diff_mean * k, r.diff_hi95 * k
            ax.errorbar(
                mid,
                y,
                xerr=[[mid - lo], [hi - mid]] if lo == lo else None,
                fmt=STYLES[i % 5][1],
                color=f"C{i}",
                capsize=3,
                label=s if m == rows[0][0] else None,
            )
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(
            range(len(rows)), [t(f"metric.{m}", lang) if len(metrics) > 1 else "" for m, _ in rows], fontsize=8
        )
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(t(unit, lang) if unit != "fig.paired_x" else t("fig.paired_x", lang), fontsize=8)
        if len(metrics) == 1:
            ax.set_title(t(f"metric.{metrics[0]}", lang), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    if len(names) > 1:
        axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(t("fig.paired", lang, base=baseline), fontsize=10)
    fig.tight_layout()
    return fig


def sobol_figure(indices: pd.DataFrame, output: str, lang: str | None = None):
    """First- and total-order Sobol indices with their 95% intervals (bars: the index,
    whiskers: its bootstrap interval); a subtitle warns when the sample is too small."""
    fig, ax = _new(figsize=(7, 0.5 * len(indices) + 1.8))
    y = np.arange(len(indices))
    ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label=t("fig.sobol_s1", lang))
    ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label=t("fig.sobol_st", lang), hatch="//")
    ax.set_yticks(y, indices["parameter"], fontsize=8)
    ax.set(xlabel=t("fig.sobol_x", lang), title=t("fig.sobol", lang, output=output))
    if "warning" in indices and str(indices["warning"].iloc[0] or ""):
        ax.set_title(f"{t('fig.sobol', lang, output=output)}\n{t('fig.sobol_small', lang)}", fontsize=9)
    ax.legend()
    fig.tight_layout()
    return fig
