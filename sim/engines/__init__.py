"""The two engines: `agents` (Mesa agents, the reference) and, later, `arrays`."""

from .agents import AgentsModel

ENGINES = {"agents": AgentsModel}

__all__ = ["AgentsModel", "ENGINES"]
