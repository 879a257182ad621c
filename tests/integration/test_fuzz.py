"""Fuzz the command line with hypothesis (issue 14): mutated scenarios, mutated
sweep files and hostile option values must give exit 0, or exit 2 with one line
and no traceback; nothing may be written outside `--out`, and nothing at all on
exit 2.

Each example runs in its own sandbox folder (also the working directory), in
process via `sim.cli.main`. Where a command would start simulating, the fuzz of
options and sweeps stops it (`Started`) and counts the input as accepted; the
fuzz of scenarios runs the model for real on a tiny population.

Bounded for CI (about a minute in all); set LABORSIM_FUZZ_SCALE=10 for a deeper local run.
"""

from __future__ import annotations

import copy
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import load_scenario
from sim.cli import main
from tests.conftest import SCENARIOS

SCALE = float(os.environ.get("LABORSIM_FUZZ_SCALE", "1"))


def fuzz_settings(n: int):
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class Started(Exception):
    """Raised where a command would start simulating: the input was accepted."""


@pytest.fixture
def stop_at_work(monkeypatch):
    def started(*a, **k):
        raise Started

    monkeypatch.setattr("sim.runner.build_model", started)
    monkeypatch.setattr("sim.budget.twin.build_model", started)
    monkeypatch.setattr("sim.experiments.commands.run_sweep", started)
    monkeypatch.setattr(subprocess, "call", started)  # `laborsim app` starting its server
    monkeypatch.setattr("os.execve", started)  # ... which replaces the process with the server


TINY_BASE = load_scenario(
    SCENARIOS / "teaching_small.yaml", {"population": {"people_per_agent": 2000}, "calendar": {"months": 3}}
).model_dump(mode="json")


def _paths(node, prefix=()) -> list[tuple]:
    """Every key path of a nested mapping/list (to a mapping value, list item or leaf)."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in items:
        out.append(prefix + (k,))
        out += _paths(v, prefix + (k,))
    return out


PATHS = _paths(TINY_BASE)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
NASTY = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        1,
        2**63,
        10**39,
        -(10**12),
        0.5,
        1e-9,
        1e308,
        -1e308,
        math.nan,
        math.inf,
        -math.inf,
        "",
        "..",
        ".",
        "a/b",
        "x" * 300,
        "2020-13",
        "2020-01",
        [],
        {},
        [1, 2],
        {"a": 1},
        "\x00",
        "a\nb",
        "\r",
    ]
)
VALUE = NASTY | st.integers() | st.floats() | TEXT
KINDS = st.sampled_from(["delete", "rename", "set", "scale", "scale"])
FACTOR = st.sampled_from([0, -1, 1e-3, 0.5, 2, 10, 1e3, 1e6])
MUTATION = st.tuples(st.sampled_from(range(len(PATHS))), KINDS, VALUE, FACTOR)
RAW = st.sampled_from(["none", "none", "none", "truncate", "bad_byte", "tab", "dup_line"])


def mutate(base: dict, paths: list[tuple], mutations: list[tuple]) -> dict:
    """Apply (index into `paths`, kind, value, factor) mutations: delete or rename the key,
    set it to `value`, or scale a number by `factor`; paths that no longer exist are skipped."""
    data = copy.deepcopy(base)
    for idx, kind, value, factor in mutations:
        path = paths[idx]
        parent = data
        try:
            for k in path[:-1]:
                parent = parent[k]
            key = path[-1]
            parent[key]  # noqa: B018 - the path must still exist
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, dict | list):  # an earlier mutation set the container to text
            continue
        if kind == "delete":
            del parent[key]
        elif kind == "rename" and isinstance(parent, dict):
            parent[f"{key}_x"] = parent.pop(key)
        elif kind == "scale":
            old = parent[key]
            if isinstance(old, bool) or not isinstance(old, int | float):
                continue
            parent[key] = int(round(old * factor)) if isinstance(old, int) else old * factor
        else:
            parent[key] = value
    return data


def raw_mutate(text: str, how: str, where: float) -> bytes:
    """Damage the file as text: cut it, put a non-UTF-8 byte, a tab, or a repeated line in it."""
    blob = text.encode("utf-8")
    at = int(where * len(blob))
    if how == "truncate":
        return blob[:at]
    if how == "bad_byte":
        return blob[:at] + b"\xff" + blob[at:]
    lines = text.splitlines(keepends=True)
    i = int(where * (len(lines) - 1))
    if how == "tab":
        lines[i] = "\t" + lines[i]
    elif how == "dup_line":
        lines.insert(i, lines[i])
    return "".join(lines).encode("utf-8")


def sandbox() -> Path:
    return Path(tempfile.mkdtemp(prefix="laborsim-fuzz-"))


def check(box: Path, inputs: set[str], code, err: str) -> None:
    """Exit 0 (or started), or exit 2 with one line; nothing outside out/, nothing on exit 2."""
    written = {p.name for p in box.iterdir()} - inputs
    assert code in (0, 2, "started"), (code, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("laborsim"), err
        assert "Traceback" not in err and "allowed" in lines[0], err
        assert not written, f"written on exit 2: {written}"
    else:
        assert written <= {"out"}, f"written outside --out: {written - {'out'}}"


def call(argv: list[str], capsys) -> tuple:
    try:
        code = main(argv)
    except Started:
        code = "started"
    return code, capsys.readouterr().err


def tally(code) -> None:
    """Label the example by its outcome (see --hypothesis-show-statistics)."""
    event(f"exit {code}" if code != "started" else "accepted (stopped at the first run)")


def _scenario_file(box: Path, data: dict, raw: str, where: float) -> Path:
    p = box / "scenario.yaml"
    p.write_bytes(raw_mutate(yaml.safe_dump(data, allow_unicode=True), raw, where))
    return p


@fuzz_settings(100)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3), raw=RAW, where=st.floats(0, 1))
def test_fuzz_mutated_scenarios_validate(capsys, mutations, raw, where):
    box = sandbox()
    try:
        p = _scenario_file(box, mutate(TINY_BASE, PATHS, mutations), raw, where)
        code, err = call(["validate", str(p)], capsys)
        check(box, {"scenario.yaml"}, code, err)
        tally(code)
    finally:
        shutil.rmtree(box)


# mostly valid but unusual scenarios, so that the model runs on them
RUN_MUTATION = st.tuples(
    st.sampled_from(range(len(PATHS))),
    st.sampled_from(["scale", "scale", "scale", "delete", "set"]),
    NASTY,
    st.sampled_from([0, 0.5, 2, 10, 100]),
)


@fuzz_settings(30)
@given(mutations=st.lists(RUN_MUTATION, min_size=1, max_size=2), raw=st.just("none"), where=st.just(0.0))
def test_fuzz_mutated_scenarios_run(capsys, monkeypatch, mutations, raw, where):
    box = sandbox()
    try:
        monkeypatch.chdir(box)
        p = _scenario_file(box, mutate(TINY_BASE, PATHS, mutations), raw, where)
        code, err = call(["run", str(p), "--out", str(box / "out"), "--no-figures", "--quiet"], capsys)
        check(box, {"scenario.yaml"}, code, err)
        if code == 0:
            (folder,) = [f for d in (box / "out").iterdir() if d.is_dir() for f in d.iterdir()]  # besides the catalog
            assert (folder / "manifest.json").is_file() and folder.parent.parent == box / "out"
        tally(code)
    finally:
        shutil.rmtree(box)


OPTION_VALUES = st.sampled_from(
    [
        "0",
        "-1",
        "-3",
        "1",
        "2",
        "0.5",
        "5",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "1e-308",
        "99999999999999999999999",
        "0x10",
        "",
        " ",
        "..",
        "/",
        "/proc/1/x",
        "/sys/x",
        "retention_6m_poor>=0.5",
        "retention_6m_poor=>x",
        "retention_ningbo_6m",
        "cost_total_yuan",
        "subsidy.total_yuan",
        "policies.liaison.staff",
        "policies.liaison.enabled",
        "not.a.path",
        "70000",
        "65535",
        "4G",
        "1M",
        "12XB",
        "tcp://localhost:99999",
        "x" * 300,
        "\r",
        "a\nb",
    ]
) | TEXT.filter(lambda s: not s.startswith("-"))

COMMON = ["--max-memory", "--out"]
OPTIONS = {
    "run": ["--replicates", "--until-ci", "--metric", "--max-replicates", "--seed", "--months", "--people-per-agent"]
    + ["--workers", "--engine", "--format", "--scheduler"]
    + COMMON,
    "compare": ["--replicates", "--seed", "--workers", "--engine", "--scheduler"] + COMMON,
    "budget": ["--replicates", "--seed", "--discount-rate", "--target", "--lever", "--probability", "--lever-max"]
    + ["--budget-yuan", "--metric", "--brief", "--baseline"]
    + COMMON,
    "sweep": ["--workers"] + COMMON,
    "app": ["--port", "--host", "--second", "--assets"],
    "validate": [],
}
SAFE_WORKERS = {"1", "0", "-1", "-3", "", " ", "nan"}  # more than one would start real worker processes


@st.composite
def command_lines(draw):
    cmd = draw(st.sampled_from(list(OPTIONS)))
    chosen = draw(st.lists(st.sampled_from(OPTIONS[cmd]), max_size=4, unique=True)) if OPTIONS[cmd] else []
    opts = []
    for o in chosen:
        v = draw(OPTION_VALUES)
        if o == "--workers" and v not in SAFE_WORKERS:
            v = "1"
        if o == "--scheduler" and v.startswith("tcp://") and not v.endswith("99999"):
            v = "tcp://bad"
        opts.append((o, v))
    return cmd, opts


@fuzz_settings(120)
@given(line=command_lines())
def test_fuzz_option_values(capsys, monkeypatch, stop_at_work, line):
    cmd, opts = line
    box = sandbox()
    try:
        monkeypatch.chdir(box)
        tiny = box / "tiny.yaml"
        tiny.write_text(yaml.safe_dump({**TINY_BASE, "name": "tiny"}))
        sweep = box / "sweep.yaml"
        sweep.write_text(
            yaml.safe_dump(
                {
                    "name": "s",
                    "scenario": str(tiny),
                    "samples": 2,
                    "parameters": {"policies.liaison.staff": {"low": 0, "high": 9}},
                }
            )
        )
        positional = {"compare": [str(tiny), str(tiny)], "sweep": [str(sweep)]}.get(cmd, [str(tiny)])
        argv = [cmd, *positional]
        for o, v in opts:
            argv.append(f"{o}={v}")
        if cmd not in ("app", "validate") and "--out" not in dict(opts):
            argv += ["--out", str(box / "out")]
        code, err = call(argv, capsys)
        check(box, {"tiny.yaml", "sweep.yaml"}, code, err)
        tally(code)
    finally:
        shutil.rmtree(box)


SWEEP_BASE = {
    "name": "s",
    "design": "lhs",
    "samples": 2,
    "seeds": 1,
    "seed": 3,
    "output": "retention_ningbo_6m",
    "overrides": {"calendar": {"months": 3}},
    "parameters": {
        "policies.liaison.staff": {"low": 0, "high": 50},
        "behavior.quit_hazard.liaison": {"low": 0.5, "high": 1.0, "levels": 2},
    },
}
SWEEP_PATHS = _paths(SWEEP_BASE)
SWEEP_VALUE = VALUE | st.sampled_from(["grid", "sobol", "agents", "arrays", 100, 10**6])
SWEEP_MUTATION = st.tuples(st.sampled_from(range(len(SWEEP_PATHS))), KINDS, SWEEP_VALUE, FACTOR)


@fuzz_settings(60)
@given(
    mutations=st.lists(SWEEP_MUTATION, min_size=1, max_size=3),
    raw=RAW,
    where=st.floats(0, 1),
)
def test_fuzz_mutated_sweep_files(capsys, monkeypatch, stop_at_work, mutations, raw, where):
    box = sandbox()
    try:
        monkeypatch.chdir(box)
        tiny = box / "tiny.yaml"
        tiny.write_text(yaml.safe_dump({**TINY_BASE, "name": "tiny"}))
        spec = mutate({**SWEEP_BASE, "scenario": str(tiny)}, SWEEP_PATHS, mutations)
        p = box / "sweep.yaml"
        p.write_bytes(raw_mutate(yaml.safe_dump(spec, allow_unicode=True), raw, where))
        code, err = call(["sweep", str(p), "--out", str(box / "out")], capsys)
        check(box, {"tiny.yaml", "sweep.yaml"}, code, err)
        tally(code)
    finally:
        shutil.rmtree(box)
