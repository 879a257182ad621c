"""`laborsim calibrate` end to end on a small preset: kill -9 mid-run, resume, count
trials; the locked file loads as a scenario with the best values; the report lists
held-out targets apart."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from sim.calibrate.study import finished, storage
from sim.cli import main
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = """extends: {base}
name: cal_small
calendar: {{months: 12}}
calibration:
  seeds: 2
  trials: 8
  people_per_agent: 250
  engine: agents
  parameters:
    behavior.departure.p_depart_home_month: {{low: 0.004, high: 0.015, log: true}}
    behavior.quit_hazard.by_tenure_month.1: {{low: 0.05, high: 0.2}}
    behavior.away.p_festival_stay_month: {{low: 0.02, high: 0.3}}
"""


def _states(journal: Path) -> dict[int, tuple[str, float | None]]:
    st, optuna = storage(journal)
    study = optuna.load_study(study_name="cal_small", storage=st)
    return {t.number: (t.state.name, t.value) for t in study.get_trials(deepcopy=False)}


def test_kill_9_and_resume_keeps_every_finished_trial(tmp_path):
    sc = tmp_path / "cal_small.yaml"
    sc.write_text(SCENARIO.format(base=ROOT / "scenarios" / "teaching_small.yaml"), encoding="utf-8")
    # the hand-set-only scenario is invalid for nothing: parameters are not part of the base's block
    out = tmp_path / "out"
    journal = tmp_path / "study.journal"
    cmd = [sys.executable, "-m", "sim", "calibrate", str(sc), "--out", str(out), "--study", str(journal)]
    proc = subprocess.Popen([*cmd, "--trials", "60", "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if journal.exists() and sum(s == "COMPLETE" for s, _ in _states(journal).values()) >= 3:
                break
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = {n: v for n, (s, v) in _states(journal).items() if s == "COMPLETE"}
    assert 3 <= len(before) < 8
    target = len(before) + 3
    rc = main([*cmd[3:], "--trials", str(target), "--quiet", "--report", "--lock", str(tmp_path / "locked.yaml")])
    assert rc == 0
    after = _states(journal)
    done = {n: v for n, (s, v) in after.items() if s == "COMPLETE"}
    assert len(done) == target  # exactly the missing trials ran
    assert all(done[n] == v for n, v in before.items())  # nothing finished was lost or redone
    assert not any(s == "RUNNING" for s, _ in after.values())  # the killed run's trial was closed
    st, optuna = storage(journal)
    assert len(finished(optuna.load_study(study_name="cal_small", storage=st))) == target

    locked = yaml.safe_load((tmp_path / "locked.yaml").read_text(encoding="utf-8"))
    prov = locked["calibration"]["locked"]["provenance"]
    assert prov["trials_finished"] == target and prov["best_loss"] == min(round(v, 6) for v in done.values())
    assert {"targets_sha256", "seeds", "code_version", "git_commit", "date_utc"} <= set(prov)
    assert prov["holdout_targets"] == ["T4", "T4p"] and "T4" not in prov["fitted_targets"]
    best = locked["calibration"]["locked"]["best"]
    lsc = load_scenario(tmp_path / "locked.yaml")
    assert lsc.behavior.quit_hazard.by_tenure_month[1] == best["behavior.quit_hazard.by_tenure_month.1"]
    assert lsc.behavior.departure.p_depart_home_month == best["behavior.departure.p_depart_home_month"]
    report = (tmp_path / "locked.report.md").read_text(encoding="utf-8")
    fitted, held = report.split("## Held-out targets")[0], report.split("## Held-out targets")[1].split("##")[0]
    assert "| T4 |" in held and "| T4 |" not in fitted and "| T1 |" in fitted
    assert (tmp_path / "locked.series.png").stat().st_size > 1000


def test_calibrate_through_a_dask_cluster_scores_as_in_process(tmp_path, dask_cluster):
    """Trials sent to a Dask cluster (`--scheduler`) finish, and trial 0 (the hand-set
    values on the same common-random-number seeds) has the loss it has in process."""
    sc = tmp_path / "cal_small.yaml"
    sc.write_text(SCENARIO.format(base=ROOT / "scenarios" / "teaching_small.yaml"), encoding="utf-8")
    remote, local = tmp_path / "remote.journal", tmp_path / "local.journal"
    common = [str(sc), "--out", str(tmp_path / "out"), "--quiet", "--no-figures"]
    assert main(["calibrate", *common, "--study", str(remote), "--trials", "3", "--scheduler", dask_cluster]) == 0
    assert main(["calibrate", *common, "--study", str(local), "--trials", "1"]) == 0
    on_dask, here = _states(remote), _states(local)
    assert sum(s == "COMPLETE" for s, _ in on_dask.values()) == 3
    assert on_dask[0] == here[0] and here[0][0] == "COMPLETE"
