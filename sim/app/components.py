"""The dashboard's Solara components: controls, the numbers of the month, the figures
(each PNG with a line on how to read it) and the per-county view. They read the
session's model and never mutate it (only `Page`'s step and reset do)."""

from __future__ import annotations

from collections.abc import Callable

import solara

from . import figures
from .model import DashboardModel
from .text import county_name, district_name, policy_name, t

# lever: (min, max, step); a float lever has a float step
LEVER_RANGES = {
    "subsidy_total_yuan": (0, 40000, 1000),
    "subsidy_months": (1, 24, 1),
    "training_coverage": (0.0, 1.0, 0.05),
    "workers_per_liaison": (10, 500, 10),
    "n_brokers": (0, 500, 10),
    "transport_seats": (0, 10000, 250),
}


def month_text(model: DashboardModel, lang: str) -> str:
    """'Month 2020-03 (3 of 12)', or the start of the first month."""
    n = model.sc.calendar.months
    if model.t == 0:
        return t("month_start", lang, month=model.labels[0], n=n)
    return t("month_now", lang, month=model.month_label(), t=model.t, n=n)


@solara.component
def Lever(key: str, lang: str, levers: solara.Reactive[dict]):
    """One lever: its value with its unit in words, and a slider."""
    lo, hi, step = LEVER_RANGES[key]
    value = levers.value[key]
    solara.Text(t(key, lang, v=value), style={"font-size": "0.9em"})
    slider = solara.SliderFloat if isinstance(step, float) else solara.SliderInt

    def set_value(v) -> None:
        levers.set({**levers.value, key: v})

    slider(label="", value=value, min=lo, max=hi, step=step, on_value=set_value, thumb_label=False)


@solara.component
def Controls(
    model: DashboardModel,
    lang: solara.Reactive[str],
    preset: solara.Reactive[str],
    second: solara.Reactive[str],
    levers: solara.Reactive[dict],
    applied: solara.Reactive[dict],
    playing: solara.Reactive[bool],
    step: Callable[[], None],
    pause: Callable[[], None],
    reset: Callable[[], None],
    scenarios: list[str],
    tick: int,
):
    """Month, Step / Play / Reset, levers, scenario pickers and the language button
    (`tick`, the months stepped, makes it redraw when the model moves)."""
    la = lang.value
    over = model.t >= model.sc.calendar.months
    with solara.Card(month_text(model, la)):
        if over:
            solara.Text(t("finished", la))
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):  # a narrow card (window <= 1400 px) wraps them
            solara.Button(t("step", la), on_click=step, disabled=playing.value or over, color="primary")
            if playing.value:
                solara.Button(t("pause", la), on_click=pause)
            else:
                solara.Button(t("play", la), on_click=lambda: playing.set(True), disabled=over)
            solara.Button(t("reset", la), on_click=reset)
    with solara.Card(t("levers", la)):
        for key in LEVER_RANGES:
            Lever(key, la, levers)
        if levers.value != applied.value:
            solara.Warning(t("pending", la), dense=True)
    with solara.Card():
        solara.Select(t("scenario_a", la), values=scenarios, value=preset)
        none = t("no_policy", la)
        solara.Select(
            t("scenario_b", la),
            values=[none, *scenarios],
            value=second.value or none,
            on_value=lambda v: second.set("" if v == none else v),
        )
        solara.Button(t("lang_toggle", la), on_click=lambda: lang.set("en" if la == "zh" else "zh"), text=True)


@solara.component
def Numbers(model: DashboardModel, lang: str, tick: int):
    """Side A and side B this month, in numbers."""
    h = model.history()
    a, b = (h[h.side == s].iloc[-1] for s in ("A", "B"))
    la, lb = figures.side_names(model, lang)
    rows = [
        ("row_jobs", "ningbo_job", 1.0, "{:,.0f}"),
        ("row_returns", "return_home", 1.0, "{:,.0f}"),
        ("row_budget", "spent_yuan", 1e6, "{:,.2f}"),
    ]
    table = f"| | {la} | {lb} |\n|---|---:|---:|\n" + "".join(
        f"| {t(key, lang)} | {fmt.format(a[col] / div)} | {fmt.format(b[col] / div)} |\n" for key, col, div, fmt in rows
    )
    spent = model.spent_by_policy()
    by_policy = "".join(f"| {policy_name(model.sc, p, lang)} | {y / 1e6:,.2f} |\n" for p, y in spent.items())
    with solara.Card(t("numbers", lang)):
        solara.Markdown(table)
        solara.Markdown(f"| {t('by_policy', lang)} | |\n|---|---:|\n" + by_policy if by_policy else "")
        if not by_policy:
            solara.Text(t("nothing_spent", lang))


@solara.component
def Panel(image: bytes, caption: str):
    """A figure (SVG) and the sentence that says how to read it."""
    with solara.Card(style={"max-width": "480px", "margin": "4px"}):
        solara.Image(image, format="svg+xml")
        solara.Text(caption, style={"font-size": "0.85em", "color": "#444"})


@solara.component
def Figures(model: DashboardModel, lang: str, tick: int):
    """What A and B are, then every figure with its caption (redrawn when the month changes)."""
    live = solara.use_memo(lambda: figures.LiveFigures(model, lang), dependencies=[model, lang])
    images = solara.use_memo(live.images, dependencies=[live, tick])
    b = f"`{model.second_name}`" if model.second_name else t("no_policy", lang)
    solara.Markdown(
        t("about", lang, a=model.sc.name, b=b, seed=model.seed_used, ppa=model.sc.population.people_per_agent)
    )
    with solara.Row(style={"flex-wrap": "wrap"}):
        for key, image in images:
            Panel(image, t(key, lang))


@solara.component
def CountyView(model: DashboardModel, lang: str, tick: int):
    """Pick a county; its jobs, seekers and returns, A against B."""
    counties = model.world.county_names
    chosen = solara.use_reactive(counties[0])
    county = chosen.value if chosen.value in counties else counties[0]  # a new scenario may lack it
    names = {county_name(model.sc, c, lang): c for c in counties}
    live = solara.use_memo(lambda: figures.LiveFigures(model, lang, county), dependencies=[model, lang, county])
    image = solara.use_memo(lambda: live.images()[0][1], dependencies=[live, tick])
    c = model.sc.places.counties[county]
    with solara.Card(t("county", lang), style={"max-width": "960px"}):
        solara.Select(
            t("county_pick", lang),
            values=list(names),
            value=county_name(model.sc, county, lang),
            on_value=lambda v: chosen.set(names[v]),
        )
        Panel(
            image,
            t(
                "county_help",
                lang,
                county=county_name(model.sc, county, lang),
                district=district_name(model.sc, c.paired_district, lang),
            ),
        )
