"""The locked result of a calibration: a scenario file that extends the calibrated
one, sets the best parameters, and carries the ensemble and its provenance.

Rules:
- The best set is the finished trial of lowest loss.
- The ensemble (method `loss_band`): every finished trial whose loss is at most
  best + band, best first, at most `max_sets` of them; the method is written in words.
- Provenance: the targets file's SHA-256, the fitted and held-out target ids,
  finished trials, best and hand-set loss, the seeds, scale and engine, the code
  version and git commit, and the date (UTC).
- The file is written atomically (staged beside it, then renamed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import yaml

from .. import __version__
from .loss import split_targets

SAMPLERS = {
    "cmaes": "CMA-ES from the centre of the prior ranges (centred on the hand-set values)",
    "tpe": "TPE (multivariate) over the prior ranges",
}


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def ensemble(trials: list, band: float, max_sets: int) -> list:
    """The finished trials within `band` of the best loss, best first, at most `max_sets`."""
    ranked = sorted(trials, key=lambda t: t.value)
    if not ranked:
        return []
    limit = ranked[0].value + band
    return [t for t in ranked if t.value <= limit][:max_sets]


def ensemble_method(band: float, max_sets: int, n: int) -> str:
    """The ensemble method in words."""
    return (
        f"loss band: every finished trial with loss <= best + {band:g} (mean squared tolerance-normalized "
        f"distance over the fitted targets and seeds), the best {max_sets} at most; {n} sets"
    )


def hand_set_loss(trials: list) -> float | None:
    """Loss of the trial that ran the scenario's own (hand-set) values, if it finished."""
    for t in trials:
        if t.user_attrs.get("hand_set"):
            return float(t.value)
    return None


def _plain(v):
    return int(v) if isinstance(v, int) and not isinstance(v, bool) else float(v)


def nested(params: dict[str, float]) -> dict:
    """{'behavior.a.b': v} -> {'a': {'b': v}} under behavior (the YAML a scenario states)."""
    out: dict = {}
    for path, v in params.items():
        parts = path.split(".")[1:]
        node = out
        for p in parts[:-1]:
            node = node.setdefault(int(p) if p.isdigit() else p, {})
        last = parts[-1]
        node[int(last) if last.isdigit() else last] = _plain(v)
    return out


def locked_document(
    scenario, extends: str, name: str, trials: list, targets: list[dict], targets_path: Path, git: str
) -> dict:
    """The locked scenario as data (see the module rules)."""
    cal = scenario.calibration
    ranked = ensemble(trials, cal.ensemble.band, cal.ensemble.max_sets)
    best = ranked[0]
    fitted, held = split_targets(targets)
    behavior = nested(best.params)
    _seasonal_lists(behavior, scenario)
    prov = {
        "method": f"Optuna {SAMPLERS[cal.sampler]}; loss = weighted mean of squared tolerance-normalized "
        "distances to the fitted targets, mean over common-random-number seeds",
        "targets_file": targets_path.name,
        "targets_sha256": file_sha256(targets_path),
        "fitted_targets": [t["id"] for t in fitted],
        "holdout_targets": [t["id"] for t in held],
        "trials_finished": len(trials),
        "best_trial": best.number,
        "best_loss": round(float(best.value), 6),
        "hand_set_loss": None if hand_set_loss(trials) is None else round(hand_set_loss(trials), 6),
        "seeds": list(best.user_attrs.get("seeds", [])),
        "people_per_agent": cal.people_per_agent,
        "engine": cal.engine,
        "code_version": __version__,
        "git_commit": git,
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    sets = [
        {"trial": t.number, "loss": round(float(t.value), 6), "params": {k: _plain(v) for k, v in t.params.items()}}
        for t in ranked
    ]
    locked = {
        "provenance": prov,
        "best": {k: _plain(v) for k, v in best.params.items()},
        "ensemble_method": ensemble_method(cal.ensemble.band, cal.ensemble.max_sets, len(ranked)),
        "ensemble": sets,
    }
    return {
        "extends": extends,
        "name": name,
        "description": f"{scenario.name}, behavior fitted by `laborsim calibrate` (see calibration.locked)",
        "behavior": behavior,
        "calibration": {"locked": locked},
    }


def _seasonal_lists(behavior: dict, scenario) -> None:
    """A fitted month of `departure.seasonal` (a 12-list) is written as the whole list,
    since the loader replaces lists rather than merging them."""
    dep = behavior.get("departure", {})
    if isinstance(dep.get("seasonal"), dict):
        full = list(scenario.behavior.departure.seasonal)
        for i, v in dep["seasonal"].items():
            full[int(i)] = v
        dep["seasonal"] = full


HEADER = (
    "# LOCKED: written by `laborsim calibrate` (sim/calibrate/lock.py); do not edit by hand.\n"
    "# Re-run with `make calibrate`. Provenance, the ensemble and its method: calibration.locked.\n"
    "# Every fitted value here replaces an ASSUMPTION of sim/schema/behavior.py by a value fitted to\n"
    "# scenarios/targets.yaml (its sources are there); the unfitted parameters keep their sources.\n"
)


def write_locked(doc: dict, path: Path) -> Path:
    """Write the locked scenario atomically (staged beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    os.replace(tmp, path)
    return path
