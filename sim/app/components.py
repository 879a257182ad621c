"""Custom dashboard components: retention curve, cumulative budget, the map of
counties and districts, and a side-by-side panel. Each is a function of the
model that draws a matplotlib figure (plotting lives in `sim.plotting`-style
helpers here, reading the model's tables, not mutating it)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import solara  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from ..plotting import finish_retention_axes  # noqa: E402


def retention_figure(model):
    """Retention in Ningbo so far: side A (the levers) and side B."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for m, label in ((model, f"A: {model.sc.name}"), (model.twin, f"B: {model.second_name}")):
        km = model.retention(m)
        ax.step(km["time"], km["survival"], where="post", label=label)
    finish_retention_axes(ax, "in Ningbo", f"Retention (Kaplan-Meier), {model.month_label()}")
    return fig


def map_figure(model):
    """The eight counties (left) and the Ningbo districts (right); lines as thick
    as the number of people from that county working in that district."""
    flows = model.county_district_flows()
    counties, districts = model.world.county_names, model.world.district_names
    fig, ax = plt.subplots(figsize=(5, 3.6))
    yc = [1 - i / max(len(counties) - 1, 1) for i in range(len(counties))]
    yd = [1 - i / max(len(districts) - 1, 1) for i in range(len(districts))]
    top = flows.max() or 1.0
    for i, c in enumerate(counties):
        ax.text(-0.05, yc[i], c, ha="right", va="center", fontsize=8)
        for j in range(len(districts)):
            if flows[i, j] > 0:
                ax.plot([0, 1], [yc[i], yd[j]], color="tab:blue", alpha=0.6, lw=0.3 + 6 * flows[i, j] / top)
    for j, d in enumerate(districts):
        ax.text(1.05, yd[j], d, ha="left", va="center", fontsize=8)
    ax.set_xlim(-0.6, 1.6)
    ax.axis("off")
    ax.set_title(f"Qianxinan counties -> Ningbo districts, {model.month_label()}", fontsize=9)
    fig.tight_layout()
    return fig


@solara.component
def RetentionPanel(model):
    """Live retention curve."""
    update_counter.get()
    solara.FigureMatplotlib(retention_figure(model), format="png")


@solara.component
def MapPanel(model):
    """Live county-district map."""
    update_counter.get()
    solara.FigureMatplotlib(map_figure(model), format="png")


@solara.component
def MonthPanel(model):
    """The month shown, and both sides (A: the levers, B: the second scenario) in numbers."""
    update_counter.get()
    d = model.datacollector.get_model_vars_dataframe().iloc[-1]
    with solara.Card(f"Month: {model.month_label()}"):
        solara.Markdown(
            f"| | A: {model.sc.name} | B: {model.second_name} |\n|---|---:|---:|\n"
            f"| in Ningbo jobs | {d['In Ningbo jobs']:,.0f} | {d['In Ningbo jobs (B)']:,.0f} |\n"
            f"| return flow this month | {d['Return flow home']:,.0f} | {d['Return flow home (B)']:,.0f} |\n"
            f"| budget so far (M yuan) | {d['Cumulative budget (M yuan)']:,.2f} | "
            f"{model.twin.ledger.total_yuan / 1e6:,.2f} |\n"
        )
