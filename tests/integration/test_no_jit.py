"""LABORSIM_NO_JIT=1 runs every rule as plain Python (for debugging and readable
tracebacks, README): both engines run and give the compiled run's metrics exactly."""

import json
import os
import subprocess
import sys

from sim import load_scenario
from sim.runner import run

CODE = """
import json
from sim import load_scenario
from sim.runner import run
sc = load_scenario("teaching_small", {"calendar": {"months": 3}})
print(json.dumps({e: run(sc, seed=2, engine=e).metrics for e in ("agents", "arrays")}, sort_keys=True, default=str))
"""


def test_plain_python_rules_give_the_compiled_results():
    env = {**os.environ, "LABORSIM_NO_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Warning" not in out.stderr, out.stderr[-2000:]
    plain = json.loads(out.stdout.strip().splitlines()[-1])
    sc = load_scenario("teaching_small", {"calendar": {"months": 3}})
    compiled = {e: run(sc, seed=2, engine=e).metrics for e in ("agents", "arrays")}
    assert plain == json.loads(json.dumps(compiled, sort_keys=True, default=str))
