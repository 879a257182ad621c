"""The dashboard's figures, drawn from a `DashboardModel`'s tables (never mutating it).

Object-oriented matplotlib (`Figure`, no pyplot): a figure is not registered anywhere,
so it is freed once its PNG is written, however many months a class steps through.
Every line plot shows side A (solid, blue) against side B (dashed, grey) on the whole
calendar of A, with the months as x labels and the values so far marked with dots, so
a plot is never empty, even at the start."""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..fonts import use_cjk_fonts
from .model import DashboardModel
from .text import county_name, district_name, t

use_cjk_fonts()

A_STYLE = {"color": "tab:blue", "lw": 2.0, "marker": "o", "ms": 3}
B_STYLE = {"color": "0.45", "lw": 1.6, "ls": "--", "marker": "s", "ms": 3}
DPI = 80


def frame(fig: Figure, top: float = 0.88, wspace: float = 0.2) -> None:
    """Fixed margins (cheaper than a layout engine, and room for the rotated month labels)."""
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.27, top=top, wspace=wspace)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def svg(fig: Figure) -> bytes:
    """The figure as SVG with its text left as text (the browser draws the glyphs, with the
    same Noto CJK fallback): about three times faster than a PNG, so Play keeps pace."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    return buf.getvalue()


def side_names(model: DashboardModel, lang: str) -> tuple[str, str]:
    """Legend entries of side A and side B."""
    b = model.second_name or t("no_policy", lang)
    return t("legend_a", lang, name=model.sc.name), t("legend_b", lang, name=b)


def month_axis(ax, model: DashboardModel, lang: str, most: int = 12) -> None:
    """x axis: every month of side A's calendar, labelled (thinned to at most `most` labels)."""
    labels = model.month_labels()
    labels[0] = t("start", lang)
    every = max(1, int(np.ceil(len(labels) / most)))
    ticks = list(range(0, len(labels), every))
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45, ha="right", fontsize=7)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_xlabel(t("month_axis", lang), fontsize=8)


Update = Callable[[pd.DataFrame], None]  # redraws part of a figure from the history table
#: y range over the highest value: the top quarter stays clear for the legend, which would
#: otherwise hide the newest points (at the left early in the run, at the right late)
HEADROOM = 1.4


def top_legend(ax, fontsize: int = 7) -> None:
    """A and B side by side in the band `HEADROOM` keeps clear above the lines."""
    ax.legend(fontsize=fontsize, loc="upper center", ncol=2, frameon=False, handlelength=2.5, columnspacing=1.2)


def ab_lines(ax, model: DashboardModel, column: str, lang: str, scale: float = 1.0, most: int = 12) -> Update:
    """Side A and side B of one history column, on a y range of their own (from 0)."""
    a_label, b_label = side_names(model, lang)
    lines = {
        side: ax.plot([], [], label=label, **style)[0]
        for side, style, label in (("A", A_STYLE, a_label), ("B", B_STYLE, b_label))
    }
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)
    month_axis(ax, model, lang, most)

    def update(h: pd.DataFrame) -> None:
        top = 0.0
        for side, line in lines.items():
            d = h[h.side == side]
            y = d[column].to_numpy() / scale
            line.set_data(d["t"].to_numpy(), y)
            top = max(top, float(y.max()) if len(y) else 0.0)
        ax.set_ylim(0, top * HEADROOM if top > 0 else 1.0)

    return update


def line_figure(
    model: DashboardModel, column: str, title: str, unit: str, lang: str, scale: float = 1.0
) -> tuple[Figure, list[Update]]:
    """One quantity, A against B, month by month."""
    fig = Figure(figsize=(4.6, 3.0))
    ax = fig.add_subplot()
    update = ab_lines(ax, model, column, lang, scale=scale)
    ax.set_title(t(title, lang), fontsize=10)
    ax.set_ylabel(t(unit, lang), fontsize=8)
    top_legend(ax)
    frame(fig)
    return fig, [update]


def elsewhere_figure(model: DashboardModel, lang: str) -> tuple[Figure, list[Update]]:
    """At home and in the PRD, A against B, each on its own small axes."""
    fig = Figure(figsize=(4.6, 3.0))
    axes = fig.subplots(1, 2)
    updates = []
    for ax, column, key in ((axes[0], "at_home", "at_home"), (axes[1], "prd", "in_prd")):
        updates.append(ab_lines(ax, model, column, lang, most=6))
        ax.set_title(t(key, lang), fontsize=8)
    axes[0].set_ylabel(t("people", lang), fontsize=8)
    axes[0].legend(fontsize=6, loc="lower left")
    fig.suptitle(t("elsewhere", lang), fontsize=10)
    frame(fig, top=0.83, wspace=0.3)
    return fig, updates


def county_figure(model: DashboardModel, county: str, lang: str) -> tuple[Figure, list[Update]]:
    """One county's people in Ningbo jobs, seeking work and returning home: A against B
    (its updates take the county's own history)."""
    fig = Figure(figsize=(9.4, 2.8))
    axes = fig.subplots(1, 3)
    columns = (("ningbo_job", "jobs"), ("ningbo_seeking", "seeking"), ("return_home", "returns"))
    updates = []
    for ax, (column, key) in zip(axes, columns, strict=True):
        updates.append(ab_lines(ax, model, column, lang, most=8))
        ax.set_title(t(key, lang), fontsize=9)
    axes[0].set_ylabel(t("people", lang), fontsize=8)
    top_legend(axes[0])
    fig.suptitle(county_name(model.sc, county, lang), fontsize=11, y=0.99)
    frame(fig, top=0.82, wspace=0.22)
    fig.subplots_adjust(left=0.07, right=0.99)
    return fig, updates


def retention_figure(model: DashboardModel, lang: str) -> tuple[Figure, list[Update]]:
    """Kaplan-Meier retention in Ningbo of everyone arrived so far, A against B."""
    fig = Figure(figsize=(4.6, 3.0))
    ax = fig.add_subplot()
    sides = (model, model.twin)
    lines = [
        ax.plot([], [], drawstyle="steps-post", label=label, **style)[0]
        for style, label in zip((A_STYLE, B_STYLE), side_names(model, lang), strict=True)
    ]
    empty = ax.text(0.5, 0.5, t("no_arrivals", lang), transform=ax.transAxes, ha="center", fontsize=9, color="0.3")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(t("since_arrival", lang), fontsize=8)
    ax.set_ylabel(t("share_staying", lang), fontsize=8)
    ax.set_title(t("retention", lang), fontsize=10)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="lower left")
    frame(fig)
    fig.subplots_adjust(bottom=0.16)

    def update(h: pd.DataFrame) -> None:
        longest = 1
        for m, line in zip(sides, lines, strict=True):
            km = model.retention(m)
            line.set_data(km["time"], km["survival"])
            longest = max(longest, int(km["time"].max()))
        ax.set_xlim(0, longest)
        empty.set_visible(model.t == 0)

    return fig, [update]


def map_figure(model: DashboardModel, lang: str) -> tuple[Figure, list[Update]]:
    """The counties (left) and the Ningbo districts (right); lines as thick as the number
    of people from that county working in that district now (side A)."""
    counties, districts = model.world.county_names, model.world.district_names
    fig = Figure(figsize=(4.6, 3.4))
    ax = fig.add_subplot()
    yc = [1 - i / max(len(counties) - 1, 1) for i in range(len(counties))]
    yd = [1 - i / max(len(districts) - 1, 1) for i in range(len(districts))]
    for i, c in enumerate(counties):
        ax.text(-0.05, yc[i], county_name(model.sc, c, lang), ha="right", va="center", fontsize=8)
    for j, d in enumerate(districts):
        ax.text(1.05, yd[j], district_name(model.sc, d, lang), ha="left", va="center", fontsize=8)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(-0.1, 1.1)
    ax.axis("off")
    ax.set_title(t("map", lang), fontsize=10)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.92)

    def update(h: pd.DataFrame) -> None:
        for line in list(ax.get_lines()):
            line.remove()
        flows = model.county_district_flows()
        top = flows.max() or 1.0
        for i, j in zip(*np.nonzero(flows), strict=True):
            ax.plot([0, 1], [yc[i], yd[j]], color="tab:blue", alpha=0.6, lw=0.3 + 6 * flows[i, j] / top)

    return fig, [update]


class LiveFigures:
    """One session's figures: built once, redrawn from the model each month.

    Args:
        model: The session's model.
        lang: 'en' or 'zh'.
        county: None for the page's panels; a county key for the per-county view.
    """

    def __init__(self, model: DashboardModel, lang: str, county: str | None = None) -> None:
        self.model, self.county = model, county
        if county is None:
            built = {
                "jobs_help": line_figure(model, "ningbo_job", "jobs", "people", lang),
                "seeking_help": line_figure(model, "ningbo_seeking", "seeking", "people", lang),
                "returns_help": line_figure(model, "return_home", "returns", "people_month", lang),
                "retention_help": retention_figure(model, lang),
                "budget_help": line_figure(model, "spent_yuan", "budget", "myuan", lang, scale=1e6),
                "elsewhere_help": elsewhere_figure(model, lang),
                "map_help": map_figure(model, lang),
            }
        else:
            built = {"county_help": county_figure(model, county, lang)}
        self.figures = {key: fig for key, (fig, _) in built.items()}
        self.updates = [u for _, us in built.values() for u in us]

    def update(self) -> dict[str, Figure]:
        """Redraw every figure for the model's current month."""
        h = self.model.history(self.county)
        for u in self.updates:
            u(h)
        return self.figures

    def images(self) -> list[tuple[str, bytes]]:
        """(caption key, SVG) of every figure, for the current month."""
        return [(key, svg(fig)) for key, fig in self.update().items()]


def panels(model: DashboardModel, lang: str) -> dict[str, Figure]:
    """The page's figures for the model's current month, by caption key."""
    return LiveFigures(model, lang).update()


def county_panel(model: DashboardModel, county: str, lang: str) -> Figure:
    """The per-county figure for the model's current month."""
    return LiveFigures(model, lang, county).update()["county_help"]
