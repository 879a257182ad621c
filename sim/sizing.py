"""How many worker agents a scenario makes, and which engine serves it (no heavy imports:
the command line checks sizes before it loads the model)."""

from __future__ import annotations

from .schema import Scenario

AUTO_ARRAYS_ABOVE = 20_000  # agents; the Mesa agents engine serves up to ~20k workers (design.md)


def n_agents(scenario: Scenario) -> int:
    """Number of worker agents the scenario creates."""
    scale = scenario.population.people_per_agent
    return int(sum(round(c.population * c.mobile_pool_share / scale) for c in scenario.places.counties.values()))


def choose_engine(scenario: Scenario, engine: str = "auto") -> str:
    """`auto` picks `arrays` above 20,000 agents and `agents` otherwise."""
    if engine == "auto":
        return "arrays" if n_agents(scenario) > AUTO_ARRAYS_ABOVE else "agents"
    return engine
