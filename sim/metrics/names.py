"""Names of the numeric headline metrics every run reports (`sim.metrics.summary.headline`),
the ones a command may aim at (`--metric`, `--until-ci`, `--target`, a sweep's `output`)."""

from __future__ import annotations

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
)


def full_name(metric: str) -> str:
    """'retention_6m_poor' -> 'retention_ningbo_6m_poor' (names may omit 'ningbo_'); others unchanged."""
    if metric.startswith("retention_") and not metric.startswith(("retention_ningbo_", "retention_first_job_")):
        return "retention_ningbo_" + metric.removeprefix("retention_")
    return metric
