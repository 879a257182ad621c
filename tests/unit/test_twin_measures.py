"""T6's measures from numpy columns equal, bit for bit, the pandas sums they replace
(people are agents x a non-integer scale, so the order of a sum shows in its last bits)."""

from __future__ import annotations

import numpy as np

from sim.metrics.targets import AWAY, _PoorRows
from sim.recorder import COLUMNS, Recorder


def test_poor_measures_sum_as_pandas_did():
    rng = np.random.default_rng(1)
    rec = Recorder(8, 0.344604)
    for s in range(12):
        rec.months.append((s, f"2020-{s + 1:02d}", rng.integers(0, 200_000, (16, len(COLUMNS))) * 0.344604))
    monthly = rec.table([f"c{i}" for i in range(8)])
    rows = _PoorRows(monthly)
    poor = monthly[monthly["poor"].to_numpy(bool)]
    for month in monthly["month"].unique():
        away = float(poor.loc[poor["month"] == month, list(AWAY)].to_numpy().sum())
        departures = float(poor.loc[poor["month"] <= month, "departures"].sum())
        assert rows.measure("away", month) == away, month
        assert rows.measure("departures", month) == departures, month
