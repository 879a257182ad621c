"""Named random streams derived from one seed (common random numbers).

Each decision (departure, quit, matching, each policy's draws) has its own
stream, so two scenarios run on the same seed share every draw a policy does not
touch. Streams are numpy Generators spawned from `SeedSequence(seed)` with a
spawn key from the stream's name; nothing uses global random state.
"""

from __future__ import annotations

import zlib

import numpy as np


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
        """`n` uniforms (float32) for decision `name` in month `step`, one per worker index.

        Drawn from a generator keyed by (name, step) so month t's draws do not
        depend on how many draws earlier months made, nor on other decisions.
        """
        key = zlib.crc32(name.encode("utf-8"))
        ss = np.random.SeedSequence(self.seed, spawn_key=(key, step))
        return np.random.Generator(np.random.PCG64(ss)).random(n, dtype=np.float32)


class MonthDraws(dict):
    """This month's per-worker uniforms by decision name, drawn on first use."""

    def __init__(self, streams: Streams, step: int, n: int) -> None:
        super().__init__()
        self._streams, self._step, self._n = streams, step, n

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = self._streams.monthly(name, self._step, self._n)
        return self[name]


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """Seeds for `n` replicates, derived from one master seed."""
    ss = np.random.SeedSequence(master_seed)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> 1) for c in ss.spawn(n)]
