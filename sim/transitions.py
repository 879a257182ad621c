"""The month's transitions, written once: one function per place.

Each function takes one worker's row of the table (`sim.table`), its draws
(`sim.streams.uniform`, computed inline from this month's decision keys), the
month's facts (`sim.params.pack_month`) and the behavior parameters
(`sim.params.pack_behavior`), and applies the move: the new place, the flow to
count, the spell that opens or closes, the firm slot given up. Workers bound for
Ningbo are queued for the travel phase and open quits for the policies' final
payments (`out`).

The `arrays` engine runs them over the whole table (`sim.engines.array_kernels`);
a Mesa `Worker` of the `agents` engine calls `calendar_row` and `decide_row` on
its own row. The engines differ only in visiting order (which cannot change a
result: a transition reads and writes its own row, the flow counts, its own
spell and its firm's counters) and in how matching walks the seekers.
"""

from __future__ import annotations

import math

from . import rules
from .jit import rule
from .params import (
    E_DISMISS_MANDARIN,
    E_DISMISS_MISMATCH,
    E_LEADER_TENURE,
    E_LEADER_WAGE,
    E_P_LEADER,
    E_PROBATION,
    E_SKILL_MONTHS,
    E_TENURE_WAGE,
    E_TENURE_WAGE_CAP,
    M_LOVE_FLOOR,
    M_N_COUNTIES,
    M_OWN_TRAVEL,
    M_PRD_WAGE,
    M_STEP,
    M_TABLES,
    P_FESTIVAL_VISIT,
    P_FIND_LOCAL,
    P_GIVE_UP,
    P_LOSE_LOCAL,
    P_OTHER_HOME,
    P_PRD_HOME,
    P_PRD_TO_NINGBO,
    P_SECRET,
    P_STAY_DEPENDANTS,
    P_VISIT_DEPENDANTS,
    PM_FEMALE,
    PM_FIRST_TIME,
    PM_LEADER,
    PM_YOUNG,
    QH_PERSONAL,
)
from .reasons import (
    EV_DISMISSAL,
    EV_QUIT,
    EV_RETURN_HOME,
    EV_TO_OTHER,
    R_DISMISSED,
    R_FAMILY,
    R_FESTIVAL_STAY,
    R_GAVE_UP,
    R_LANGUAGE,
    R_MISMATCH,
    R_NONE,
    reason_row,
)
from .recorder import FLOWS
from .spells import EXITS
from .states import FESTIVAL, HOME, JOB, LOCAL, OTHER, PRD, SEEKING
from .streams import uniform
from .table import (
    FB_BROKER,
    FB_DEPENDANTS,
    FB_FEMALE,
    FB_FIRST_TIME,
    FB_LEADER,
    FB_LOVE_JOB,
    FB_LOW_MANDARIN,
    FB_ORGANIZED,
    FB_TRAINED,
    age_band,
    flag,
    set_flag,
)

# Decisions with a draw each month (stream names: the same names give the same draws)
DRAWS = (
    "local",
    "depart",
    "destination",
    "travel",
    "give_up",
    "quit",
    "secret",
    "quit_outcome",
    "prd",
    "other",
    "festival",
    "festival_visit",
    "dismiss",
    "team_leader",
)
(D_LOCAL, D_DEPART, D_DEST, D_TRAVEL, D_GIVE_UP, D_QUIT, D_SECRET, D_QUIT_OUTCOME, D_PRD, D_OTHER, D_FESTIVAL,
 D_FESTIVAL_VISIT, D_DISMISS, D_LEADER) = range(len(DRAWS))  # fmt: skip

# Why a worker is queued for travel (to Ningbo, or WANT_PRD: to the PRD but blocked by a lockdown)
WANT_NEW, WANT_BACK, WANT_BROKER, WANT_FROM_PRD, WANT_PRD = 0, 1, 2, 3, 4

F_DEPARTURES = FLOWS.index("departures")
F_TO_PRD = FLOWS.index("to_prd")
F_QUITS = FLOWS.index("quits")
F_SECRET_QUITS = FLOWS.index("secret_quits")
F_JOB_CHANGES = FLOWS.index("job_changes")
F_RETURN_HOME = FLOWS.index("return_home")
F_TO_OTHER = FLOWS.index("to_other_region")
F_GAVE_UP = FLOWS.index("gave_up_search")
F_FESTIVAL_VISITS = FLOWS.index("festival_visits")
F_FESTIVAL_BACK = FLOWS.index("festival_back")
F_FESTIVAL_STAY = FLOWS.index("festival_stay")
F_BLOCKED = FLOWS.index("blocked_by_lockdown")
F_DISMISSALS = FLOWS.index("dismissals")
F_TEAM_LEADERS = FLOWS.index("team_leaders")
N_FLOWS = len(FLOWS)

X_RETURN_HOME = EXITS.index("return_home")
X_OTHER = EXITS.index("other_region")
X_GAVE_UP = EXITS.index("gave_up_search")
X_FESTIVAL_STAY = EXITS.index("festival_stay")

# Rows of the `out` buffer: travel queue (worker, why), open quits (worker, and its firm,
# prior spells and months in Ningbo before the quit)
O_WANT, O_WANT_KIND, O_QUIT, O_QUIT_FIRM, O_QUIT_PRIOR, O_QUIT_MONTHS, N_OUT = range(7)


# ---- shared effects ------------------------------------------------------------------
@rule
def leave_job(i, T, F):
    """Give up the job slot (a love-job slot or a regular one)."""
    f = T[i].firm
    if f >= 0:
        if flag(T, i, FB_LOVE_JOB):
            F[f, 1] -= 1
        else:
            F[f, 0] -= 1
    T[i].firm = -1
    set_flag(T, i, FB_LOVE_JOB, False)
    T[i].tenure = 0
    set_flag(T, i, FB_LEADER, False)


@rule
def end_first_job(s, step, cause, S):
    """Mark the end of spell `s`'s first job, and why (`cause`, a sim.reasons code),
    if it had begun and not ended."""
    if s >= 0 and S[s].job_end_step < 0 and S[s].hire_step >= 0:
        S[s].job_end_step = step
        S[s].job_end_reason = cause


@rule
def close_spell(s, step, reason, cause, S):
    """End spell `s` (the worker left Ningbo, to `reason`: a sim.spells.EXITS code,
    because of `cause`: a sim.reasons code): first job ends too if it was running."""
    if s < 0:
        return
    end_first_job(s, step, cause, S)
    S[s].exit_step = step
    S[s].exit_reason = reason
    S[s].exit_cause = cause


@rule
def count_reason(counts, event, cause, g):
    """Count one `event` (sim.reasons.EVENTS) for `cause` in group g."""
    counts[reason_row(N_FLOWS, event, cause), g] += 1


@rule
def leave_ningbo(i, place, reason, cause, step, T, S, F):
    """End the Ningbo spell and go to `place` (`reason`: where to, `cause`: why);
    spell flags are cleared; the worker has now been away at least once."""
    leave_job(i, T, F)
    close_spell(T[i].spell, step, reason, cause, S)
    T[i].reason = cause
    set_flag(T, i, FB_FIRST_TIME, False)
    T[i].broker_id = -1
    T[i].place = place
    T[i].spell = -1
    T[i].spell_months = 0
    set_flag(T, i, FB_TRAINED, False)
    T[i].liaison = False
    set_flag(T, i, FB_BROKER, False)
    set_flag(T, i, FB_ORGANIZED, False)
    T[i].prior_spells += 1


@rule
def want_ningbo(out, nout, i, why):
    """Queue worker i for the travel phase (`why`: WANT_*)."""
    k = nout[O_WANT]
    out[O_WANT, k] = i
    out[O_WANT_KIND, k] = why
    nout[O_WANT] = k + 1


@rule
def quit_openly(out, nout, i, T):
    """Queue worker i's open quit for the policies' final payments, with the job's
    firm, prior spells and months in Ningbo as they were before the quit."""
    k = nout[O_QUIT]
    out[O_QUIT, k] = i
    out[O_QUIT_FIRM, k] = T[i].firm
    out[O_QUIT_PRIOR, k] = T[i].prior_spells
    out[O_QUIT_MONTHS, k] = T[i].spell_months
    nout[O_QUIT] = k + 1


# ---- the calendar --------------------------------------------------------------------
@rule
def on_the_job(i, T, P, keys, counts):
    """A month in the job: skill grows by 0.01 every skill_growth_months months of
    tenure (kept to 1/100); with leader_min_tenure_months or more, a worker becomes
    team leader with probability p_team_leader_month (behavior.employers)."""
    ten = T[i].tenure
    if ten % int(P[E_SKILL_MONTHS]) == 0:
        T[i].skill = min(100.0, math.floor(T[i].skill * 100.0 + 0.5) + 1.0) / 100.0
    if not flag(T, i, FB_LEADER) and ten >= P[E_LEADER_TENURE] and uniform(keys[D_LEADER], i) < P[E_P_LEADER]:
        set_flag(T, i, FB_LEADER, True)
        counts[F_TEAM_LEADERS, T[i].county * 2 + T[i].poor] += 1


@rule
def calendar_row(i, T, M, P, keys, counts, festival):
    """Tenure grows in a job; a seeker's spell grows; the first month seen away from
    home is noted (`first_away`: first-time migrants). In the festival month
    (`festival`: M[M_FESTIVAL] > 0, read once by the caller: a whole-table loop that
    tests it on each row is ~30% slower, as the compiler cannot lift the read of M out
    of a loop that writes the table) a worker away (in a Ningbo job, the PRD or
    another region) goes home for the festival with probability p_festival_visit."""
    place = T[i].place
    if T[i].first_away == -1 and place != HOME and place != LOCAL:
        T[i].first_away = int(M[M_STEP])  # first-time migrants: sim.policies.subsidy
    if place == JOB:
        T[i].tenure += 1
        T[i].spell_months += 1
        on_the_job(i, T, P, keys, counts)
    elif place == SEEKING:
        T[i].spell_months += 1
    if festival and (place == JOB or place == PRD or place == OTHER):
        p_visit = P[P_FESTIVAL_VISIT] * (P[P_VISIT_DEPENDANTS] if flag(T, i, FB_DEPENDANTS) else 1.0)
        if uniform(keys[D_FESTIVAL_VISIT], i) < p_visit:
            T[i].festival_from = place
            T[i].place = FESTIVAL
            T[i].visit_step = int(M[M_STEP])
            counts[F_FESTIVAL_VISITS, T[i].county * 2 + T[i].poor] += 1


# ---- decisions, one function per place ----------------------------------------------
@rule
def _depart(i, g, c, poor, p_dep, T, M, keys, counts, out, nout):
    """Set out with probability p_dep: Ningbo (queued for travel) or the PRD if
    travel on one's own is open this month; a PRD departure blocked by a lockdown
    is queued (WANT_PRD) and waits for travel to reopen (`LaborModel.travel`)."""
    if uniform(keys[D_DEPART], i) >= p_dep:
        return
    nc = int(M[M_N_COUNTIES])
    org = int(M[M_TABLES + 8 * nc + c] > 0)
    if uniform(keys[D_DEST], i) < M[M_TABLES + 4 * nc + c * 4 + poor * 2 + org]:
        want_ningbo(out, nout, i, WANT_NEW)
    elif uniform(keys[D_TRAVEL], i) < M[M_OWN_TRAVEL]:
        T[i].place = PRD
        counts[F_DEPARTURES, g] += 1
        counts[F_TO_PRD, g] += 1
    else:
        want_ningbo(out, nout, i, WANT_PRD)


@rule
def home_or_local(i, T, M, P, keys, counts, out, nout):
    """At home: find a local job or set out. In a local job: lose it or set out."""
    c, poor = int(T[i].county), int(T[i].poor)
    g = c * 2 + poor
    nc = int(M[M_N_COUNTIES])
    u = uniform(keys[D_LOCAL], i)
    if T[i].place == HOME:
        if u < P[P_FIND_LOCAL]:
            T[i].place = LOCAL
            return
        p_dep = M[M_TABLES + g]
    else:
        if u < P[P_LOSE_LOCAL]:
            T[i].place = HOME
            return
        p_dep = M[M_TABLES + 2 * nc + g]
    _depart(i, g, c, poor, p_dep, T, M, keys, counts, out, nout)


@rule
def seeking(i, T, S, F, M, P, keys, counts):
    """Seeking a job in Ningbo: after the first month, give up and go home with
    probability p_give_up_search_month."""
    T[i].months_seeking += 1
    if T[i].months_seeking > 1 and uniform(keys[D_GIVE_UP], i) < P[P_GIVE_UP]:
        g = T[i].county * 2 + T[i].poor
        counts[F_GAVE_UP, g] += 1
        counts[F_RETURN_HOME, g] += 1
        count_reason(counts, EV_RETURN_HOME, R_GAVE_UP, g)
        leave_ningbo(i, HOME, X_GAVE_UP, R_GAVE_UP, int(M[M_STEP]), T, S, F)


@rule
def personal_quit_mult(i, T, P):
    """The worker's own quit multiplier: young (age band 16-24), female, on the
    first trip away, team leader (behavior.quit_hazard), looked up by the traits
    the worker has (`sim.params.personal_mults`: no branch on traits that vary
    from row to row)."""
    f = T[i].flags
    k = (
        (age_band(T, i) == 0) * PM_YOUNG
        + ((f >> FB_FEMALE) & 1) * PM_FEMALE
        + ((f >> FB_FIRST_TIME) & 1) * PM_FIRST_TIME
        + ((f >> FB_LEADER) & 1) * PM_LEADER
    )
    return P[QH_PERSONAL + k]


@rule
def dismissed(i, mismatch, T, S, F, M, P, keys, counts):
    """In probation (tenure <= probation_months) the employer lets the worker go with
    probability p_dismiss_per_unit_mismatch * mismatch + p_dismiss_low_mandarin if
    the worker speaks little Mandarin; the dismissed look for another Ningbo job.
    The dismissal's reason is the part of the probability the draw falls in
    (mismatch first, then language). Returns whether the worker was let go."""
    if T[i].tenure > P[E_PROBATION]:
        return False
    p_mis = P[E_DISMISS_MISMATCH] * mismatch
    p = p_mis + (P[E_DISMISS_MANDARIN] if flag(T, i, FB_LOW_MANDARIN) else 0.0)
    if p <= 0.0:  # no hashing for a draw that cannot dismiss (a draw is never below 0)
        return False
    u = uniform(keys[D_DISMISS], i)
    if u >= p:
        return False
    g = T[i].county * 2 + T[i].poor
    counts[F_DISMISSALS, g] += 1
    count_reason(counts, EV_DISMISSAL, R_MISMATCH if u < p_mis else R_LANGUAGE, g)
    end_first_job(T[i].spell, int(M[M_STEP]), R_DISMISSED, S)
    leave_job(i, T, F)
    T[i].reason = R_DISMISSED
    T[i].place = SEEKING
    T[i].months_seeking = 0
    return True


@rule
def employed(i, T, S, F, firms, M, P, bands, keys, counts, out, nout):
    """Employed: in probation the employer may let the worker go (`dismissed`);
    else quit with the hazard (`rules.quit_layers`) for a reason
    (`rules.quit_reason`); a quit leads to another Ningbo job, home or another
    region (`rules.quit_outcome`) and carries its reason. Open quits are queued
    for the final month's subsidy; secret quits forfeit it. Pay is the firm's
    wage x (1 + tenure_wage_growth_year x months in the job / 12, up to the cap),
    x team_leader_wage for team leaders, at least the love-job floor."""
    f = T[i].firm
    wage = firms[f, 0] * (1.0 + P[E_TENURE_WAGE] * min(T[i].tenure, P[E_TENURE_WAGE_CAP]) / 12.0)
    if flag(T, i, FB_LEADER):
        wage *= P[E_LEADER_WAGE]
    if flag(T, i, FB_LOVE_JOB):
        wage = max(wage, M[M_LOVE_FLOOR])
    mismatch = max(0.0, firms[f, 1] - T[i].skill)
    if dismissed(i, mismatch, T, S, F, M, P, keys, counts):
        return
    h0, f_wage, f_mis, f_pol, f_lang = rules.quit_layers(
        T[i].tenure,
        flag(T, i, FB_TRAINED),
        flag(T, i, FB_BROKER),
        T[i].hazard_mult,
        mismatch,
        M[M_PRD_WAGE] / wage,
        T[i].poor,
        flag(T, i, FB_LOW_MANDARIN),
        personal_quit_mult(i, T, P),
        P,
        bands,
    )
    why = rules.quit_reason(uniform(keys[D_QUIT], i), h0, f_wage, f_mis, f_pol, f_lang)
    if why == R_NONE:
        return
    step = int(M[M_STEP])
    g = T[i].county * 2 + T[i].poor
    counts[F_QUITS, g] += 1
    count_reason(counts, EV_QUIT, why, g)
    T[i].reason = why
    outcome = rules.quit_outcome(uniform(keys[D_QUIT_OUTCOME], i), T[i].liaison, P)
    if uniform(keys[D_SECRET], i) < P[P_SECRET]:
        counts[F_SECRET_QUITS, g] += 1
    else:
        quit_openly(out, nout, i, T)
    end_first_job(T[i].spell, step, why, S)
    if outcome == rules.NEXT_NINGBO_JOB:
        counts[F_JOB_CHANGES, g] += 1
        leave_job(i, T, F)
        T[i].place = SEEKING
        T[i].months_seeking = 0
    elif outcome == rules.RETURN_HOME:
        counts[F_RETURN_HOME, g] += 1
        count_reason(counts, EV_RETURN_HOME, why, g)
        leave_ningbo(i, HOME, X_RETURN_HOME, why, step, T, S, F)
    else:
        counts[F_TO_OTHER, g] += 1
        count_reason(counts, EV_TO_OTHER, why, g)
        leave_ningbo(i, OTHER, X_OTHER, why, step, T, S, F)


@rule
def in_prd(i, T, P, keys, out, nout):
    """In the PRD: go home, or move on to Ningbo (the 'magnet effect')."""
    u = uniform(keys[D_PRD], i)
    if u < P[P_PRD_HOME]:
        T[i].place = HOME
        set_flag(T, i, FB_FIRST_TIME, False)
    elif u < P[P_PRD_HOME] + P[P_PRD_TO_NINGBO]:
        want_ningbo(out, nout, i, WANT_FROM_PRD)


@rule
def in_other_region(i, T, P, keys):
    """In another region: come home with a small monthly probability."""
    if uniform(keys[D_OTHER], i) < P[P_OTHER_HOME]:
        T[i].place = HOME
        set_flag(T, i, FB_FIRST_TIME, False)


@rule
def on_festival_visit(i, T, S, F, M, P, keys, counts, out, nout):
    """Home for the Spring Festival (from the month after the visit): go back
    (to the job: queued for travel; elsewhere: on one's own if travel is open),
    stay home for good, or wait (`rules.festival_decision`); a worker with
    dependants at home stays more often (`rules.family_stay`: reason "family")."""
    step = int(M[M_STEP])
    if T[i].visit_step >= step:
        return
    u = uniform(keys[D_FESTIVAL], i)
    d = rules.festival_decision(u, P)
    cause = R_FESTIVAL_STAY
    if d == rules.FESTIVAL_WAIT and flag(T, i, FB_DEPENDANTS) and rules.family_stay(u, P[P_STAY_DEPENDANTS], P):
        d, cause = rules.FESTIVAL_STAY, R_FAMILY
    g = T[i].county * 2 + T[i].poor
    if d == rules.FESTIVAL_BACK:
        if T[i].festival_from == JOB:
            want_ningbo(out, nout, i, WANT_BACK)
        elif uniform(keys[D_TRAVEL], i) < M[M_OWN_TRAVEL]:
            T[i].place = T[i].festival_from
            counts[F_FESTIVAL_BACK, g] += 1
        else:
            counts[F_BLOCKED, g] += 1
    elif d == rules.FESTIVAL_STAY:
        counts[F_FESTIVAL_STAY, g] += 1
        if T[i].festival_from == JOB:
            counts[F_RETURN_HOME, g] += 1
            count_reason(counts, EV_RETURN_HOME, cause, g)
            leave_ningbo(i, HOME, X_FESTIVAL_STAY, cause, step, T, S, F)
        T[i].reason = cause
        set_flag(T, i, FB_FIRST_TIME, False)
        T[i].place = HOME


@rule
def decide_row(i, T, S, F, firms, M, P, bands, keys, counts, out, nout):
    """Worker i decides, by place (design.md step 5)."""
    place = T[i].place
    if place == HOME or place == LOCAL:
        home_or_local(i, T, M, P, keys, counts, out, nout)
    elif place == SEEKING:
        seeking(i, T, S, F, M, P, keys, counts)
    elif place == JOB:
        employed(i, T, S, F, firms, M, P, bands, keys, counts, out, nout)
    elif place == PRD:
        in_prd(i, T, P, keys, out, nout)
    elif place == OTHER:
        in_other_region(i, T, P, keys)
    elif place == FESTIVAL:
        on_festival_visit(i, T, S, F, M, P, keys, counts, out, nout)
