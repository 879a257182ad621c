"""Why workers move: reason codes carried by every quit, dismissal and return.

A quit's reason is read off the quit hazard it was drawn from
(`sim.rules.quit_reason`): the hazard is a product of factors, and the share
of it that a factor raising the hazard adds (a low wage against the outside
wage, skills that do not fit the job, the subsidy's cliff, poor Mandarin) is
that factor's share of the quits; what is left is `personal` (homesickness,
job-hopping: the base hazard of domain.md's "Assumed defaults"). A return home
carries the reason of the move that led to it.

Counts are kept monthly by event x reason x group in the recorder's counts,
after the flows (`reason_row`), and each spell keeps the reason its first job
ended and the reason it left Ningbo (`sim.spells`).
"""

from __future__ import annotations

from .jit import rule

REASONS = (
    "none",
    "personal",  # the base hazard: homesickness, job-hopping (domain.md "Problems named")
    "low_wage",  # the job pays less than the PRD (wage gap)
    "mismatch",  # skills do not fit the job (domain.md "Problems named")
    "subsidy_ended",  # the cliff after the last subsidy payment
    "language",  # poor Mandarin (domain.md "Problems named": language does not fit)
    "family",  # dependants at home keep a festival visitor home
    "dismissed",  # let go by the employer in probation
    "festival_stay",  # stayed home after the Spring Festival
    "gave_up_search",  # found no job in Ningbo
)
(R_NONE, R_PERSONAL, R_LOW_WAGE, R_MISMATCH, R_SUBSIDY_ENDED, R_LANGUAGE, R_FAMILY, R_DISMISSED, R_FESTIVAL_STAY,
 R_GAVE_UP) = range(len(REASONS))  # fmt: skip
N_REASONS = len(REASONS)

#: Moves that carry a reason (rows of the flows-by-reason table).
EVENTS = ("quits", "dismissals", "return_home", "to_other_region")
EV_QUIT, EV_DISMISSAL, EV_RETURN_HOME, EV_TO_OTHER = range(len(EVENTS))


@rule
def reason_row(n_flows, event, reason):
    """Row of the recorder's counts for `event` x `reason` (after the flows)."""
    return n_flows + event * N_REASONS + reason
