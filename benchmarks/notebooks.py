"""How long each teaching notebook takes to run top to bottom (nbclient), as a class would.

    .venv/bin/python benchmarks/notebooks.py --repeat 3

The README promises each runs in well under a minute; the test suite executes them (and
checks their figures) but does not time them (performance is measured here, not in tests).
Prints median and range per notebook, and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: Path, where: Path) -> float:
    """Seconds to execute notebook `path` in folder `where`."""
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(where)}}).execute()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as in Jupyter (and the test)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        xs = []
        for _ in range(a.repeat):
            with tempfile.TemporaryDirectory() as where:  # a fresh folder per run: nothing piles up
                xs.append(run_once(path, Path(where)))
        print(f"{path.name}: {statistics.median(xs):.1f} s ({min(xs):.1f}-{max(xs):.1f}), {a.repeat} runs")


if __name__ == "__main__":
    main()
