"""Where the shipped scenarios, sweeps and calibration targets are: the package
`laborsim_scenarios` (the top-level `scenarios/` folder, installed by setup.py),
found with importlib.resources so an installed wheel has them too; their names,
one-line descriptions, and the closest name to a misspelled one."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from .errors import ScenarioError

PACKAGE = "laborsim_scenarios"


def shipped_dir() -> Path:
    """The folder of the shipped scenario files (a real folder: wheels install unzipped)."""
    return Path(str(resources.files(PACKAGE)))


def shipped_file(name: str) -> Path | None:
    """A shipped file by name ('teaching_small.yaml', 'sweeps/teaching_lhs.yaml'), or None."""
    p = shipped_dir() / name
    return p if p.is_file() else None


NOT_SCENARIOS = ("targets",)


def names() -> list[str]:
    """Names of the shipped scenario files (without `.yaml`)."""
    return sorted(p.stem for p in shipped_dir().glob("*.yaml") if p.stem not in NOT_SCENARIOS)


def shipped() -> list[tuple[str, str]]:
    """(name, first line of its description) of every shipped scenario."""
    out = []
    for n in names():
        from .loader import load_raw

        try:
            desc = str(load_raw(shipped_dir() / f"{n}.yaml").get("description", "")).strip()
        except ScenarioError:
            desc = "(unreadable)"
        out.append((n, desc.splitlines()[0] if desc else ""))
    return out


def closest(name: str) -> str | None:
    """The shipped scenario name closest to `name` (None when nothing is close)."""
    stem = str(name).rsplit("/", 1)[-1].removesuffix(".yaml")
    hit = difflib.get_close_matches(stem, names(), n=1, cutoff=0.6)
    return hit[0] if hit else None
