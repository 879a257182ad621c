"""Behavior rules: pure functions used by both engines.

Two kinds: per-worker rules (`@rule`, compiled by numba, called by the
transitions of `sim.transitions` for one worker at a time in both engines), and
lookup rules that depend only on county and group (numpy, computed once a
month by the model). Parameters come from `sim.schema.behavior`; their defaults
and sources are documented there.
"""

from __future__ import annotations

import math

import numpy as np

from .jit import rule
from .params import (
    P_FESTIVAL_BACK,
    P_FESTIVAL_STAY,
    P_LIAISON_SHIFT,
    P_NEXT_JOB,
    P_RETURN_HOME,
    QH_BROKER,
    QH_LOW_MANDARIN,
    QH_MISMATCH,
    QH_POOR,
    QH_TRAINING,
    QH_TRAINING_MONTHS,
    QH_WAGE_ELASTICITY,
)
from .reasons import R_LANGUAGE, R_LOW_WAGE, R_MISMATCH, R_NONE, R_PERSONAL, R_SUBSIDY_ENDED
from .schema.behavior import Departure

# Quit outcomes
NEXT_NINGBO_JOB, RETURN_HOME, OTHER_REGION = 0, 1, 2
# Festival decisions
FESTIVAL_WAIT, FESTIVAL_BACK, FESTIVAL_STAY = 0, 1, 2


@rule
def base_quit_hazard(tenure_month, bands):
    """Monthly quit hazard of an unsupported newcomer in tenure month `tenure_month` (1 = first).

    The hazard is a step function of tenure: bands start at the keys of
    `quit_hazard.by_tenure_month` (domain.md: 0.10, 0.08, 0.05, 0.035, 0.03;
    ASSUMPTION); `bands` is `sim.params.tenure_bands`.
    """
    h = bands[1, 0]
    for k in range(bands.shape[1]):
        if max(tenure_month, 1) >= bands[0, k]:
            h = bands[1, k]
    return h


@rule
def quit_layers(
    tenure_month, trained, broker, policy_mult, mismatch, wage_ratio, poor, low_mandarin, personal, P, bands
):
    """The monthly quit hazard of one employed worker, in layers for its reasons.

    Rule: base hazard by tenure, times
      - `training` during the first `training_months` months if trained,
      - `broker` if recruited by a broker (referral effect, Burks et al. 2015),
      - `policy_mult`: this month's product of the policies' effects (liaison
        coverage, subsidy paid, the cliff after the last payment, ...),
      - (1 + skill_mismatch_per_unit * mismatch): skills that do not fit the job,
      - wage_ratio ** outside_wage_elasticity, wage_ratio = outside wage / own wage,
      - `poor` for registered-poor workers,
      - `low_mandarin` if the worker speaks little Mandarin,
      - `personal`: the worker's own multiplier (`personal_quit_mult`).
    Returns (h0, wage, mismatch, policy, language): h0 is the hazard with every
    factor that lowers it and the personal ones; each other factor, where it
    raises the hazard, multiplies on top of it in that order (1 where it does
    not). Their product, clipped to [0, 1], is the hazard (`quit_hazard`).
    """
    h = base_quit_hazard(tenure_month, bands)
    if trained and tenure_month <= P[QH_TRAINING_MONTHS]:
        h *= P[QH_TRAINING]
    if broker:
        h *= P[QH_BROKER]
    if poor:
        h *= P[QH_POOR]
    h *= personal
    e = P[QH_WAGE_ELASTICITY]
    f_wage = wage_ratio if e == 1.0 else wage_ratio**e  # x ** 1.0 is x exactly: no pow call per worker
    f_mismatch = 1.0 + P[QH_MISMATCH] * mismatch
    f_language = P[QH_LOW_MANDARIN] if low_mandarin else 1.0
    h *= min(f_wage, 1.0) * min(f_mismatch, 1.0) * min(policy_mult, 1.0) * min(f_language, 1.0)
    return h, max(f_wage, 1.0), max(f_mismatch, 1.0), max(policy_mult, 1.0), max(f_language, 1.0)


@rule
def quit_hazard(tenure_month, trained, broker, policy_mult, mismatch, wage_ratio, poor, P, bands):
    """Monthly quit hazard of one employed worker of no personal traits
    (`quit_layers` multiplied out, clipped to [0, 1])."""
    h0, f1, f2, f3, f4 = quit_layers(
        tenure_month, trained, broker, policy_mult, mismatch, wage_ratio, poor, False, 1.0, P, bands
    )
    return min(max(h0 * f1 * f2 * f3 * f4, 0.0), 1.0)


@rule
def quit_reason(u, h0, f_wage, f_mismatch, f_policy, f_language):
    """Whether a uniform `u` quits under the layered hazard (`quit_layers`) and
    why: R_NONE (stays) when u is above the whole hazard; R_PERSONAL when below
    h0; else the reason of the first layer that reaches above u (low wage,
    mismatch, subsidy ended, language). So each factor that raises the hazard
    accounts for the quits it adds."""
    h = min(h0, 1.0)
    if u < h:
        return R_PERSONAL
    h = min(h * f_wage, 1.0)
    if u < h:
        return R_LOW_WAGE
    h = min(h * f_mismatch, 1.0)
    if u < h:
        return R_MISMATCH
    h = min(h * f_policy, 1.0)
    if u < h:
        return R_SUBSIDY_ENDED
    h = min(h * f_language, 1.0)
    if u < h:
        return R_LANGUAGE
    return R_NONE


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


@rule
def quit_outcome(u, liaison, P):
    """Where a quit leads, from a uniform draw `u`.

    Rule: next Ningbo job with p_next, home with p_home, another region otherwise;
    liaison moves `liaison_shift_to_ningbo` of the mass from home to a Ningbo job.
    """
    shift = min(P[P_LIAISON_SHIFT], P[P_RETURN_HOME]) if liaison else 0.0
    p_next = P[P_NEXT_JOB] + shift
    if u < p_next:
        return NEXT_NINGBO_JOB
    if u < p_next + P[P_RETURN_HOME] - shift:
        return RETURN_HOME
    return OTHER_REGION


@rule
def festival_decision(u, P):
    """A worker at home for the Spring Festival: FESTIVAL_BACK (goes back),
    FESTIVAL_STAY (stays home for good) or FESTIVAL_WAIT, from a uniform `u`."""
    if u < P[P_FESTIVAL_BACK]:
        return FESTIVAL_BACK
    if u < P[P_FESTIVAL_BACK] + P[P_FESTIVAL_STAY]:
        return FESTIVAL_STAY
    return FESTIVAL_WAIT


@rule
def subsidy_due_month(k, n, waiting, every, lump_after, lag):
    """Month of work (1 = the first month in a qualifying job) in which entry `k`
    of an `n`-entry subsidy schedule is paid.

    Rule: entry k is earned in month `waiting + k`; `every` = 1 pays it then
    (monthly), `every` = 3 at the end of its quarter of entries (or with the
    last entry), `every` = 0 pays every entry at once in month `lump_after`;
    the payment reaches the worker `lag` months of work later.
    """
    earned = waiting + k
    if every == 0:
        due = max(lump_after, waiting + n - 1)
    elif every == 1:
        due = earned
    else:
        due = waiting + min((k // every) * every + every - 1, n - 1)
    return due + lag


@rule
def subsidy_value(k, months_in, sched, waiting, every, lump_after, lag, rate):
    """Present value, in yuan, of the schedule's entries from `k` on for a worker
    with `months_in` months of qualifying work: each entry discounted by
    (1 + rate) ** (months until it is paid), `rate` per month."""
    n = len(sched)
    v = 0.0
    for j in range(k, n):
        wait = subsidy_due_month(j, n, waiting, every, lump_after, lag) - months_in
        v += sched[j] / (1.0 + rate) ** float(max(wait, 0.0))
    return v


@rule
def subsidy_hazard(value, cliff_drop, wage, per_wage, cliff_per_wage):
    """Quit-hazard multiplier of the subsidy, for a worker earning `wage` a month.

    Rule: exp(-per_wage * value / wage) while payments worth `value` (present
    value, yuan) are still to come: the more money and the later it comes,
    the less the worker quits, weighed against the wage the worker would give up
    by leaving (log hazard falls by `per_wage` per month of wage still to come).
    After the last payment, `1 + cliff_per_wage * cliff_drop / wage` for the
    months of the cliff, `cliff_drop` being the monthly income the last payment
    stood for: a schedule that tapers off softens the cliff, a rising one
    sharpens it. Exactly 1 when both are 0.
    """
    if value > 0.0:
        return math.exp(-per_wage * value / max(wage, 1.0))
    return 1.0 + cliff_per_wage * cliff_drop / max(wage, 1.0)


@rule
def family_stay(u, mult, P):
    """A festival visitor with dependants at home, whose draw `u` fell past going
    back and staying (`festival_decision`), stays home anyway when u is below
    back + stay x mult: the extra stays that dependants cause (reason "family")."""
    return u < P[P_FESTIVAL_BACK] + min(P[P_FESTIVAL_STAY] * mult, 1.0 - P[P_FESTIVAL_BACK])


def stochastic_round(x, u):
    """Round `x` down or up so the expectation is `x` (u uniform in [0, 1))."""
    x = np.asarray(x, dtype=np.float64)
    return (np.floor(x) + (u < (x - np.floor(x)))).astype(np.int64)
