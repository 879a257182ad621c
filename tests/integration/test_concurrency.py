"""Many runs on one results folder at once: each publishes one complete folder,
nothing is lost, nothing hidden is left behind (issue 15)."""

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

from sim.staging import Staged

ROOT = Path(__file__).resolve().parents[2]
ROUNDS, WRITERS = 40, 8


def hidden(folder: Path) -> list[Path]:
    """Every file or folder under `folder` whose name starts with a dot."""
    return [p for p in folder.rglob(".*")]


def _publish_rounds(root: str, barrier, results, i: int) -> None:
    """Writer `i`: in each round, publish a folder named like every other writer's,
    all writers released together; the error text stands in for a lost folder."""
    finals = []
    for r in range(ROUNDS):
        barrier.wait(timeout=120)
        try:
            with Staged(Path(root) / f"round{r}", "same-name") as tmp:
                (tmp / "writer.txt").write_text(str(i))
            finals.append(str(tmp.final))
        except OSError as e:
            finals.append(f"lost: {e}")
    results.put((i, finals))


def test_concurrent_publishes_of_one_name_each_keep_a_complete_folder(tmp_path):
    """The publish step itself: 8 processes publish one name at the same instant, 40
    rounds (today's code lost a folder in several of the 40 rounds every time)."""
    ctx = multiprocessing.get_context("forkserver")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=_publish_rounds, args=(str(tmp_path), barrier, results, i)) for i in range(WRITERS)]
    for p in procs:
        p.start()
    per_writer = dict(results.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    bad = []
    for r in range(ROUNDS):
        parent = tmp_path / f"round{r}"
        finals = [w[r] for w in per_writer.values()]
        folders = [p for p in parent.iterdir() if not p.name.startswith(".")]
        whole = all(not f.startswith("lost") and (Path(f) / "writer.txt").exists() for f in finals)
        if not whole or len(folders) != WRITERS or hidden(parent):
            bad.append((r, [f for f in finals if f.startswith("lost")][:1]))
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
