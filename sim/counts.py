"""Compiled counts over the worker table and the spell log that employers and
brokers read each month (one pass each, instead of numpy passes over strided
record columns)."""

from __future__ import annotations

from .jit import kernel, rule
from .states import JOB
from .table import FB_LEADER, flag


@rule
def leader_and_recruit(T, i, leaders, retained):
    """Worker i's part of the counts: leaders[county, firm] = True if a team leader
    from the county works at the firm (on a festival visit too: they keep the job);
    retained[broker] += 1 if a broker's recruit in a Ningbo job."""
    if flag(T, i, FB_LEADER):  # a team leader has a job (`leave_job` clears it): test the rare bit first
        leaders[T[i].county, T[i].firm] = True
    b = T[i].broker_id
    if b >= 0 and T[i].place == JOB:
        retained[b] += 1


@kernel
def leaders_and_recruits(T, leaders, retained):
    """One pass over the table of `leader_and_recruit` (the `arrays` engine counts
    them in its calendar pass instead)."""
    for i in range(len(T)):
        leader_and_recruit(T, i, leaders, retained)


@kernel
def first_arrival_from(S, n_spells, step):
    """The first spell of S[:n_spells] (logged in order of arrival) that arrived at
    `step` or later (n_spells if none): a binary search on the log's rows, as
    `np.searchsorted(arrival_step, step)` without copying the strided column."""
    lo, hi = 0, n_spells
    while lo < hi:
        mid = (lo + hi) // 2
        if S[mid].arrival_step < step:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def early_failures(S, n_spells, step, early_months, failures):
    """failures[broker] += 1 for each broker recruit whose spell ended last month
    within `early_months` of arriving."""
    for s in range(n_spells):
        b = S[s].broker_id
        if b >= 0 and S[s].exit_step == step - 1 and S[s].exit_step - S[s].arrival_step < early_months:
            failures[b] += 1
