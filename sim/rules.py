"""Behavior rules: pure functions used by both engines.

Every function works on Python scalars and on numpy arrays alike (numpy ufuncs
only, no branching on values), so the `agents` engine calls them for one worker
and the `arrays` engine for a whole column. Parameters come from
`sim.schema.behavior`; their defaults and sources are documented there.
"""

from __future__ import annotations

import numpy as np

from .schema.behavior import Away, Departure, QuitHazard, QuitOutcome

# Quit outcomes
NEXT_NINGBO_JOB, RETURN_HOME, OTHER_REGION = 0, 1, 2


def base_quit_hazard(tenure_month, qh: QuitHazard):
    """Monthly quit hazard of an unsupported newcomer in tenure month `tenure_month` (1 = first).

    The hazard is a step function of tenure: bands start at the keys of
    `qh.by_tenure_month` (domain.md: 0.10, 0.08, 0.05, 0.035, 0.03; ASSUMPTION).
    """
    starts = np.array(sorted(qh.by_tenure_month), dtype=np.int64)
    values = np.array([qh.by_tenure_month[k] for k in starts], dtype=np.float64)
    idx = np.searchsorted(starts, np.maximum(tenure_month, 1), side="right") - 1
    return values[idx]


def quit_hazard(
    tenure_month, trained, liaison, broker, subsidy_paid, cliff, mismatch, wage_ratio, poor, qh: QuitHazard
):
    """Monthly quit hazard with policy and worker multipliers.

    Rule: base hazard by tenure, times
      - `training` during the first `training_months` months if trained,
      - `liaison` if followed by liaison staff,
      - `broker` if recruited by a broker (referral effect, Burks et al. 2015),
      - `subsidy_paid` in a month the stable-employment subsidy is paid,
      - `subsidy_cliff` in the months just after the last payment,
      - (1 + skill_mismatch_per_unit * mismatch): skills that do not fit the job,
      - wage_ratio ** outside_wage_elasticity, wage_ratio = outside wage / own wage,
      - `poor` for registered-poor workers.
    Clipped to [0, 1].
    """
    h = base_quit_hazard(tenure_month, qh)
    h = h * np.where(np.asarray(trained) & (np.asarray(tenure_month) <= qh.training_months), qh.training, 1.0)
    h = h * np.where(liaison, qh.liaison, 1.0)
    h = h * np.where(broker, qh.broker, 1.0)
    h = h * np.where(subsidy_paid, qh.subsidy_paid, 1.0)
    h = h * np.where(cliff, qh.subsidy_cliff, 1.0)
    h = h * (1.0 + qh.skill_mismatch_per_unit * np.asarray(mismatch))
    h = h * np.power(wage_ratio, qh.outside_wage_elasticity)
    h = h * np.where(poor, qh.poor, 1.0)
    return np.clip(h, 0.0, 1.0)


def skill_mismatch(skill, required):
    """How far a worker's skill falls short of a job's requirement (0 when it fits)."""
    return np.maximum(0.0, np.asarray(required) - np.asarray(skill))


def departure_prob(best_wage_away, home_income, poor, month_of_year, dp: Departure, base=None):
    """Monthly probability that a worker at home sets out for work away.

    Rule: p = base * (best wage away / home income) ** wage_elasticity *
    seasonal[month] * (poor_multiplier if registered poor), clipped to [0, 1].
    A wider wage gap raises departures.
    """
    base = dp.p_depart_home_month if base is None else base
    ratio = np.asarray(best_wage_away, dtype=np.float64) / np.maximum(home_income, 1.0)
    seasonal = np.asarray(dp.seasonal)[np.asarray(month_of_year) - 1]
    p = base * np.power(ratio, dp.wage_elasticity) * seasonal * np.where(poor, dp.poor_multiplier, 1.0)
    return np.clip(p, 0.0, 1.0)


def job_chance(vacancies, seekers):
    """Chance of finding a Ningbo job as workers at home see it: open jobs over open
    jobs plus job seekers already there (0 when there are no open jobs)."""
    v = np.asarray(vacancies, dtype=np.float64)
    return np.where(v > 0, v / np.maximum(v + np.asarray(seekers), 1e-9), 0.0)


def p_choose_ningbo(wage_ningbo, wage_prd, hours_ningbo, hours_prd, poor, organized, dp: Departure, chance=1.0):
    """Probability that a departing worker chooses Ningbo over the PRD (binary logit).

    U_d = beta_log_wage*log(expected wage_d) - beta_travel_hour*hours_d + info_d;
    Ningbo's expected wage is its wage times the chance of finding a job there
    (floored at 1%); Ningbo's information is raised for registered-poor workers
    (targeted HR-company recruitment) and when organized transport is on offer.
    """
    expected = np.asarray(wage_ningbo) * np.maximum(chance, 0.01)
    u_n = dp.beta_log_wage * np.log(expected) - dp.beta_travel_hour * np.asarray(hours_ningbo) + dp.ningbo_info
    u_n = u_n + np.where(poor, dp.poor_ningbo_info, 0.0) + np.where(organized, dp.organized_info, 0.0)
    u_p = dp.beta_log_wage * np.log(wage_prd) - dp.beta_travel_hour * np.asarray(hours_prd) + dp.prd_info
    return 1.0 / (1.0 + np.exp(u_p - u_n))


def quit_outcome(u, liaison, qo: QuitOutcome):
    """Where a quit leads, from a uniform draw `u`.

    Rule: next Ningbo job with p_next, home with p_home, another region otherwise;
    liaison moves `liaison_shift_to_ningbo` of the mass from home to a Ningbo job.
    """
    shift = np.where(liaison, np.minimum(qo.liaison_shift_to_ningbo, qo.return_home), 0.0)
    p_next = qo.next_ningbo_job + shift
    p_home = qo.return_home - shift
    return np.where(u < p_next, NEXT_NINGBO_JOB, np.where(u < p_next + p_home, RETURN_HOME, OTHER_REGION))


def festival_decision(u, away: Away):
    """A worker at home for the Spring Festival: 1 = goes back, 2 = stays home, 0 = undecided."""
    return np.where(
        u < away.p_festival_back_month, 1, np.where(u < away.p_festival_back_month + away.p_festival_stay_month, 2, 0)
    )


def subsidy_amount(job_month_index, schedule):
    """Subsidy due in the job's month `job_month_index` (0 = first month): the schedule
    entry, or 0 past its end."""
    sched = np.asarray(list(schedule) + [0.0], dtype=np.float64)
    idx = np.minimum(np.asarray(job_month_index), len(sched) - 1)
    return np.where(np.asarray(job_month_index) >= 0, sched[idx], 0.0)


def stochastic_round(x, u):
    """Round `x` down or up so the expectation is `x` (u uniform in [0, 1))."""
    x = np.asarray(x, dtype=np.float64)
    return (np.floor(x) + (u < (x - np.floor(x)))).astype(np.int64)
