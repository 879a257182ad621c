"""Every mutant of `scripts/mutation_check.py` still changes what its engine does.

A mutant overrides a method of one engine; when the engine's code moves on (a method
renamed, a path no longer taken) the override can silently do nothing and the mutation
check would report an escape, or worse, pass for the wrong reason. So each mutant is
run against its own unchanged engine on the same seed: the monthly tables must differ.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def _mutation_check():
    spec = importlib.util.spec_from_file_location("mutation_check", ROOT / "scripts" / "mutation_check.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutation_check", mod)
    spec.loader.exec_module(mod)
    return mod


MUTANTS = [cls for cls, _ in _mutation_check().MUTANTS]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda c: c.__name__)
def test_each_mutant_changes_its_own_engine(mutant):
    sc = load_scenario("teaching_small", {"population": {"people_per_agent": 40}, "calendar": {"months": 26}})
    base = mutant.__mro__[1]  # the engine the mutant changes
    tables = []
    for cls in (base, mutant):
        model = cls(sc, 2)
        model.run()
        tables.append(model.recorder.table(model.world.county_names))
    assert not tables[0].equals(tables[1]), f"{mutant.__name__} changed nothing"
    pd.testing.assert_index_equal(tables[0].columns, tables[1].columns)
