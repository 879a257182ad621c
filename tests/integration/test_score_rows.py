"""The arrays engine keeps each seeker group's exp(score) row from month to month
(`ArraysModel._exp_scores`) while what `LaborModel.match_weights` reads stays the
same. Rows computed afresh every month must give the same run: team leaders come
and go, program levers reach other counties, dated changes end the pairing."""

import pandas as pd
import pytest

import sim.engines.arrays as arrays_mod
from sim import load_scenario
from sim.runner import build_model, collect


def tables(name, fresh, monkeypatch):
    if fresh:
        monkeypatch.setattr(arrays_mod, "SCORE_CACHE_MAX", 0)  # no kept rows
    sc = load_scenario(name, {"population": {"people_per_agent": 40}, "calendar": {"months": 40}})
    m = build_model(sc, 5, "arrays")
    m.run()
    monkeypatch.undo()
    return collect(m, 0.0).tables


@pytest.mark.parametrize("name", ["baseline_2020_pairing_ends", "policy_brokers"])
def test_kept_score_rows_give_the_run_of_fresh_rows(name, monkeypatch):
    kept, fresh = tables(name, False, monkeypatch), tables(name, True, monkeypatch)
    for k in ("monthly", "spells", "market"):
        pd.testing.assert_frame_equal(kept[k], fresh[k], check_exact=True, obj=k)
