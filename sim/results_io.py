"""Write a run's results folder atomically: build it in a hidden staging
folder beside the target, then claim the final name (see `sim.staging`)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .staging import Staged, StagedPath  # noqa: F401 - re-exported for the commands

if TYPE_CHECKING:
    import pandas as pd

    from .runner import RunResult

SMALL_TABLES = (
    "monthly",
    "retention",
    "budget",
    "targets",
    "market",
    "flows_by_reason",
    "recruitment_chains",
    "retention_by",
    "flows_by",
)


def git_commit() -> str:
    """The code's git commit ('' outside a checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=Path(__file__).resolve().parent
        )
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def scenario_hash(res: RunResult) -> str:
    """Short hash of the resolved scenario, engine and code version."""
    blob = json.dumps(res.scenario.model_dump(mode="json"), sort_keys=True) + res.engine + __version__
    return hashlib.sha256(blob.encode()).hexdigest()[:10]


def manifest(res: RunResult) -> dict:
    """What a run was: resolved scenario, seed, versions, engine, wall time."""
    return base_manifest(
        "run",
        scenario_name=res.scenario.name,
        scenario_hash=scenario_hash(res),
        seed=res.seed,
        engine=res.engine,
        wall_seconds=round(res.wall_seconds, 3),
        twin_seconds=round(res.twin_seconds, 3),
        n_agents=res.n_agents,
        people_per_agent=res.scenario.population.people_per_agent,
        months=res.months,
        scenario=res.scenario.model_dump(mode="json"),
    )


def write_run(res: RunResult, out_root: Path, fmt: str = "csv", figures: bool = True, by: str | None = None) -> Path:
    """Write tables, metrics, manifest and figures to out_root/<scenario>/<run-id>/
    (retention figures by breakdown `by` if given)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    with Staged(Path(out_root) / res.scenario.name, f"{stamp}-s{res.seed}-{scenario_hash(res)}") as tmp:
        write_tables(tmp, {k: res.tables[k] for k in SMALL_TABLES}, fmt)
        res.tables["spells"].to_parquet(tmp / "spells.parquet", index=False)
        (tmp / "summary.json").write_text(json_text(res.metrics), encoding="utf-8")
        if figures:
            from .plotting import all_figures  # matplotlib only when figures are drawn

            ppa = res.scenario.population.people_per_agent
            save_figures(tmp / "figures", all_figures(res.tables, res.months, ppa, scenario=res.scenario, by=by))
        (tmp / "manifest.json").write_text(json_text(manifest(res)), encoding="utf-8")
    return tmp.final


def json_text(obj) -> str:
    """Strict JSON (`sim.metrics.summary.json_text`: null, never NaN)."""
    from .metrics.summary import json_text as strict

    return strict(obj)


def write_tables(folder: Path, tables: dict, fmt: str = "csv") -> None:
    """Write tidy tables as CSV or Parquet (Parquet with one type per column)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, t in tables.items():
        if fmt == "parquet":
            one_type_per_column(t).to_parquet(folder / f"{name}.parquet", index=False)
        else:
            t.to_csv(folder / f"{name}.csv", index=False)


def one_type_per_column(t: pd.DataFrame) -> pd.DataFrame:
    """The table with each text column that mixes kinds of values (e.g. a target
    that is a number for one row and a month for another) stored as text; missing
    values stay missing. Parquet allows one type per column."""
    out = t.copy()
    for c in t.columns:
        if t[c].dtype != object:
            continue
        kinds = {type(v) for v in t[c] if not _missing(v)}
        if len(kinds) > 1 and not kinds <= {int, float}:
            out[c] = [None if _missing(v) else str(v) for v in t[c]]
    return out


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def save_figures(folder: Path, figs: dict) -> None:
    """Save figures in the configured formats (PNG by default, `--figure-format`) and free them."""
    from .plotting import save

    for stem, fig in figs.items():
        save(fig, folder, stem)


def base_manifest(kind: str, **extra) -> dict:
    """Version stamp shared by every results folder (run, replicates, compare, budget)."""
    return {
        "kind": kind,
        "package_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()} ({os.cpu_count()} cpus)",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
