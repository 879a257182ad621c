"""Where the shipped scenarios, sweeps and calibration targets are: the package
`laborsim_scenarios` (the top-level `scenarios/` folder, installed by setup.py),
found with importlib.resources so an installed wheel has them too."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "laborsim_scenarios"


def shipped_dir() -> Path:
    """The folder of the shipped scenario files (a real folder: wheels install unzipped)."""
    return Path(str(resources.files(PACKAGE)))


def shipped_file(name: str) -> Path | None:
    """A shipped file by name ('teaching_small.yaml', 'sweeps/teaching_lhs.yaml'), or None."""
    p = shipped_dir() / name
    return p if p.is_file() else None
