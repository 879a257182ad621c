"""Giving freed memory back to the system.

numpy's temporaries of a few megabytes come from the C heap (glibc raises its mmap
threshold to 32 MB once large blocks are freed), and memory freed inside the heap
stays resident until it is trimmed. A big run trims where many temporaries were
just freed and long-lived arrays are about to be made, so those do not sit on top
of memory nothing uses.
"""

from __future__ import annotations

import ctypes


def release_free_memory() -> None:
    """Return freed C-heap memory to the system (glibc's malloc_trim; elsewhere nothing)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
