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


def test_catalog_gets_one_row_per_published_run_readable_with_pandas(twelve_month_run, tmp_path):
    import pandas as pd

    runs = pd.read_parquet(twelve_month_run / "index.parquet")
    assert len(runs) == 1
    row = runs.iloc[0]
    assert row["scenario"] == "teaching_small" and row["months"] == 12 and row["people_per_agent"] == 50
    assert (twelve_month_run / row["path"] / "summary.json").exists()
    assert {"id", "seed", "engine", "code_version", "wall_seconds", "retention_ningbo_6m"} <= set(runs.columns)
    # a second run appends (the README's query works)
    args = ["run", "teaching_small", "--months", "3", "--people-per-agent", "200", "--seed", "9", "--quiet"]
    assert main([*args, "--no-figures", "--out", str(twelve_month_run)]) == 0
    runs = pd.read_parquet(twelve_month_run / "index.parquet")
    assert list(runs["months"]) == [12, 3] and runs["id"].is_unique
    short = runs.query("scenario == 'teaching_small' and months == 3")[["id", "seed", "retention_ningbo_3m"]]
    assert list(short["seed"]) == [9]
    assert not [p for p in twelve_month_run.iterdir() if p.name.endswith(".tmp")]


def test_catalog_row_for_a_replicate_set(replicate_set):
    import pandas as pd

    (row,) = pd.read_parquet(replicate_set / "index.parquet").itertuples()
    assert row.kind == "replicates" and row.n_runs == 2 and row.months == 12
    metrics = [json.loads(p.read_text()) for p in (replicate_set / row.path / "replicates").glob("*/metrics.json")]
    assert row.retention_ningbo_6m == pytest.approx(sum(m["retention_ningbo_6m"] for m in metrics) / 2)


def test_catalog_appends_from_concurrent_processes(tmp_path):
    import subprocess
    import sys

    import pandas as pd

    code = (
        "import sys; from sim.catalog import append\n"
        "for i in range(10): append(sys.argv[1], {'id': f'{sys.argv[2]}-{i}', 'scenario': 'x', 'seed': i})\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(k)]) for k in range(3)]
    assert all(p.wait() == 0 for p in procs)
    runs = pd.read_parquet(tmp_path / "index.parquet")
    assert len(runs) == 30 and runs["id"].is_unique  # no append lost to a race


def test_multirun_runs_summarizes_and_plots():
    import matplotlib.figure

    import sim

    small = {"calendar": {"months": 6}, "population": {"people_per_agent": 200}}
    mr = sim.MultiRun("teaching_small", n_runs=3, seed=4, engine="arrays", overrides=small).run()
    s = mr.summary()
    row = s.set_index("metric").loc["retention_ningbo_3m"]
    per_run = mr.metrics()["retention_ningbo_3m"]
    assert row["n"] == 3 and row["mean"] == per_run.mean()
    assert row["lo95"] <= row["mean"] <= row["hi95"] and row["q05"] <= row["q50"] <= row["q95"]
    assert len(set(per_run)) > 1  # three different runs
    assert isinstance(mr.plot(), matplotlib.figure.Figure)
    assert isinstance(mr.plot("flows"), matplotlib.figure.Figure)
    # the same as the command line's replicates on the same master seed
    from sim.streams import replicate_seeds

    assert list(mr.metrics()["seed"]) == replicate_seeds(4, 3)


def test_version_list_and_did_you_mean(capsys):
    from sim import __version__

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"laborsim {__version__}"
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [ln.split()[0] for ln in lines]
    assert "baseline_2020" in names and "teaching_small" in names and "targets" not in names
    assert all(len(ln.split(None, 1)) == 2 for ln in lines)  # every scenario has a description
    assert main(["run", "baselin_2020", "--quiet"]) == 2
    assert "did you mean baseline_2020?" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "budget", "app", "validate", "list", "schema"])
def test_every_help_has_examples(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and f"laborsim {command}" in out.split("examples:")[1]


def test_schema_validates_shipped_scenarios_and_accepts_schema_version(capsys, write_scenario):
    import jsonschema
    import yaml

    from sim import load_scenario
    from sim.loader import load_raw
    from tests.conftest import SCENARIOS

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["schema_version"]["maximum"] == 1
    from sim.schema import Scenario
    from sim.schema.keys import FILE_KEYS

    # the keys an unknown-key error lists at the top are the ones the schema command gives editors
    assert set(schema["properties"]) == set(Scenario.model_fields) | set(FILE_KEYS)
    for f in SCENARIOS.glob("*.yaml"):
        if f.stem != "targets":
            jsonschema.validate(yaml.safe_load(f.read_text(encoding="utf-8")), schema)
    jsonschema.validate(load_raw(SCENARIOS / "baseline_2020.yaml"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"behaviour": {}}, schema)  # a misspelled key is flagged in the editor
    assert load_scenario(write_scenario({"schema_version": 1})).schema_version == 1
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match="schema_version"):
        load_scenario(write_scenario({"schema_version": 2}, name="future"))


def test_help_and_list_do_not_load_mesa():
    import subprocess
    import sys

    code = "import sys; from sim.cli import main; main(['list']); assert 'mesa' not in sys.modules, 'mesa loaded'"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
