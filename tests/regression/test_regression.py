"""Regression: headline metrics of fixed cases equal the recorded baseline.

A change that moves any of them fails here; if the change is intended, re-record with
`scripts/update_regression.py` and say why in the commit. Floats compare to a relative
1e-9 (summation order may differ between numpy builds); counts and months exactly.
"""

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from update_regression import CASES, FILE, record  # noqa: E402

RECORDED = json.loads(FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def now():
    return record()


@pytest.mark.parametrize("case", [f"{n}/{s}/{e}" for n, s, e in CASES])
def test_metrics_match_the_recorded_baseline(now, case):
    want, got = RECORDED[case], now[case]
    assert set(want) == set(got)
    for k, w in want.items():
        g = got[k]
        if w is None or (isinstance(g, float) and math.isnan(g)):
            assert w is None and (g is None or math.isnan(g)), k
        elif isinstance(w, str):
            assert g == w, k
        else:
            assert g == pytest.approx(w, rel=1e-9, abs=1e-12), k
