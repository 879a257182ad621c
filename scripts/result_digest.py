"""Digest of every table, metric and worker column of a set of runs: prove a speed change kept results.

Run on two commits and compare the output; identical lines mean identical results.

    .venv/bin/python scripts/result_digest.py                 # quick set (~1 min)
    .venv/bin/python scripts/result_digest.py --big           # adds baseline_2020 at ~1M x 120 on arrays

Each line: case, then one short SHA-256 per table (sorted by name), metrics and the worker table
(its columns by name, yes/no attributes unpacked from their bits: `sim.table.column`).
"""

from __future__ import annotations

import argparse
import hashlib
import json

import numpy as np

from sim import load_scenario
from sim.runner import build_model, collect
from sim.table import COLUMNS, column

QUICK = [
    ("teaching_small", 1, "agents", {"calendar": {"months": 30}}),
    ("teaching_small", 1, "arrays", {"calendar": {"months": 30}}),
    ("baseline_2020", 3, "agents", {"calendar": {"months": 26}, "population": {"people_per_agent": 40}}),
    ("baseline_2020", 3, "arrays", {"calendar": {"months": 60}, "population": {"people_per_agent": 4}}),
    ("baseline_2020_full", 5, "arrays", {"calendar": {"months": 40}, "population": {"people_per_agent": 4}}),
    ("baseline_2020_pairing_ends", 2, "arrays", {"calendar": {"months": 60}, "population": {"people_per_agent": 4}}),
    ("policy_brokers", 4, "arrays", {"calendar": {"months": 40}, "population": {"people_per_agent": 4}}),
    ("policy_subsidy", 6, "arrays", {"calendar": {"months": 40}, "population": {"people_per_agent": 4}}),
    ("no_program", 8, "arrays", {"calendar": {"months": 30}, "population": {"people_per_agent": 4}}),
]
BIG = [
    (
        "baseline_2020",
        20200101,
        "arrays",
        {"population": {"people_per_agent": 0.344604}, "calendar": {"months": 120}},
    )
]


def _h(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def digest(name: str, seed: int, engine: str, over: dict) -> str:
    """One line: the case and a hash of each table, the metrics and the worker table."""
    model = build_model(load_scenario(name, over), seed, engine)
    model.run()
    res = collect(model, 0.0)
    parts = [f"{k}={_h(v.to_csv(index=False).encode())}" for k, v in sorted(res.tables.items())]
    parts.append(f"metrics={_h(json.dumps(res.metrics, sort_keys=True, default=str).encode())}")
    t = model.table
    cols = "".join(_h(np.ascontiguousarray(column(t, c)).tobytes()) for c in sorted(COLUMNS))
    parts.append(f"workers={_h(cols.encode())}")
    return f"{name}/{seed}/{engine} " + " ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", action="store_true", help="also baseline_2020 at ~1M workers x 120 months (arrays)")
    ap.add_argument("--only", help="run only cases whose scenario name contains this")
    a = ap.parse_args()
    for case in QUICK + (BIG if a.big else []):
        if a.only and a.only not in case[0]:
            continue
        print(digest(*case), flush=True)


if __name__ == "__main__":
    main()
