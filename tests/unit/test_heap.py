"""Big temporaries go back to the system when freed (`sim.heap`): glibc would raise its
mmap threshold after freeing a big block and take the next few-MB arrays from the heap,
where freed memory stays resident."""

import numpy as np
import pytest

from sim.heap import BIG, _libc, release_free_memory


def _resident() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(_libc() is None, reason="glibc's malloc only")
def test_a_freed_big_array_leaves_the_resident_set():
    big = np.ones(20 << 17)  # 20 MB, freed: glibc alone would now keep blocks below 20 MB in the heap
    del big
    release_free_memory()
    a = np.ones(BIG // 8 + 4096)  # a little over BIG bytes, every page touched
    before = _resident()
    del a
    assert before - _resident() >= 0.9 * BIG
