"""Kaplan-Meier against textbook values."""

import numpy as np

from sim.metrics.km import kaplan_meier

# Gehan (1965) leukemia remission, 6-MP group: + marks censoring.
GEHAN_6MP = [
    6,
    6,
    6,
    "6+",
    7,
    "9+",
    10,
    "10+",
    "11+",
    13,
    16,
    "17+",
    "19+",
    "20+",
    22,
    23,
    "25+",
    "32+",
    "32+",
    "34+",
    "35+",
]
# Kaplan-Meier values published for these data (e.g. Kleinbaum & Klein, Survival Analysis, Table 2.1).
EXPECTED = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}


def _parse(data):
    d = np.array([int(str(x).rstrip("+")) for x in data])
    e = np.array([not str(x).endswith("+") for x in data])
    return d, e


def test_gehan_6mp_matches_published_values():
    d, e = _parse(GEHAN_6MP)
    km = kaplan_meier(d, e, horizon=35)
    for t, s in EXPECTED.items():
        assert abs(km["survival"][t] - s) < 1e-3, t
    # flat between event times
    assert km["survival"][8] == km["survival"][7]


def test_greenwood_band_at_first_event():
    d, e = _parse(GEHAN_6MP)
    km = kaplan_meier(d, e, horizon=35)
    # Greenwood: var(log S(6)) = 3/(21*18), i.e. se(S(6)) = 0.0764 (published);
    # the band is S * exp(+-1.96 * se(log S)).
    se_log = np.sqrt(3 / (21 * 18))
    assert abs(km["survival"][6] * se_log - 0.0764) < 1e-3
    assert km["lo"][6] == np.float64(km["survival"][6] * np.exp(-1.96 * se_log))
    assert abs(km["hi"][6] - min(1.0, km["survival"][6] * np.exp(1.96 * se_log))) < 1e-12


def test_no_events_means_full_survival_and_censoring_shrinks_risk_set():
    km = kaplan_meier([3, 5, 5], [False, False, False], horizon=6)
    assert np.all(km["survival"] == 1.0)
    assert list(km["at_risk"][:7]) == [3, 3, 3, 3, 2, 2, 0]


def test_survival_non_increasing_and_bounded():
    rng = np.random.default_rng(0)
    d = rng.integers(0, 20, 500)
    e = rng.random(500) < 0.7
    s = kaplan_meier(d, e, horizon=25)["survival"]
    assert np.all(np.diff(s) <= 1e-12)
    assert s.min() >= 0 and s.max() <= 1
