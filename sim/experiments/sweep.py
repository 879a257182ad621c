"""Parameter sweeps: grid, Latin hypercube and Sobol (SALib) designs x seeds.

Every run is content-addressed (resolved scenario + seed + engine + code
version) and written to `runs/<key>.parquet` as soon as it finishes (staging
file, then a rename that never replaces an existing copy), with a hash of its
content in the file's metadata. Running a sweep again first checks each finished
file (not empty, readable, content matching its hash, the right key), recomputes
the broken ones and the missing ones, so a killed sweep resumes where it
stopped. Two sweeps of one design on one folder at once compute each run once
(see `claims`); where both did (a claim from another machine), the copy
published first is kept. A run that
fails is recorded in `runs/<key>.error.json` and does not stop the others.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator
from scipy.stats import qmc

from ..errors import ScenarioError
from ..loader import _first_error, _is, load_scenario
from ..metrics.names import NUMERIC_METRICS, is_metric
from ..schema import Scenario
from ..schema.base import Strict, UserName, fail
from ..schema.keys import path_hint
from ..staging import make_dirs, output_errors, publish_file, remove_empty, remove_stale, staging_file
from ..streams import Streams, replicate_seeds
from ..yaml_input import read_yaml
from .batch import run_many
from .claims import Claims
from .compare import flatten
from .tasks import run_key, scenario_dict

#: A finite number (no inf, no NaN).
Finite = Annotated[float, Field(allow_inf_nan=False)]


class Range(Strict):
    """A swept parameter: `low`..`high` (lhs, sobol, grid with `levels`) or `values` (grid)."""

    low: Finite | None = None
    high: Finite | None = None
    levels: Annotated[int, Field(ge=2, le=100)] = 3
    values: Annotated[list[Finite], Field(max_length=1000)] | None = None

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

    name: UserName
    scenario: Annotated[str, Field(min_length=1, max_length=1000)]
    design: Literal["grid", "lhs", "sobol"] = "lhs"
    samples: Annotated[int, Field(ge=1, le=100_000)] = 8
    seeds: Annotated[int, Field(ge=1, le=1000)] = 1
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    engine: Literal["auto", "agents", "arrays"] = "auto"
    output: str = "retention_ningbo_6m"
    overrides: dict = {}
    parameters: Annotated[dict[str, Range], Field(min_length=1, max_length=50)]

    @field_validator("output")
    @classmethod
    def _known_output(cls, v: str) -> str:
        if not is_metric(v):
            raise ValueError("a numeric metric of summary.json: " + ", ".join(NUMERIC_METRICS))
        return v


def load_sweep(path: Path) -> tuple[SweepSpec, Scenario]:
    """Read and check a sweep file and its base scenario, and the design: every
    parameter's ends give a valid scenario (`check_ends`)."""
    raw = read_yaml(Path(path), "a sweep file")
    if raw is not None and not isinstance(raw, dict):
        raise ScenarioError(str(path), "", f"a {type(raw).__name__} at the top level", "a mapping of keys")
    try:
        spec = SweepSpec.model_validate(raw or {})
    except ValidationError as e:
        raise _first_error(e, {}, str(path), raw or {}) from None
    base_path = Path(path).parent / spec.scenario
    scenario = load_scenario(base_path if _is(base_path, "is_file") else spec.scenario, spec.overrides or None)
    known = flatten(scenario_dict(scenario))
    numeric = [k for k, v in known.items() if isinstance(v, (int, float))]
    for p, r in spec.parameters.items():
        if not isinstance(known.get(p), (int, float)):
            raise ScenarioError(
                str(path),
                f"parameters.{p}",
                "an unknown or non-numeric parameter",
                "a numeric or true/false key path of the resolved scenario, e.g. behavior.quit_hazard.liaison"
                " or policies.liaison.enabled" + path_hint(p, numeric),
            )
        if isinstance(known[p], bool):
            check_switch(str(path), p, r, spec.design)
    if spec.design == "sobol" and any(r.values is not None for r in spec.parameters.values()):
        raise ScenarioError(str(path), "design", "sobol with `values`", "low/high ranges for a sobol design")
    if spec.design != "grid" and any(r.values is not None for r in spec.parameters.values()):
        raise ScenarioError(str(path), "design", f"{spec.design} with `values`", "low/high ranges (values: grid only)")
    end_scenarios(spec, scenario, str(path))
    return spec, scenario


def check_switch(file: str, p: str, r: Range, design: str) -> None:
    """A true/false parameter (e.g. `policies.<name>.enabled`) is swept on a grid over
    `values` of 0/1 (true/false), or low 0, high 1 with 2 levels."""
    ok = design == "grid" and (
        (r.values is not None and set(r.values) <= {0.0, 1.0})
        or (r.values is None and (r.low, r.high, r.levels) == (0.0, 1.0, 2))
    )
    if not ok:
        given = f"{design} with {r.values if r.values is not None else f'{r.low}..{r.high} in {r.levels} levels'}"
        allowed = "a grid over values [0, 1] or [false, true] (or low 0, high 1, levels 2) for a true/false lever"
        raise ScenarioError(file, f"parameters.{p}", given, allowed)


def design_size(spec: SweepSpec) -> int:
    """Number of design points: the grid's product of levels, `samples` for lhs,
    samples x (parameters + 2) for Sobol (first and total order)."""
    if spec.design == "grid":
        return math.prod(len(r.values) if r.values is not None else r.levels for r in spec.parameters.values())
    if spec.design == "sobol":
        return spec.samples * (len(spec.parameters) + 2)
    return spec.samples


def end_scenarios(spec: SweepSpec, scenario: Scenario, file: str = "<sweep>") -> list[Scenario]:
    """The base scenario with each parameter at each end of its range, validated.

    Raises:
        ScenarioError: naming `parameters.<path>.low|high|values` when an end is
            outside what the schema allows.
    """
    base = scenario_dict(scenario)
    out = []
    for p, r in spec.parameters.items():
        ends = [("low", r.low), ("high", r.high)]
        if r.values is not None:
            ends = [("values", min(r.values)), ("values", max(r.values))]
        for key, v in ends:
            sj = json.loads(json.dumps(base))
            set_path(sj, p, v)
            try:
                out.append(Scenario.model_validate(sj))
            except ValidationError as e:
                err = _first_error(e, {}, file, sj)
                raise ScenarioError(
                    file, f"parameters.{p}.{key}", f"{v:g} (sets {err.key_path} to {err.given})", err.allowed
                ) from None
    return out


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
    if isinstance(old, bool):
        d[keys[-1]] = bool(round(value))  # a switch swept as 0/1
    else:
        d[keys[-1]] = int(round(value)) if isinstance(old, int) else float(value)


def run_sweep(
    spec: SweepSpec, scenario: Scenario, out: Path, executor, in_flight: int, quiet: bool = False, figures: bool = True
) -> dict:
    """Run every (point, seed) whose result is missing or broken; write the run index.

    Returns counts: total, computed, skipped (already done, here or by a sweep
    running at the same time), broken (finished files that failed the check and
    were recomputed), failed.
    """
    runs = out / "runs"
    with output_errors(out):
        made = make_dirs(runs)
        try:
            return _run_sweep(spec, scenario, out, executor, in_flight, quiet, figures)
        except BaseException:
            remove_empty(made)
            raise


def _run_sweep(spec, scenario, out: Path, executor, in_flight: int, quiet: bool, figures: bool) -> dict:
    runs = out / "runs"
    remove_stale(runs, legacy=True)
    remove_stale(out, legacy=True)
    plan, point_of, X, problem, names = _plan(spec, scenario)
    broken = [p for p in plan if (runs / f"{p[2]}.parquet").exists() and not intact(runs, p[2])]
    for p in broken:
        (runs / f"{p[2]}.parquet").unlink(missing_ok=True)
    todo = [p for p in plan if not (runs / f"{p[2]}.parquet").exists()]
    counts = {"total": len(plan), "skipped": len(plan) - len(todo), "computed": 0, "failed": 0, "broken": len(broken)}
    claims, waiting = Claims(runs), []

    def done(job, res):
        key = run_key(job[0], job[1], job[2])
        i, params = point_of[key]
        row = pd.DataFrame(
            [{"key": key, "point": i, "seed": job[1], **params, **res["metrics"], "wall_seconds": res["wall_seconds"]}]
        )
        write_run_file(runs, key, row)
        (runs / f"{key}.error.json").unlink(missing_ok=True)
        claims.release(key)
        counts["computed"] += 1

    def failed(job, err):
        key = run_key(job[0], job[1], job[2])
        tmp = staging_file(runs, ".json")
        tmp.write_text(json.dumps({"point": point_of[key][0], "seed": job[1], "error": f"{type(err).__name__}: {err}"}))
        os.replace(tmp, runs / f"{key}.error.json")
        claims.release(key)
        counts["failed"] += 1

    def jobs(items):
        for item in items:
            _, s, key, sj = item
            if (runs / f"{key}.parquet").exists():  # finished meanwhile by a sweep running beside this one
                counts["skipped"] += 1
            elif claims.take(key):
                yield (sj, s, spec.engine)
            else:  # a sweep beside this one is computing it
                waiting.append(item)

    try:
        run_many(jobs(todo), executor, in_flight, done, failed, total=len(todo), desc=spec.name, quiet=quiet)
        while waiting:
            items, waiting[:] = list(waiting), []
            run_many(jobs(items), executor, in_flight, done, failed, total=len(items), desc=spec.name, quiet=True)
            if waiting:
                time.sleep(0.2)
    finally:
        claims.release_all()
    index = _index(runs, plan, names, X)
    _replace(out / "index.csv", lambda tmp: index.to_csv(tmp, index=False))
    if problem is not None:
        _sobol(spec, problem, index, out, figures)
    else:
        effects = linear_effects(index, list(spec.parameters), spec.output)
        if effects is not None:
            _replace(out / "effects.csv", lambda tmp: effects.to_csv(tmp, index=False))
    return counts


def _plan(spec: SweepSpec, scenario: Scenario):
    """Every (point, seed, key, scenario) of the design, the point of each key, the
    design matrix, the Sobol problem (or None) and the parameter names."""
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
    point_of = {p[2]: (p[0], dict(zip(names, X[p[0]], strict=True))) for p in plan}
    return plan, point_of, X, problem, names


HASH_KEY = b"laborsim.content_sha256"


def content_hash(row: pd.DataFrame) -> str:
    """Hash of a run row's values (exact for floats), recorded when the file is written."""
    blob = json.dumps(row.to_dict(orient="list"), sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()


def write_run_file(runs: Path, key: str, row: pd.DataFrame) -> bool:
    """Write one run's row to `runs/<key>.parquet` with its content hash in the
    file's metadata; keep the copy already there if another sweep was first.
    Returns whether this copy was kept."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(row, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), HASH_KEY: content_hash(row).encode()})
    tmp = staging_file(runs, ".parquet")
    try:
        pq.write_table(table, tmp)
        return publish_file(tmp, runs / f"{key}.parquet")
    finally:
        tmp.unlink(missing_ok=True)


def intact(runs: Path, key: str) -> bool:
    """Whether a finished run file can be trusted: not empty, readable, its values
    matching the hash recorded when it was written, holding the run `key`."""
    import pyarrow.parquet as pq

    f = runs / f"{key}.parquet"
    try:
        if f.stat().st_size == 0:
            return False
        table = pq.read_table(f)
        row = table.to_pandas()
        recorded = (table.schema.metadata or {}).get(HASH_KEY)
        if recorded is not None and recorded.decode() != content_hash(row):
            return False
        return row["key"].tolist() == [key]
    except Exception:  # noqa: BLE001 - anything unreadable is broken
        return False


def _replace(target: Path, write) -> None:
    """Write `target` through a staging file in its folder, then rename it into place."""
    tmp = staging_file(target.parent, target.suffix)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
    if not sy > 1e-12 * max(1.0, abs(y.mean())) or not (sx > 0).all():
        return None  # an output or a parameter that does not vary: no effect to state
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


def _sobol(spec: SweepSpec, problem: dict, index: pd.DataFrame, out: Path, figures: bool = True) -> None:
    """First- and total-order Sobol indices of `spec.output` (mean over seeds), with
    their 95% intervals and a warning when the sample is too small (`intervals.sobol_table`)."""
    from SALib.analyze import sobol as sobol_analyze

    from ..plotting import save, sobol_figure
    from .intervals import sobol_table

    ok = index[index["status"] == "ok"]
    y = ok.groupby("point")[spec.output].mean().reindex(range(index["point"].max() + 1))
    if y.isna().any():
        return
    si = sobol_analyze.analyze(problem, y.to_numpy(), calc_second_order=False, seed=spec.seed)
    table, warning = sobol_table(problem["names"], si, spec.samples)
    if warning:
        print(f"laborsim sweep: warning: {warning}", file=sys.stderr)
    _replace(out / "sobol.csv", lambda tmp: table.to_csv(tmp, index=False))
    if figures:
        save(sobol_figure(table, spec.output), out, "sobol")
