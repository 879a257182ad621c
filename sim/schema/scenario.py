"""The root of a scenario file."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import Prob, Strict, fail
from .behavior import Behavior
from .places import Calendar, DemandShock, Places
from .policies import Policy

PLACE_NAMES = ("home", "local", "ningbo", "prd")


class Population(Strict):
    """How many people one agent stands for, and where people are at the start.

    `initial_places` gives, for the pool at the start month, the share at home,
    in local jobs, in Ningbo jobs and in the PRD (ASSUMPTION unless sourced).
    """

    people_per_agent: Annotated[float, Field(gt=0, le=100000)] = 1.0
    initial_places: dict[str, Prob] = {"home": 0.45, "local": 0.15, "ningbo": 0.03, "prd": 0.37}
    max_agents: Annotated[int, Field(ge=1)] = 5_000_000

    @model_validator(mode="after")
    def _shares(self) -> Population:
        bad = set(self.initial_places) - set(PLACE_NAMES)
        if bad:
            raise fail("initial_places", f"unknown places {sorted(bad)}", ", ".join(PLACE_NAMES))
        total = sum(self.initial_places.values())
        if abs(total - 1.0) > 1e-6:
            raise fail("initial_places", f"shares summing to {total:.4f}", "shares summing to 1")
        return self


#: Version of the scenario format; `laborsim schema` writes the JSON Schema of this version.
SCHEMA_VERSION = 1


class Scenario(Strict):
    """A complete, resolved scenario (after `extends:` has been applied)."""

    schema_version: Annotated[
        int, Field(ge=1, le=SCHEMA_VERSION, description="version of the scenario format (this code reads 1)")
    ] = SCHEMA_VERSION
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]
    description: str = ""
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    calendar: Calendar
    population: Population = Population()
    places: Places
    behavior: Behavior = Behavior()
    policies: dict[str, Policy] = {}
    shocks: list[DemandShock] = []

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        for pname, p in self.policies.items():
            for c in p.eligibility.counties:
                if c not in self.places.counties:
                    raise fail(f"policies.{pname}.eligibility.counties", repr(c), ", ".join(self.places.counties))
            for d in p.eligibility.districts:
                if d not in self.places.districts:
                    raise fail(f"policies.{pname}.eligibility.districts", repr(d), ", ".join(self.places.districts))
        for i, s in enumerate(self.shocks):
            if s.sector not in self.places.sectors:
                raise fail(f"shocks.{i}.sector", repr(s.sector), ", ".join(self.places.sectors))
        return self


__all__ = ["Scenario", "Population", "PLACE_NAMES", "SCHEMA_VERSION"]
