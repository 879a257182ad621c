"""Rules of the input checks: YAML reading, option types, the resource budget."""

from __future__ import annotations

import argparse
import math
import time

import pytest

from sim import load_scenario, options
from sim.errors import ScenarioError
from sim.limits import AGENTS_ENGINE_MAX, available_memory, check_agents, check_memory, run_need
from sim.metrics.names import NUMERIC_METRICS, full_name, is_metric
from sim.runner import run
from sim.yaml_input import MAX_FILE_BYTES, read_yaml


def _yaml(tmp_path, text: str | bytes):
    p = tmp_path / "f.yaml"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


@pytest.mark.parametrize(
    "text,line",
    [
        ("a: 1\nb: 2\na: 3\n", 3),
        ("x:\n  y: 1\n  y: 2\n", 3),
        ("x: {y: 1, y: 2}\n", 1),
        ("- {k: 1}\n- {k: 1, k: 2}\n", 2),
    ],
)
def test_duplicate_keys_refused_with_their_line(tmp_path, text, line):
    with pytest.raises(ScenarioError) as e:
        read_yaml(_yaml(tmp_path, text))
    assert f"line {line}" in e.value.given and "duplicate key" in e.value.given
    assert e.value.allowed == "each key once in a mapping"


def test_merge_keys_may_be_overridden(tmp_path):
    data = read_yaml(_yaml(tmp_path, "base: &b {a: 1, c: 2}\nx:\n  <<: *b\n  a: 5\n"))
    assert data["x"] == {"a": 5, "c": 2}


def test_small_alias_use_is_fine_and_bombs_are_refused_fast(tmp_path):
    assert read_yaml(_yaml(tmp_path, "a: &a [1, 2]\nb: *a\nc: *a\n")) == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{k}: &{k} [" + ", ".join([f"*{p}"] * 10) + "]" for p, k in zip("abcdefgh", "bcdefghi", strict=True)]
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match="aliases are expanded"):
        read_yaml(_yaml(tmp_path, "\n".join(lines)))
    assert time.perf_counter() - t0 < 5
    with pytest.raises(ScenarioError, match="nested deeper"):
        read_yaml(_yaml(tmp_path, "a: &a [1, *a]\n"))


def test_not_utf8_and_too_large_files_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"not UTF-8 \(byte 0xe9 on line 2\)"):
        read_yaml(_yaml(tmp_path, b"name: x\ndescription: caf\xe9\n"))
    with pytest.raises(ScenarioError, match="over 5,000,000 bytes"):
        read_yaml(_yaml(tmp_path, b"#" * (MAX_FILE_BYTES + 1)))


def test_option_types():
    assert options.memory("4G") == 4 * 1024**3 and options.memory("1.5GiB") == int(1.5 * 1024**3)
    assert options.memory("512") == 512 and options.memory("2m") == 2 * 1024**2
    assert options.count("3") == 3 and options.seed("0") == 0
    assert options.probability("1") == 1.0 and options.port("65535") == 65535
    assert options.target("retention_6m_poor >= 0.75") == "retention_ningbo_6m_poor>=0.75"
    for parse, bad in [
        (options.memory, "0"),
        (options.memory, "12XB"),
        (options.count, "0"),
        (options.count, "1.5"),
        (options.seed, "-1"),
        (options.seed, str(2**63)),
        (options.probability, "1.01"),
        (options.probability, "nan"),
        (options.positive, "0"),
        (options.positive, "inf"),
        (options.port, "0"),
        (options.metric, "month_poor_stable_reaches_2000"),
        (options.target, "retention_6m_poor>=inf"),
        (options.scheduler, "tcp://host:70000"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match="allowed"):
            parse(bad)


def test_metric_names_are_the_numeric_metrics_a_run_reports(small):
    res = run(load_scenario("teaching_small", {"calendar": {"months": 3}, "population": {"people_per_agent": 2000}}))
    numeric = {k for k, v in res.metrics.items() if isinstance(v, float | int)}
    assert all(is_metric(k) for k in numeric)  # a 3-month run names its windows jan_mar_2020
    assert {k for k in NUMERIC_METRICS if not k.endswith("_2020")} <= numeric
    assert is_metric("arrivals_ningbo_nov_2019_mar_2020") and not is_metric("arrivals_ningbo_soon")
    assert full_name("retention_6m_poor") == "retention_ningbo_6m_poor"


def test_run_estimate_grows_with_agents_jobs_and_firms(small):
    base = run_need(small, "arrays").bytes
    more_agents = load_scenario("teaching_small", {"population": {"people_per_agent": 25}})
    assert run_need(more_agents, "arrays").bytes > base
    assert run_need(more_agents, "agents").bytes > run_need(more_agents, "arrays").bytes  # more per agent
    jobs = {"places": {"open_market": {"jobs_per_district": 10_000_000}}}
    need = run_need(load_scenario("teaching_small", jobs), "arrays")
    assert "open_market" in need.driver and need.bytes > base


def test_agents_engine_ceiling_and_memory_refusal(small):
    big = load_scenario("teaching_small", {"population": {"people_per_agent": 0.3}})
    check_agents(big, "arrays", "f")  # the arrays engine may take them
    with pytest.raises(ScenarioError, match=f"at most {AGENTS_ENGINE_MAX:,} agents on the agents engine"):
        check_agents(big, "agents", "f")
    with pytest.raises(ScenarioError) as e:
        check_memory(3 * 1024**3, 1024**3, ("f", "k"), "v", "one run", "fewer")
    assert (
        "3.0 GiB" in e.value.given and "1.0 GiB (--max-memory)" in e.value.allowed and "hint: fewer" in e.value.allowed
    )
    check_memory(1024, None, ("f", "k"), "v", "one run", "fewer")  # a kilobyte always fits
    assert 0 < available_memory() < math.inf
