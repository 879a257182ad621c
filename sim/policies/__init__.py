"""Policies, one small class in one file each, built from the scenario's `policies:`.

Every module of this package is imported here, so a new policy file is found
without being listed anywhere (its class registers itself, see `base.Policy`).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import REGISTRY, BrokerOffer, Effects, Policy, World

for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")


def build_policies(scenario, world: World) -> dict[str, Policy]:
    """One policy object per enabled entry of `scenario.policies`, in file order;
    none at all when the scenario says `all_policies_off`."""
    if scenario.all_policies_off:
        return {}
    return {name: REGISTRY[type(cfg)](name, cfg, world) for name, cfg in scenario.policies.items() if cfg.enabled}


def policy_free(scenario):
    """The same world with every policy off, by rule (`all_policies_off`): the
    default twin of budgets and the dashboard's side B."""
    return scenario.model_validate(
        {**scenario.model_dump(mode="json"), "all_policies_off": True, "name": f"{scenario.name}_no_policy"}
    )


__all__ = ["Policy", "World", "Effects", "BrokerOffer", "build_policies", "policy_free", "REGISTRY"]
