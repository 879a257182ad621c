"""Policies, one small class in one file each, built from the scenario's `policies:`.

Every module of this package is imported here, so a new policy file is found
without being listed anywhere (its class registers itself, see `base.Policy`).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import REGISTRY, BrokerOffer, Effects, Policy, WorkerView, World, code_dtype, write_month_effects

for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")


def build_policies(scenario, world: World) -> dict[str, Policy]:
    """One policy object per enabled entry of `scenario.policies`, and per entry a
    dated change touches (it may switch it on later), in file order."""
    dated = {name for ch in scenario.changes for name in ch.policies}
    return {
        name: REGISTRY[type(cfg)](name, cfg, world)
        for name, cfg in scenario.policies.items()
        if cfg.enabled or name in dated
    }


def policy_free(scenario):
    """The same world with every policy off but the program levers (the cooperation's
    infrastructure, `sim.schema.program`), whatever the policies are: the default twin
    of budgets and the dashboard's side B. Dated changes are dropped."""
    from ..schema.program import LEVERS

    sj = scenario.model_dump(mode="json")
    sj["policies"] = {k: {**v, "enabled": v["enabled"] and v["type"] in LEVERS} for k, v in sj["policies"].items()}
    sj["changes"] = []
    return scenario.model_validate({**sj, "name": f"{scenario.name}_no_policy"})


__all__ = [
    "Policy",
    "World",
    "WorkerView",
    "Effects",
    "BrokerOffer",
    "build_policies",
    "code_dtype",
    "policy_free",
    "write_month_effects",
    "REGISTRY",
]
