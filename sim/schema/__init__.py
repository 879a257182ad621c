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
    "Population",
    "Scenario",
    "Scoring",
]
