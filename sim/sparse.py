"""Per-worker state kept only for the workers who have some (a subsidy's claimants,
the people a ledger has paid), not an array over every worker.

A `SparseRows` holds one row per member, in worker order: worker i's row is the
number of members below i. Membership is one bit per worker (`bits`) and the
members before each 64-worker word are counted once (`before`), so a compiled
loop finds a row in a few operations (`row_of`) and a worker without a row
costs one bit: about 0.19 bytes a worker, where an array over all workers of a
few small columns costs several bytes each.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel, rule

_M1, _M2, _M4 = np.uint64(0x5555555555555555), np.uint64(0x3333333333333333), np.uint64(0x0F0F0F0F0F0F0F0F)
_ONE, _SIX = np.uint64(1), np.uint64(63)


@rule
def popcount(x):
    """Set bits of the 64-bit word x (no multiplication: nothing wraps around)."""
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    x = x + (x >> np.uint64(8))
    x = x + (x >> np.uint64(16))
    x = x + (x >> np.uint64(32))
    return int(x & np.uint64(127))


@rule
def rank_of(bits, before, i):
    """Members below worker i (its row if it is one); i must be below 64 * len(bits)."""
    w = i >> 6
    return before[w] + popcount(bits[w] & ((_ONE << (np.uint64(i) & _SIX)) - _ONE))


@rule
def row_of(bits, before, i):
    """Row of worker i, or -1 if it has none."""
    w = i >> 6
    if w >= len(bits) or (bits[w] >> (np.uint64(i) & _SIX)) & _ONE == 0:
        return -1
    return rank_of(bits, before, i)


@kernel
def _rows(bits, before, idx, out):
    for k in range(len(idx)):
        out[k] = row_of(bits, before, idx[k])


@kernel
def _ranks(bits, before, idx, out):
    for k in range(len(idx)):
        out[k] = rank_of(bits, before, idx[k])


@kernel
def _count_before(bits, before):
    n = 0
    for w in range(len(bits)):
        before[w] = n
        n += popcount(bits[w])


@kernel
def _members(bits, out):
    n = 0
    for w in range(len(bits)):
        for b in range(64):
            if (bits[w] >> np.uint64(b)) & _ONE:
                out[n] = 64 * w + b
                n += 1


class SparseRows:
    """Rows of typed columns for some workers (see the module).

    Args:
        columns: name -> (dtype, value of a new row).
    """

    def __init__(self, columns: dict[str, tuple]) -> None:
        self.spec = {k: (np.dtype(t), v) for k, (t, v) in columns.items()}
        self.cols = {k: np.zeros(0, t) for k, (t, _) in self.spec.items()}
        self.bits = np.zeros(0, np.uint64)
        self.before = np.zeros(0, np.int32)
        self.n = 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name]

    def add_column(self, name: str, dtype, value) -> None:
        """A new column, `value` in every row (and in rows added later)."""
        self.spec[name] = (np.dtype(dtype), value)
        self.cols[name] = np.full(self.n, value, dtype)

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows of workers `idx` (-1: none)."""
        idx = np.asarray(idx, np.int64)
        out = np.empty(len(idx), np.int64)
        _rows(self.bits, self.before, idx, out)
        return out

    def add(self, idx: np.ndarray) -> np.ndarray:
        """Give workers `idx` a row (those without one get each column's new value);
        returns the rows of `idx`. New rows make new column arrays: read a column
        after the call (`s["a"][s.add(idx)] = v` would write to the old one)."""
        idx = np.asarray(idx, np.int64)
        if idx.size and int(idx.max()) >= 64 * len(self.bits):
            words = (int(idx.max()) >> 6) + 1
            grown = max(words, len(self.bits) + len(self.bits) // 8)  # by an eighth at least: growth is rare
            self.bits = np.concatenate([self.bits, np.zeros(grown - len(self.bits), np.uint64)])
            self.before = np.concatenate([self.before, np.full(grown - len(self.before), self.n, np.int32)])
        new = np.unique(idx[self.rows(idx) < 0])
        if new.size:
            at = np.empty(len(new), np.int64)
            _ranks(self.bits, self.before, new, at)
            for k, (t, v) in self.spec.items():
                self.cols[k] = np.insert(self.cols[k], at, np.array(v, t))
            np.bitwise_or.at(self.bits, new >> 6, np.uint64(1) << (new & 63).astype(np.uint64))
            _count_before(self.bits, self.before)
            self.n += len(new)
        return self.rows(idx)

    def members(self) -> np.ndarray:
        """Workers with a row, in row order."""
        out = np.empty(self.n, np.int64)
        _members(self.bits, out)
        return out

    def values(self, name: str, idx: np.ndarray) -> np.ndarray:
        """Column `name` of workers `idx` (the new-row value for a worker without a row)."""
        t, v = self.spec[name]
        r = self.rows(idx)
        out = np.full(len(r), v, t)
        out[r >= 0] = self.cols[name][r[r >= 0]]
        return out

    def dense(self, name: str, n: int) -> np.ndarray:
        """Column `name` over workers 0..n-1 (the new-row value where there is no row)."""
        t, v = self.spec[name]
        out = np.full(n, v, t)
        m = self.members()
        out[m[m < n]] = self.cols[name][m < n]
        return out
