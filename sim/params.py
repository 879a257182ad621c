"""Behavior parameters and month facts packed into flat float arrays for the
transition kernels. Each index below names one parameter of `sim.schema.behavior`
(defaults and sources are documented there)."""

from __future__ import annotations

import numpy as np

from .schema.behavior import Behavior

# Behavior parameters (indices into the array built by `pack_behavior`)
(
    P_FIND_LOCAL,
    P_LOSE_LOCAL,
    P_GIVE_UP,
    P_PRD_HOME,
    P_PRD_TO_NINGBO,
    P_OTHER_HOME,
    P_FESTIVAL_VISIT,
    P_FESTIVAL_BACK,
    P_FESTIVAL_STAY,
    P_SECRET,
    P_NEXT_JOB,
    P_RETURN_HOME,
    P_LIAISON_SHIFT,
    QH_TRAINING,
    QH_TRAINING_MONTHS,
    QH_BROKER,
    QH_MISMATCH,
    QH_WAGE_ELASTICITY,
    QH_POOR,
    QH_LOW_MANDARIN,
    QH_YOUNG,
    QH_FEMALE,
    QH_FIRST_TIME,
    QH_LEADER,
    P_VISIT_DEPENDANTS,
    P_STAY_DEPENDANTS,
    E_PROBATION,
    E_DISMISS_MISMATCH,
    E_DISMISS_MANDARIN,
    E_SKILL_MONTHS,
    E_LEADER_TENURE,
    E_P_LEADER,
    E_LEADER_WAGE,
    E_TENURE_WAGE,
    E_TENURE_WAGE_CAP,
    QH_PERSONAL,  # first of N_PERSONAL: the personal quit multiplier by traits (`personal_mults`)
) = range(36)
# Bits of the index into the personal quit multipliers (`personal_mults`)
PM_YOUNG, PM_FEMALE, PM_FIRST_TIME, PM_LEADER = 1, 2, 4, 8
N_PERSONAL = 16  # every combination of the four traits
N_PARAMS = QH_PERSONAL + N_PERSONAL


def pack_behavior(b: Behavior) -> np.ndarray:
    """The kernels' parameter vector."""
    a, qh, qo = b.away, b.quit_hazard, b.quit_outcome
    p = np.zeros(N_PARAMS)
    p[P_FIND_LOCAL] = a.p_find_local_job_month
    p[P_LOSE_LOCAL] = a.p_lose_local_job_month
    p[P_GIVE_UP] = a.p_give_up_search_month
    p[P_PRD_HOME] = a.p_prd_return_home_month
    p[P_PRD_TO_NINGBO] = a.p_prd_to_ningbo_month
    p[P_OTHER_HOME] = a.p_other_region_return_month
    p[P_FESTIVAL_VISIT] = a.p_festival_visit
    p[P_FESTIVAL_BACK] = a.p_festival_back_month
    p[P_FESTIVAL_STAY] = a.p_festival_stay_month
    p[P_SECRET] = qo.secret
    p[P_NEXT_JOB] = qo.next_ningbo_job
    p[P_RETURN_HOME] = qo.return_home
    p[P_LIAISON_SHIFT] = qo.liaison_shift_to_ningbo
    p[QH_TRAINING] = qh.training
    p[QH_TRAINING_MONTHS] = qh.training_months
    p[QH_BROKER] = qh.broker
    p[QH_MISMATCH] = qh.skill_mismatch_per_unit
    p[QH_WAGE_ELASTICITY] = qh.outside_wage_elasticity
    p[QH_POOR] = qh.poor
    p[QH_LOW_MANDARIN] = qh.low_mandarin
    p[QH_YOUNG] = qh.young
    p[QH_FEMALE] = qh.female
    p[QH_FIRST_TIME] = qh.first_time
    p[QH_LEADER] = qh.team_leader
    p[P_VISIT_DEPENDANTS] = a.festival_visit_dependants
    p[P_STAY_DEPENDANTS] = a.festival_stay_dependants
    e = b.employers
    p[E_PROBATION] = e.probation_months
    p[E_DISMISS_MISMATCH] = e.p_dismiss_per_unit_mismatch
    p[E_DISMISS_MANDARIN] = e.p_dismiss_low_mandarin
    p[E_SKILL_MONTHS] = e.skill_growth_months
    p[E_LEADER_TENURE] = e.leader_min_tenure_months
    p[E_P_LEADER] = e.p_team_leader_month
    p[E_LEADER_WAGE] = e.team_leader_wage
    p[E_TENURE_WAGE] = e.tenure_wage_growth_year
    p[E_TENURE_WAGE_CAP] = e.tenure_wage_cap_months
    p[QH_PERSONAL : QH_PERSONAL + N_PERSONAL] = personal_mults(p)
    return p


def personal_mults(p: np.ndarray) -> list[float]:
    """The worker's own quit multiplier for each combination of traits, by index
    young | female | first trip away | team leader (PM_* bits): the product of
    the multipliers of the traits the worker has, taken in that order from 1.0
    (so a table lookup gives the same number as multiplying per worker)."""
    traits = ((PM_YOUNG, QH_YOUNG), (PM_FEMALE, QH_FEMALE), (PM_FIRST_TIME, QH_FIRST_TIME), (PM_LEADER, QH_LEADER))
    out = []
    for k in range(N_PERSONAL):
        m = 1.0
        for bit, i in traits:
            if k & bit:
                m *= float(p[i])
        out.append(m)
    return out


def tenure_bands(b: Behavior) -> np.ndarray:
    """(2, bands): first tenure month of each band and its base quit hazard."""
    starts = sorted(b.quit_hazard.by_tenure_month)
    return np.array([starts, [b.quit_hazard.by_tenure_month[k] for k in starts]], dtype=np.float64)


# Month facts (indices into the array built by `pack_month`)
M_STEP, M_OWN_TRAVEL, M_FESTIVAL, M_PRD_WAGE, M_LOVE_FLOOR, M_N_COUNTIES, M_TABLES = range(7)


def pack_month(step, own_travel_share, festival, prd_wage, love_floor, p_home, p_local, p_ningbo, organized):
    """One flat vector of this month's facts and lookup tables (by county and group):
    departure from home and from a local job [c, poor], choice of Ningbo
    [c, poor, organized], organized transport on offer [c]."""
    head = [step, own_travel_share, float(festival), prd_wage, love_floor, len(organized)]
    return np.concatenate(
        [np.array(head, float), p_home.ravel(), p_local.ravel(), p_ningbo.ravel(), organized.astype(float)]
    )
