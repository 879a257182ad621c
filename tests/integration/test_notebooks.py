"""Every notebook in notebooks/ runs top to bottom (nbclient; how long: benchmarks/notebooks.py), every
cell that draws a figure shows it (an image/png output, as a student would see it), and
the notebooks import only the package's public modules."""

import ast
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
# a cell plots when it calls a figure function of sim.plotting or a .plot() method
PLOTS = re.compile(r"\b\w*_figure\(|\.plot\(")


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_four_notebooks_without_outputs():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04"]
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        assert all(not c.get("outputs") for c in _code_cells(nb)), f"{p.name} has outputs"
        assert any(PLOTS.search(c.source) for c in _code_cells(nb)), f"{p.name} draws no figure"


def test_notebooks_import_only_public_modules():
    """No module or name with a leading underscore (private by Python's convention)."""
    for p in NOTEBOOKS:
        for cell in _code_cells(nbformat.read(p, as_version=4)):
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.ImportFrom):
                    parts = (node.module or "").split(".") + [a.name for a in node.names]
                elif isinstance(node, ast.Import):
                    parts = [part for a in node.names for part in a.name.split(".")]
                else:
                    continue
                assert not any(x.startswith("_") for x in parts), f"{p.name}: private import {ast.unparse(node)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_figures(path, tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel picks its inline backend, as in Jupyter
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    print(f"{path.name}: {time.perf_counter() - t0:.1f} s")  # timed by benchmarks/notebooks.py, not asserted here
    for i, cell in enumerate(_code_cells(nb)):
        if PLOTS.search(cell.source):
            kinds = [o.get("data", {}).keys() for o in cell.outputs]
            assert any("image/png" in k for k in kinds), f"{path.name} code cell {i} plots but shows no image"


def test_nbconvert_makes_a_handout_with_the_figures(tmp_path):
    """`jupyter nbconvert --execute --to html` (the notebooks extra) gives a page that shows
    the quickstart's figures, as a teacher would hand it out."""
    import os
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "nbconvert", "--execute", "--to", "html", "--output-dir", str(tmp_path)]
    cmd.append(str(NOTEBOOKS[0]))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's inline backend, as in Jupyter
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    html = (tmp_path / f"{NOTEBOOKS[0].stem}.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') >= 2
