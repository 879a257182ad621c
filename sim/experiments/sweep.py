"""Parameter sweeps: grid, Latin hypercube and Sobol (SALib) designs x seeds.

Every run is content-addressed (resolved scenario + seed + engine + code
version) and written to `runs/<key>.parquet` as soon as it finishes (temporary
file, then rename). Running a sweep again computes only the runs whose file is
missing, so a killed sweep resumes where it stopped. A run that fails is
recorded in `runs/<key>.error.json` and does not stop the others.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, ValidationError, model_validator
from scipy.stats import qmc

from ..errors import ScenarioError
from ..loader import _first_error, load_scenario
from ..schema import Scenario
from ..schema.base import Strict, fail
from ..streams import Streams, replicate_seeds
from .batch import run_many
from .compare import flatten
from .tasks import run_key, scenario_dict


class Range(Strict):
    """A swept parameter: `low`..`high` (lhs, sobol, grid with `levels`) or `values` (grid)."""

    low: float | None = None
    high: float | None = None
    levels: Annotated[int, Field(ge=2, le=100)] = 3
    values: list[float] | None = None

    @model_validator(mode="after")
    def _range(self) -> Range:
        if self.values is not None:
            if not self.values:
                raise fail("values", "an empty list", "at least one value")
        elif self.low is None or self.high is None:
            raise fail("low", "no range", "low and high, or values")
        elif not self.low < self.high:
            raise fail("high", f"an empty range {self.low}..{self.high}", "low < high")
        return self


class SweepSpec(Strict):
    """A sweep file."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]
    scenario: str
    design: Literal["grid", "lhs", "sobol"] = "lhs"
    samples: Annotated[int, Field(ge=1, le=100_000)] = 8
    seeds: Annotated[int, Field(ge=1, le=1000)] = 1
    seed: int = 0
    engine: Literal["auto", "agents", "arrays"] = "auto"
    output: str = "retention_ningbo_6m"
    overrides: dict = {}
    parameters: Annotated[dict[str, Range], Field(min_length=1)]


def load_sweep(path: Path) -> tuple[SweepSpec, Scenario]:
    """Read and check a sweep file and its base scenario."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ScenarioError(str(path), "", f"unreadable file ({e.strerror})", "a readable sweep file") from None
    except yaml.YAMLError as e:
        raise ScenarioError(str(path), "", f"invalid YAML ({e})".splitlines()[0], "valid YAML") from None
    try:
        spec = SweepSpec.model_validate(raw or {})
    except ValidationError as e:
        raise _first_error(e, {}, str(path), raw or {}) from None
    base_path = Path(path).parent / spec.scenario
    scenario = load_scenario(base_path if base_path.is_file() else spec.scenario, spec.overrides or None)
    known = flatten(scenario_dict(scenario))
    for p in spec.parameters:
        if not isinstance(known.get(p), (int, float)) or isinstance(known.get(p), bool):
            raise ScenarioError(
                str(path),
                f"parameters.{p}",
                "an unknown or non-numeric parameter",
                "a numeric key path of the resolved scenario, e.g. behavior.quit_hazard.liaison",
            )
    if spec.design == "sobol" and any(r.values is not None for r in spec.parameters.values()):
        raise ScenarioError(str(path), "design", "sobol with `values`", "low/high ranges for a sobol design")
    return spec, scenario


def design_points(spec: SweepSpec) -> tuple[np.ndarray, dict | None]:
    """The design matrix (points x parameters) and, for Sobol, the SALib problem."""
    names = list(spec.parameters)
    rs = [spec.parameters[n] for n in names]
    if spec.design == "grid":
        axes = [r.values if r.values is not None else list(np.linspace(r.low, r.high, r.levels)) for r in rs]
        return np.array(list(itertools.product(*axes)), dtype=float), None
    bounds = [[r.low, r.high] for r in rs]
    if spec.design == "lhs":
        lo, hi = np.array(bounds).T
        lhs = qmc.LatinHypercube(d=len(names), rng=Streams(spec.seed)["sweep_lhs"])
        return qmc.scale(lhs.random(spec.samples), lo, hi), None
    try:
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise ScenarioError("<sweep>", "design", "sobol", "install the `calibrate` extra (SALib)") from None
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    return sobol_sample.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed), problem


def set_path(d: dict, path: str, value) -> None:
    """Set a dotted key path in nested mappings (list items by index)."""
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[int(k)] if isinstance(d, list) else d[k]
    old = d[keys[-1]]
    d[keys[-1]] = int(round(value)) if isinstance(old, int) and not isinstance(old, bool) else float(value)


def run_sweep(spec: SweepSpec, scenario: Scenario, out: Path, executor, in_flight: int, quiet: bool = False) -> dict:
    """Run every (point, seed) whose result is missing; write the run index.

    Returns counts: total, computed, skipped (already done), failed.
    """
    runs = out / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    X, problem = design_points(spec)
    names = list(spec.parameters)
    seeds = replicate_seeds(spec.seed, spec.seeds)
    base = scenario_dict(scenario)
    plan = []
    for i, x in enumerate(X):
        sj = json.loads(json.dumps(base))
        for n, v in zip(names, x, strict=True):
            set_path(sj, n, v)
        sj["name"] = f"{spec.name}-p{i}"
        for s in seeds:
            plan.append((i, s, run_key(sj, s, spec.engine), sj))
    todo = [p for p in plan if not (runs / f"{p[2]}.parquet").exists()]
    counts = {"total": len(plan), "skipped": len(plan) - len(todo), "computed": 0, "failed": 0}
    point_of = {p[2]: (p[0], dict(zip(names, X[p[0]], strict=True))) for p in plan}

    def done(job, res):
        key = run_key(job[0], job[1], job[2])
        i, params = point_of[key]
        row = pd.DataFrame(
            [{"key": key, "point": i, "seed": job[1], **params, **res["metrics"], "wall_seconds": res["wall_seconds"]}]
        )
        tmp = runs / f".{key}.parquet.tmp"
        row.to_parquet(tmp, index=False)
        os.replace(tmp, runs / f"{key}.parquet")
        (runs / f"{key}.error.json").unlink(missing_ok=True)
        counts["computed"] += 1

    def failed(job, err):
        key = run_key(job[0], job[1], job[2])
        (runs / f"{key}.error.json").write_text(
            json.dumps({"point": point_of[key][0], "seed": job[1], "error": f"{type(err).__name__}: {err}"})
        )
        counts["failed"] += 1

    jobs = ((sj, s, spec.engine) for (_, s, _, sj) in todo)
    run_many(jobs, executor, in_flight, done, failed, total=len(todo), desc=spec.name, quiet=quiet)
    index = _index(runs, plan, names, X)
    tmp = out / ".index.csv.tmp"
    index.to_csv(tmp, index=False)
    os.replace(tmp, out / "index.csv")
    if problem is not None:
        _sobol(spec, problem, index, out)
    else:
        effects = linear_effects(index, list(spec.parameters), spec.output)
        if effects is not None:
            effects.to_csv(out / "effects.csv", index=False)
    return counts


def linear_effects(index: pd.DataFrame, names: list[str], output: str) -> pd.DataFrame | None:
    """Standardized regression coefficients (SRC) of `output` (mean over seeds per design
    point) on the swept parameters, with the R^2 of the linear fit.

    An SRC is the change of the output, in its standard deviations, per standard deviation
    of the parameter; with a good linear fit (R^2 near 1) SRC^2 is the parameter's share
    of the output's variance. None when there are too few finished points.
    """
    ok = index[index["status"] == "ok"]
    if output not in ok or ok.empty:
        return None
    pts = ok.groupby("point")[[*names, output]].mean().dropna()
    if len(pts) < len(names) + 2:
        return None
    X, y = pts[names].to_numpy(float), pts[output].to_numpy(float)
    sx, sy = X.std(axis=0, ddof=1), y.std(ddof=1)
    if sy == 0 or (sx == 0).any():
        return None
    Z = np.column_stack([np.ones(len(y)), (X - X.mean(axis=0)) / sx])
    coef, *_ = np.linalg.lstsq(Z, (y - y.mean()) / sy, rcond=None)
    fitted = Z @ coef
    r2 = 1 - ((y - y.mean()) / sy - fitted).var() / ((y - y.mean()) / sy).var()
    slope = coef[1:] * sy / sx
    return pd.DataFrame(
        {
            "parameter": names,
            "src": coef[1:],
            "slope_per_unit": slope,
            "low": X.min(axis=0),
            "high": X.max(axis=0),
            "r2": r2,
            "points": len(pts),
            "output": output,
        }
    )


def _index(runs: Path, plan: list, names: list[str], X: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, s, key, _ in plan:
        f = runs / f"{key}.parquet"
        if f.exists():
            rows.append(pd.read_parquet(f).assign(status="ok", error=""))
        else:
            e = runs / f"{key}.error.json"
            msg = json.loads(e.read_text())["error"] if e.exists() else "missing"
            rows.append(
                pd.DataFrame(
                    [
                        {
                            "key": key,
                            "point": i,
                            "seed": s,
                            **dict(zip(names, X[i], strict=True)),
                            "status": "failed",
                            "error": msg,
                        }
                    ]
                )
            )
    return pd.concat(rows, ignore_index=True)


def _sobol(spec: SweepSpec, problem: dict, index: pd.DataFrame, out: Path) -> None:
    """First- and total-order Sobol indices of `spec.output` (mean over seeds)."""
    from SALib.analyze import sobol as sobol_analyze

    from ..plotting import save, sobol_figure

    ok = index[index["status"] == "ok"]
    y = ok.groupby("point")[spec.output].mean().reindex(range(index["point"].max() + 1))
    if y.isna().any():
        return
    si = sobol_analyze.analyze(problem, y.to_numpy(), calc_second_order=False, seed=spec.seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    )
    table.to_csv(out / "sobol.csv", index=False)
    save(sobol_figure(table, spec.output), out, "sobol")
