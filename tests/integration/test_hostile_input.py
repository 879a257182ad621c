"""Issue 14, input half: every example of bad input is refused before any work, in
one line naming the option or key path, with exit code 2 and nothing written.

Each case runs with model building disabled (`no_runs`): a check that came only
after a run had started fails the test, as does a traceback or a second line.
The resource cases run in a child process under an address-space limit, so a
build that would exhaust memory fails fast instead of hurting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sim
from sim.cli import main

ROOT = Path(sim.__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TINY = {"population": {"people_per_agent": 500}, "calendar": {"months": 3}}


@pytest.fixture
def no_runs(monkeypatch):
    """Building a model fails the test: every refusal must come before any run."""

    def forbidden(*a, **k):
        raise AssertionError("a model was built before the input was refused")

    # sim.budget.twin first: importing it while sim.runner's build_model is patched would bind
    # the patch as its own, and undoing would "restore" the patch (a later budget test then failed)
    monkeypatch.setattr("sim.budget.twin.build_model", forbidden)
    monkeypatch.setattr("sim.runner.build_model", forbidden)


@pytest.fixture
def case(tmp_path):
    """A folder `in/` with a tiny scenario (`in/tiny.yaml`); outputs go to `out/`."""
    (tmp_path / "in").mkdir()
    body = {"extends": str(SCENARIOS / "teaching_small.yaml"), "name": "tiny", **TINY}
    (tmp_path / "in" / "tiny.yaml").write_text(yaml.safe_dump(body))
    return tmp_path


def refused(capsys, tmp_path: Path, argv: list[str], *names: str) -> str:
    """Run the CLI in-process; assert exit 2, one line naming `names`, nothing written."""
    code = main(argv)
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert code == 2, cap.err
    assert len(lines) == 1 and lines[0].startswith("laborsim"), cap.err
    assert "Traceback" not in cap.err and "allowed" in lines[0]
    for n in names:
        assert n in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"], "something was written"
    return lines[0]


def args(tmp_path: Path, text: str) -> list[str]:
    sc, out = str(tmp_path / "in" / "tiny.yaml"), str(tmp_path / "out")
    return [a.replace("SC", sc).replace("OUT", out) for a in text.split()]


OPTION_CASES = [
    ("run SC --replicates 0 --out OUT", "--replicates"),
    ("run SC --replicates -3 --out OUT", "--replicates"),
    ("compare SC SC --replicates 0 --out OUT", "--replicates"),
    ("budget SC --replicates 0 --out OUT", "--replicates"),
    ("run SC --until-ci 0.5 --max-replicates 0 --out OUT", "--max-replicates"),
    ("run SC --until-ci -1 --max-replicates 2 --out OUT", "--until-ci"),
    ("run SC --until-ci nan --max-replicates 2 --out OUT", "--until-ci"),
    ("run SC --until-ci 0.1 --metric no_such_metric --max-replicates 2 --out OUT", "--metric"),
    ("run SC --seed -1 --out OUT", "--seed"),
    ("compare SC SC --seed -1 --replicates 2 --out OUT", "--seed"),
    ("budget SC --seed -1 --replicates 2 --out OUT", "--seed"),
    ("budget SC --replicates 2 --discount-rate -1 --out OUT", "--discount-rate"),
    ("budget SC --replicates 2 --probability 5 --out OUT", "--probability"),
    ("budget SC --replicates 2 --budget-yuan -5 --out OUT", "--budget-yuan"),
    ("budget SC --replicates 2 --budget-yuan 1000 --metric no_such_metric --out OUT", "--metric"),
    ("budget SC --replicates 2 --target retention_6m_poor>=0.5 --lever not.a.path --out OUT", "--lever"),
    (
        "budget SC --replicates 2 --target retention_6m_poor>=0.5 --lever policies.liaison.staff "
        "--lever-max 1e12 --out OUT",
        "--lever-max",
    ),
    ("budget SC --replicates 2 --target retention_6m_poor=>0.5 --out OUT", "--target"),
    ("budget SC --replicates 2 --target no_such_metric>=0.5 --out OUT", "--target"),
    ("budget SC --replicates 2 --target retention_6m_poor>=1.2.3 --out OUT", "--target"),
    ("app SC --port 70000", "--port"),
]


@pytest.mark.parametrize("argv,option", OPTION_CASES, ids=[c[0].split(" --out")[0] for c in OPTION_CASES])
def test_bad_option_refused_before_any_run(case, capsys, no_runs, argv, option):
    refused(capsys, case, args(case, argv), option)


def test_out_that_is_a_file_or_below_a_file(case, capsys, no_runs):
    f = case / "in" / "a_file"
    f.write_text("x")
    refused(capsys, case, args(case, f"run SC --out {f}"), "--out", "a file")
    refused(capsys, case, args(case, f"run SC --out {f}/below"), "--out", "below the file")
    refused(capsys, case, args(case, f"compare SC SC --replicates 2 --out {f}"), "--out")
    refused(capsys, case, args(case, f"sweep {f} --out {f}"), "--out")


@pytest.mark.parametrize("out", ["/proc/1/laborsim-results", "/sys/laborsim-results"])
def test_out_unwritable_or_read_only(case, capsys, no_runs, out):
    """/proc/1 refuses new entries even to root; sysfs is read-only to everyone."""
    refused(capsys, case, args(case, f"run SC --out {out}"), "--out")
    assert not os.path.exists(out)


def test_a_lever_of_a_switched_off_policy_is_refused(case, capsys, no_runs):
    """The search would set a lever nothing reads: every value the same (a planner's trap)."""
    off = case / "in" / "switched.yaml"
    off.write_text(f"extends: {case / 'in' / 'tiny.yaml'}\nname: switched\nall_policies_off: true\n")
    for lever in ("subsidy.total_yuan", "policies.liaison.staff"):
        argv = args(case, f"budget {off} --replicates 2 --target retention_ningbo_6m>=0.5 --lever {lever} --out OUT")
        line = refused(capsys, case, argv, "--lever", "switched off in switched")
        assert "the search would change nothing" in line


def test_brief_that_is_a_folder_is_refused_before_the_budget_folder_exists(case, capsys, no_runs):
    refused(capsys, case, args(case, f"budget SC --replicates 2 --brief {case / 'in'} --out OUT"), "--brief")


def _scenario(case: Path, text: str, name: str = "bad.yaml") -> str:
    p = case / "in" / name
    p.write_text(f"extends: {SCENARIOS / 'teaching_small.yaml'}\n{text}", encoding="utf-8")
    return str(p)


SCENARIO_CASES = [
    ("name: b\nplaces: {districts: {Yuyao: {sectors: {small_appliances: {wage_yuan_month: 0}}}}}", "wage_yuan_month"),
    ("name: b\nplaces: {counties: {Xingyi: {local_wage_yuan_month: 0}}}", "local_wage_yuan_month"),
    ("name: b\nplaces: {open_market: {wage_yuan_month: 0}}", "open_market.wage_yuan_month"),
    (f"name: b\nplaces: {{districts: {{Yuyao: {{sectors: {{small_appliances: {{firms: {10**39}}}}}}}}}}}", "firms"),
    (
        f"name: b\nplaces: {{districts: {{Yuyao: {{sectors: {{small_appliances: {{jobs_per_firm: {10**12}}}}}}}}}}}",
        "jobs",
    ),
    (f"name: b\nplaces: {{open_market: {{jobs_per_district: {10**12}}}}}", "jobs_per_district"),
    ("name: '..'", "name"),
    ("name: '.'", "name"),
    ("name: a/b", "name"),
    ("name: -rf", "name"),
    ("name: " + "a" * 300, "name"),
    ("name: " + "a" * 65, "name"),
    ("name: b\nname: c", "duplicate key 'name'"),
    ("name: b\ncalendar: {months: 6, months: 7}", "duplicate key 'months'"),
    ("name: b\npolicies: {extra_pay: {total_yuan: 100}}", "policies.extra_pay.type: got missing"),  # no `type:`
]


@pytest.mark.parametrize("text,where", SCENARIO_CASES, ids=[c[1] + str(i) for i, c in enumerate(SCENARIO_CASES)])
def test_bad_scenario_refused(case, capsys, no_runs, text, where):
    p = _scenario(case, text)
    assert where in refused(capsys, case, ["validate", p])
    refused(capsys, case, ["run", p, "--out", str(case / "out")], where)


def test_scenario_that_is_not_utf8(case, capsys, no_runs):
    p = case / "in" / "latin1.yaml"
    p.write_bytes(b"name: caf\xe9\n")
    assert "not UTF-8" in refused(capsys, case, ["run", str(p), "--out", str(case / "out")], str(p))


def test_control_characters_in_names_stay_on_one_line(case, capsys, no_runs):
    """Found by the fuzz suite: a file name with a carriage return split the error line."""
    assert "a\\nb" in refused(capsys, case, ["validate", "a\nb"])
    refused(capsys, case, ["app", str(case / "in" / "tiny.yaml"), "--second", "\r"], "\\r")
    refused(capsys, case, ["run", "SC", "--x\ny"], "--x\\ny")


def test_name_of_64_safe_characters_is_fine(case, capsys):
    assert main(["validate", _scenario(case, "name: " + "a" * 64)]) == 0


def _sweep(case: Path, body: dict | str, name: str = "sweep.yaml") -> str:
    base = {"name": "s", "scenario": str(case / "in" / "tiny.yaml"), "design": "lhs", "samples": 2}
    p = case / "in" / name
    if isinstance(body, str):
        p.write_text(body, encoding="utf-8")
    else:
        p.write_text(yaml.safe_dump({**base, **body}))
    return str(p)


STAFF = {"policies.liaison.staff": {"low": 0, "high": 10}}
SWEEP_CASES = [
    ({"parameters": {"policies.liaison.staff": {"low": 0, "high": float("inf")}}}, "high"),
    ({"parameters": {"policies.liaison.staff": {"low": float("nan"), "high": 10}}}, "low"),
    ({"design": "grid", "parameters": {"policies.liaison.staff": {"values": [1, float("inf")]}}}, "values"),
    ({"design": "grid", "parameters": {"policies.liaison.staff": {"values": [1, float("nan")]}}}, "values"),
    ({"seed": -1, "parameters": STAFF}, "seed"),
    ({"name": "..", "parameters": STAFF}, "name"),
    ({"name": "a" * 300, "parameters": STAFF}, "name"),
    ({"output": "no_such_metric", "parameters": STAFF}, "output"),
    ({"design": "sobol", "output": "no_such_metric", "parameters": STAFF}, "output"),
    ({"design": "grid", "parameters": {"behavior.quit_outcome.secret": {"values": [0.3, 1.5]}}}, "secret"),
    ({"parameters": {"policies.liaison.staff": {"low": 0, "high": 1e12}}}, "parameters.policies.liaison.staff.high"),
    ({"design": "lhs", "parameters": {"policies.liaison.staff": {"values": [1, 2]}}}, "design"),
    ("name: s\nname: t\n", "duplicate key"),
]


@pytest.mark.parametrize("body,where", SWEEP_CASES, ids=[c[1] + str(i) for i, c in enumerate(SWEEP_CASES)])
def test_bad_sweep_refused_before_any_run(case, capsys, no_runs, body, where):
    refused(capsys, case, ["sweep", _sweep(case, body), "--out", str(case / "out")], where)


def test_sweep_file_that_is_not_utf8(case, capsys, no_runs):
    p = case / "in" / "latin1.yaml"
    p.write_bytes(b"name: s\nscenario: caf\xe9\n")
    assert "not UTF-8" in refused(capsys, case, ["sweep", str(p), "--out", str(case / "out")])


# -- resource budget: one child process under an address-space limit runs every case ----------

LIMIT = 4 * 1024**3
CHILD = r"""
import contextlib, io, json, signal, sys, time
from sim.cli import main

def too_slow(*_):
    raise TimeoutError("no refusal within 20 s")

signal.signal(signal.SIGALRM, too_slow)
results = {}
for key, argv in json.loads(sys.argv[1]).items():
    err, t0 = io.StringIO(), time.perf_counter()
    signal.alarm(20)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    except BaseException as e:
        code = f"{type(e).__name__}: {e}"[:500]
    finally:
        signal.alarm(0)
    results[key] = {"code": code, "err": err.getvalue(), "seconds": time.perf_counter() - t0}
print(json.dumps(results))
"""

BIG_SCENARIOS = {
    # 100,000 firms x 10^6 jobs: 4e8 job slots at 250 people per agent
    "jobs_per_firm": (
        "teaching_small.yaml",
        "name: r\nplaces: {districts: {Yuyao: {sectors: {small_appliances: {firms: 100000, jobs_per_firm: 1000000}}}}}",
    ),
    # 10^7 open-market jobs per district at 0.1 people per agent: 6e8 slots
    "open_market": (
        "baseline_2020.yaml",
        "name: r\npopulation: {people_per_agent: 0.1}\nplaces: {open_market: {jobs_per_district: 10000000}}",
    ),
    # one agent per 1/1000 person with the agent cap lifted: 3.4e8 agents
    "people_per_agent": (
        "baseline_2020.yaml",
        "name: r\npopulation: {people_per_agent: 0.001, max_agents: 1000000000}",
    ),
}
QH = "behavior.quit_hazard."
BIG_SWEEPS = {
    "grid-1e10": {
        "design": "grid",
        "parameters": {
            QH + k: {"low": 0.5, "high": 1.0, "levels": 100}
            for k in ("liaison", "broker", "training", "subsidy_value_per_wage", "poor")
        },
    },
    "sobol-1e5": {
        "design": "sobol",
        "samples": 100000,
        "parameters": {QH + k: {"low": 0.5, "high": 1.0} for k in ("liaison", "broker", "training")},
    },
}


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, k in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{k}: &{k} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "name: bomb\nunknown_key:\n" + "\n".join("  " + x for x in lines) + "\n"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Write every large case, run them all in one child process limited to 4 GiB of
    address space; returns (folder, results by case)."""
    root = tmp_path_factory.mktemp("big")
    (root / "in").mkdir()
    cases = {}
    for key, (parent, text) in BIG_SCENARIOS.items():
        p = root / "in" / f"{key}.yaml"
        p.write_text(f"extends: {SCENARIOS / parent}\n{text}\n")
        cases[key] = ["run", str(p), "--quiet", "--out", str(root / "out")]
    cases["agents-engine-4.9M"] = [
        *("run", "teaching_small", "--people-per-agent", "0.07", "--engine", "agents", "--quiet"),
        *("--out", str(root / "out")),
    ]
    for key, design in BIG_SWEEPS.items():
        p = root / "in" / f"{key}.yaml"
        p.write_text(yaml.safe_dump({"name": "big", "scenario": str(SCENARIOS / "teaching_small.yaml"), **design}))
        cases[key] = ["sweep", str(p), "--quiet", "--out", str(root / "out")]
    bomb = root / "in" / "bomb.yaml"
    bomb.write_text(f"extends: {SCENARIOS / 'teaching_small.yaml'}\n" + _alias_bomb())
    cases["alias-bomb"] = ["validate", str(bomb)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))  # noqa: E731
    r = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(cases)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        preexec_fn=limit,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return root, json.loads(r.stdout.strip().splitlines()[-1])


def refused_in_child(big, key: str, *names: str) -> str:
    root, results = big
    res = results[key]
    lines = res["err"].strip().splitlines()
    assert res["code"] == 2, res
    assert len(lines) == 1 and lines[0].startswith("laborsim: error:") and "Traceback" not in res["err"], res
    for n in names:
        assert n in lines[0]
    assert res["seconds"] < 10
    assert not (root / "out").exists(), "something was written"
    return lines[0]


@pytest.mark.parametrize("key", list(BIG_SCENARIOS))
def test_scenario_too_large_for_memory_is_refused_with_estimate(big, key):
    line = refused_in_child(big, key, key)
    assert "needing about" in line and "GiB" in line and "hint:" in line


def test_millions_of_agents_on_the_agents_engine_are_refused(big):
    line = refused_in_child(big, "agents-engine-4.9M", "agents engine", "4,9")
    assert "--engine arrays" in line


@pytest.mark.parametrize("key", list(BIG_SWEEPS))
def test_huge_sweep_design_is_refused_with_estimate(big, key):
    line = refused_in_child(big, key, "design")
    assert "needing about" in line and "design points" in line and "hint:" in line


def test_alias_bomb_under_an_unknown_key_is_refused_quickly(big):
    assert "aliases" in refused_in_child(big, "alias-bomb", "bomb.yaml")


def test_max_memory_option(case, capsys, no_runs):
    line = refused(capsys, case, args(case, "run SC --max-memory 1M --out OUT"), "--max-memory", "needing about")
    assert "1.0 MiB" in line
    refused(capsys, case, args(case, "run SC --max-memory 12XB --out OUT"), "--max-memory")
    refused(capsys, case, args(case, "compare SC SC --replicates 3 --max-memory 0 --out OUT"), "--max-memory")
