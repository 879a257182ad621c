"""Which calibration targets score a run, and over which months its windowed metrics count.

Rules:
- A targets file maps section names to `{period: {start, end}, targets: [...]}`; the
  period is the window the section's windowed targets count (e.g. Jan-May 2020).
- A scenario names the file in `scoring.targets_file` (a shipped name, or a path
  relative to the scenario file that sets it; null for none) and optionally the
  section. Without a section, a run is scored against every section whose period
  its calendar covers: a run that does not cover Jan-May 2020 is not scored
  against the 2020 targets.
- Windowed headline metrics are counted over the run's first `early_months` months
  and over each selected section's period, each named after its months
  (`window_name`), so a run from January 2020 has `arrivals_ningbo_jan_may_2020`.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..calendar import month_key
from ..errors import ScenarioError
from ..shipped import shipped_file

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def window_name(start: str, end: str) -> str:
    """Name of a window of "YYYY-MM" months: jan_may_2020, nov_2019_mar_2020, jan_2020."""
    (y0, m0), (y1, m1) = (start[:4], MONTHS[int(start[5:7]) - 1]), (end[:4], MONTHS[int(end[5:7]) - 1])
    if start == end:
        return f"{m0}_{y0}"
    return f"{m0}_{m1}_{y0}" if y0 == y1 else f"{m0}_{y0}_{m1}_{y1}"


def find_targets_file(name: str, set_by: str | None) -> Path | None:
    """The targets file `name`: relative to the scenario file that set it (when a file
    did), else a shipped one; None when neither exists."""
    p = Path(name)
    if p.is_absolute():
        return p if p.is_file() else None
    if set_by and set_by != "<command line>":
        near = Path(set_by).parent / p
        if near.is_file():
            return near.resolve()
    elif set_by == "<command line>" and p.is_file():
        return p.resolve()
    return shipped_file(name)


@lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int) -> dict[str, dict]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ScenarioError(path, "", f"unreadable targets file ({type(e).__name__})", "a readable YAML file") from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", f"a {type(data).__name__} at the top level", "a mapping of sections")
    for name, sec in data.items():
        period = sec.get("period") if isinstance(sec, dict) else None
        if not isinstance(period, dict) or not {"start", "end"} <= set(period):
            raise ScenarioError(path, f"{name}.period", repr(period), '{start: "YYYY-MM", end: "YYYY-MM"}')
        if not isinstance(sec.get("targets"), list):
            raise ScenarioError(path, f"{name}.targets", repr(sec.get("targets")), "a list of targets")
    return data


def read_sections(path: Path) -> dict[str, dict]:
    """Sections of a targets file (checked: each has a period and a list of targets)."""
    return _read(str(path), path.stat().st_mtime_ns)


def check_scoring(scenario, set_by: str | None):
    """The scenario with its targets file found (a path outside the shipped ones made
    absolute), or a ScenarioError naming what is wrong."""
    sc = scenario.scoring
    if sc.targets_file is None:
        return scenario
    path = find_targets_file(sc.targets_file, set_by)
    where = set_by or "<scenario>"
    if path is None:
        allowed = "a targets file next to the scenario file, or a shipped one (targets.yaml)"
        raise ScenarioError(where, "scoring.targets_file", repr(sc.targets_file), allowed)
    sections = read_sections(path)
    if sc.targets_section is not None and sc.targets_section not in sections:
        raise ScenarioError(where, "scoring.targets_section", repr(sc.targets_section), ", ".join(sections))
    if path == shipped_file(sc.targets_file):
        return scenario
    return scenario.model_copy(update={"scoring": sc.model_copy(update={"targets_file": str(path)})})


def selected_sections(scoring, labels: list[str]) -> dict[str, dict]:
    """The sections a run is scored against (see the module rules)."""
    if scoring.targets_file is None:
        return {}
    path = find_targets_file(scoring.targets_file, None)
    if path is None:
        raise ScenarioError("<scenario>", "scoring.targets_file", repr(scoring.targets_file), "an existing file")
    sections = read_sections(path)
    if scoring.targets_section is not None:
        return {scoring.targets_section: sections[scoring.targets_section]}
    first, last = labels[0], labels[-1]
    return {k: s for k, s in sections.items() if first <= s["period"]["start"] and s["period"]["end"] <= last}


def scoring_plan(scoring, labels: list[str]) -> tuple[dict[str, tuple[str, str]], list[dict]]:
    """(windows, targets) of a run with these month labels: the windows to count
    windowed metrics over, by name, and the targets to compare with."""
    early_end = labels[min(scoring.early_months, len(labels)) - 1]
    windows = {window_name(labels[0], early_end): (labels[0], early_end)}
    targets: list[dict] = []
    for sec in selected_sections(scoring, labels).values():
        start, end = sec["period"]["start"], sec["period"]["end"]
        windows[window_name(start, end)] = (start, end)
        targets += sec["targets"]
    return windows, targets


#: Targets measured against a twin run without the lockdown (T6): the registered-poor
#: workers away from home (Ningbo, the PRD, another region) at a month's end, or their
#: departures since the run's start, as a share of the twin's.
TWIN_METRIC = re.compile(r"^poor_(away|departures)_vs_no_lockdown_(" + "|".join(MONTHS) + r")_(\d{4})$")
AWAY = ("ningbo_seeking", "ningbo_job", "prd", "other_region")


def no_lockdown_twin(scenario, months: int):
    """The scenario without its lockdown months, run for `months` months."""
    cal = scenario.calendar.model_copy(update={"lockdown": (), "months": months})
    return scenario.model_copy(update={"calendar": cal, "name": f"{scenario.name}_no_lockdown"})


def twin_plan(model, targets: list[dict]) -> tuple[dict[str, re.Match], dict[str, str], int]:
    """The twin targets among `targets` (see `TWIN_METRIC`), the month of each that the
    run covers, and how many months the twin must run for them (0: no twin needed,
    none is covered or the run has no lockdown, so the run is its own twin)."""
    wanted = {t["metric"]: TWIN_METRIC.match(t["metric"]) for t in targets}
    wanted = {k: m for k, m in wanted.items() if m}
    labels = list(model.labels)
    month_of = {k: f"{m.group(3)}-{MONTHS.index(m.group(2)) + 1:02d}" for k, m in wanted.items()}
    inside = {k: v for k, v in month_of.items() if v in labels}
    if not inside or not model.sc.calendar.lockdown:
        return wanted, inside, 0
    return wanted, inside, max(labels.index(v) for v in inside.values()) + 1


def fork_step(model, months: int) -> int:
    """The first step whose month is a lockdown month (at most `months`): until then the
    run and its twin are the same model (same seed, population, rules and draws)."""
    start = month_key(model.sc.calendar.start)
    first = min(month_key(x.month) for x in model.sc.calendar.lockdown) - start
    return min(max(first, 0), months)


def forked_twin(model, months: int):
    """The twin, forked from `model` at its current step (at most `fork_step`, where
    nothing yet depends on the lockdown): a copy whose scenario, calendar, month labels
    and jobs path are the twin's (`no_lockdown_twin`, `months` months). Run it with
    `.run()`; its results equal a twin built and run from the first month
    (tests/integration/test_twin_fork.py)."""
    twin = copy.deepcopy(model)
    twin.sc = no_lockdown_twin(model.sc, months)
    twin.calendar.months = months  # one calendar object, shared with the policies
    twin.calendar.lockdown = {}
    twin.labels = twin.labels[:months]
    twin.jobs_path = twin.jobs_path[:months]
    return twin


def twin_metrics(model, monthly, targets: list[dict], twin_monthly=None) -> dict[str, float]:
    """Values of the twin targets among `targets` (see `TWIN_METRIC`) for a finished
    model: its twin without the lockdown (same seed, engine and scale: common random
    numbers) is run up to the last month these targets need, unless its monthly table
    `twin_monthly` is given (`sim.runner.run` forks it from the run)."""
    wanted, inside, n = twin_plan(model, targets)
    out = {k: float("nan") for k in wanted}
    if not inside:
        return out
    if not n:  # the twin would be the run itself
        return out | dict.fromkeys(inside, 1.0)
    if twin_monthly is None:
        from ..runner import build_model

        twin = build_model(no_lockdown_twin(model.sc, n), model.seed, model.engine)
        twin.run()
        twin_monthly = twin.recorder.table(model.world.county_names)
    tables = [_PoorRows(monthly), _PoorRows(twin_monthly)]
    for k, month in inside.items():
        a, b = (t.measure(wanted[k].group(1), month) for t in tables)
        out[k] = a / b if b else float("nan")
    return out


class _PoorRows:
    """The registered-poor rows of a monthly table, as numpy columns (selected once)."""

    def __init__(self, monthly) -> None:
        import numpy as np  # here: `laborsim validate` reads targets without numpy

        poor = monthly["poor"].to_numpy(bool)
        self.month = monthly["month"].to_numpy(object)[poor]
        self.away = np.stack([monthly[c].to_numpy(np.float64)[poor] for c in AWAY])  # (column, row)
        self.departures = monthly["departures"].to_numpy(np.float64)[poor]

    def measure(self, what: str, month: str) -> float:
        """Registered-poor workers away at the end of `month`, or their departures from
        the first month to `month` (summed in the order pandas summed them: column
        after column, hence the (column, row) array made contiguous)."""
        import numpy as np

        if what == "away":
            return float(np.ascontiguousarray(self.away[:, self.month == month]).sum())
        return float(self.departures[self.month <= month].sum())
