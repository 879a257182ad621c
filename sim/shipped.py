"""The scenarios shipped in `scenarios/`: names, one-line descriptions, and the
closest name to a misspelled one."""

from __future__ import annotations

import difflib

from .errors import ScenarioError
from .loader import SCENARIO_DIR, load_raw

NOT_SCENARIOS = ("targets",)


def names() -> list[str]:
    """Names of the shipped scenario files (without `.yaml`)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml") if p.stem not in NOT_SCENARIOS)


def shipped() -> list[tuple[str, str]]:
    """(name, first line of its description) of every shipped scenario."""
    out = []
    for n in names():
        try:
            desc = str(load_raw(SCENARIO_DIR / f"{n}.yaml").get("description", "")).strip()
        except ScenarioError:
            desc = "(unreadable)"
        out.append((n, desc.splitlines()[0] if desc else ""))
    return out


def closest(name: str) -> str | None:
    """The shipped scenario name closest to `name` (None when nothing is close)."""
    stem = str(name).rsplit("/", 1)[-1].removesuffix(".yaml")
    hit = difflib.get_close_matches(stem, names(), n=1, cutoff=0.6)
    return hit[0] if hit else None
