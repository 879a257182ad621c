"""Names of the numeric headline metrics every run reports (`sim.metrics.summary.headline`),
the ones a command may aim at (`--metric`, `--until-ci`, `--target`, a sweep's `output`)."""

from __future__ import annotations

import re

#: Metrics counted over a window of months, named after it (`sim.metrics.targets.window_name`):
#: e.g. arrivals_ningbo_jan_may_2020 for a run from January 2020 (its first `scoring.early_months`).
WINDOWED = ("arrivals_ningbo", "poor_share_arrivals", "broker_placements", "broker_poor_share")
_MON = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_WINDOW = re.compile(rf"^({'|'.join(WINDOWED)})_{_MON}(_{_MON}_\d{{4}}|_\d{{4}}_{_MON}_\d{{4}}|_\d{{4}})$")

#: Breakdowns of retention and flows (`sim.metrics.breakdowns`, `laborsim run --by NAME`).
BREAKDOWNS = ("county", "district", "sector", "firm_size", "gender", "age_band", "broker")

NUMERIC_METRICS = (
    "arrivals_ningbo_jan_may_2020",
    "poor_share_arrivals_jan_may_2020",
    "broker_placements_jan_may_2020",
    "broker_poor_share_jan_may_2020",
    "arrivals_ningbo_total",
    "return_home_total",
    "quits_total",
    "festival_go_back_share",
    "retention_first_job_1m_unsupported",
    "retention_first_job_3m_unsupported",
    "retention_ningbo_3m",
    "retention_ningbo_3m_poor",
    "retention_ningbo_6m",
    "retention_ningbo_6m_poor",
    "retention_ningbo_12m",
    "retention_ningbo_12m_poor",
    "cost_total_yuan",
    "cost_sending_county_yuan",
    "cost_ningbo_yuan",
    "cost_central_yuan",
    "fill_rate_ningbo_last_month",
    "months_ningbo_full",
    "love_jobs_fill_rate_last_month",
    "love_jobs_in_program_firms_share",
    # T6, against a twin without the lockdown (sim.metrics.targets.TWIN_METRIC), in the 2020 targets
    "poor_departures_vs_no_lockdown_feb_2020",
    "poor_away_vs_no_lockdown_apr_2020",
    "poor_away_vs_no_lockdown_jul_2020",
)


def full_name(metric: str) -> str:
    """'retention_6m_poor' -> 'retention_ningbo_6m_poor' (names may omit 'ningbo_'); others unchanged."""
    if metric.startswith("retention_") and not metric.startswith(("retention_ningbo_", "retention_first_job_")):
        return "retention_ningbo_" + metric.removeprefix("retention_")
    return metric


_TWIN = re.compile(rf"^poor_(away|departures)_vs_no_lockdown_{_MON}_\d{{4}}$")


def is_metric(name: str) -> bool:
    """A numeric metric some run reports: one of `NUMERIC_METRICS`, a windowed one, or
    one measured against a no-lockdown twin (T6)."""
    return name in NUMERIC_METRICS or bool(_WINDOW.match(name)) or bool(_TWIN.match(name))


#: The headline metrics a run's summary prints and the results catalog keeps.
HEADLINE = (
    "arrivals_ningbo_jan_may_2020",
    "retention_ningbo_3m",
    "retention_ningbo_6m",
    "retention_ningbo_12m",
    "retention_ningbo_6m_poor",
    "return_home_total",
    "cost_total_yuan",
)


#: Retention metrics compared between scenarios (compare's tables and paired-difference figure).
RETENTION_COMPARED = tuple(f"retention_ningbo_{k}m{g}" for g in ("", "_poor") for k in (3, 6, 12))
