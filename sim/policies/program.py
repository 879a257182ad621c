"""Program levers (`sim.schema.program`): the cooperation's infrastructure as
policies. Each lever tells the model, month by month, which counties it reaches
(`reach`); the model applies the calibrated effect (departure choice, matching)
to workers of those counties only."""

from __future__ import annotations

import numpy as np

from ..schema.program import (
    CadreInformationPolicy,
    HRCompaniesPolicy,
    OrganizedRecruitmentPolicy,
    PairingPolicy,
    PlatformPolicy,
)
from .base import Policy


class ProgramLever(Policy):
    """Reaches its eligible counties while active; costs nothing in the model
    (what the program spent on its infrastructure is not in domain.md)."""

    def reach(self, step: int, n_counties: int) -> np.ndarray:
        """Counties this lever reaches this month."""
        if not self.active(step):
            return np.zeros(n_counties, bool)
        return self.eligible(np.arange(n_counties), np.ones(n_counties, bool))


class Pairing(ProgramLever):
    schema = PairingPolicy
    lever = "pairing"


class HRCompanies(ProgramLever):
    schema = HRCompaniesPolicy
    lever = "hr_companies"


class OrganizedRecruitment(ProgramLever):
    schema = OrganizedRecruitmentPolicy
    lever = "organized_recruitment"


class CadreInformation(ProgramLever):
    schema = CadreInformationPolicy
    lever = "cadre_information"


class Platform(ProgramLever):
    schema = PlatformPolicy
    lever = "platform"
