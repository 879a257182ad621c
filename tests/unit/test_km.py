"""Kaplan-Meier against textbook values, and the retention table against a straightforward
reference that estimates each cohort x group x measure on its own."""

import numpy as np
import pandas as pd
import pytest

from sim.metrics.km import kaplan_meier
from sim.metrics.retention import retention_table

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


# --- against a straightforward reference: loops over subjects and times, one subset at a time ---


def reference_km(durations, events, horizon, z=1.96):
    """Textbook Kaplan-Meier with Greenwood bands, one time at a time."""
    surv, gw, rows = 1.0, 0.0, []
    for t in range(horizon + 1):
        n = sum(1 for d in durations if d >= t)
        d_t = sum(1 for d, e in zip(durations, events, strict=True) if e and d == t)
        if n > 0:
            surv *= 1.0 - d_t / n
            if n > d_t:
                gw += d_t / (n * (n - d_t))
        se = np.sqrt(gw)
        rows.append((n, d_t, surv, max(0.0, surv * np.exp(-z * se)), min(1.0, surv * np.exp(z * se))))
    return rows


def _quarter(label):
    return f"{label[:4]}Q{(int(label[5:7]) - 1) // 3 + 1}"


REFERENCE_GROUPS = {
    "all": lambda s: True,
    "poor": lambda s: s["poor"],
    "not_poor": lambda s: not s["poor"],
    "unsupported": lambda s: s["unsupported"],
    "organized": lambda s: s["channel"] == "organized",
    "broker": lambda s: s["channel"] == "broker",
}


def reference_retention(spells, labels, horizon=24):
    """Rows (cohort, group, measure, month, at_risk, events, survival, lo, hi, n), subset by subset."""
    last = len(labels) - 1
    horizon = min(horizon, last)
    recs = spells.to_dict("records")
    cohorts = ["all"] + sorted({_quarter(labels[s["arrival_step"]]) for s in recs})
    rows = []
    for c in cohorts:
        for g, rule in REFERENCE_GROUPS.items():
            sub = [s for s in recs if (c == "all" or _quarter(labels[s["arrival_step"]]) == c) and rule(s)]
            if not sub:
                continue
            for measure in ("ningbo", "first_job"):
                if measure == "ningbo":
                    pairs = [(s["arrival_step"], s["exit_step"]) for s in sub]
                else:
                    pairs = [(s["hire_step"], s["job_end_step"]) for s in sub if s["hire_step"] >= 0]
                dur = [(end if end >= 0 else last) - start for start, end in pairs]
                ev = [end >= 0 for _, end in pairs]
                for t, r in enumerate(reference_km(dur, ev, horizon)):
                    rows.append((c, g, measure, t, *r, len(pairs)))
    return pd.DataFrame(
        rows, columns=["cohort", "group", "measure", "month", "at_risk", "events", "survival", "lo", "hi", "n"]
    )


def random_spells(rng, n, months):
    """Spells with censoring (open at the end), unhired spells, and jobs ending before exits."""
    arrival = rng.integers(0, months, n)
    stay = rng.geometric(0.15, n)
    exit_ = np.where(arrival + stay < months, arrival + stay, -1)
    hired = rng.random(n) < 0.8
    hire = np.where(hired, np.minimum(arrival + rng.integers(0, 2, n), months - 1), -1)
    job_len = rng.geometric(0.2, n)
    job_end = np.where(hired & (hire + job_len < months), hire + job_len, -1)
    job_end = np.where(hired & (exit_ >= 0) & ((job_end < 0) | (job_end > exit_)), exit_, job_end)
    hire = np.where((exit_ >= 0) & (hire > exit_), -1, hire)
    job_end = np.where(hire < 0, -1, job_end)
    return pd.DataFrame(
        {
            "arrival_step": arrival,
            "poor": rng.random(n) < 0.3,
            "channel": rng.choice(["own", "organized", "broker", "from_prd"], n),
            "hire_step": hire,
            "job_end_step": job_end,
            "exit_step": exit_,
            "unsupported": rng.random(n) < 0.5,
        }
    )


@pytest.mark.parametrize("months,horizon", [(12, 24), (30, 24), (30, 6)])
def test_retention_table_equals_the_reference(months, horizon):
    rng = np.random.default_rng(months + horizon)
    labels = [f"{2020 + k // 12}-{k % 12 + 1:02d}" for k in range(months)]
    spells = random_spells(rng, 400, months)
    assert (spells["exit_step"] < 0).any() and (spells["hire_step"] < 0).any()  # censored and unhired spells
    got = retention_table(spells, labels, horizon)
    want = reference_retention(spells, labels, horizon)
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    for col in ("cohort", "group", "measure", "month", "n"):
        assert list(got[col]) == list(want[col]), col
    for col in ("at_risk", "events", "survival", "lo", "hi"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=1e-12, atol=1e-15)


def test_retention_table_keeps_a_subset_with_no_hired_spell_and_drops_empty_ones():
    spells = pd.DataFrame(
        {
            "arrival_step": [0, 1],
            "poor": [True, True],
            "channel": ["own", "own"],
            "hire_step": [-1, -1],
            "job_end_step": [-1, -1],
            "exit_step": [2, -1],
            "unsupported": [True, True],
        }
    )
    got = retention_table(spells, ["2020-01", "2020-02", "2020-03", "2020-04"])
    want = reference_retention(spells, ["2020-01", "2020-02", "2020-03", "2020-04"])
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert "not_poor" not in set(got["group"]) and "broker" not in set(got["group"])
    assert (got.loc[got["measure"] == "first_job", "n"] == 0).all()


@pytest.mark.parametrize("horizon", [5, 10, 40])
def test_kaplan_meier_equals_the_reference_with_censoring(horizon):
    rng = np.random.default_rng(horizon)
    d = rng.integers(0, 20, 300)
    e = rng.random(300) < 0.6
    km = kaplan_meier(d, e, horizon=horizon)
    ref = np.array(reference_km(list(d), list(e), horizon))
    for i, k in enumerate(("at_risk", "events", "survival", "lo", "hi")):
        np.testing.assert_allclose(km[k], ref[:, i], rtol=1e-12, atol=1e-15, err_msg=k)
