"""The Optuna study behind `laborsim calibrate`: trials asked, run through an
executor on common-random-number seeds, told their loss; stored on disk.

Rules:
- The study lives in an Optuna journal file (one appended line per operation,
  under a file lock), so a calibration killed at any moment keeps every trial
  it finished; run again, it marks the trials the dead process left running as
  failed and runs only the trials still missing (`--trials` counts finished ones).
- Trial 0 of a new study is the scenario's own (hand-set) values, so the
  "before" loss is measured with the same seeds and the same loss.
- Every trial runs the same seeds (derived from the scenario's seed), so two
  parameter sets differ by their effect, not by their luck.
- Each finished trial stores, per seed, every target's metric (held-out ones
  too, which the loss never reads) and the report's short series.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ..schema.calibration import get_path
from .loss import trial_loss
from .task import calibration_task


@dataclass
class Plan:
    """What every trial runs: the scenario data, fitted ranges, seeds and targets."""

    scenario_json: dict
    ranges: dict  # path -> FitRange
    defaults: dict[str, float]  # path -> the scenario's own value
    seeds: list[int]
    engine: str
    targets: list[dict]  # all targets, fitted and held out

    @property
    def metrics(self) -> list[str]:
        return sorted({t["metric"] for t in self.targets})


def _optuna():
    try:
        import optuna
    except ImportError:
        from ..errors import ScenarioError

        raise ScenarioError(
            "<command line>",
            "calibrate",
            "optuna is not installed",
            "the `calibrate` extra: pip install 'laborsim[calibrate]'",
        ) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


class FlockLock:
    """The journal's lock as an OS file lock (fcntl.flock): the kernel releases it when
    its process dies, so a calibration killed with -9 never leaves a stale lock behind
    (Optuna's default lock file would hold the next run up until its grace period)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(f"{path}.flock")
        self.fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return True

    def release(self) -> None:
        import fcntl

        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def storage(path: Path):
    """An Optuna journal storage in file `path` (safe against kill -9 between writes)."""
    optuna = _optuna()
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    return JournalStorage(JournalFileBackend(str(path), lock_obj=FlockLock(path))), optuna


def make_sampler(plan: Plan, kind: str, seed: int):
    """The Optuna sampler: CMA-ES (`cmaes`: its search starts at the centre of the prior
    ranges, so ranges centred on the hand-set values make it a search around them, and
    trial 0 runs the hand-set values themselves), or TPE (`tpe`)."""
    optuna = _optuna()
    if kind == "cmaes":
        return optuna.samplers.CmaEsSampler(
            seed=seed,
            n_startup_trials=0,
            warn_independent_sampling=False,
        )
    n = len(plan.ranges)
    return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True, n_startup_trials=max(10, 2 * n))


def open_study(path: Path, name: str, plan: Plan, sampler_seed: int, kind: str = "cmaes"):
    """Create or load the study in `path`; a new one gets the hand-set values as trial 0."""
    st, optuna = storage(path)
    sampler = make_sampler(plan, kind, sampler_seed)
    study = optuna.create_study(study_name=name, storage=st, direction="minimize", sampler=sampler, load_if_exists=True)
    if not study.trials:
        study.enqueue_trial(plan.defaults, user_attrs={"hand_set": True}, skip_if_exists=True)
    return study


def fail_orphans(study) -> int:
    """Mark trials left RUNNING or WAITING by a killed process as failed; how many."""
    optuna = _optuna()
    orphans = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.RUNNING]
    for t in orphans:
        study.tell(t.number, state=optuna.trial.TrialState.FAIL)
    return len(orphans)


def finished(study) -> list:
    """Finished (COMPLETE) trials of the study."""
    optuna = _optuna()
    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))


def distributions(plan: Plan) -> dict:
    """Optuna distributions of the fitted parameters (integer ones stay integers)."""
    optuna = _optuna()
    out = {}
    for path, r in plan.ranges.items():
        if isinstance(plan.defaults[path], int):
            out[path] = optuna.distributions.IntDistribution(int(r.low), int(r.high), log=r.log)
        else:
            out[path] = optuna.distributions.FloatDistribution(r.low, r.high, log=r.log)
    return out


def defaults_of(scenario_json: dict, paths) -> dict[str, float]:
    """The scenario's own value of each fitted path (ints stay ints)."""
    return {p: get_path(scenario_json, p.split(".")) for p in paths}


def run_trials(study, plan: Plan, n_trials: int, executor: Executor, in_flight: int, quiet: bool = False) -> int:
    """Run trials until the study holds `n_trials` finished ones; returns how many ran now.

    At most `in_flight` runs are pending; a trial is told its loss when its last
    seed finishes. An error in a run fails that trial (reported), the rest go on.
    """
    todo = n_trials - len(finished(study))
    if todo <= 0:
        return 0
    dists = distributions(plan)
    pending: dict = {}
    open_trials: dict[int, dict] = {}
    asked = told = 0
    t0 = time.perf_counter()
    best = _best(study)
    with tqdm(total=todo, desc="calibrate", unit="trial", disable=quiet, smoothing=0.1) as bar:
        bar.set_postfix_str(_postfix(best))
        while True:
            while asked < todo and len(pending) < in_flight:
                trial = study.ask(dists)
                asked += 1
                open_trials[trial.number] = {"trial": trial, "runs": {}, "error": None}
                for s in plan.seeds:
                    job = (plan.scenario_json, trial.params, s, plan.engine, plan.metrics)
                    pending[executor.submit(calibration_task, *job)] = (trial.number, s)
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                number, seed = pending.pop(f)
                entry = open_trials[number]
                err = f.exception()
                if err is not None:
                    entry["error"] = err
                else:
                    entry["runs"][seed] = f.result()
                if len(entry["runs"]) == len(plan.seeds) or _settled(entry, pending, number):
                    loss = _tell(study, plan, open_trials.pop(number))
                    told += 1
                    if loss is not None and (best is None or loss < best):
                        best = loss
                    bar.update(1)
                    bar.set_postfix_str(_postfix(best))
    if not quiet:
        print(f"calibrate: {told} trials in {time.perf_counter() - t0:,.0f} s; {_postfix(best)}")
    return told


def _settled(entry: dict, pending: dict, number: int) -> bool:
    """A trial with an error is settled once none of its runs is pending."""
    return entry["error"] is not None and not any(n == number for n, _ in pending.values())


def _tell(study, plan: Plan, entry: dict) -> float | None:
    """Store a trial's per-seed results and tell its loss (or its failure)."""
    optuna = _optuna()
    trial = entry["trial"]
    if entry["error"] is not None:
        trial.set_user_attr("error", f"{type(entry['error']).__name__}: {entry['error']}"[:500])
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        print(f"calibrate: trial {trial.number} failed: {entry['error']}")
        return None
    runs = [entry["runs"][s] for s in plan.seeds]
    per_seed = [r["metrics"] for r in runs]
    loss = trial_loss(per_seed, plan.targets)
    trial.set_user_attr("metrics", per_seed)
    trial.set_user_attr("series", [r["series"] for r in runs])
    trial.set_user_attr("months", runs[0]["months"])
    trial.set_user_attr("seeds", plan.seeds)
    trial.set_user_attr("wall_seconds", [r["wall_seconds"] for r in runs])
    study.tell(trial, loss)
    return loss


def _best(study) -> float | None:
    done = finished(study)
    return min(t.value for t in done) if done else None


def _postfix(best: float | None) -> str:
    return "best loss n/a" if best is None else f"best loss {best:.4g}"
