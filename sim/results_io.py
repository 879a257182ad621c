"""Write a run's results folder atomically: build it in a hidden temporary
folder beside the target, then rename it into place."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .plotting import all_figures, close
from .runner import RunResult

SMALL_TABLES = ("monthly", "retention", "budget", "targets")


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
    return {
        "scenario_name": res.scenario.name,
        "scenario_hash": scenario_hash(res),
        "seed": res.seed,
        "engine": res.engine,
        "package_version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()} ({os.cpu_count()} cpus)",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(res.wall_seconds, 3),
        "n_agents": res.n_agents,
        "people_per_agent": res.scenario.population.people_per_agent,
        "months": res.months,
        "scenario": res.scenario.model_dump(mode="json"),
    }


def write_run(res: RunResult, out_root: Path, fmt: str = "csv", figures: bool = True) -> Path:
    """Write tables, metrics, manifest and figures to out_root/<scenario>/<run-id>/."""
    parent = Path(out_root) / res.scenario.name
    parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    run_id = f"{stamp}-s{res.seed}-{scenario_hash(res)}"
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{run_id}-", dir=parent))
    try:
        for name in SMALL_TABLES:
            t = res.tables[name]
            if fmt == "parquet":
                t.to_parquet(tmp / f"{name}.parquet", index=False)
            else:
                t.to_csv(tmp / f"{name}.csv", index=False)
        res.tables["spells"].to_parquet(tmp / "spells.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(res.metrics, indent=2, default=float), encoding="utf-8")
        if figures:
            (tmp / "figures").mkdir()
            for stem, fig in all_figures(res.tables, res.months).items():
                fig.savefig(tmp / "figures" / f"{stem}.png", dpi=110)
                close(fig)
        (tmp / "manifest.json").write_text(json.dumps(manifest(res), indent=2), encoding="utf-8")
        final = parent / run_id
        k = 1
        while final.exists():
            final = parent / f"{run_id}-{k}"
            k += 1
        os.rename(tmp, final)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
