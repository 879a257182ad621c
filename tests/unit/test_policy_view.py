"""The policy view (`LaborModel.view`) keeps its columns in small types: the codes
must still read back exactly what the table and the firms hold (no wrap-around)."""

import numpy as np

from sim import load_scenario
from sim.policies import code_dtype
from sim.runner import build_model


def test_code_dtype_holds_every_code_and_none():
    for n in (1, 2, 127, 128, 129, 32767, 32768, 32769, 2**31):
        t = code_dtype(n)
        assert np.iinfo(t).min <= -1 and n - 1 <= np.iinfo(t).max, (n, t)
    assert code_dtype(128) == np.int8 and code_dtype(129) == np.int16


def test_view_columns_read_back_exactly_even_with_many_districts():
    """With 300 districts a one-byte district column would wrap: the view's codes
    equal the firms' districts (and -1 for no firm), its counties the table's."""
    m = build_model(load_scenario("teaching_small", {"calendar": {"months": 6}}), 1, "arrays")
    for _ in range(4):
        m.step()
    f = m.world.firms
    f.district = np.arange(len(f.district), dtype=np.int64) * 7 % 300 + 40  # codes up to 339
    m.world.district_names = [f"d{k}" for k in range(340)]
    t = m.table
    idx = np.flatnonzero(t["firm"] >= 0)[:50]
    idx = np.concatenate([idx, np.flatnonzero(t["firm"] < 0)[:5]])
    assert (f.district[t["firm"][idx[t["firm"][idx] >= 0]]] > 127).any()
    w = m.view(idx)
    firm = t["firm"][idx]
    np.testing.assert_array_equal(w["idx"].astype(np.int64), idx)
    np.testing.assert_array_equal(w["district"].astype(np.int64), np.where(firm >= 0, f.district[firm], -1))
    np.testing.assert_array_equal(w["county"].astype(np.int64), t["county"][idx])
    np.testing.assert_array_equal(w["firm_wage"], np.where(firm >= 0, f.wage[firm], 0.0))
