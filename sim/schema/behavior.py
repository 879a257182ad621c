"""Calibrated behavioral parameters: what a policy question may NOT change.

Every default is an ASSUMPTION unless the scenario file cites a source; the
turnover defaults follow the "Assumed defaults" paragraph of domain.md.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import Multiplier, Prob, Strict, fail

#: A month of tenure (1 = the first month in a job).
TenureMonth = Annotated[int, Field(ge=1, le=600)]


class QuitHazard(Strict):
    """Monthly quit hazard of an unsupported newcomer, by month of tenure.

    `by_tenure_month` maps the first tenure month of a band to its hazard; the
    last band runs on. Default: domain.md "Assumed defaults" (0.10 in month 1,
    0.08 in months 2-3, 0.05 in 4-6, 0.035 in 7-12, 0.03 after).
    """

    by_tenure_month: dict[TenureMonth, Prob] = {1: 0.10, 2: 0.08, 4: 0.05, 7: 0.035, 13: 0.03}
    training: Multiplier = 0.8
    training_months: Annotated[int, Field(ge=0, le=600)] = 3
    liaison: Multiplier = 0.85
    broker: Multiplier = 0.8
    subsidy_paid: Multiplier = 0.7
    subsidy_cliff: Multiplier = 1.0
    subsidy_cliff_months: Annotated[int, Field(ge=0, le=600)] = 2
    skill_mismatch_per_unit: Annotated[float, Field(ge=0, le=20)] = 1.0
    outside_wage_elasticity: Annotated[float, Field(ge=0, le=10)] = 1.0
    poor: Multiplier = 1.0

    @model_validator(mode="after")
    def _starts_at_one(self) -> QuitHazard:
        if 1 not in self.by_tenure_month:
            raise fail("by_tenure_month", sorted(self.by_tenure_month), "bands that include tenure month 1")
        return self


class QuitOutcome(Strict):
    """Where a quit leads (domain.md: ~50% another Ningbo job, ~35% home, ~15% another
    region; ~40% of quits secret). Liaison moves `liaison_shift_to_ningbo` of the
    probability mass from going home to another Ningbo job (ASSUMPTION)."""

    next_ningbo_job: Prob = 0.50
    return_home: Prob = 0.35
    other_region: Prob = 0.15
    secret: Prob = 0.40
    liaison_shift_to_ningbo: Prob = 0.15

    @model_validator(mode="after")
    def _sums_to_one(self) -> QuitOutcome:
        total = self.next_ningbo_job + self.return_home + self.other_region
        if abs(total - 1.0) > 1e-6:
            raise fail(
                "next_ningbo_job", f"shares summing to {total:.4f}", "next_ningbo_job + return_home + other_region = 1"
            )
        return self


class Departure(Strict):
    """Departure from home and choice of destination.

    Monthly departure hazard = p_depart_month * (best wage away / home income)
    ** wage_elasticity * seasonal[month]. Destination: logit over Ningbo and the
    PRD with utilities beta_log_wage*log(expected wage) - beta_travel_hour*hours
    + info; Ningbo's expected wage counts the chance of finding a job, which news
    from Ningbo updates with weight `job_news_weight` each month. ASSUMPTION.
    """

    p_depart_home_month: Prob = 0.02
    p_depart_local_month: Prob = 0.005
    wage_elasticity: Annotated[float, Field(ge=0, le=10)] = 1.0
    seasonal: Annotated[list[Annotated[float, Field(ge=0, le=10)]], Field(min_length=12, max_length=12)] = [1.0] * 12
    poor_multiplier: Multiplier = 0.8
    beta_log_wage: Annotated[float, Field(ge=0, le=50)] = 3.0
    beta_travel_hour: Annotated[float, Field(ge=0, le=1)] = 0.03
    ningbo_info: Annotated[float, Field(ge=-10, le=10)] = -1.0
    prd_info: Annotated[float, Field(ge=-10, le=10)] = 0.0
    poor_ningbo_info: Annotated[float, Field(ge=-10, le=10)] = 0.5
    organized_info: Annotated[float, Field(ge=-10, le=10)] = 0.5
    job_news_weight: Prob = 0.5


class Away(Strict):
    """Life away from Ningbo jobs: job search, the PRD, local jobs, the festival."""

    p_find_local_job_month: Prob = 0.02
    p_lose_local_job_month: Prob = 0.02
    p_give_up_search_month: Prob = 0.25
    p_prd_return_home_month: Prob = 0.015
    p_prd_to_ningbo_month: Prob = 0.003
    p_festival_visit: Prob = 0.6
    p_festival_back_month: Prob = 0.6
    p_festival_stay_month: Prob = 0.1
    p_other_region_return_month: Prob = 0.01


class Brokers(Strict):
    """Promotion of experienced workers to team leaders and brokers (ASSUMPTION)."""

    promote_min_tenure_months: Annotated[int, Field(ge=1, le=600)] = 12
    p_promote_month: Prob = 0.0002


class Matching(Strict):
    """Job choice in Ningbo: a seeker picks a firm with probability proportional to
    its vacancies times exp(score), score = pairing bonus (county's paired district)
    + program_firm_bonus for organized and broker recruits at program firms
    - mismatch_penalty * skill mismatch + wage_beta * log(wage / 5000). ASSUMPTION."""

    pairing_bonus: Annotated[float, Field(ge=0, le=20)] = 1.0
    organized_pairing_bonus: Annotated[float, Field(ge=0, le=20)] = 2.0
    program_firm_bonus: Annotated[float, Field(ge=0, le=20)] = 2.0
    mismatch_penalty: Annotated[float, Field(ge=0, le=50)] = 3.0
    wage_beta: Annotated[float, Field(ge=0, le=50)] = 2.0


class Behavior(Strict):
    """All calibrated parameters."""

    quit_hazard: QuitHazard = QuitHazard()
    quit_outcome: QuitOutcome = QuitOutcome()
    departure: Departure = Departure()
    away: Away = Away()
    brokers: Brokers = Brokers()
    matching: Matching = Matching()
    stable_min_months: Annotated[int, Field(ge=1, le=24)] = 3
    skill_mean: Prob = 0.4
    skill_sd: Annotated[float, Field(ge=0, le=1)] = 0.2
    poor_skill_shift: Annotated[float, Field(ge=-1, le=1)] = -0.1
