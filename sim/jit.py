"""Compilation of the rulebook: one source, run compiled or as plain Python.

Transition functions are written once in a subset of Python that numba can
compile (scalars, numpy arrays, tuples, `math`). The `arrays` engine runs them
compiled inside whole-table kernels; the Mesa `agents` engine calls the very
same functions (compiled too, one row at a time). Set the environment variable
`LABORSIM_NO_JIT=1` to run every rule as plain Python (slow; for debugging and
for reading tracebacks).

numba caches compiled kernels beside the source (`cache=True`), so only the
first run after a change pays the compile time.
"""

from __future__ import annotations

import os

NO_JIT = os.environ.get("LABORSIM_NO_JIT", "") not in ("", "0")

if NO_JIT:

    def rule(fn):
        """Plain Python (LABORSIM_NO_JIT is set)."""
        return fn

else:
    import numba

    def rule(fn):
        """Compile `fn` with numba (nopython, cached on disk, no fastmath so the
        compiled and plain-Python results are the same floating-point numbers)."""
        return numba.njit(cache=True, nogil=True)(fn)
