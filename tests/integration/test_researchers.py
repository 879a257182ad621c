"""What a researcher sees: strict JSON everywhere, folders colleagues can read."""

import json
import os
import stat

import pytest

from sim.cli import main


def _strict(text: str):
    """json.loads that refuses NaN and Infinity (as most JSON readers do)."""

    def bad(token):
        raise ValueError(f"non-standard JSON constant {token}")

    return json.loads(text, parse_constant=bad)


@pytest.fixture(scope="module")
def twelve_month_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run12")
    args = ["run", "teaching_small", "--months", "12", "--people-per-agent", "50", "--out", str(out), "--quiet"]
    assert main([*args, "--no-figures"]) == 0
    return out


@pytest.fixture(scope="module")
def replicate_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("reps")
    args = ["run", "teaching_small", "--months", "12", "--people-per-agent", "100", "--replicates", "2"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    return out


def test_every_json_file_of_a_12_month_run_and_a_replicate_set_is_strict_json(twelve_month_run, replicate_set):
    files = [*twelve_month_run.rglob("*.json"), *replicate_set.rglob("*.json")]
    names = {f.name for f in files}
    assert {"summary.json", "manifest.json", "metrics.json"} <= names
    for f in files:
        _strict(f.read_text(encoding="utf-8"))
    (summary,) = twelve_month_run.rglob("summary.json")
    metrics = _strict(summary.read_text())
    # 12-month retention cannot be observed in a 12-month run: written as null, not NaN
    assert metrics["retention_ningbo_12m"] is None
    assert isinstance(metrics["retention_ningbo_3m"], float)


def test_results_folders_respect_the_umask(twelve_month_run):
    (folder,) = (twelve_month_run / "teaching_small").iterdir()
    old = os.umask(0)
    os.umask(old)
    mode = stat.S_IMODE(folder.stat().st_mode)
    assert mode == 0o777 & ~old
    if old == 0o022:
        assert mode == 0o755  # colleagues can read and enter it
