"""Big temporaries go back to the system when freed (`sim.heap`): glibc would raise its
mmap threshold after freeing a big block and take the next few-MB arrays from the heap,
where freed memory stays resident. (In a fresh process: a heap with free holes serves
any block that fits from them, whatever the threshold.)"""

import subprocess
import sys

import pytest

from sim.heap import _libc

CODE = """
import numpy as np
from sim.heap import BIG, release_free_memory
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
big = np.ones(20 << 17)  # 20 MB, freed: glibc alone would now keep blocks below 20 MB in the heap
del big
release_free_memory()
a = np.ones(BIG // 8 + 4096)  # a little over BIG bytes, every page touched
before = resident()
del a
print((before - resident()) / BIG)
"""


@pytest.mark.skipif(_libc() is None, reason="glibc's malloc only")
def test_a_freed_big_array_leaves_the_resident_set():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60)
    assert float(out.stdout) >= 0.9
