"""Many runs on one results folder at once: each publishes one complete folder,
nothing is lost, nothing hidden is left behind (issue 15)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, WRITERS = 50, 8


def hidden(folder: Path) -> list[Path]:
    """Every file or folder under `folder` whose name starts with a dot."""
    return [p for p in folder.rglob(".*")]


RACE = """
import json, multiprocessing, sys, time
from pathlib import Path
from sim.results_io import Staged

def publish(parent, start_at, i):
    while time.time() < start_at:  # every writer spins, so writers are preempted mid-publish
        pass
    try:
        with Staged(Path(parent), "same-name") as tmp:
            (tmp / "writer.txt").write_text(str(i))
        return str(tmp.final)
    except OSError as e:
        return f"lost: {e}"

if __name__ == "__main__":
    root, rounds, writers = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    out = []
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        for r in range(rounds):
            start_at = time.time() + 0.05
            out.append(pool.starmap(publish, [(str(root / f"round{r}"), start_at, i) for i in range(writers)]))
    print(json.dumps(out))
"""


def test_concurrent_publishes_of_one_name_each_keep_a_complete_folder(tmp_path):
    """The publish step itself: 8 processes publish one name at the same instant, 50
    rounds (in a fresh single-threaded interpreter, so forking is safe)."""
    r = subprocess.run(
        [sys.executable, "-c", RACE, str(tmp_path), str(ROUNDS), str(WRITERS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    bad = []
    for k, finals in enumerate(json.loads(r.stdout)):
        parent = tmp_path / f"round{k}"
        folders = [p for p in parent.iterdir() if not p.name.startswith(".")]
        whole = sorted((Path(f) / "writer.txt").read_text() for f in finals if not f.startswith("lost"))
        if whole != [str(i) for i in range(WRITERS)] or len(folders) != WRITERS or hidden(parent):
            bad.append((k, [f for f in finals if f.startswith("lost")][:1]))
    assert not bad, f"{len(bad)} of {ROUNDS} rounds lost or hid a folder: {bad[:3]}"


def test_eight_identical_runs_at_once_give_eight_complete_folders(tmp_path):
    cmd = [sys.executable, "-m", "sim", "run", "teaching_small", "--months", "1", "--no-figures", "--quiet"]
    cmd += ["--out", str(tmp_path / "R")]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for _, e in outs]
    folders = sorted((tmp_path / "R" / "teaching_small").iterdir())
    assert len(folders) == 8 and not hidden(tmp_path / "R")
    reported = sorted(Path(o.strip().splitlines()[-1].removeprefix("results: ")).name for o, _ in outs)
    assert reported == [f.name for f in folders]
    for f in folders:
        assert {p.name for p in f.iterdir()} >= {"manifest.json", "summary.json", "monthly.csv", "spells.parquet"}
        assert json.loads((f / "manifest.json").read_text())["seed"] == 20200101


def test_two_sweeps_of_one_design_at_once_give_one_complete_sweep(tmp_path):
    import pandas as pd
    import yaml

    spec = {
        "name": "both",
        "scenario": str(ROOT / "scenarios" / "teaching_small.yaml"),
        "design": "lhs",
        "samples": 6,
        "seeds": 1,
        "seed": 3,
        "overrides": {"population": {"people_per_agent": 500}, "calendar": {"months": 2}},
        "parameters": {"policies.liaison.staff": {"low": 0, "high": 100}},
    }
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec))
    cmd = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(tmp_path / "R"), "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    computed = [int(o.split(" computed")[0].rsplit(" ", 1)[1]) for o, _ in outs]
    assert sum(computed) == 6, outs  # each run computed by one of the two sweeps
    out = tmp_path / "R" / "sweeps" / "both"
    assert not hidden(tmp_path / "R")
    runs = sorted((out / "runs").iterdir())
    assert len([r for r in runs if r.suffix == ".parquet"]) == 6
    assert not [r for r in runs if r.name.endswith(".error.json")]
    index = pd.read_csv(out / "index.csv")
    assert len(index) == 6 and (index.status == "ok").all() and index.key.is_unique
    for key in index.key:  # every run file is whole and is the one the index shows
        row = pd.read_parquet(out / "runs" / f"{key}.parquet")
        assert row.key.tolist() == [key]
        assert row.wall_seconds.iloc[0] == index.set_index("key").wall_seconds[key]
