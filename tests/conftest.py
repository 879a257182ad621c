"""Shared fixtures: small scenarios built from the shipped teaching preset; a real local
Dask cluster."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def policies_off(parent: str = "teaching_small") -> dict:
    """`policies:` overrides switching off every policy of a shipped scenario but the
    program levers, derived from the scenario (the rule of `sim.policies.policy_free`)."""
    from sim.schema.program import LEVERS

    return {k: {"enabled": False} for k, p in load_scenario(parent).policies.items() if p.type not in LEVERS}


@pytest.fixture
def write_scenario(tmp_path):
    """Write a YAML scenario (a dict) that extends a shipped one; returns its path."""

    def _write(data: dict, name: str = "case", parent: str = "teaching_small.yaml") -> Path:
        body = {"extends": str(SCENARIOS / parent), "name": name, **data}
        p = tmp_path / f"{name}.yaml"
        p.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def small():
    """teaching_small, 12 months."""
    return load_scenario("teaching_small")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    """A real `dask scheduler` and `dask worker` on 127.0.0.1, stopped by PID afterwards."""
    port = free_port()
    addr = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
        )
    ]
    procs.append(
        subprocess.Popen(
            [dask, "worker", addr, "--nthreads", "1", "--nworkers", "2", "--no-dashboard", "--host", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=tmp_path,
        )
    )
    try:
        from distributed import Client

        deadline = time.time() + 60
        while True:
            try:
                with Client(addr, timeout="2s") as c:
                    if len(c.scheduler_info()["workers"]) >= 2:
                        break
            except OSError:
                pass
            assert time.time() < deadline, "dask cluster did not start"
            time.sleep(0.5)
        yield addr
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
