"""Compilation of the rulebook: one source, run compiled or as plain Python.

Transition functions are written once in a subset of Python that numba can
compile (scalars, numpy arrays, records, `math`). The `arrays` engine runs them
compiled inside whole-table kernels; the Mesa `agents` engine calls the very
same compiled functions one row at a time. Set the environment variable
`LABORSIM_NO_JIT=1` to run every rule as plain Python (slow; for debugging and
for reading tracebacks).

Compiled code is cached on disk (`cache=True`) under the user's cache folder,
in a subfolder named by a hash of the package's modules that hold compiled code: numba itself
checks only the timestamp of the file that defines a function, not of the
modules whose constants it reads (flow codes, parameter indices), so a change
anywhere in those modules must start a new cache.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

NO_JIT = os.environ.get("LABORSIM_NO_JIT", "") not in ("", "0")


def cache_dir() -> Path:
    """Where compiled rules are cached: $LABORSIM_CACHE or ~/.cache/laborsim, then
    numba-<hash of sim/*.py, sim/engines/*.py and sim/policies/*.py> (the modules
    that hold compiled code or the constants it reads)."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for f in sorted([*here.glob("*.py"), *here.glob("engines/*.py"), *here.glob("policies/*.py")]):
        h.update(str(f.relative_to(here)).encode() + f.read_bytes())
    base = os.environ.get("LABORSIM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "laborsim"
    )
    return Path(base) / f"numba-{h.hexdigest()[:16]}"


def _ran_marker(engine: str) -> Path:
    """The file that says a run of `engine` from this copy of the package finished with
    this cache (numba keys its cache by source path too: another checkout of the same
    code compiles again)."""
    where = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:12]
    return cache_dir() / f"ran-{engine}-{where}"


def compiled_before(engine: str) -> bool:
    """Whether a run of `engine` from this copy of the package has finished since the
    rules last changed (so its compiled code is in the cache); always True when
    nothing is compiled."""
    return NO_JIT or _ran_marker(engine).exists()


def mark_compiled(engine: str) -> None:
    """Note that a run of `engine` finished with this cache (see `compiled_before`)."""
    if not NO_JIT:
        m = _ran_marker(engine)
        m.parent.mkdir(parents=True, exist_ok=True)
        m.touch()


class _Row:
    """One row of a typed table with the attribute access compiled code has
    (`T[i].place`); plain numpy rows have none (LABORSIM_NO_JIT only)."""

    __slots__ = ("_a", "_i")

    def __init__(self, a: np.ndarray, i) -> None:
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_i", i)

    def __getattr__(self, name: str):
        return self._a[name][self._i]

    def __setattr__(self, name: str, value) -> None:
        self._a[name][self._i] = value


class _Rows:
    """A typed table whose rows are `_Row`s (LABORSIM_NO_JIT only)."""

    __slots__ = ("_a",)

    def __init__(self, a: np.ndarray) -> None:
        self._a = a

    def __getitem__(self, i) -> _Row:
        return _Row(self._a, i)

    def __len__(self) -> int:
        return len(self._a)


def _plain(fn):
    """`fn` as plain Python, its typed-table arguments seen through `_Rows`."""

    def run(*args):
        with np.errstate(over="ignore"):  # the draws' hashing wraps around on purpose, as compiled
            return fn(*(_Rows(a) if isinstance(a, np.ndarray) and a.dtype.names else a for a in args))

    run.__name__, run.__doc__, run.__wrapped__ = fn.__name__, fn.__doc__, fn
    return run


if NO_JIT:

    def rule(fn):
        """Plain Python (LABORSIM_NO_JIT is set)."""
        return _plain(fn)

    kernel = rule

else:
    import numba

    numba.config.CACHE_DIR = str(cache_dir())

    def rule(fn):
        """Compile `fn` with numba (nopython, cached on disk, no fastmath so the
        compiled and plain-Python results are the same floating-point numbers).
        Rules never allocate arrays, so they run without numba's reference
        counting (`_nrt=False`): with it, every call that passes arrays costs
        atomic increments, ~10x the work of a transition (measured: 64 vs 4 ns
        per worker). Rules are inlined into their callers (numba IR), so a
        kernel is one function: a call that passes a dozen arrays would cost
        more than the rule itself."""
        return numba.njit(cache=True, nogil=True, _nrt=False, inline="always")(fn)

    def kernel(fn):
        """Compile a loop over workers (called from Python)."""
        return numba.njit(cache=True, nogil=True, _nrt=False)(fn)


@rule
def ix(x):
    """Index `x` (never negative) as unsigned: compiled code then skips the check for
    a negative index (Python's wraparound) that it makes on every access with a
    signed one (measured: the month's stock count 6.2 -> 2.3 ms at 1M workers).
    Cast only where the value indexes: unsigned and signed integers mixed in
    arithmetic give floats."""
    return np.uint64(x)
