"""Policies, one small class each, built from the scenario's `policies:`."""

from __future__ import annotations

from .base import Policy, World
from .brokers import BrokerProgram
from .liaison import Liaison
from .love_jobs import LoveJobs
from .subsidy import Subsidy
from .training import Training
from .transport import Transport

CLASSES = {
    "subsidy": Subsidy,
    "training": Training,
    "liaison": Liaison,
    "transport": Transport,
    "love_jobs": LoveJobs,
    "brokers": BrokerProgram,
}


def build_policies(scenario, world: World) -> dict[str, Policy]:
    """One policy object per enabled entry of `scenario.policies`, in file order."""
    out: dict[str, Policy] = {}
    for name, cfg in scenario.policies.items():
        if cfg.enabled:
            pol = CLASSES[cfg.type](name, cfg, world)
            out[name] = pol
    return out


__all__ = [
    "Policy",
    "World",
    "build_policies",
    "Subsidy",
    "Training",
    "Liaison",
    "Transport",
    "LoveJobs",
    "BrokerProgram",
]
