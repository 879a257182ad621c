"""Compiled loops of the phases both engines share: the policy view, broker
promotion and broker recruitment. Each visits only the rows its phase needs
(index lists from the calendar pass or `sim.table.where_place`) and gives the
same numbers as the numpy code it replaced: `Streams.uniforms` returns float32
and numpy compares a float32 array with a Python float in float32, so the
kernels do too where the numpy code did.
"""

from __future__ import annotations

import numpy as np

from .jit import ix, kernel, rule
from .streams import uniform
from .table import FB_BROKER, FB_IS_BROKER, FB_LOVE_JOB, flag


@kernel
def gather_view(T, idx, firm, given, f_district, f_wage, f_market, county, poor, district, wage, program, love, broker):
    """The columns every policy view needs, of workers `idx` (see `LaborModel.view`),
    in one pass over their rows: county, poor, the firm's district, wage and
    whether it is a program firm, love job, broker recruit. The firm is `firm[k]`
    where `given` (as it was before a move), else the table's. Reading a row costs
    more than writing a column, so other columns are gathered only when asked."""
    for k in range(len(idx)):
        i = idx[k]
        f = firm[k] if given else T[i].firm
        county[k] = T[i].county
        poor[k] = T[i].poor
        district[k] = f_district[f] if f >= 0 else -1
        wage[k] = f_wage[f] if f >= 0 else 0.0
        program[k] = (f >= 0) and not f_market[f]
        love[k] = flag(T, i, FB_LOVE_JOB)
        broker[k] = flag(T, i, FB_BROKER)


@kernel
def promote_candidates(T, rows, min_months, p, key, out):
    """Workers of `rows` not yet brokers, with at least `min_months` in Ningbo, who
    draw below `p` (compared in float32, as numpy compares float32 draws with a
    Python float). Returns how many were written to `out`."""
    n = 0
    p32 = np.float32(p)
    for k in range(len(rows)):  # branch-free: a draw's outcome is unpredictable, a branch on it costs more
        i = rows[k]
        out[n] = i
        n += (not flag(T, i, FB_IS_BROKER)) & (T[i].spell_months >= min_months) & (np.float32(uniform(key, i)) < p32)
    return n


@rule
def _worse(u, i, heap_u, heap_i, j):
    """Whether (u, i) ranks below heap entry j: lower draw, or the same draw and a
    higher worker index."""
    return u < heap_u[j] or (u == heap_u[j] and i > heap_i[j])


@rule
def _swap(heap_u, heap_i, a, b):
    """Exchange heap entries a and b."""
    heap_u[a], heap_u[b] = heap_u[b], heap_u[a]
    heap_i[a], heap_i[b] = heap_i[b], heap_i[a]


@rule
def _sift_down(heap_u, heap_i, lo, n, j):
    """Restore the min-heap (worst entry on top) below position j of heap lo..lo+n."""
    while True:
        a = 2 * j + 1
        if a >= n:
            return
        b = a + 1
        c = a
        if b < n and _worse(heap_u[lo + b], heap_i[lo + b], heap_u, heap_i, lo + a):
            c = b
        if _worse(heap_u[lo + c], heap_i[lo + c], heap_u, heap_i, lo + j):
            _swap(heap_u, heap_i, lo + j, lo + c)
            j = c
        else:
            return


@rule
def _sift_up(heap_u, heap_i, lo, j):
    while j > 0:
        parent = (j - 1) // 2
        if _worse(heap_u[lo + j], heap_i[lo + j], heap_u, heap_i, lo + parent):
            _swap(heap_u, heap_i, lo + j, lo + parent)
            j = parent
        else:
            return


@kernel
def recruit(cand, cand_c, cand_u, start, k, fill, heap_u, heap_i):
    """Broker recruitment among the accepting workers `cand` (any order; counties
    `cand_c`, order draws `cand_u`): in each county c the `k[c]` with the highest
    order draws are kept (ties: the lower worker index) in
    heap_u/heap_i[start[c]: start[c] + fill[c]]."""
    for r in range(len(cand)):
        _offer(cand[r], cand_u[r], cand_c[r], start, k, fill, heap_u, heap_i)


@kernel
def ties_at_cut(cand_c, cand_u, start, k, fill, heap_u, kept_eq, cand_eq):
    """Per county c whose heap is full (`recruit`): how many kept recruits (kept_eq)
    and how many accepting candidates (cand_eq; their counties `cand_c` and order
    draws `cand_u`) have the cut's draw (the worst kept, heap_u[start[c]]). More
    candidates than kept recruits at the cut means draws tie across it (24-bit
    draws tie often in a large county)."""
    for c in range(len(k)):
        if k[c] > 0 and fill[c] == k[c]:
            for j in range(fill[c]):
                kept_eq[c] += heap_u[start[c] + j] == heap_u[start[c]]
    for r in range(len(cand_u)):
        c = cand_c[r]
        if k[c] > 0 and fill[c] == k[c] and cand_u[r] == heap_u[start[c]]:
            cand_eq[c] += 1


@kernel
def order_draws(T, cand, key_order, cand_c, cand_u):
    """County and broker-order draw of each candidate (as `accept_and_recruit` keeps them)."""
    for r in range(len(cand)):
        i = cand[r]
        cand_c[r] = T[i].county
        cand_u[r] = uniform(key_order, i)


@rule
def _offer(i, u, c, start, k, fill, heap_u, heap_i):
    """Offer candidate i (order draw u, county c) to county c's heap of the k[c] best
    if it would enter: the heap is not full, or it beats the worst kept (a higher
    draw, or the same draw and a lower worker index); rare once the heaps are full."""
    lo = start[c]
    if k[c] > 0 and (fill[c] < k[c] or u > heap_u[lo] or (u == heap_u[lo] and i < heap_i[lo])):
        _keep(i, u, c, start, k, fill, heap_u, heap_i)


@rule
def _keep(i, u, c, start, k, fill, heap_u, heap_i):
    """Put candidate i (order draw u, county c) into county c's heap of the k[c] best,
    dropping the worst kept if the heap is full (`_offer` decides that it enters)."""
    lo, n = start[c], fill[c]
    if n < k[c]:
        heap_u[lo + n] = u
        heap_i[lo + n] = i
        fill[c] = n + 1
        _sift_up(heap_u, heap_i, lo, n)
    else:
        heap_u[lo] = u
        heap_i[lo] = i
        _sift_down(heap_u, heap_i, lo, n, 0)


@kernel
def accept_and_recruit(
    T, rows, skip, p_accept, p_accept_poor, key_accept, key_order, start, k, fill, heap_u, heap_i, out, out_c, out_u
):
    """Workers of `rows` not in `skip` who accept a broker's offer (draw below
    p_accept, p_accept_poor if registered poor), and `recruit` among them, in one
    pass over `rows`: the accepting workers go
    to `out` (in the order of `rows`) with their county and order draw (`out_c`,
    `out_u`, for `ties_at_cut`); each county's heap keeps its k[c] best. Returns
    how many accepted. `heap_u`/`heap_i` have one spare entry at the end (a county
    with k[c] == 0 may start there)."""
    n = 0
    for r in range(len(rows)):  # a worker accepts with p_accept (p_accept_poor if registered poor)
        i = rows[r]
        x = ix(i)  # unsigned: no check for a negative index on each access of the row
        p = p_accept_poor if T[x].poor else p_accept
        if skip[x] or uniform(key_accept, x) >= p:
            continue  # most decline: their order draw is never needed (1.4 ms a month at 1M, against branch-free)
        c = T[x].county
        u = uniform(key_order, x)
        out[n] = i
        out_c[n] = c
        out_u[n] = u
        n += 1
        _offer(i, u, c, start, k, fill, heap_u, heap_i)
    return n
