"""The two engines: `agents` (Mesa agents, the reference) and `arrays` (numpy columns)."""

from .agents import AgentsModel
from .arrays import ArraysModel

ENGINES = {"agents": AgentsModel, "arrays": ArraysModel}

__all__ = ["AgentsModel", "ArraysModel", "ENGINES"]
