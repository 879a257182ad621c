"""A new lever is a schema class, one policy class and YAML: nothing else lists policies.

The housing subsidy below is defined only in this file (its schema class and its
policy class register themselves) and switched on from YAML; the model calls its
hooks like any other policy's.
"""

from typing import Literal

import numpy as np

from sim import load_scenario, run
from sim.policies import Effects, Policy
from sim.schema import LEVERS
from sim.schema.base import Multiplier, Yuan
from sim.schema.policies import PolicyBase


class HousingPolicy(PolicyBase):
    """Dormitory places for workers in Ningbo jobs: a monthly rent subsidy per
    housed worker; housed workers quit less (ASSUMPTION, for this test)."""

    type: Literal["housing_test"]
    rent_yuan_month: Yuan = 300.0
    quit_multiplier: Multiplier = 0.5


class Housing(Policy):
    """Pays rent for every eligible employed worker and lowers their quit hazard."""

    schema = HousingPolicy

    def employed_month(self, step, w):
        if not self.active(step) or len(w["idx"]) == 0:
            return None
        ok = self.eligible(w["county"], w["poor"], w["district"])
        sel = np.flatnonzero(ok)
        paid = np.zeros(len(ok), bool)
        paid[
            sel[self.pay(step, "rent", np.full(len(sel), self.cfg.rent_yuan_month), w["poor"][sel], w["county"][sel])]
        ] = True
        return Effects(hazard=np.where(paid, self.cfg.quit_multiplier, 1.0), hazard_key="housing")


def _case(write_scenario, name, housing: bool):
    pol = {"dorms": {"type": "housing_test", "rent_yuan_month": 300.0, "quit_multiplier": 0.5}} if housing else {}
    return load_scenario(write_scenario({"policies": pol, "calendar": {"months": 18}}, name=name))


def test_a_policy_defined_in_one_place_runs_in_both_engines(write_scenario):
    with_h, without = _case(write_scenario, "with_h", True), _case(write_scenario, "without_h", False)
    for engine in ("agents", "arrays"):
        a = run(with_h, seed=2, engine=engine)
        b = run(without, seed=2, engine=engine)
        budget = a.tables["budget"]
        rent = budget[(budget["policy"] == "dorms") & (budget["kind"] == "rent")]["yuan"].sum()
        assert rent > 0  # its payments are in the ledger
        quits_a, quits_b = a.tables["monthly"]["quits"].sum(), b.tables["monthly"]["quits"].sum()
        assert quits_a < 0.8 * quits_b, (engine, quits_a, quits_b)  # its effect on quitting applies


def test_no_policy_is_every_policy_off_by_rule(write_scenario):
    """`all_policies_off` switches off every policy, including one the parent adds later."""
    parent = write_scenario({"policies": {"dorms": {"type": "housing_test"}}}, name="parent")
    child = write_scenario({"all_policies_off": True}, name="child", parent=str(parent))
    res = run(load_scenario(child), seed=1, engine="arrays")
    assert res.tables["budget"]["yuan"].sum() == 0
    assert not any(p.enabled for p in load_scenario("no_program").policies.values())
    assert all(p.type in LEVERS for p in load_scenario("no_policy").policies.values() if p.enabled)
    assert load_scenario("policy_liaison").policies["liaison"].enabled  # a child may switch one back on
    assert (
        run(load_scenario("no_policy", {"population": {"people_per_agent": 250}, "calendar": {"months": 3}}), seed=1)
        .tables["budget"]["yuan"]
        .sum()
        == 0
    )
