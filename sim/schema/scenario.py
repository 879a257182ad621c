"""The root of a scenario file."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SerializeAsAny, ValidationError, field_validator, model_validator

from .base import FrozenDict, Month, Name, Prob, Strict, allowed_in_words, fail, frozen
from .behavior import Behavior
from .calibration import Calibration, check_paths
from .keys import first_error, unknown_key_allowed
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
    # ASSUMPTION: share of the start's Ningbo workers in their county's paired district (the
    # pairings placed them: e.g. 178 registered-poor Qinglong workers in Ninghai in 2019, Ningbo
    # Daily 2019-10-13); see sim.world.place_by_pairing
    initial_paired_share: Prob = 0.9

    @model_validator(mode="after")
    def _shares(self) -> Population:
        bad = set(self.initial_places) - set(PLACE_NAMES)
        if bad:
            raise fail("initial_places", f"unknown places {sorted(bad)}", ", ".join(PLACE_NAMES))
        total = sum(self.initial_places.values())
        if abs(total - 1.0) > 1e-6:
            raise fail("initial_places", f"shares summing to {total:.4f}", "shares summing to 1")
        return self


class DatedChange(Strict):
    """Changes to policies from a month on, e.g. the end of the Ningbo-Qianxinan pairing
    after 2020 (`{month: "2021-01", policies: {pairing: {enabled: false}}}`) or a new
    subsidy schedule. `policies` maps a policy of the scenario to the keys that change
    (merged into its configuration as `extends:` merges files); the result is checked
    against the policy's schema when the scenario is loaded. Love-job slots are placed
    once, at the start: a change of `quota_jobs` or `eligibility.districts` of a
    love-jobs policy does not move them."""

    month: Month
    policies: Annotated[frozen(dict[str, dict[str, Any]]), Field(min_length=1, max_length=100)]
    source: str = ""


def _merged(base: dict, change: dict) -> dict:
    out = dict(base)
    for k, v in change.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


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
    changes: Annotated[tuple[DatedChange, ...], Field(max_length=600)] = ()
    scoring: Scoring = Scoring()
    calibration: Calibration | None = None

    def changes_at(self, month: str) -> list[tuple[str, PolicyBase]]:
        """(policy name, configuration from `month` on) of the dated changes of `month`,
        each applied on top of the policy's configuration of the earlier changes."""
        out = []
        for i, ch in enumerate(self.changes):
            if ch.month == month:
                out += [(name, self._changed(name, i)) for name in ch.policies]
        return out

    def _changed(self, name: str, upto: int) -> PolicyBase:
        """Policy `name` after the changes 0..`upto` that touch it, in month order."""
        cfg = self.policies[name]
        done = sorted((c.month, j) for j, c in enumerate(self.changes) if name in c.policies)
        for month, j in done:
            if (month, j) > (self.changes[upto].month, upto):
                break
            cfg = type(cfg).model_validate(_merged(cfg.model_dump(mode="json"), self.changes[j].policies[name]))
        return cfg

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
        self._check_changes()
        if self.calibration is not None:
            try:
                check_paths(self.calibration, self.behavior.model_dump())
            except ValueError as e:
                raise ValueError(f"calibration.{e}") from None
        return self

    def _check_changes(self) -> None:
        """Each dated change names a policy of the scenario, a month from the start,
        and gives a configuration its schema accepts."""
        for i, ch in enumerate(self.changes):
            if ch.month < self.calendar.start:
                raise fail(f"changes.{i}.month", ch.month, f"a month from calendar.start ({self.calendar.start})")
            for name, upd in ch.policies.items():
                if name not in self.policies:
                    raise fail(
                        f"changes.{i}.policies.{name}",
                        repr(name),
                        "a policy of the scenario: " + ", ".join(self.policies),
                    )
                if "type" in upd and upd["type"] != self.policies[name].type:
                    raise fail(
                        f"changes.{i}.policies.{name}.type",
                        repr(upd["type"]),
                        "the policy's own type (it cannot change)",
                    )
                try:
                    self._changed(name, i)
                except ValidationError as e:
                    raise self._change_error(e, i, name, upd) from None

    def _change_error(self, e: ValidationError, i: int, name: str, upd: dict) -> ValueError:
        """The error of dated change `i` to policy `name` (`upd`: what the change
        gives): key path, what was given and what is allowed (for an unknown key,
        the policy's keys there and the one probably meant)."""
        err = first_error(e)
        keys = [str(x) for x in err["loc"]]
        at = f"changes.{i}.policies.{name}"
        if err["type"] == "extra_forbidden":
            allowed = unknown_key_allowed(type(self.policies[name]), keys[:-1], upd, keys[-1], at=at)
            return fail(f"{at}.{'.'.join(keys)}", f"unknown key {keys[-1]!r}", allowed)
        return fail(f"{at}.{'.'.join(keys)}", repr(err.get("input")), allowed_in_words(err))


__all__ = ["Scenario", "Population", "PLACE_NAMES", "SCHEMA_VERSION"]
