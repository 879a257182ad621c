"""Typed scenario schema (pydantic 2). Unknown keys are errors."""

from .behavior import Behavior
from .places import SECTORS, Calendar, County, Places
from .policies import (
    BrokerPolicy,
    LiaisonPolicy,
    LoveJobsPolicy,
    PolicyBase,
    SubsidyPolicy,
    TrainingPolicy,
    TransportPolicy,
)
from .program import LEVERS, ProgramLever
from .scenario import Population, Scenario
from .scoring import Scoring

__all__ = [
    "Behavior",
    "SECTORS",
    "Calendar",
    "County",
    "Places",
    "BrokerPolicy",
    "LiaisonPolicy",
    "LoveJobsPolicy",
    "PolicyBase",
    "SubsidyPolicy",
    "TrainingPolicy",
    "TransportPolicy",
    "LEVERS",
    "ProgramLever",
    "Population",
    "Scenario",
    "Scoring",
]
