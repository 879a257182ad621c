"""Shared fixtures: small scenarios built from the shipped teaching preset."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


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
