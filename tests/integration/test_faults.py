"""Faults on a shared machine (issue 14): no orphan workers after kill -9, stale
staging folders removed at the next run, full or read-only disks end in one
line with nothing left behind, resume recomputes broken files, Parquet works."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = {"population": {"people_per_agent": 500}, "calendar": {"months": 3}}


def sweep_file(tmp_path: Path, months: int = 3, samples: int = 4, **kw) -> Path:
    """A sweep of teaching_small at 500 people per agent (or `overrides`)."""
    spec = {
        "name": "f",
        "scenario": str(ROOT / "scenarios" / "teaching_small.yaml"),
        "design": "lhs",
        "samples": samples,
        "seeds": 1,
        "seed": 2,
        "overrides": {**TINY, "calendar": {"months": months}},
        "parameters": {"policies.liaison.staff": {"low": 0, "high": 100}},
        **kw,
    }
    p = tmp_path / "sweep.yaml"
    p.write_text(yaml.safe_dump(spec))
    return p


def hidden(folder: Path) -> list[Path]:
    return list(folder.rglob(".*"))


# ---------------------------------------------------------------- kill -9: no orphans


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, grandchildren, ...), from /proc."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parent.items() if p in frontier} - found
        found |= frontier
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_busy_workers(pid: int, timeout: float = 180) -> set[int]:
    """The processes below `pid` once two of them have used 1.5 s of CPU (past
    start-up, about 1 s, and computing runs, as when a user kills a long command)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kids = descendants(pid)
        if sum(cpu_seconds(k) >= 1.5 for k in kids) >= 2:
            return kids
        time.sleep(0.2)
    raise AssertionError(f"workers never got busy: {descendants(pid)}")


def kill9_leaves_no_workers(cmd: list[str], cwd: Path) -> None:
    """Start `cmd`, wait until its worker processes compute, kill -9 it, and check
    that every process it started is gone within 60 seconds."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids = set()
    try:
        kids = wait_for_busy_workers(p.pid)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        deadline = time.time() + 60
        while [k for k in kids if running(k)] and time.time() < deadline:
            time.sleep(0.1)
        alive = [k for k in kids if running(k)]
        seen = {k: cmdline(k) for k in alive}
    finally:
        end_all(p, kids)  # a failing test leaves nothing running either
    assert not alive, f"{len(alive)} processes outlived kill -9 of their command: {seen}"


def end_all(p: subprocess.Popen, kids: set[int]) -> None:
    """Kill a command and every process it started that still runs."""
    kids = kids | descendants(p.pid)
    p.kill()
    p.wait()
    for k in kids:
        if running(k):
            os.kill(k, signal.SIGKILL)


def test_kill9_of_replicates_with_workers_leaves_no_worker_alive(tmp_path):
    cmd = [sys.executable, "-m", "sim", "run", "teaching_small", "--replicates", "6", "--workers", "2"]
    kill9_leaves_no_workers([*cmd, "--quiet", "--out", str(tmp_path / "R")], ROOT)


def test_kill9_of_sweep_with_workers_leaves_no_worker_alive_and_resume_tidies(tmp_path, capsys):
    spec = sweep_file(tmp_path, months=12, samples=4, overrides={"calendar": {"months": 12}})
    cmd = [sys.executable, "-m", "sim", "sweep", str(spec), "--workers", "2", "--quiet", "--out", str(tmp_path / "R")]
    kill9_leaves_no_workers(cmd, ROOT)
    assert main(["sweep", str(spec), "--quiet", "--out", str(tmp_path / "R")]) == 0  # claims of the dead are taken
    assert "4 runs" in capsys.readouterr().out and not hidden(tmp_path / "R")


# ---------------------------------------------------------------- stale staging folders


KILLED_WHILE_WRITING = """
import os, sys
from pathlib import Path
from sim.results_io import Staged
with Staged(Path(sys.argv[1]), "half-written") as tmp:
    (tmp / "monthly.csv").write_text("step,month")
    os.kill(os.getpid(), 9)
"""


def test_stale_staging_folders_of_killed_runs_are_removed_at_the_next_run(tmp_path, capsys):
    out = tmp_path / "R"
    for where in (out / "teaching_small", out / "compare"):
        r = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(where)], cwd=ROOT)
        assert r.returncode == -signal.SIGKILL
        assert len(hidden(where)) == 1  # kill -9 left a staging folder
    legacy = out / "teaching_small" / ".tmp-20200101T000000-s1-abc-x1y2z3w4"
    legacy.mkdir()
    os.utime(legacy, (time.time() - 3 * 86400,) * 2)
    from sim.results_io import Staged

    with Staged(out / "teaching_small", "still-writing"):  # a live run's staging folder stays
        assert main(["run", "teaching_small", "--months", "1", "--no-figures", "--quiet", "--out", str(out)]) == 0
        assert [p.name.split("@")[-1][:13] for p in hidden(out)] == ["still-writing"]
    assert not hidden(out)
    assert len(list((out / "teaching_small").iterdir())) == 2


KILLED_SWEEP_WRITE = """
import os, sys
from pathlib import Path
from sim.staging import staging_file
staging_file(Path(sys.argv[1]), ".parquet").write_bytes(b"PAR1 half")
os.kill(os.getpid(), 9)
"""


def test_stale_staging_files_of_a_killed_sweep_are_removed_at_resume(tmp_path, capsys):
    spec, out = sweep_file(tmp_path, samples=2), tmp_path / "R"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet", "--no-figures"]) == 0
    runs = out / "sweeps" / "f" / "runs"
    subprocess.run([sys.executable, "-c", KILLED_SWEEP_WRITE, str(runs)], cwd=ROOT)
    (runs / ".0123456789abcdef.parquet.tmp").write_bytes(b"")  # left by an older version
    os.utime(runs / ".0123456789abcdef.parquet.tmp", (time.time() - 3 * 86400,) * 2)
    assert len(hidden(out)) == 2
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    assert "0 computed, 2 already done" in capsys.readouterr().out
    assert not hidden(out)


# ---------------------------------------------------------------- full and read-only disks


@pytest.fixture
def small_disk(tmp_path):
    """A 100 KiB tmpfs (needs root and a kernel that lets this container mount)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "teaching_small", "--months", "2", "--quiet"],
        ["run", "teaching_small", "--months", "2", "--replicates", "2", "--quiet"],
        ["run", "teaching_small", "--months", "2", "--format", "parquet", "--no-figures", "--quiet"],
    ],
    ids=["run", "replicates", "parquet"],
)
def test_full_disk_ends_in_one_line_and_leaves_nothing(small_disk, argv, capsys):
    (small_disk / "filler").write_bytes(b"x" * 90_000)
    assert main([*argv, "--out", str(small_disk / "R")]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "no space left on device" in line and "R/teaching_small" in line
    assert [p.name for p in small_disk.iterdir()] == ["filler"]  # no empty scenario or results folder either


def test_full_disk_during_a_sweep_keeps_finished_runs_only(small_disk, tmp_path, capsys):
    spec = sweep_file(tmp_path, samples=8)  # a run file is about 18 KB: the disk fills after a few
    assert main(["sweep", str(spec), "--out", str(small_disk / "R"), "--quiet"]) == 2
    assert "no space left on device" in one_line_error(capsys.readouterr().err)
    assert not hidden(small_disk)
    kept = len(list(small_disk.rglob("*.parquet")))
    assert 0 < kept < 8
    subprocess.run(["mount", "-o", "remount,size=1m", str(small_disk)], check=True)
    assert main(["sweep", str(spec), "--out", str(small_disk / "R"), "--quiet"]) == 0
    assert f"{8 - kept} computed, {kept} already done" in capsys.readouterr().out
    assert (pd.read_csv(small_disk / "R" / "sweeps" / "f" / "index.csv").status == "ok").all()


def test_read_only_disk_ends_in_one_line(small_disk, capsys):
    (small_disk / "R").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert main(["run", "teaching_small", "--months", "1", "--quiet", "--out", str(small_disk / "R")]) == 2
    assert "R" in one_line_error(capsys.readouterr().err)
    assert list((small_disk / "R").iterdir()) == []


# ---------------------------------------------------------------- resume verifies


def test_resume_recomputes_a_run_file_truncated_to_zero_bytes(tmp_path, capsys):
    spec, out = sweep_file(tmp_path), tmp_path / "R"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    runs = out / "sweeps" / "f" / "runs"
    first = pd.read_csv(out / "sweeps" / "f" / "index.csv").drop(columns="wall_seconds")
    victim = sorted(runs.glob("*.parquet"))[0]
    victim.write_bytes(b"")
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    said = capsys.readouterr().out
    assert "1 computed, 3 already done" in said and "1 finished files were broken and recomputed" in said
    again = pd.read_csv(out / "sweeps" / "f" / "index.csv").drop(columns="wall_seconds")
    pd.testing.assert_frame_equal(first, again)


def test_resume_recomputes_a_run_file_whose_content_no_longer_matches_its_hash(tmp_path, capsys):
    spec, out = sweep_file(tmp_path), tmp_path / "R"
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    runs = out / "sweeps" / "f" / "runs"
    victim = sorted(runs.glob("*.parquet"))[1]
    t = pq.read_table(victim)
    col = t.schema.get_field_index("retention_ningbo_3m")
    t = t.set_column(col, "retention_ningbo_3m", pa.array([0.123456], pa.float64()))
    pq.write_table(t, victim)  # readable, same metadata, changed value
    capsys.readouterr()
    assert main(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    assert "1 finished files were broken" in capsys.readouterr().out
    assert pd.read_parquet(victim).retention_ningbo_3m.iloc[0] != 0.123456


# ---------------------------------------------------------------- parquet


def test_parquet_writes_every_table_and_each_reads_back(tmp_path, capsys):
    base = ["run", "teaching_small", "--months", "7", "--quiet", "--no-figures"]  # long enough to score T5 (June)
    assert main([*base, "--format", "parquet", "--out", str(tmp_path / "P")]) == 0
    assert main([*base, "--out", str(tmp_path / "C")]) == 0
    (p,) = (tmp_path / "P" / "teaching_small").iterdir()
    (c,) = (tmp_path / "C" / "teaching_small").iterdir()
    for name in ("monthly", "retention", "budget", "targets"):
        got, want = pd.read_parquet(p / f"{name}.parquet"), pd.read_csv(c / f"{name}.csv")
        assert list(got.columns) == list(want.columns) and len(got) == len(want), name
    targets = pd.read_parquet(p / "targets.parquet").set_index("id")  # numbers and months in one column
    assert targets.loc["T5", "target"] == "2020-06" and float(targets.loc["T1", "target"]) == 20000
    model_type = pq.read_schema(p / "targets.parquet").field("model").type
    assert pa.types.is_string(model_type) or pa.types.is_large_string(model_type)


def test_parquet_replicates_write_every_table_and_each_reads_back(tmp_path, capsys):
    argv = ["run", "teaching_small", "--months", "3", "--replicates", "2", "--format", "parquet", "--quiet"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    (folder,) = (tmp_path / "teaching_small").iterdir()
    tables = list(folder.rglob("*.parquet"))
    assert len(tables) == 5 + 2 * 3 and not list(folder.rglob("*.csv"))  # 5 aggregates (cumulative cost bands)
    for t in tables:
        assert len(pd.read_parquet(t)) > 0, t


def test_sigterm_of_replicates_with_workers_ends_workers_and_leaves_nothing(tmp_path):
    out = tmp_path / "R"
    cmd = [sys.executable, "-m", "sim", "run", "teaching_small", "--replicates", "30", "--workers", "2", "--quiet"]
    p = subprocess.Popen([*cmd, "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids = set()
    try:
        kids = wait_for_busy_workers(p.pid)
        p.terminate()
        _, err = p.communicate(timeout=60)
        deadline = time.time() + 60
        while [k for k in kids if running(k)] and time.time() < deadline:
            time.sleep(0.1)
        alive = [k for k in kids if running(k)]
    finally:
        end_all(p, kids)
    assert p.returncode == 130 and one_line_error(err).endswith("interrupted; nothing written")
    assert not alive
    assert not out.exists() or not list(out.rglob("*"))
