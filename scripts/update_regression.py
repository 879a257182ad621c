"""Deliberately re-record the regression baseline (tests/regression/baseline.json).

Run this only when a change of model behavior is intended, and say why in the commit:

    .venv/bin/python scripts/update_regression.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from sim import load_scenario, run

FILE = Path(__file__).resolve().parents[1] / "tests" / "regression" / "baseline.json"
CASES = [("teaching_small", 1, "agents"), ("teaching_small", 1, "arrays"), ("baseline_2020_full", 7, "arrays")]


def record() -> dict:
    """Headline metrics of each case (NaN stored as null)."""
    out = {}
    for name, seed, engine in CASES:
        sc = load_scenario(name, {"calendar": {"months": 12}})
        m = run(sc, seed=seed, engine=engine).metrics
        out[f"{name}/{seed}/{engine}"] = {
            k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in m.items()
        }
    return out


if __name__ == "__main__":
    FILE.write_text(json.dumps(record(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FILE}")
