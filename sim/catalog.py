"""The results catalog: `<results root>/index.parquet`, one row per published run.

Each row (`kind` "run", or "replicates" for a replicate set, with `n_runs` and the
mean of each metric over its runs) says what the run was (scenario, seed, engine, months, people per agent,
code version), where it is (path relative to the root) and its headline metrics,
so a colleague can find runs with pandas instead of opening folders:

    import pandas as pd
    runs = pd.read_parquet("results/index.parquet")
    runs.query("scenario == 'baseline_2020' and months == 24")[["id", "seed", "retention_ningbo_6m"]]

Rows are appended atomically and safely from concurrent processes: under an
exclusive `fcntl.flock` on `index.parquet.lock`, the current catalog is read, the
row added, a new file written beside it and renamed over the old one
(`os.replace`), so a reader sees either the old or the new catalog, never half.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import __version__
from .metrics.names import HEADLINE

CATALOG = "index.parquet"


def run_row(root: Path, folder: Path, res) -> dict:
    """The catalog row of one published run (a `RunResult` written to `folder`)."""
    from .results_io import git_commit

    row = {
        "id": folder.name,
        "kind": "run",
        "scenario": res.scenario.name,
        "seed": int(res.seed),
        "engine": res.engine,
        "months": len(res.months),
        "start": res.months[0] if res.months else "",
        "people_per_agent": float(res.scenario.population.people_per_agent),
        "n_agents": int(res.n_agents),
        "code_version": __version__,
        "git_commit": git_commit()[:12],
        "wall_seconds": float(res.wall_seconds),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "path": os.path.relpath(folder, root),
    }
    for k in HEADLINE:
        v = res.metrics.get(k)
        row[k] = float(v) if isinstance(v, (int, float)) else float("nan")
    return row


def replicates_row(root: Path, folder: Path, scenario, reps: list[dict], master_seed: int, engine: str) -> dict:
    """The catalog row of a published replicate set: its master seed, the number of runs
    (`n_runs`) and the mean of each headline metric over the runs."""
    from .results_io import git_commit

    row = {
        "id": folder.name,
        "kind": "replicates",
        "scenario": scenario.name,
        "seed": int(master_seed),
        "engine": engine,
        "months": int(scenario.calendar.months),
        "start": scenario.calendar.start,
        "people_per_agent": float(scenario.population.people_per_agent),
        "n_agents": int(reps[0].get("n_agents", 0)) if reps else 0,
        "n_runs": len(reps),
        "code_version": __version__,
        "git_commit": git_commit()[:12],
        "wall_seconds": float(sum(r["wall_seconds"] for r in reps)),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "path": os.path.relpath(folder, root),
    }
    for k in HEADLINE:
        vals = pd.to_numeric(pd.Series([r["metrics"].get(k) for r in reps]), errors="coerce")
        row[k] = float(vals.mean())
    return row


def append(root: Path, row: dict) -> Path:
    """Append one row to `root/index.parquet` atomically, under a lock; returns the catalog path."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / CATALOG
    with open(root / f"{CATALOG}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            old = pd.read_parquet(path) if path.exists() else None
            new = pd.DataFrame([row])
            table = new if old is None or old.empty else pd.concat([old, new], ignore_index=True)
            tmp = root / f".{CATALOG}.{os.getpid()}.tmp"
            table.to_parquet(tmp, index=False)
            os.replace(tmp, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


def record_run(root: Path, folder: Path, res) -> Path:
    """Add a just-published run to the catalog of its results root."""
    return append(root, run_row(Path(root), Path(folder), res))


def record_replicates(root: Path, folder: Path, scenario, reps: list[dict], master_seed: int, engine: str) -> Path:
    """Add a just-published replicate set to the catalog of its results root (one row)."""
    return append(root, replicates_row(Path(root), Path(folder), scenario, reps, master_seed, engine))


def read_catalog(root: Path) -> pd.DataFrame:
    """The catalog of a results root (an empty table when no run was recorded)."""
    path = Path(root) / CATALOG
    return pd.read_parquet(path) if path.exists() else pd.DataFrame(columns=["id", "scenario", "seed", "path"])
