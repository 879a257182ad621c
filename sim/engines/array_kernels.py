"""Compiled loops of the `arrays` engine: each phase touches only the rows it needs.

The per-worker rules stay in `sim.transitions` (one source for both engines);
these kernels only decide which rows a phase visits and keep the bookkeeping
(index lists, queues, per-county selections) out of numpy temporaries of the
whole table. Every kernel gives the same numbers as the numpy code it replaced
(bit for bit: the same draws, the same floating-point operations in the same order).
"""

from __future__ import annotations

from ..counts import leader_and_recruit
from ..jit import ix, kernel
from ..params import M_FESTIVAL
from ..recorder import tally_row
from ..states import HOME, JOB, LOCAL, SEEKING
from ..streams import uniform
from ..transitions import O_QUIT, O_WANT, calendar_row, decide_row


@kernel
def calendar_lists(T, M, P, keys, counts, lists, leaders, retained):
    """`calendar_row` for every worker, then list who is where: workers in a
    Ningbo job from the front of `lists` (ascending), workers at home or in a
    local job from its back (descending); and count the team leaders' firms and
    the brokers' recruits in jobs (`counts.leader_and_recruit`: nothing moves
    between this pass and the employer phase that reads them). Returns (jobs,
    start of the home list)."""
    nj = 0
    nh = len(lists)
    festival = M[M_FESTIVAL] > 0
    for i in range(len(T)):
        u = ix(i)  # unsigned: no check for a negative index on each access of the row
        calendar_row(u, T, M, P, keys, counts, festival)
        leader_and_recruit(T, u, leaders, retained)
        p = T[u].place
        # branch-free (places are mixed, a branch would mispredict): both slots are free
        # (nj + len - nh <= i), and a slot not claimed is written again later
        lists[nj] = i
        nj += p == JOB
        lists[nh - 1] = i
        nh -= (p == HOME) | (p == LOCAL)
    return nj, nh


@kernel
def decide_rows(start, skip, T, S, F, firms, M, P, bands, keys, counts, out, nout, seek, nseek, smin, stocks, stable):
    """`decide_row` for workers start.. not in `skip`; then counts each worker in
    the month's stocks (`sim.recorder.tally_row`) and lists the job seekers in
    `seek`. Stops early when a queue of `out` is nearly full and returns the
    worker to resume from (len(T) when done); a row adds at most one entry to
    each queue."""
    cap = out.shape[1] - 2
    ns = nseek[0]
    for i in range(start, len(T)):
        if nout[O_WANT] >= cap or nout[O_QUIT] >= cap:
            nseek[0] = ns
            return i
        u = ix(i)  # unsigned: no check for a negative index on each access of the row
        if not skip[u]:
            decide_row(u, T, S, F, firms, M, P, bands, keys, counts, out, nout)
        tally_row(T, u, smin, stocks, stable, 1)
        seek[ns] = i  # branch-free, as in calendar_lists
        ns += T[u].place == SEEKING
    nseek[0] = ns
    return len(T)


@kernel
def match_rounds(
    seek, g0, gpoor, E, vac, rkeys, alive, choice, state, cdf, total, present, rank, h_idx, h_firm, h_love
):  # noqa: E501
    """Rounds of choosing and accepting for seekers `seek` (worker indices, in
    order; `LaborModel.match_weights` as E = exp(score) per group g0 and firm).

    In round r every seeker still looking draws (decision key rkeys[r]) a firm with
    probability proportional to open jobs x E, by inverse CDF over its group's row
    (the rows of the groups present this round, offset by their rank, as the
    numpy version did); firms take their choosers in order, registered-poor
    choosers into love-job slots first, then anyone into regular slots. Rounds
    stop when no one is looking, no job is open or no one was taken. `vac`
    (firms x [regular, love]) is updated; hires go to h_idx/h_firm/h_love in
    the order taken; returns how many."""
    n_alive = len(seek)
    for a in range(n_alive):
        alive[a] = a
    G, F = E.shape
    nh = 0
    for r in range(len(rkeys)):
        if n_alive == 0:
            break
        open_jobs = 0
        for f in range(F):
            open_jobs += vac[f, 0] + vac[f, 1]
        if open_jobs == 0:
            break
        for g in range(G):
            present[g] = False
        for a in range(n_alive):
            present[g0[alive[a]]] = True
        nr = 0
        for g in range(G):
            if not present[g]:
                continue
            rank[g] = nr
            nr += 1
            s = 0.0
            for f in range(F):
                avail = vac[f, 0] + vac[f, 1] if gpoor[g] else vac[f, 0]
                s += avail * E[g, f]
                cdf[g, f] = s
            total[g] = s
            d = s if s > 0 else 1.0
            for f in range(F):
                cdf[g, f] = cdf[g, f] / d + rank[g]
        key = rkeys[r]
        for a in range(n_alive):
            j = alive[a]
            g = g0[j]
            state[a] = 0
            if total[g] > 0:
                x = rank[g] + uniform(key, seek[j])
                lo, hi = 0, F
                while lo < hi:  # first firm whose CDF exceeds x
                    mid = (lo + hi) // 2
                    if cdf[g, mid] > x:
                        hi = mid
                    else:
                        lo = mid + 1
                choice[a] = min(lo, F - 1)
            else:
                choice[a] = -1
        for a in range(n_alive):  # love-job slots: registered-poor choosers, in order
            c = choice[a]
            if c >= 0 and gpoor[g0[alive[a]]] and vac[c, 1] > 0:
                vac[c, 1] -= 1
                state[a] = 1
        for a in range(n_alive):  # regular slots: everyone not yet taken, in order
            c = choice[a]
            if c >= 0 and state[a] == 0 and vac[c, 0] > 0:
                vac[c, 0] -= 1
                state[a] = 2
        kept = 0
        for a in range(n_alive):
            j = alive[a]
            if state[a] == 0:
                alive[kept] = j
                kept += 1
            else:
                h_idx[nh] = seek[j]
                h_firm[nh] = choice[a]
                h_love[nh] = state[a] == 1
                nh += 1
        if kept == n_alive:
            break
        n_alive = kept
    return nh


@kernel
def rows_by_leaders(rows, groups, per_county, leaders, out):
    """out[g, f] = rows[1, groups[g], f] where a team leader from group g's county
    (groups[g] // per_county) works at firm f, else rows[0, groups[g], f]: each
    group's exp(score) row for this month's team leaders, in one pass."""
    for g in range(len(groups)):
        k = groups[g]
        c = k // per_county
        for f in range(out.shape[1]):
            out[g, f] = rows[int(leaders[c, f]), k, f]  # branch-free: firms with leaders are mixed
