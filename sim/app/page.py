"""The dashboard page: `laborsim app [SCENARIO]` serves it with `solara run sim.app.page`.

Every browser session (tab) gets its own model, built inside the `Page` component:
two students never share or advance each other's run. Left: the month, Step / Play /
Reset, the levers of side A with their values and units (they apply on Reset), the
scenario pickers for A and B and the language. Right: one small figure per quantity,
A against B, each with a line saying how to read it, the county-district map and a
per-county view.
"""

from __future__ import annotations

import os
import threading
import time

import solara

from ..shipped import names as shipped_names
from .components import Controls, CountyView, Figures, Numbers
from .model import DEFAULT_LEVERS, DashboardModel
from .text import default_lang, t

PRESET = os.environ.get("LABORSIM_APP_SCENARIO", "teaching_small")
SECOND = os.environ.get("LABORSIM_APP_SECOND", "")  # side B; empty: the same world with no policy
LANG = os.environ.get("LABORSIM_APP_LANG") or default_lang()
PLAY_PAUSE_S = 0.05  # between months while playing
FRAME_S = 0.5  # at most one redraw per half second while playing


def scenario_names() -> list[str]:
    """The scenarios a class may pick: every file in scenarios/ (and the one served)."""
    names = shipped_names()
    return names if PRESET in names else [PRESET, *names]


#: Card titles wrap between words (Vuetify breaks them anywhere: "(0 of 12 mo|nths)" in a narrow column).
CARD_TITLES = ".v-card__title { word-break: normal; overflow-wrap: break-word; }"


@solara.component
def Page():
    """One session's dashboard: its own model, levers, language and playing state."""
    lang = solara.use_reactive(LANG if LANG in ("en", "zh") else "en")
    preset = solara.use_reactive(PRESET)
    second = solara.use_reactive(SECOND)
    levers = solara.use_reactive(dict(DEFAULT_LEVERS))  # the sliders
    applied = solara.use_reactive(dict(DEFAULT_LEVERS))  # the levers of the running model
    resets = solara.use_reactive(0)
    tick = solara.use_reactive(0)  # months stepped in this session: redraws the figures
    playing = solara.use_reactive(False)
    model = solara.use_memo(
        lambda: DashboardModel(preset=preset.value, second=second.value, **applied.value),
        dependencies=[preset.value, second.value, resets.value],
    )

    lock = solara.use_memo(threading.Lock, dependencies=[])  # one step at a time in this session

    def step() -> None:
        with lock:
            model.step()
        tick.set(tick.value + 1)

    def pause() -> None:
        playing.set(False)
        tick.set(tick.value + 1)  # draw the months stepped since the last frame

    def reset() -> None:
        playing.set(False)
        applied.set(dict(levers.value))
        resets.set(resets.value + 1)

    def play(cancel: threading.Event) -> None:
        """Step month after month; redraw at most every FRAME_S seconds and at the end (every
        month is in the history, so the lines lose nothing when a slow server skips frames).
        A pause or reset sets `cancel`: the loop stops and leaves the page's state alone."""
        if not playing.value:
            return
        drawn = time.monotonic()
        while not cancel.is_set() and model.t < model.sc.calendar.months:
            with lock:
                model.step()
            if time.monotonic() - drawn >= FRAME_S or model.t >= model.sc.calendar.months:
                tick.set(tick.value + 1)
                drawn = time.monotonic()
            cancel.wait(PLAY_PAUSE_S)
        if not cancel.is_set():  # the run is over
            tick.set(tick.value + 1)
            playing.set(False)

    solara.use_thread(play, dependencies=[playing.value, model], intrusive_cancel=False)
    solara.Title(t("title", lang.value))
    solara.Style(CARD_TITLES)
    with solara.Columns([1, 3]):
        with solara.Column():
            actions = (step, pause, reset)
            Controls(model, lang, preset, second, levers, applied, playing, *actions, scenario_names(), tick.value)
            Numbers(model, lang.value, tick.value)
        with solara.Column():
            Figures(model, lang.value, tick.value)
            CountyView(model, lang.value, tick.value)
