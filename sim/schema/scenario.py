"""The root of a scenario file."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SerializeAsAny, field_validator, model_validator

from .base import FrozenDict, Name, Prob, Strict, fail, frozen
from .behavior import Behavior
from .calibration import Calibration, check_paths
from .places import Calendar, DemandShock, Places
from .policies import PolicyBase, validate_policies
from .scoring import Scoring

PLACE_NAMES = ("home", "local", "ningbo", "prd")
MAX_POLICIES = 100


class Population(Strict):
    """How many people one agent stands for, and where people are at the start.

    `initial_places` gives, for the pool at the start month, the share at home,
    in local jobs, in Ningbo jobs and in the PRD. Default: January 2020, the
    baseline's start (ASSUMPTION).
    """

    people_per_agent: Annotated[float, Field(ge=1e-6, le=100000)] = 1.0  # 1 agent = 1 person
    initial_places: frozen(dict[str, Prob]) = {"home": 0.46, "local": 0.15, "ningbo": 0.04, "prd": 0.35}  # ASSUMPTION
    max_agents: Annotated[int, Field(ge=1, le=1_000_000_000)] = 5_000_000

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
    name: Name
    description: str = ""
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    calendar: Calendar
    population: Population = Population()
    places: Places
    behavior: Behavior = Behavior()
    policies: frozen(dict[str, SerializeAsAny[PolicyBase]]) = {}
    shocks: Annotated[tuple[DemandShock, ...], Field(max_length=1000)] = ()
    scoring: Scoring = Scoring()
    calibration: Calibration | None = None

    @field_validator("policies", mode="wrap")
    @classmethod
    def _policies(cls, value, handler):
        """Each entry is validated by the schema class its `type` names (at most
        100 policies); the mapping is read-only."""
        if isinstance(value, dict) and len(value) > MAX_POLICIES:
            raise ValueError(f"at most {MAX_POLICIES} policies, not {len(value)}")
        return FrozenDict(validate_policies(value))

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
        if self.calibration is not None:
            try:
                check_paths(self.calibration, self.behavior.model_dump())
            except ValueError as e:
                raise ValueError(f"calibration.{e}") from None
        return self


__all__ = ["Scenario", "Population", "PLACE_NAMES", "SCHEMA_VERSION"]
