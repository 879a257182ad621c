"""Start-up cost: the command line imports only what the command needs.

`import sim.cli` (what `laborsim --help` pays) loads no numeric or plotting library,
and a `--no-figures` run never imports matplotlib (about 0.5 s of every run).
Each check runs in a fresh interpreter, since this one has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("matplotlib", "pandas", "numpy", "mesa", "scipy", "pyarrow", "tqdm", "networkx")


def _modules_after(code: str, cwd) -> dict:
    probe = f"import json, sys\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library(tmp_path):
    loaded = _modules_after("import sim.cli", tmp_path)
    assert not any(loaded.values()), loaded


def test_a_run_without_figures_never_imports_matplotlib(tmp_path):
    run = (
        "from sim.cli import main\n"
        "assert main(['run', 'teaching_small', '--months', '2', '--no-figures', '--quiet', '--out', 'out']) == 0\n"
    )
    loaded = _modules_after(run, tmp_path)
    assert loaded["mesa"] and loaded["pandas"]  # it did run the model
    assert not loaded["matplotlib"]
    assert list((tmp_path / "out" / "teaching_small").iterdir())


def test_validating_a_scenario_loads_no_heavy_library(tmp_path):
    loaded = _modules_after("from sim.cli import main\nassert main(['validate', 'teaching_small']) == 0", tmp_path)
    assert not any(loaded.values()), loaded
