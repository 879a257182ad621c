"""Packaged data: a wheel built from the repo runs a shipped scenario from anywhere.

The wheel is built from a copy of the sources (so the checkout gets no build/ folder),
without build isolation (offline: setuptools and wheel come with the `test` extra),
installed with `pip install --target`, and run from a folder outside the repo with only
that folder on PYTHONPATH (the dependencies come from this venv).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("sim", "scenarios", "setup.py", "pyproject.toml", "README.md")


def _pip(*args: str, cwd: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q", *args]
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]


def test_installed_wheel_runs_a_shipped_scenario_outside_the_repo(tmp_path):
    src = tmp_path / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(src), cwd=tmp_path)
    (whl,) = (tmp_path / "dist").glob("laborsim-*.whl")
    site = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(site), str(whl), cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import sim, sim.shipped; print(sim.__file__); print(sim.shipped.shipped_dir())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(site)) for line in where.stdout.split()), where.stdout  # not the checkout

    cmd = [sys.executable, "-m", "sim", "run", "teaching_small", "--months", "3", "--no-figures", "--quiet"]
    out = subprocess.run(cmd + ["--out", "X"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    (folder,) = (elsewhere / "X" / "teaching_small").iterdir()
    assert {"manifest.json", "monthly.csv", "retention.csv", "summary.json"} <= {p.name for p in folder.iterdir()}
    assert json.loads((folder / "manifest.json").read_text())["scenario"]["calendar"]["months"] == 3
    data = site / "laborsim_scenarios"
    assert {"teaching_lhs.yaml", "teaching_sobol.yaml"} <= {p.name for p in (data / "sweeps").iterdir()}
    assert (data / "targets.yaml").is_file()
