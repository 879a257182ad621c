"""Program levers: the infrastructure of the East-West labor cooperation, each a
policy that can be switched on or off (or dated) like any other.

Each lever reaches the counties of its `eligibility.counties` (empty: all) while
it is active; the size of its effect is a calibrated behavior parameter (named
below), which a policy question does not change. With every lever off
(`no_program.yaml`) nothing of the cooperation is left.
"""

from __future__ import annotations

from typing import Literal

from .policies import PolicyBase


class ProgramLever(PolicyBase):
    """Fields every program lever shares (those of every policy)."""


class PairingPolicy(ProgramLever):
    """The county-district pairings (domain.md, Places table): seekers from a paired
    county favor firms of its paired district (behavior.matching.pairing_bonus,
    organized_pairing_bonus for organized and broker recruits)."""

    type: Literal["pairing"]


class HRCompaniesPolicy(ProgramLever):
    """County HR companies (31, Ningbo Daily mid-2020) push recruits' details and job
    wishes to the program firms: organized and broker recruits favor program firms
    (behavior.matching.program_firm_bonus)."""

    type: Literal["hr_companies"]


class OrganizedRecruitmentPolicy(ProgramLever):
    """Organized recruitment (fairs, "out of the house door, onto the bus"): where
    organized seats are on offer, Ningbo is better known to those setting out
    (behavior.departure.organized_info)."""

    type: Literal["organized_recruitment"]


class CadreInformationPolicy(ProgramLever):
    """Cadres bring job information to registered-poor households: registered-poor
    workers setting out know Ningbo better (behavior.departure.poor_ningbo_info)."""

    type: Literal["cadre_information"]


class PlatformPolicy(ProgramLever):
    """The online platform and fairs let workers see jobs, interviews and training
    before they choose: seekers weigh the skill a job asks for
    (behavior.matching.mismatch_penalty); without it they choose blind."""

    type: Literal["platform"]


LEVERS = ("pairing", "hr_companies", "organized_recruitment", "cadre_information", "platform")
