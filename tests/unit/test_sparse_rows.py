"""Per-worker state kept only for some workers (`sim.sparse.SparseRows`): rows in
worker order, found by a bit and a count; the same as a dense array would hold."""

import copy

import numpy as np

from sim.sparse import SparseRows, popcount, row_of


def test_rows_hold_what_a_dense_array_would():
    rng = np.random.default_rng(3)
    n = 5000
    s = SparseRows({"a": (np.int16, -1), "b": (np.int8, 0)})
    dense = np.full(n, -1, np.int16)
    member = np.zeros(n, bool)
    for month in range(30):
        idx = rng.choice(n, rng.integers(0, 120), replace=True)  # repeats and workers with a row already
        rows = s.add(idx)
        assert (rows >= 0).all()
        member[idx] = True
        s["a"][rows] = month  # what a dense array would have written
        dense[idx] = month
        s["b"][s.rows(idx)] += 1
    assert s.n == member.sum() and (s.members() == np.flatnonzero(member)).all()
    np.testing.assert_array_equal(s.dense("a", n), dense)
    some = rng.choice(n + 100, 300)  # with and without rows, and past the last word
    np.testing.assert_array_equal(s.values("a", some), np.append(dense, np.full(100, -1, np.int16))[some])
    probe = np.arange(n + 700)  # past the last member's word too
    expect = np.where(np.append(member, np.zeros(700, bool)), np.cumsum(np.append(member, [0] * 700)) - 1, -1)
    np.testing.assert_array_equal(s.rows(probe), expect)
    twin = copy.deepcopy(s)
    twin.add(np.array([n + 5000]))
    assert twin.n == s.n + 1 and s.rows(np.array([n + 5000]))[0] == -1


def test_a_new_column_and_new_rows_take_its_value():
    s = SparseRows({"a": (np.int8, 0)})
    s.add(np.array([70, 3]))
    s.add_column("x", np.float64, 2.5)
    s["x"][s.rows(np.array([70]))] = 1.0
    s.add(np.array([64]))
    assert s.dense("x", 80)[[3, 64, 70, 0]].tolist() == [2.5, 2.5, 1.0, 2.5]  # 0 has no row: the new-row value


def test_plain_python_rules_count_the_same_bits():
    """The rules as plain Python (LABORSIM_NO_JIT) give what the compiled ones give."""
    words = np.array([0, 2**64 - 1, 0x8000000000000001, 0x0F0F00F0F0F0F0F0], np.uint64)
    plain = getattr(popcount, "py_func", popcount)
    assert [plain(w) for w in words] == [bin(int(w)).count("1") for w in words] == [0, 64, 2, 28]
    before = np.array([0, 0, 64, 66], np.int32)
    find = getattr(row_of, "py_func", row_of)
    for i in (0, 64, 127, 128, 191, 192, 200, 255, 256, 9999):
        w, b = i >> 6, i & 63
        has = w < len(words) and (int(words[w]) >> b) & 1
        expect = int(before[w]) + bin(int(words[w]) & ((1 << b) - 1)).count("1") if has else -1
        assert find(words, before, np.int64(i)) == expect, i
