"""What a calibration fits: behavior parameters, their ranges, seeds, the ensemble rule,
and (in a locked file) the result with its provenance.

Rules:
- Only `behavior.*` parameters are fitted; a policy lever (`policies.*`) or any other
  part of the scenario is refused, because a policy question must be free to change it.
- Each parameter is a dotted path into the scenario (`behavior.departure.ningbo_info`,
  `behavior.quit_hazard.by_tenure_month.1`, `behavior.departure.seasonal.1`) with a
  range [low, high] searched on a linear or (with `log: true`) logarithmic scale.
- The loss counts the targets of the scenario's `scoring:` block except those marked
  `holdout: true` (see `sim.calibrate.loss`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import Strict, fail, frozen

#: Longest list of fitted parameters.
MAX_PARAMETERS = 200


class FitRange(Strict):
    """The prior range of one fitted parameter (uniform on its scale)."""

    low: float
    high: float
    log: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> FitRange:
        if not self.low < self.high:
            raise fail("high", f"{self.high} (low {self.low})", "a high above low")
        if self.log and self.low <= 0:
            raise fail("low", self.low, "a low above 0 for a log scale")
        return self


class EnsembleRule(Strict):
    """Which trials form the ensemble of good parameter sets.

    `loss_band`: every finished trial whose loss is at most `best + band`
    (the loss is a mean of squared tolerance-normalized distances, so a band of
    0.25 admits sets whose targets lie on average about half a tolerance
    further off than the best set's: ASSUMPTION), the best `max_sets` of them.
    """

    method: Literal["loss_band"] = "loss_band"
    band: Annotated[float, Field(gt=0, le=1e6)] = 0.25  # ASSUMPTION
    max_sets: Annotated[int, Field(ge=1, le=1000)] = 30  # ASSUMPTION


class Locked(Strict):
    """Result of a calibration, stamped with its provenance (written by `laborsim calibrate`)."""

    provenance: frozen(dict[str, Any])
    best: frozen(dict[str, float])
    ensemble_method: str
    ensemble: tuple[frozen(dict[str, Any]), ...] = ()


class Calibration(Strict):
    """A scenario's `calibration:` block.

    Attributes:
        parameters: Fitted `behavior.*` paths and their prior ranges.
        seeds: Common-random-number seeds each trial runs (the same seeds for every trial).
        trials: Trials of a `laborsim calibrate` run (the command's --trials overrides).
        people_per_agent: Scale of the calibration runs (1 = one agent per person).
        engine: Engine of the calibration runs.
        sampler: `cmaes` (CMA-ES from the centre of the ranges with Optuna's initial
            step, a sixth of each range: with ranges centred on the hand-set values, a
            search around them) or `tpe` (Tree-structured Parzen Estimator).
        ensemble: Which trials make the ensemble of good sets.
        locked: The result, in a locked file written by `laborsim calibrate`.
    """

    parameters: frozen(dict[str, FitRange]) = {}
    seeds: Annotated[int, Field(ge=1, le=100)] = 3
    trials: Annotated[int, Field(ge=1, le=100_000)] = 200
    people_per_agent: Annotated[float, Field(ge=1e-6, le=100000)] = 1.0
    engine: Literal["auto", "agents", "arrays"] = "arrays"
    sampler: Literal["cmaes", "tpe"] = "cmaes"
    ensemble: EnsembleRule = EnsembleRule()
    locked: Locked | None = None

    @model_validator(mode="after")
    def _behavior_only(self) -> Calibration:
        if len(self.parameters) > MAX_PARAMETERS:
            raise fail("parameters", f"{len(self.parameters)} parameters", f"at most {MAX_PARAMETERS}")
        for path in self.parameters:
            if path.startswith("policies."):
                raise fail(
                    f"parameters.{path}",
                    "a policy lever",
                    "behavior.* parameters only (policy levers are never fitted)",
                )
            if not path.startswith("behavior."):
                raise fail(f"parameters.{path}", repr(path), "a behavior.* parameter path")
        return self


def get_path(data: Any, parts: list[str]) -> Any:
    """The value at a dotted path in dumped scenario data (dict keys, or list indexes)."""
    node = data
    for p in parts:
        if isinstance(node, dict):
            key = p if p in node else next((k for k in node if str(k) == p), None)
            if key is None:
                raise KeyError(p)
            node = node[key]
        elif isinstance(node, (list, tuple)) and p.isdigit() and int(p) < len(node):
            node = node[int(p)]
        else:
            raise KeyError(p)
    return node


def set_path(data: Any, parts: list[str], value: Any) -> None:
    """Set the value at a dotted path in dumped scenario data (in place)."""
    parent = get_path(data, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        parent[int(last)] = value
    else:
        key = last if last in parent else next(k for k in parent if str(k) == last)
        parent[key] = value


def check_paths(calibration: Calibration, behavior_dump: dict) -> None:
    """Every fitted path names a number in `behavior`, and both ends of its range are
    values the schema accepts there (raises a `fail` error otherwise)."""
    from .behavior import Behavior

    for path, rng in calibration.parameters.items():
        parts = path.split(".")[1:]
        try:
            v = get_path(behavior_dump, parts)
        except KeyError:
            raise fail(
                f"parameters.{path}", "no such behavior parameter", "a path into behavior: (sim/schema/behavior.py)"
            ) from None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise fail(f"parameters.{path}", f"a {type(v).__name__}", "a numeric behavior parameter")
        for end in (rng.low, rng.high):
            trial = _deep_copy(behavior_dump)
            set_path(trial, parts, int(round(end)) if isinstance(v, int) else end)
            try:
                Behavior.model_validate(trial)
            except ValueError:
                raise fail(
                    f"parameters.{path}", f"range [{rng.low}, {rng.high}]", "a range the behavior schema accepts"
                ) from None


def _deep_copy(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _deep_copy(v) for k, v in d.items()}
    if isinstance(d, (list, tuple)):
        return [_deep_copy(v) for v in d]
    return d
