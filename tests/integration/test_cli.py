"""End-to-end command line: a small run writes a complete folder; bad input writes nothing."""

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import main


def test_small_run_writes_complete_results_folder(tmp_path, capsys):
    code = main(["run", "teaching_small", "--months", "6", "--seed", "5", "--out", str(tmp_path), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "T1" in out and "arrivals_ningbo_jan_may_2020" in out
    (folder,) = list((tmp_path / "teaching_small").iterdir())
    names = {p.name for p in folder.iterdir()}
    assert {
        "manifest.json",
        "monthly.csv",
        "retention.csv",
        "budget.csv",
        "targets.csv",
        "summary.json",
        "spells.parquet",
        "figures",
    } <= names
    figs = {p.name for p in (folder / "figures").iterdir()}
    assert {"retention_ningbo.png", "flows.png", "budget_cumulative.png"} <= figs
    man = json.loads((folder / "manifest.json").read_text())
    assert man["seed"] == 5 and man["engine"] == "agents" and man["scenario"]["calendar"]["months"] == 6
    assert man["wall_seconds"] > 0 and man["twin_seconds"] > 0 and man["package_version"]
    monthly = pd.read_csv(folder / "monthly.csv")
    assert monthly["month"].nunique() == 6
    assert not [p for p in (tmp_path / "teaching_small").iterdir() if p.name.startswith(".tmp")]


@pytest.mark.parametrize(
    "extra",
    [
        "behaviour: {}\n",
        "behavior: {quit_outcome: {secret: 1.7}}\n",
        "policies: {liaison: {staff: -5}}\n",
        "calendar: {months: twelve}\n",
        "calendar: {months: 12\n",
    ],
)
def test_bad_input_exit_2_no_traceback_nothing_written(tmp_path, extra):
    from tests.conftest import SCENARIOS

    p = tmp_path / "bad.yaml"
    p.write_text(f"extends: {SCENARIOS / 'teaching_small.yaml'}\nname: bad\n{extra}")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "sim", "run", str(p), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stderr.startswith("laborsim: error: ")
    assert str(p) in r.stderr
    assert not out.exists()


def test_validate_and_bad_cli_value(tmp_path, capsys):
    assert main(["validate", "baseline_2020"]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["run", "teaching_small", "--months", "0", "--out", str(tmp_path)]) == 2
    assert "calendar.months" in capsys.readouterr().err
    assert not (tmp_path / "teaching_small").exists()


def test_too_many_agents_is_bad_input(tmp_path, capsys):
    assert main(["run", "baseline_2020", "--people-per-agent", "0.01", "--out", str(tmp_path), "--quiet"]) == 2
    assert "population.max_agents" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_first_run_after_a_change_says_it_is_compiling(tmp_path, capsys, monkeypatch):
    """The first run of an engine with a new compile cache says why its first month waits;
    the next run does not (a new user saw 13 s of a silent first month)."""
    import sim.jit

    monkeypatch.setattr(sim.jit, "cache_dir", lambda: tmp_path / "cache")
    argv = ["run", "teaching_small", "--months", "2", "--engine", "agents", "--no-figures", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert "compiling the model's rules for the agents engine" in capsys.readouterr().err
    assert main(argv) == 0
    assert "compiling" not in capsys.readouterr().err


def test_a_change_after_the_last_month_is_noted_not_silently_dropped(tmp_path, capsys):
    """A dated change the run never reaches (the run was shortened) gets one line on stderr."""
    argv = ["run", "baseline_2020_pairing_ends", "--people-per-agent", "400", "--no-figures", "--out", str(tmp_path)]
    assert main([*argv, "--months", "6"]) == 0
    err = capsys.readouterr().err
    assert "changes.0 (2021-01) falls after the run's last month (2020-06) and is not applied" in err
    assert main([*argv, "--months", "13"]) == 0
    assert "falls after" not in capsys.readouterr().err


def test_summary_marks_held_out_targets(tmp_path, capsys):
    """Targets kept out of calibration are marked in the table and named under it, so a
    NO on one of them at a coarse scale is not read as a failed calibration."""
    argv = ["run", "baseline_2020", "--months", "6", "--people-per-agent", "400", "--no-figures"]
    argv += ["--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    (t4,) = [ln for ln in out.splitlines() if ln.startswith("T4 ")]
    assert t4.endswith("(held out)")
    (t1,) = [ln for ln in out.splitlines() if ln.startswith("T1 ")]
    assert "held out" not in t1
    assert re.search(r"\d+ of \d+ targets met; held out of calibration .*: T4, T4p", out)
