"""Intervals a reviewer accepts: ratios of means, shares inside [0, 1], and the
names of bands.

Rules:
- A cost per unit gained (e.g. yuan per additional retained worker-month) is a
  ratio of means, mean(cost) / mean(gain) over the paired seeds: no seed is
  dropped, including seeds where the policy bought nothing. Its 95% interval is a
  paired percentile bootstrap (seeds resampled with their cost and gain together);
  the Fieller interval is reported beside it. When the 95% interval of the mean
  gain includes zero the ratio is unbounded: the interval is (-inf, inf) and the
  row says so.
- A share averaged over replicates gets a 95% interval on the logit scale
  (Student t on logit(share), mapped back), so it stays inside [0, 1]; a count
  of successes out of n gets the Wilson score interval.
- Bands say what they are: "5-95% of replicates" (where single runs fall) is not
  "95% CI of the mean" (where the mean is).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

#: Band names used in tables and labels.
BAND_REPLICATES = "5-95% of replicates"
BAND_MEAN = "95% CI of the mean"
BAND_ENSEMBLE = "5-95% of runs over parameter sets x seeds"

#: Bootstrap resamples of a ratio of means.
N_BOOT = 4000


def _finite_pairs(num, den) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(num, float), np.asarray(den, float)
    ok = np.isfinite(a) & np.isfinite(b)
    return a[ok], b[ok]


def mean_interval(x) -> tuple[float, float]:
    """95% Student-t interval of a mean (NaN with fewer than two values)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return float("nan"), float("nan")
    half = float(student_t.ppf(0.975, len(x) - 1)) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean() - half), float(x.mean() + half)


def fieller(num, den, level: float = 0.95) -> tuple[float, float, bool]:
    """Fieller's interval of mean(num) / mean(den) for paired samples.

    Returns (lo, hi, bounded); `bounded` is False when the denominator's mean is
    not significantly different from zero, where the set is unbounded.
    """
    a, b = _finite_pairs(num, den)
    n = len(a)
    if n < 2:
        return float("nan"), float("nan"), False
    ma, mb = a.mean(), b.mean()
    saa, sbb = a.var(ddof=1) / n, b.var(ddof=1) / n
    sab = np.cov(a, b, ddof=1)[0, 1] / n
    q = float(student_t.ppf(0.5 + level / 2, n - 1)) ** 2
    A = mb**2 - q * sbb
    if A <= 0:
        return -math.inf, math.inf, False
    B = ma * mb - q * sab
    C = ma**2 - q * saa
    disc = B**2 - A * C
    if disc < 0:
        return -math.inf, math.inf, False
    r = math.sqrt(disc)
    return float((B - r) / A), float((B + r) / A), True


def ratio_of_means(num, den, seed: int = 0, n_boot: int = N_BOOT) -> dict:
    """mean(num) / mean(den) over paired seeds with its 95% paired bootstrap interval.

    Returns {ratio, lo95, hi95, fieller_lo95, fieller_hi95, n, gain_includes_zero,
    note}: with `gain_includes_zero` the interval is (-inf, inf) (the ratio is
    unbounded) and `note` says so.
    """
    a, b = _finite_pairs(num, den)
    n = len(a)
    out = {"n": n, "method": "ratio of means; paired percentile bootstrap (Fieller beside it)"}
    if n == 0 or b.mean() == 0:
        return out | {"ratio": float("nan"), "lo95": -math.inf, "hi95": math.inf, "fieller_lo95": -math.inf,
                      "fieller_hi95": math.inf, "gain_includes_zero": True,
                      "note": "mean gain is zero: the ratio is undefined"}  # fmt: skip
    ratio = float(a.mean() / b.mean())
    glo, ghi = mean_interval(b)
    includes_zero = not (np.isfinite(glo) and (glo > 0 or ghi < 0))
    flo, fhi, _ = fieller(a, b)
    if includes_zero:
        return out | {"ratio": ratio, "lo95": -math.inf, "hi95": math.inf, "fieller_lo95": flo, "fieller_hi95": fhi,
                      "gain_includes_zero": True,
                      "note": "the gain's 95% interval includes zero: the ratio is unbounded"}  # fmt: skip
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    sa, sb = a[idx].mean(axis=1), b[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = sa / sb
    boot = boot[np.isfinite(boot)]
    lo, hi = np.quantile(boot, [0.025, 0.975])
    return out | {"ratio": ratio, "lo95": float(lo), "hi95": float(hi), "fieller_lo95": flo, "fieller_hi95": fhi,
                  "gain_includes_zero": False, "note": ""}  # fmt: skip


def logit_interval(x) -> tuple[float, float, float]:
    """Mean of shares over replicates and its 95% interval on the logit scale
    (inside [0, 1]); shares of exactly 0 or 1 are moved in by half a
    replicate's worth (1 / 2n) before the logit."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    if len(x) < 2:
        return m, float("nan"), float("nan")
    eps = 1.0 / (2 * len(x) + 2)
    p = np.where(x <= 0.0, eps, np.where(x >= 1.0, 1.0 - eps, x))  # only 0 and 1 move; 0.9 stays 0.9
    z = np.log(p / (1.0 - p))
    lo, hi = mean_interval(z)
    lo, hi = 1 / (1 + math.exp(-lo)), 1 / (1 + math.exp(-hi))
    return m, float(min(lo, m)), float(max(hi, m))


def wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share k / n (inside [0, 1])."""
    if n <= 0:
        return float("nan"), float("nan")
    z = float(norm.ppf(0.5 + level / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def is_share(metric: str) -> bool:
    """Whether a metric is a share in [0, 1] (retention, *_share*)."""
    return metric.startswith(("retention_", "baseline_retention_")) or "share" in metric


#: Base samples below which Sobol indices are flagged as too noisy (ASSUMPTION; Saltelli et al.
#: 2010 use N in the thousands, SALib's examples N = 1024).
SOBOL_MIN_N = 512
#: Half-width of an index's 95% interval above which it is flagged (ASSUMPTION).
SOBOL_MAX_CONF = 0.1


def sobol_table(names: list[str], si: dict, n_base: int) -> tuple[pd.DataFrame, str]:
    """First- and total-order Sobol indices with their 95% bootstrap intervals (SALib's
    `*_conf` half-widths) and a warning (empty when none) when the sample is too small:
    fewer than SOBOL_MIN_N base samples, an interval half-width above SOBOL_MAX_CONF,
    or an index outside [0, 1] (only sampling error puts it there)."""
    t = pd.DataFrame({"parameter": names, "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"],
                      "ST_conf": si["ST_conf"]})  # fmt: skip
    for k in ("S1", "ST"):
        t[f"{k}_lo95"] = t[k] - t[f"{k}_conf"]
        t[f"{k}_hi95"] = t[k] + t[f"{k}_conf"]
    why = []
    if n_base < SOBOL_MIN_N:
        why.append(f"{n_base} base samples (fewer than {SOBOL_MIN_N})")
    conf = float(np.nanmax(t[["S1_conf", "ST_conf"]].to_numpy(float))) if len(t) else 0.0
    if conf > SOBOL_MAX_CONF:
        why.append(f"an index's 95% interval is ±{conf:.2f} wide (more than ±{SOBOL_MAX_CONF})")
    vals = t[["S1", "ST"]].to_numpy(float)
    if len(t) and ((vals < -1e-9) | (vals > 1 + 1e-9)).any():
        why.append("an index lies outside [0, 1]")
    warning = ("sample too small for Sobol indices: " + "; ".join(why) + "; raise `samples`") if why else ""
    t["warning"] = warning
    return t, warning
