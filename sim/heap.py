"""Giving freed memory back to the system.

numpy's temporaries of a few megabytes come from the C heap: glibc maps a block on
its own only above its mmap threshold, and raises that threshold (up to 32 MB) each
time it frees a mapped block. Memory freed inside the heap stays resident, and the
holes the month's temporaries leave fragment it, so a big run's peak grew by whatever
its heap happened to hold (1M workers x 120 months: 99-110 bytes a worker from run to
run). So the model fixes the threshold at `BIG` (blocks of a half million int64 or
more are mapped on their own and go back to the system when freed) and lets the heap
keep up to `TRIM` free at its top (as glibc would with that threshold: with its
default, 128 KB, the heap shrank and grew back every month, ~15x the page faults);
measured at 1M x 120: 93-94 bytes a worker, about as fast. It also trims the heap
where many temporaries were just freed and long-lived arrays are about to be made.
"""

from __future__ import annotations

import ctypes
import functools

BIG = 4 << 20  # bytes: blocks this large are mapped on their own (glibc's M_MMAP_THRESHOLD)
TRIM = 2 * BIG  # bytes free at the heap's top before it is given back (M_TRIM_THRESHOLD)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)


@functools.cache
def _libc():
    """glibc, or None elsewhere (another C library, another system)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 (both exist: glibc)
        return libc
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    """Return freed C-heap memory to the system (glibc's malloc_trim; elsewhere
    nothing), and from now on map blocks of `BIG` bytes or more on their own and
    keep up to `TRIM` bytes free at the heap's top (fixed: glibc would otherwise
    raise its threshold as big blocks are freed). The setting is the whole
    process's and stays after the model is gone (a notebook or a sweep worker
    keeps it; it changes no result, only where freed memory goes)."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, BIG)
        libc.mallopt(_M_TRIM_THRESHOLD, TRIM)
        libc.malloc_trim(0)
