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
from .metrics.summary import json_text
from .plotting import all_figures, save
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
    return base_manifest(
        "run",
        scenario_name=res.scenario.name,
        scenario_hash=scenario_hash(res),
        seed=res.seed,
        engine=res.engine,
        wall_seconds=round(res.wall_seconds, 3),
        n_agents=res.n_agents,
        people_per_agent=res.scenario.population.people_per_agent,
        months=res.months,
        scenario=res.scenario.model_dump(mode="json"),
    )


def write_run(res: RunResult, out_root: Path, fmt: str = "csv", figures: bool = True) -> Path:
    """Write tables, metrics, manifest and figures to out_root/<scenario>/<run-id>/."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    with Staged(Path(out_root) / res.scenario.name, f"{stamp}-s{res.seed}-{scenario_hash(res)}") as tmp:
        write_tables(tmp, {k: res.tables[k] for k in SMALL_TABLES}, fmt)
        res.tables["spells"].to_parquet(tmp / "spells.parquet", index=False)
        (tmp / "summary.json").write_text(json_text(res.metrics), encoding="utf-8")
        if figures:
            ppa = res.scenario.population.people_per_agent
            save_figures(tmp / "figures", all_figures(res.tables, res.months, ppa, scenario=res.scenario))
        (tmp / "manifest.json").write_text(json_text(manifest(res)), encoding="utf-8")
    return tmp.final


class Staged:
    """A results folder written atomically: files go to a hidden temporary folder
    beside the target, renamed into place when the block ends without error and
    removed when it fails, so a crash never leaves a folder that looks complete.

    Usage: ``with Staged(parent, name) as tmp: ...`` then ``tmp.final``.
    """

    def __init__(self, parent: Path, name: str) -> None:
        self.parent, self.name = Path(parent), name

    def __enter__(self) -> StagedPath:
        self.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = StagedPath(tempfile.mkdtemp(prefix=f".tmp-{self.name}-", dir=self.parent))
        os.chmod(self.tmp, 0o777 & ~current_umask())  # mkdtemp makes it 0o700: let colleagues read it
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        target, k = self.parent / self.name, 1
        while target.exists():
            target = self.parent / f"{self.name}-{k}"
            k += 1
        os.rename(self.tmp, target)
        self.tmp.final = target


def current_umask() -> int:
    """The process umask (read by setting it and restoring it at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class StagedPath(type(Path())):
    """The temporary folder of a `Staged` block; `.final` is set once it is published."""

    final: Path | None = None


def write_tables(folder: Path, tables: dict, fmt: str = "csv") -> None:
    """Write tidy tables as CSV or Parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, t in tables.items():
        if fmt == "parquet":
            t.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            t.to_csv(folder / f"{name}.csv", index=False)


def save_figures(folder: Path, figs: dict) -> None:
    """Save figures in the configured formats (PNG by default, `--figure-format`) and free them."""
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
