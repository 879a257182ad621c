"""The dashboard page: `laborsim app [SCENARIO]` serves it with `solara run`.

Sliders for the policy levers (they take effect on Reset), Step / Play / Reset,
live plots of stocks and flows on two sides (A: the preset with the levers; B: `--second`,
by default the same world with every policy off), the retention
curve, the cumulative budget, and a map of counties and districts.
"""

from __future__ import annotations

import os

from mesa.visualization import SolaraViz, make_plot_component

from .components import MapPanel, MonthPanel, RetentionPanel
from .model import DashboardModel

PRESET = os.environ.get("LABORSIM_APP_SCENARIO", "teaching_small")
SECOND = os.environ.get("LABORSIM_APP_SECOND", "")  # side B; empty: the same world with no policy


def slider(label: str, value, lo, hi, step, kind: str = "SliderInt") -> dict:
    return {"type": kind, "value": value, "label": label, "min": lo, "max": hi, "step": step}


MODEL_PARAMS = {
    "preset": PRESET,
    "subsidy_total_yuan": slider("Subsidy total (yuan)", 20000, 0, 40000, 1000),
    "subsidy_months": slider("Subsidy duration (months)", 9, 1, 24, 1),
    "training_coverage": slider("Training coverage", 0.4, 0.0, 1.0, 0.05, "SliderFloat"),
    "workers_per_liaison": slider("Workers per liaison", 100, 10, 500, 10),
    "n_brokers": slider("Number of brokers", 120, 0, 500, 10),
    "transport_seats": slider("Transport seats per month", 2500, 0, 10000, 250),
    "second": SECOND,
    "seed": 1,
}


def make_page(preset: str = PRESET):
    """The SolaraViz page for a preset scenario (`make_plot_component` returns
    (component, page) pairs already)."""
    model = DashboardModel(preset=preset, second=SECOND)
    components = [
        (MonthPanel, 0),
        make_plot_component(
            {
                "In Ningbo jobs": "tab:blue",
                "In Ningbo jobs (B)": "tab:gray",
                "At home": "tab:green",
                "In the PRD": "tab:orange",
            }
        ),
        make_plot_component(
            {"Arrivals in Ningbo": "tab:blue", "Return flow home": "tab:red", "Return flow home (B)": "tab:gray"}
        ),
        (RetentionPanel, 0),
        make_plot_component({"Cumulative budget (M yuan)": "tab:purple"}),
        (MapPanel, 0),
    ]
    return SolaraViz(
        model,
        components=components,
        model_params={**MODEL_PARAMS, "preset": preset},
        name=f"laborsim: {preset}",
        play_interval=300,
    )


page = make_page()
