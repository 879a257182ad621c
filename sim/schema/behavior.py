"""Calibrated behavioral parameters: what a policy question may NOT change.

The defaults here ARE the calibrated 2020 baseline (set by hand to targets T1, T2,
T5, T7 and T10 of scenarios/targets.yaml); this file is their one source, and a
scenario states only what differs (tests/unit/test_defaults.py holds the shipped
files to that). Each value carries its source beside it, or says ASSUMPTION; the
turnover values follow the "Assumed defaults" paragraph of shared/domain.md.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import Multiplier, Prob, Strict, fail, frozen

#: A shift of skill (on its 0..1 scale).
Shift = Annotated[float, Field(ge=-1, le=1)]
#: A month of tenure (1 = the first month in a job).
TenureMonth = Annotated[int, Field(ge=1, le=600)]


class QuitHazard(Strict):
    """Monthly quit hazard of an unsupported newcomer, by month of tenure.

    `by_tenure_month` maps the first tenure month of a band to its hazard; the
    last band runs on. Default: domain.md "Assumed defaults" (0.10 in month 1,
    0.08 in months 2-3, 0.05 in 4-6, 0.035 in 7-12, 0.03 after).
    """

    # domain.md "Assumed defaults" (to be calibrated; T7 checks them)
    by_tenure_month: frozen(dict[TenureMonth, Prob]) = {1: 0.10, 2: 0.08, 4: 0.05, 7: 0.035, 13: 0.03}
    training: Multiplier = 0.8  # domain.md: x0.8 in months 1-3 (Ranganathan, ~20% better 3-month retention)
    training_months: Annotated[int, Field(ge=0, le=600)] = 3  # domain.md: months 1-3
    liaison: Multiplier = 0.85  # domain.md assumed default
    broker: Multiplier = 0.8  # domain.md; referrals quit less (Burks et al. 2015)
    # Subsidy response (sim.rules.subsidy_hazard): hazard x exp(-subsidy_value_per_wage * PV / wage),
    # PV = present value (yuan) of the payments still to come, wage = the job's monthly wage.
    # Unit: fall in log hazard per month of wage still to come. ASSUMPTION, set so Cixi's schedule
    # (20,000 yuan, domain.md) gives ~x0.7 at hire, domain.md's assumed "subsidy while paid 0.7".
    subsidy_value_per_wage: Annotated[float, Field(ge=0, le=10)] = 0.09
    subsidy_discount_month: Annotated[float, Field(ge=0, le=1)] = 0.01  # ASSUMPTION: 1%/month (~12.7%/year)
    # The cliff after the last payment: hazard x (1 + subsidy_cliff_per_wage * last payment's monthly
    # amount / wage) for subsidy_cliff_months months (domain.md names the risk; size ASSUMPTION, set so
    # Cixi's last 4,000 yuan gives ~x1.3).
    subsidy_cliff_per_wage: Annotated[float, Field(ge=0, le=10)] = 0.35
    subsidy_cliff_months: Annotated[int, Field(ge=0, le=600)] = 2  # ASSUMPTION
    skill_mismatch_per_unit: Annotated[float, Field(ge=0, le=20)] = 1.0  # ASSUMPTION
    outside_wage_elasticity: Annotated[float, Field(ge=0, le=10)] = 1.0  # ASSUMPTION
    poor: Multiplier = 1.0  # ASSUMPTION: no extra quitting of registered-poor workers
    # domain.md "Problems named": some quit because language does not fit the job; size ASSUMPTION
    low_mandarin: Multiplier = 1.3
    # domain.md "Turnover": spells shorter for young workers and for women; sizes ASSUMPTION
    young: Multiplier = 1.15
    female: Multiplier = 1.05
    first_time: Multiplier = 1.1  # ASSUMPTION: first time away from home (any destination)
    team_leader: Multiplier = 0.5  # ASSUMPTION: team leaders (组长) rarely quit
    housed: Multiplier = 0.85  # ASSUMPTION: a dormitory place (domain.md: firms give food and lodging)

    @model_validator(mode="after")
    def _starts_at_one(self) -> QuitHazard:
        if 1 not in self.by_tenure_month:
            raise fail("by_tenure_month", sorted(self.by_tenure_month), "bands that include tenure month 1")
        return self


class QuitOutcome(Strict):
    """Where a quit leads (domain.md: ~50% another Ningbo job, ~35% home, ~15% another
    region; ~40% of quits secret). Liaison moves `liaison_shift_to_ningbo` of the
    probability mass from going home to another Ningbo job (ASSUMPTION)."""

    next_ningbo_job: Prob = 0.50  # domain.md assumed default
    return_home: Prob = 0.35  # domain.md assumed default
    other_region: Prob = 0.15  # domain.md assumed default
    secret: Prob = 0.40  # domain.md assumed default
    liaison_shift_to_ningbo: Prob = 0.15  # ASSUMPTION

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
    from Ningbo updates with weight `job_news_weight` each month. All ASSUMPTION,
    set by hand for targets T1 and T2.
    """

    p_depart_home_month: Prob = 0.0057  # ASSUMPTION, set for T1 (0.0078 before deferred departures)
    p_depart_local_month: Prob = 0.004  # ASSUMPTION
    wage_elasticity: Annotated[float, Field(ge=0, le=10)] = 1.0  # ASSUMPTION
    # ASSUMPTION: departures peak after Spring Festival (Feb-Mar), ebb before it
    seasonal: Annotated[tuple[Annotated[float, Field(ge=0, le=10)], ...], Field(min_length=12, max_length=12)] = (
        0.5, 2.5, 2.2, 1.4, 1.0, 0.8, 0.8, 0.8, 0.8, 0.7, 0.6, 0.5,
    )  # fmt: skip
    poor_multiplier: Multiplier = 0.9  # ASSUMPTION
    beta_log_wage: Annotated[float, Field(ge=0, le=50)] = 3.0  # ASSUMPTION
    beta_travel_hour: Annotated[float, Field(ge=0, le=1)] = 0.03  # ASSUMPTION
    ningbo_info: Annotated[float, Field(ge=-10, le=10)] = -0.2  # ASSUMPTION, set for T1
    prd_info: Annotated[float, Field(ge=-10, le=10)] = 0.0  # ASSUMPTION: the reference destination
    poor_ningbo_info: Annotated[float, Field(ge=-10, le=10)] = 0.35  # ASSUMPTION, set for T2
    organized_info: Annotated[float, Field(ge=-10, le=10)] = 0.4  # ASSUMPTION
    job_news_weight: Prob = 0.5  # ASSUMPTION
    # Expected subsidy (present value at hire, times take-up) for a worker who would qualify, spread
    # over this many months and added to Ningbo's wage in the departure and destination choice. ASSUMPTION.
    subsidy_horizon_months: Annotated[int, Field(ge=1, le=120)] = 12
    # ASSUMPTION: share of that expectation counted (how well the rule is known at home); set by hand
    # for T2 (poor share of arrivals 0.143 at 0.25; 0.162 at 1.0, scenarios/README.md)
    subsidy_awareness: Prob = 0.25


class Away(Strict):
    """Life away from Ningbo jobs: job search, the PRD, local jobs, the festival."""

    p_find_local_job_month: Prob = 0.02  # ASSUMPTION
    p_lose_local_job_month: Prob = 0.02  # ASSUMPTION
    p_give_up_search_month: Prob = 0.25  # ASSUMPTION
    p_prd_return_home_month: Prob = 0.012  # ASSUMPTION
    p_prd_to_ningbo_month: Prob = 0.002  # ASSUMPTION ("magnet effect", domain.md; size unknown)
    p_festival_visit: Prob = 0.6  # ASSUMPTION
    # with stay 0.1: ~86% go out again (T10: 87.5% intended, Guizhou HRSS via Xinhua Guizhou 2020-02-26)
    p_festival_back_month: Prob = 0.6
    p_festival_stay_month: Prob = 0.1  # ASSUMPTION, see p_festival_back_month
    p_other_region_return_month: Prob = 0.01  # ASSUMPTION
    # ASSUMPTION: workers with dependants at home visit more at the festival and stay home
    # more after it (the excess stays are counted under reason "family")
    festival_visit_dependants: Multiplier = 1.2
    festival_stay_dependants: Multiplier = 1.2  # kept small for T10 (issue 11: 1.5 gave 0.773)


class Workers(Strict):
    """Who the workers are, drawn once at the start (and for each newcomer
    nothing changes: the pool is fixed). All shares ASSUMPTION (no figure in
    domain.md; the national migrant-worker survey is older and more male than a
    poor prefecture's mobile pool); the same in every county except Mandarin,
    which `low_mandarin_share_by_county` may set per county (county name ->
    share of the county's non-poor workers; registered-poor workers add
    `low_mandarin_poor_extra`)."""

    # age bands 16-24, 25-34, 35-44, 45+ (band 0 counts as "young" for quit_hazard.young)
    age_band_shares: Annotated[tuple[Prob, ...], Field(min_length=4, max_length=4)] = (0.3, 0.35, 0.22, 0.13)
    female_share: Prob = 0.4  # ASSUMPTION
    # primary or less, junior middle school, senior/vocational or more
    education_shares: Annotated[tuple[Prob, ...], Field(min_length=3, max_length=3)] = (0.3, 0.5, 0.2)
    poor_education_shares: Annotated[tuple[Prob, ...], Field(min_length=3, max_length=3)] = (0.45, 0.45, 0.1)
    # skill shift by education band (added to skill_mean)
    education_skill_shift: Annotated[tuple[Shift, ...], Field(min_length=3, max_length=3)] = (
        -0.05, 0.0, 0.1,
    )  # fmt: skip
    low_mandarin_share: Prob = 0.15  # ASSUMPTION (Buyei and Miao home languages)
    low_mandarin_poor_extra: Prob = 0.15  # ASSUMPTION
    low_mandarin_share_by_county: frozen(dict[str, Prob]) = {}
    dependants_share: Prob = 0.6  # ASSUMPTION: children or elders at home ("supporting families", issue 11)
    first_time_share: Prob = 0.3  # ASSUMPTION: of workers at home or in a local job at the start

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Workers:
        for key in ("age_band_shares", "education_shares", "poor_education_shares"):
            total = sum(getattr(self, key))
            if abs(total - 1.0) > 1e-6:
                raise fail(key, f"shares summing to {total:.4f}", "shares summing to 1")
        return self


class Employers(Strict):
    """What employers do with the workers they hire (ASSUMPTION throughout).

    Hiring: a firm takes no seeker whose skill falls short of its requirement by
    more than `hire_max_shortfall`.
    Probation: in the first `probation_months` months of a job the employer
    lets a worker go with probability p_dismiss_per_unit_mismatch * mismatch +
    p_dismiss_low_mandarin (domain.md: young workers are lost mostly in the
    2-6-month probation period; workers "淘汰" for language or skill, issue 11).
    Skill grows by 0.01 every `skill_growth_months` months in a job and by
    `training_skill_gain` when trained (in-firm training). Workers with at least
    `leader_min_tenure_months` months in the job become team leaders (组长) with
    probability p_team_leader_month: pay x team_leader_wage and quit hazard x
    quit_hazard.team_leader (the source's worker became a team leader in under
    two years, issue 11). Pay rises by tenure_wage_growth_year per year in the job,
    for at most tenure_wage_cap_months months.
    """

    hire_max_shortfall: Annotated[float, Field(ge=0, le=1)] = 0.35  # ASSUMPTION: skill threshold of hiring
    probation_months: Annotated[int, Field(ge=0, le=24)] = 3  # domain.md: lost mostly in probation
    p_dismiss_per_unit_mismatch: Prob = 0.1  # ASSUMPTION
    p_dismiss_low_mandarin: Prob = 0.01  # ASSUMPTION
    skill_growth_months: Annotated[int, Field(ge=1, le=120)] = 6  # ASSUMPTION
    training_skill_gain: Annotated[float, Field(ge=0, le=1)] = 0.05  # ASSUMPTION
    leader_min_tenure_months: Annotated[int, Field(ge=1, le=600)] = 12  # ASSUMPTION ("under two years")
    p_team_leader_month: Prob = 0.01  # ASSUMPTION
    team_leader_wage: Annotated[float, Field(ge=1, le=5)] = 1.2  # ASSUMPTION
    # ASSUMPTION: pay rises with months in the job, up to tenure_wage_cap_months (sector-wide
    # wage growth is the market's, not this)
    tenure_wage_growth_year: Annotated[float, Field(ge=0, le=1)] = 0.03
    tenure_wage_cap_months: Annotated[int, Field(ge=0, le=600)] = 60


class Brokers(Strict):
    """Promotion of experienced workers to brokers; brokers' reach and leaving (ASSUMPTION)."""

    promote_min_tenure_months: Annotated[int, Field(ge=1, le=600)] = 12  # ASSUMPTION
    p_promote_month: Prob = 0.0002  # ASSUMPTION
    # A broker's reach (capacity multiplier) grows with recruits' months in Ningbo jobs and
    # shrinks with recruits who leave Ningbo within early_failure_months (issue 11; ASSUMPTION:
    # referral networks grow with success, Burks et al. 2015 give no size)
    reach_gain_per_retained_month: Annotated[float, Field(ge=0, le=1)] = 0.002  # ASSUMPTION, per person
    reach_loss_per_failure: Annotated[float, Field(ge=0, le=1)] = 0.02  # ASSUMPTION, per person
    early_failure_months: Annotated[int, Field(ge=1, le=60)] = 3  # ASSUMPTION (probation, domain.md)
    reach_min: Annotated[float, Field(ge=0, le=1)] = 0.2  # ASSUMPTION
    reach_max: Annotated[float, Field(ge=1, le=20)] = 3.0  # ASSUMPTION
    p_leave_month: Prob = 0.005  # ASSUMPTION: brokers can leave
    p_leave_low_reach_month: Prob = 0.1  # ASSUMPTION: a broker whose recruits all leave gives up


class Matching(Strict):
    """Job choice in Ningbo: a seeker picks a firm with probability proportional to
    its vacancies times exp(score), score = pairing bonus (county's paired district)
    + program_firm_bonus for organized and broker recruits at program firms
    - mismatch_penalty * skill mismatch + wage_beta * log(wage / 5000) + leader_pull
    where a team leader from the seeker's county works. ASSUMPTION."""

    pairing_bonus: Annotated[float, Field(ge=0, le=20)] = 1.0  # ASSUMPTION
    organized_pairing_bonus: Annotated[float, Field(ge=0, le=20)] = 2.0  # ASSUMPTION
    program_firm_bonus: Annotated[float, Field(ge=0, le=20)] = 2.0  # ASSUMPTION
    mismatch_penalty: Annotated[float, Field(ge=0, le=50)] = 3.0  # ASSUMPTION
    wage_beta: Annotated[float, Field(ge=0, le=50)] = 2.0  # ASSUMPTION
    # ASSUMPTION: a team leader from the seeker's county pulls recruits to their firm (issue 11)
    leader_pull: Annotated[float, Field(ge=0, le=20)] = 1.0


class Behavior(Strict):
    """All calibrated parameters."""

    quit_hazard: QuitHazard = QuitHazard()
    quit_outcome: QuitOutcome = QuitOutcome()
    departure: Departure = Departure()
    away: Away = Away()
    brokers: Brokers = Brokers()
    matching: Matching = Matching()
    workers: Workers = Workers()
    employers: Employers = Employers()
    # ASSUMPTION: "stably employed" = in Ningbo >= 3 months and holding a job (T5)
    stable_min_months: Annotated[int, Field(ge=1, le=24)] = 3
    skill_mean: Prob = 0.4  # ASSUMPTION
    skill_sd: Annotated[float, Field(ge=0, le=1)] = 0.2  # ASSUMPTION
    poor_skill_shift: Annotated[float, Field(ge=-1, le=1)] = -0.1  # ASSUMPTION
