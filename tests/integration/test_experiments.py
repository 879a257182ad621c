"""Replicates, compare, sweeps (resume, failures), executors and bad input."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim import load_scenario
from sim.cli import main
from sim.experiments.executors import InProcessExecutor, close_executor, make_executor
from sim.experiments.replicates import run_replicates
from sim.streams import replicate_seeds
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
TINY = {"population": {"people_per_agent": 500}, "calendar": {"months": 4}}


def sweep_file(tmp_path, **kw) -> Path:
    spec = {
        "name": "t",
        "scenario": str(ROOT / "scenarios" / "teaching_small.yaml"),
        "design": "lhs",
        "samples": 4,
        "seeds": 2,
        "seed": 1,
        "overrides": TINY,
        "parameters": {"policies.liaison.staff": {"low": 0, "high": 100}},
    }
    spec.update(kw)
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(spec))
    return p


def test_local_processes_give_the_same_results_as_in_process():
    sc = load_scenario("teaching_small", TINY)
    seeds = replicate_seeds(3, 4)
    a = run_replicates(sc, seeds, InProcessExecutor(), 1, quiet=True)
    ex, n = make_executor(workers=2)
    try:
        b = run_replicates(sc, seeds, ex, n, quiet=True)
    finally:
        close_executor(ex)
    pd.testing.assert_frame_equal(pd.DataFrame([r["metrics"] for r in a]), pd.DataFrame([r["metrics"] for r in b]))
    pd.testing.assert_frame_equal(a[0]["monthly"], b[0]["monthly"])


def test_replicates_cli_writes_bands_and_each_replicate(tmp_path, capsys):
    code = main(["run", "teaching_small", "--months", "4", "--replicates", "3", "--out", str(tmp_path), "--quiet"])
    assert code == 0
    (folder,) = (tmp_path / "teaching_small").iterdir()
    bands = pd.read_csv(folder / "monthly_bands.csv")
    assert {"mean", "q05", "q50", "q95"} <= set(bands.columns)
    row = bands[(bands.variable == "arrivals_ningbo")].iloc[0]
    assert row.q05 <= row.q50 <= row.q95
    assert len(list((folder / "replicates").iterdir())) == 3
    assert (folder / "figures" / "retention_ningbo_bands.png").exists()
    man = json.loads((folder / "manifest.json").read_text())
    assert len(man["seeds"]) == 3 and man["master_seed"] == 20200101


def test_until_ci_adds_replicates_up_to_the_cap(tmp_path, capsys):
    args = [
        "run",
        "teaching_small",
        "--months",
        "4",
        "--out",
        str(tmp_path),
        "--quiet",
        "--replicates",
        "3",
        "--metric",
        "retention_ningbo_3m",
    ]
    assert main(args + ["--until-ci", "10"]) == 0  # any interval is narrower than 10: stops at the start
    assert "after 3 replicates" in capsys.readouterr().out
    assert main(args + ["--until-ci", "1e-9", "--max-replicates", "8"]) == 0
    assert "after 8 replicates" in capsys.readouterr().out


def test_compare_opens_with_parameter_differences(tmp_path, capsys):
    code = main(
        [
            "compare",
            "no_policy",
            "policy_liaison",
            "--replicates",
            "3",
            "--out",
            str(tmp_path),
            "--quiet",
            "--engine",
            "arrays",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("policy_liaison vs no_policy")
    assert "policies.liaison.enabled: False -> True" in out
    (folder,) = (tmp_path / "compare").iterdir()
    s = pd.read_csv(folder / "paired_summary.csv")
    assert {"retention_ningbo_6m_poor", "return_home_total", "cost_total_yuan"} <= set(s.metric)
    assert (s.diff_lo95 <= s.diff_mean).all() and (s.diff_mean <= s.diff_hi95).all()


def test_sweep_runs_once_and_resumes_after_a_kill(tmp_path):
    spec = sweep_file(tmp_path, samples=6, seeds=2, overrides={**TINY, "calendar": {"months": 8}})
    out = tmp_path / "out"
    runs = out / "sweeps" / "t" / "runs"
    cmd = [sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out), "--quiet"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120

    def finished() -> int:  # published run files (staging files are hidden: .tmp-*)
        return len([f for f in runs.glob("*.parquet") if not f.name.startswith(".")]) if runs.exists() else 0

    while finished() < 3 and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    done_before = finished()
    assert 3 <= done_before < 12, done_before
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"{12 - done_before} computed, {done_before} already done" in r.stdout
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert "0 computed, 12 already done" in r.stdout
    index = pd.read_csv(out / "sweeps" / "t" / "index.csv")
    assert len(index) == 12 and (index.status == "ok").all()


def test_failed_run_is_recorded_and_others_go_on(tmp_path, capsys, monkeypatch):
    from sim.experiments import batch

    real = batch.run_task

    def flaky(sj, seed, *args):  # a run that fails inside the model (values out of range are refused up front)
        if sj["behavior"]["quit_outcome"]["secret"] > 0.4:
            raise RuntimeError("secret above 0.4 breaks this run")
        return real(sj, seed, *args)

    monkeypatch.setattr(batch, "run_task", flaky)
    spec = sweep_file(tmp_path, design="grid", parameters={"behavior.quit_outcome.secret": {"values": [0.3, 0.5]}})
    assert main(["sweep", str(spec), "--out", str(tmp_path), "--quiet"]) == 0
    assert "2 computed" in capsys.readouterr().out
    index = pd.read_csv(tmp_path / "sweeps" / "t" / "index.csv")
    assert (index.status == "ok").sum() == 2 and (index.status == "failed").sum() == 2
    assert index.loc[index.status == "failed", "error"].str.contains("secret").all()


@pytest.mark.parametrize(
    "kw,where",
    [
        (
            {"parameters": {"behavior.quit_hazard.liason": {"low": 0.5, "high": 1}}},
            "parameters.behavior.quit_hazard.liason",
        ),
        ({"parameters": {"policies.liaison.staff": {"low": 10, "high": 10}}}, "parameters.policies.liaison.staff.high"),
    ],
)
def test_bad_sweep_files_exit_2(tmp_path, capsys, kw, where):
    assert main(["sweep", str(sweep_file(tmp_path, **kw)), "--out", str(tmp_path / "o")]) == 2
    assert where in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_bad_scheduler_addresses_exit_2(tmp_path, capsys):
    spec = str(sweep_file(tmp_path))
    assert main(["sweep", spec, "--scheduler", "localhost:8786", "--out", str(tmp_path)]) == 2
    assert "tcp://HOST:PORT" in capsys.readouterr().err
    assert main(["sweep", spec, "--scheduler", f"tcp://127.0.0.1:{free_port()}", "--out", str(tmp_path)]) == 2
    assert "unreachable" in capsys.readouterr().err


def test_sweep_through_a_dask_cluster_matches_in_process(tmp_path, dask_cluster, capsys):
    spec = str(sweep_file(tmp_path))
    assert main(["sweep", spec, "--scheduler", dask_cluster, "--out", str(tmp_path / "dask"), "--quiet"]) == 0
    assert "8 computed" in capsys.readouterr().out
    assert main(["sweep", spec, "--out", str(tmp_path / "local"), "--quiet"]) == 0
    a = pd.read_csv(tmp_path / "dask" / "sweeps" / "t" / "index.csv").drop(columns="wall_seconds")
    b = pd.read_csv(tmp_path / "local" / "sweeps" / "t" / "index.csv").drop(columns="wall_seconds")
    pd.testing.assert_frame_equal(a, b)
