"""Named random streams derived from one seed (common random numbers).

Each decision (departure, quit, matching, each policy's draws) has its own
stream, so two scenarios run on the same seed share every draw a policy does not
touch. Streams are numpy Generators spawned from `SeedSequence(seed)` with a
spawn key from the stream's name; nothing uses global random state.
"""

from __future__ import annotations

import zlib

import numpy as np

from .jit import kernel, rule


class Streams:
    """A family of named generators for one run.

    Args:
        seed: The run's seed (stored in the manifest).
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """The generator for stream `name` (created on first use)."""
        if name not in self._cache:
            key = zlib.crc32(name.encode("utf-8"))
            ss = np.random.SeedSequence(self.seed, spawn_key=(key,))
            self._cache[name] = np.random.Generator(np.random.PCG64(ss))
        return self._cache[name]

    def monthly(self, name: str, step: int, n: int) -> np.ndarray:
        """`n` uniforms (float32) for decision `name` in month `step`, one per worker index."""
        return self.uniforms(name, step, np.arange(n, dtype=np.uint64))

    def key(self, name: str, step: int) -> np.uint64:
        """The 64-bit key of decision `name` in month `step` (see `uniforms`)."""
        k = _mix_int(_mix_int(self.seed ^ (zlib.crc32(name.encode("utf-8")) << 32)) ^ ((step + 1) * _GOLD_I & _MASK))
        return np.uint64(k)

    def uniforms(self, name: str, step: int, idx: np.ndarray) -> np.ndarray:
        """The uniforms of decision `name` in month `step` for workers `idx`.

        A counter-based generator: u = hash(seed, name, step, worker index), by
        the SplitMix64 finalizer (Steele, Lea & Flood 2014). The draw of worker
        i does not depend on which other workers draw, on other decisions, or
        on earlier months, so (a) engines that visit different subsets share
        every draw and (b) a policy run and its twin share every draw the
        policy does not touch (common random numbers). The transition kernels
        compute the same numbers inline with `uniform`.
        """
        shape = np.shape(idx)
        x = np.array(idx, dtype=np.int64, ndmin=1).ravel()
        out = np.empty(len(x), np.float32)
        fill_uniforms(self.key(name, step), x, out)
        return out.reshape(shape)


_MASK = (1 << 64) - 1
_GOLD_I = 0x9E3779B97F4A7C15
_GOLD = np.uint64(_GOLD_I)
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_M1U, _M2U = np.uint64(_M1), np.uint64(_M2)
_TWO_M24 = 2.0**-24


def _mix_int(x: int) -> int:
    """SplitMix64 finalizer on a Python int."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _M1) & _MASK
    x = ((x ^ (x >> 27)) * _M2) & _MASK
    return x ^ (x >> 31)


@rule
def uniform(key, i):
    """Uniform in [0, 1) of worker `i` under decision key `key` (SplitMix64 of
    i * golden ratio + key; 24 bits, exactly representable as float32 and float64)."""
    x = np.uint64(i) * _GOLD + key
    x ^= x >> np.uint64(30)
    x *= _M1U
    x ^= x >> np.uint64(27)
    x *= _M2U
    x ^= x >> np.uint64(31)
    return np.float64(x >> np.uint64(40)) * _TWO_M24


@kernel
def fill_uniforms(key, idx, out):
    """out[k] = uniform(key, idx[k])."""
    for k in range(len(idx)):
        out[k] = uniform(key, idx[k])


class MonthDraws(dict):
    """This month's per-worker uniforms by decision name.

    `draws[name]` gives the whole column (drawn once, kept for the month);
    `draws.at(name, idx)` gives only the workers `idx` (the same values).
    """

    def __init__(self, streams: Streams, step: int, n: int) -> None:
        super().__init__()
        self._streams, self._step, self._n = streams, step, n

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = self._streams.monthly(name, self._step, self._n)
        return self[name]

    def at(self, name: str, idx: np.ndarray) -> np.ndarray:
        """Uniforms of decision `name` for workers `idx`."""
        if name in self:
            return self[name][idx]
        return self._streams.uniforms(name, self._step, idx)


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """Seeds for `n` replicates, derived from one master seed."""
    ss = np.random.SeedSequence(master_seed)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> 1) for c in ss.spawn(n)]
