"""The ten yes/no attributes and two small codes of a worker share one 16-bit
field (`sim.table.FLAGS`, `CODES`): setting one never changes another or any
other column, and the compiled rules (`flag`, `set_flag`, `age_band`) read and
write the same bits as the numpy helpers."""

import numpy as np
import pytest

from sim.jit import kernel
from sim.table import (
    CODES,
    FB_LEADER,
    FB_TRAINED,
    FLAGS,
    WORKER_DTYPE,
    age_band,
    cell,
    column,
    flag,
    set_column,
    set_flag,
)


@kernel
def _toggle(T, i, bit, on, got):
    set_flag(T, i, bit, on)
    got[0] = flag(T, i, bit)


@kernel
def _age_bands(T, out):
    for i in range(len(T)):
        out[i] = age_band(T, i)


def test_each_flag_is_its_own_bit_and_the_row_is_40_bytes():
    assert WORKER_DTYPE.itemsize == 40 and len(FLAGS) == 10
    rng = np.random.default_rng(1)
    t = np.zeros(50, WORKER_DTYPE)
    t["tenure"] = np.arange(50)
    want = {name: rng.random(50) < 0.5 for name in FLAGS}
    codes = {name: rng.integers(0, 1 << bits, 50).astype(np.uint8) for name, (_, bits) in CODES.items()}
    for name in FLAGS:
        set_column(t, slice(None), name, want[name])
    for name in CODES:
        set_column(t, slice(None), name, codes[name])
    idx = np.array([3, 7, 7, 11])
    set_column(t, idx, "trained", True)  # a repeated index is fine
    want["trained"][idx] = True
    on = np.flatnonzero(want["female"])[:5]
    set_column(t, on, "female", False)  # and off again
    want["female"][on] = False
    for name in FLAGS:
        np.testing.assert_array_equal(column(t, name), want[name], err_msg=name)
        np.testing.assert_array_equal(column(t, name, idx), want[name][idx], err_msg=name)
        assert cell(t, 7, name) is bool(want[name][7])
    for name in CODES:
        np.testing.assert_array_equal(column(t, name), codes[name], err_msg=name)
        assert cell(t, 7, name) == codes[name][7]
    set_column(t, [5], "age_band", 3)  # a code set alone leaves the bits around it
    codes["age_band"][5] = 3
    for name in (*FLAGS, *CODES):
        np.testing.assert_array_equal(column(t, name), codes[name] if name in CODES else want[name], err_msg=name)
    got = np.zeros(50, np.int64)
    _age_bands(t, got)
    np.testing.assert_array_equal(got, codes["age_band"])
    np.testing.assert_array_equal(t["tenure"], np.arange(50))  # other columns untouched


def test_compiled_set_flag_changes_only_its_bit():
    """Each bit set or cleared by the compiled rule leaves every other attribute and code as it was."""
    rng = np.random.default_rng(2)
    t = np.zeros(8, WORKER_DTYPE)
    for name in FLAGS:
        set_column(t, slice(None), name, rng.random(8) < 0.5)
    for name, (_, bits) in CODES.items():
        set_column(t, slice(None), name, rng.integers(0, 1 << bits, 8))
    got = np.zeros(1, np.bool_)
    for bit in range(len(FLAGS)):
        for on in (True, False):
            before = {n: column(t, n).copy() for n in (*FLAGS, *CODES)}
            _toggle(t, 5, bit, on, got)
            assert got[0] == on and column(t, FLAGS[bit])[5] == on
            for n, v in before.items():
                if n != FLAGS[bit]:
                    np.testing.assert_array_equal(column(t, n), v, err_msg=f"{n} after setting {FLAGS[bit]}")


def test_codes_out_of_range_are_refused():
    t = np.zeros(3, WORKER_DTYPE)
    with pytest.raises(ValueError, match="age_band"):
        set_column(t, [1], "age_band", 4)
    assert column(t, "age_band").tolist() == [0, 0, 0]


def test_compiled_rules_share_the_bits():
    t = np.zeros(4, WORKER_DTYPE)
    set_column(t, [2], "leader", True)
    got = np.zeros(1, np.bool_)
    _toggle(t, 2, FB_TRAINED, True, got)
    assert got[0] and column(t, "trained")[2] and column(t, "leader")[2]
    _toggle(t, 2, FB_LEADER, False, got)
    assert not got[0] and not column(t, "leader")[2] and column(t, "trained")[2]
    assert column(t, "trained").sum() == 1


def test_policy_view_reads_yes_no_attributes_like_any_column():
    """A policy asks for `w["trained"]` as for `w["skill"]` (the view reads the bit)."""
    from sim.policies import WorkerView

    t = np.zeros(6, WORKER_DTYPE)
    set_column(t, [1, 4], "trained", True)
    set_column(t, [4], "female", True)
    t["skill"] = np.arange(6) / 10
    w = WorkerView(t, {"idx": np.array([4, 1, 0])})
    np.testing.assert_array_equal(w["trained"], [True, True, False])
    np.testing.assert_array_equal(w["female"], [True, False, False])
    np.testing.assert_array_equal(w.at(np.array([0, 2]), ("female", "skill"))["female"], [True, False])
    set_column(t, [4, 0], "age_band", [3, 1])
    np.testing.assert_array_equal(w["age_band"], [3, 0, 1])  # a code kept in the bits, as any column
