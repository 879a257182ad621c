"""How a run is summarized: its headline window and the targets it is scored against."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Strict


class Scoring(Strict):
    """Headline window and calibration targets of a run.

    Attributes:
        early_months: The headline window is the run's first `early_months` months:
            arrivals, their registered-poor share and broker placements are counted
            over it, in metrics named after its months (e.g. `arrivals_ningbo_jan_may_2020`
            for a run from January 2020).
        targets_file: Targets file: the name of a shipped one (`targets.yaml`) or a path
            relative to the scenario file that sets it; null for no targets.
        targets_section: Section of that file to score against. Default (null): every
            section whose `period` the run's calendar covers, so a run that does not
            cover January-May 2020 is not scored against the 2020 targets.
    """

    early_months: Annotated[int, Field(ge=1, le=600)] = 5  # ASSUMPTION: the 2020 targets count Jan-May
    targets_file: str | None = "targets.yaml"
    targets_section: str | None = None
