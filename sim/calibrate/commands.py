"""`laborsim calibrate SCENARIO`: fit the scenario's `calibration:` parameters to its
targets, lock the result, and (with --report) write the validation report.

Bad input (no calibration block, a targets file that is missing or leaves nothing
to fit) is refused before any run, in one line, with nothing written.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..calendar import key_label, month_key
from ..errors import ScenarioError
from ..loader import load_scenario, resolve_path
from ..metrics.targets import find_targets_file, scoring_plan
from ..streams import replicate_seeds
from .loss import split_targets
from .study import Plan, defaults_of, fail_orphans, finished, open_study, run_trials


def month_labels(sc) -> list[str]:
    """The run's month labels ("YYYY-MM")."""
    k0 = month_key(sc.calendar.start)
    return [key_label(k0 + i) for i in range(sc.calendar.months)]


def build_plan(args) -> tuple:
    """(scenario, plan, targets path) of a calibrate command; ScenarioError on bad input."""
    overrides: dict = {}
    if args.targets:
        if find_targets_file(args.targets, "<command line>") is None:
            raise ScenarioError("<command line>", "--targets", repr(args.targets), "an existing targets YAML file")
        overrides["scoring"] = {"targets_file": str(Path(args.targets).resolve()), "targets_section": None}
    sc = load_scenario(args.scenario, overrides)
    cal = sc.calibration
    if cal is None or not cal.parameters:
        raise ScenarioError(
            str(resolve_path(args.scenario)),
            "calibration.parameters",
            "none",
            "a calibration: block naming behavior.* parameters and their ranges (scenarios/README.md)",
        )
    sc = load_scenario(args.scenario, {**overrides, "population": {"people_per_agent": cal.people_per_agent}})
    _, targets = scoring_plan(sc.scoring, month_labels(sc))
    fitted, _ = split_targets(targets)
    if not fitted:
        raise ScenarioError(
            "<scenario>",
            "scoring.targets_file",
            repr(sc.scoring.targets_file),
            "a targets file with at least one target (not held out) the run's calendar covers",
        )
    sj = sc.model_dump(mode="json")
    seeds = replicate_seeds(sc.seed, cal.seeds)
    plan = Plan(sj, dict(cal.parameters), defaults_of(sj, cal.parameters), seeds, cal.engine, targets)
    tpath = find_targets_file(sc.scoring.targets_file, None)
    return sc, plan, tpath


#: Code a calibration run never executes (commands, reports, figures, other tools): left
#: out of the study's fingerprint, so editing a report does not start the study anew.
NOT_MODEL = (
    "app",
    "budget",
    "experiments",
    "cli.py",
    "plotting.py",
    "i18n.py",
    "report.py",
    "figures.py",
    "validation.py",
    "commands.py",
    "lock.py",
    "notebooks",
)


def fingerprint(plan: Plan, targets_path: Path) -> str:
    """What a study's trials depend on: the resolved scenario (with its calibration
    block), the seeds, the targets file and the model's code (every sim/ source file)."""
    import hashlib
    import json

    h = hashlib.sha256(json.dumps(plan.scenario_json, sort_keys=True).encode())
    h.update(repr(plan.seeds).encode())
    h.update(Path(targets_path).read_bytes())
    root = Path(__file__).resolve().parents[1]
    for f in sorted(root.rglob("*.py")):
        if f.relative_to(root).parts[0] in NOT_MODEL or f.name in NOT_MODEL:
            continue
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def study_path(args, sc, plan: Plan, targets_path: Path) -> Path:
    """The study's journal file: --study, else results/calibration/<name>-<fingerprint>.journal,
    so a killed calibration resumes its own study and a changed model or target starts anew."""
    if args.study:
        return Path(args.study)
    return Path(args.out) / "calibration" / f"{sc.name}-{fingerprint(plan, targets_path)}.journal"


def lock_path(args, sc) -> Path:
    """The locked file (--lock, else results/calibration/<name>.locked.yaml)."""
    return Path(args.lock) if args.lock else Path(args.out) / "calibration" / f"{sc.name}.locked.yaml"


def cmd_calibrate(args) -> int:
    """Run the missing trials, lock the best and the ensemble, and write the report."""
    from ..experiments.executors import executor
    from ..results_io import git_commit
    from .lock import locked_document, write_locked
    from .report import write_report

    sc, plan, tpath = build_plan(args)
    n_trials = args.trials or sc.calibration.trials
    spath = study_path(args, sc, plan, tpath)
    spath.parent.mkdir(parents=True, exist_ok=True)
    cal = sc.calibration
    study = open_study(spath, sc.name, plan, sc.seed % 2**31, cal.sampler)
    if "git_commit" not in study.user_attrs:  # the code the trials ran on, for the provenance
        study.set_user_attr("git_commit", git_commit())
        study.set_user_attr("fingerprint", spath.stem.rsplit("-", 1)[-1] if not args.study else "")
    orphans = fail_orphans(study)
    if orphans and not args.quiet:
        print(f"calibrate: resuming {spath}; {orphans} unfinished trials of a stopped run marked failed")
    t0 = time.perf_counter()
    with executor(args.workers, args.scheduler) as (ex, in_flight):
        run_trials(study, plan, n_trials, ex, max(in_flight, len(plan.seeds)), args.quiet)
    wall = time.perf_counter() - t0
    trials = finished(study)
    if not trials:
        raise ScenarioError(
            str(spath), "", "a study with no finished trial", "run laborsim calibrate without --report first"
        )
    lpath = lock_path(args, sc)
    extends = os.path.relpath(resolve_path(args.scenario).resolve(), lpath.parent.resolve())
    doc = locked_document(
        sc,
        extends,
        f"{sc.name}_calibrated",
        trials,
        plan.targets,
        tpath,
        study.user_attrs.get("git_commit") or git_commit(),
    )
    write_locked(doc, lpath)
    print(
        f"locked: {lpath} (best loss {doc['calibration']['locked']['provenance']['best_loss']:.4g}, "
        f"hand-set {doc['calibration']['locked']['provenance']['hand_set_loss']}; "
        f"{len(trials)} finished trials; this run {wall:,.0f} s)"
    )
    if args.report:
        rpath = write_report(sc, plan, study, doc, lpath)
        print(f"report: {rpath}")
    return 0
