"""The planner brief: one self-contained HTML file (figures embedded as PNG data,
opening offline in any browser) and the same tables as one Excel workbook.

It answers the planner's question in this order: (1) what the policy itself costs,
by fiscal year and payer (the scenario's cost minus its twin's, paired by seed);
(2) what it buys; (3) the goal-seek answer when one was asked; (4) which
uncertainty the intervals include. The whole program's tables, caps, parameter
differences and sources follow. Each headline number carries a `data-metric`
attribute so the brief can be checked against the tables it summarizes.

The HTML comes from the Jinja2 template `templates/brief.html` (autoescaped);
text is in English or Chinese (`sim.i18n`).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..experiments.compare import flatten
from ..i18n import label, policy_label, t

MONEY = ("mean", "lo95", "hi95", "q05", "q50", "q95", "cap_yuan", "owed_yuan", "turned_away", "payments_mean")


@dataclass
class BriefData:
    """Everything the brief shows, as plain tables and numbers (code names, not labels).

    Attributes:
        scenario, baseline: the two scenarios' names.
        headline: what the policy costs: rows (metric id, i18n label key `head.*`, mean, lo, hi, unit).
        buys: what it buys, rows as in `headline`.
        own_by_year: the policy's own cost: year, payer, mean, lo95, hi95, q05, q95.
        own_by_policy: the same by year, policy and payer.
        program_by_year: the whole scenario's cost: year, policy, payer, mean, q05, q95, payments_mean.
        goal: the goal-seek or budget-search result (None when none was asked).
        caps, diffs, sources: tables.
        stamp: seed/version stamp.
        totals: {"own": yuan, "program": yuan} over the run (means).
        figures: {i18n key: matplotlib Figure}.
        scenario_obj: the scenario (for policies' Chinese names).
    """

    scenario: str
    baseline: str
    headline: list[tuple]
    buys: list[tuple]
    own_by_year: pd.DataFrame
    own_by_policy: pd.DataFrame
    program_by_year: pd.DataFrame
    goal: dict | None
    caps: pd.DataFrame
    diffs: pd.DataFrame
    sources: pd.DataFrame
    stamp: dict
    totals: dict
    figures: dict = field(default_factory=dict)
    scenario_obj: object = None
    calibration: dict | None = None  # calibration.locked of the scenario or of the --ensemble file


def sources(scenario_json: dict) -> pd.DataFrame:
    """Every `source` field of the scenario: what it is attached to and what it says."""
    rows = [
        {"item": k.removesuffix(".source"), "source": v}
        for k, v in flatten(scenario_json).items()
        if k.endswith(".source") and v
    ]
    return pd.DataFrame(rows, columns=["item", "source"])


def fmt(v, unit: str) -> str:
    """A headline number as text ('n/a' when it could not be computed)."""
    if v is None or v != v:
        return "n/a"
    if v in (float("inf"), float("-inf")):
        return "unbounded" if v > 0 else "-unbounded"
    return f"{v:.3f}" if unit == "share" else f"{v:,.0f}"


def _cell(col: str, v, data: BriefData, lang: str) -> str:
    """One table cell as text: money rounded, codes as readable labels."""
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:,.0f}" if col in MONEY or abs(v) >= 100 else f"{v:.3f}"
    if col == "payer":
        return label("payer", str(v), lang)
    if col == "policy":
        return policy_label(str(v), data.scenario_obj, lang)
    return str(v)


def localized(df: pd.DataFrame, data: BriefData, lang: str) -> tuple[list[str], list[list[str]]]:
    """Column titles and cell texts of a table in `lang` (used by both HTML and workbook)."""
    cols = [t(f"col.{c}", lang) for c in df.columns]
    rows = [[_cell(c, v, data, lang) for c, v in zip(df.columns, r, strict=True)] for r in df.itertuples(index=False)]
    return cols, rows


def goal_text(goal: dict | None, lang: str) -> str:
    """The goal-seek (or budget search) answer in one sentence."""
    if not goal:
        return t("brief.no_goal", lang)
    b = goal.get("best")
    if "budget_yuan" in goal:
        if b is None:
            least = min(goal["path"], key=lambda row: row["cost_mean_yuan"])
            return t(
                "brief.budget_none",
                lang,
                lever=goal["lever"],
                budget=f"{goal['budget_yuan']:,.0f}",
                least=f"{least['cost_mean_yuan']:,.0f}",
                value=f"{least['lever_value']:,.4g}",
            )
        return t(
            "brief.budget_best",
            lang,
            budget=f"{goal['budget_yuan']:,.0f}",
            lever=goal["lever"],
            value=f"{b['lever_value']:,.4g}",
            cost=f"{b['cost_mean_yuan']:,.0f}",
            metric=goal["metric"],
            mvalue=f"{b['metric_mean']:.3f}",
        )
    key = "brief.goal_met" if goal.get("met") else "brief.goal_not_met"
    return t(
        key,
        lang,
        lever=goal["lever"],
        target=goal["target"],
        p=goal["probability"],
        value=f"{b['lever_value']:,.4g}",
        cost=f"{b['cost_mean_yuan']:,.0f}",
        share=b["success_share"],
        lo=b["success_lo"],
        hi=b["success_hi"],
    )


def for_sheet(df: pd.DataFrame, data: BriefData, lang: str) -> pd.DataFrame:
    """A table with localized column titles and labels; numbers stay numbers."""
    cols, rows = localized(df, data, lang)
    raw = df.reset_index(drop=True)
    return pd.DataFrame(
        {
            title: raw[c] if pd.api.types.is_numeric_dtype(raw[c]) else [r[i] for r in rows]
            for i, (title, c) in enumerate(zip(cols, df.columns, strict=True))
        }
    )


def sheets(data: BriefData, lang: str) -> dict[str, pd.DataFrame]:
    """The brief's tables in reading order, with localized titles and columns."""
    head = pd.DataFrame(
        [
            {
                t("col.headline", lang): t(key, lang, year=data.stamp.get("first_year", "")),
                t("col.mean", lang): m,
                t("col.lo95", lang): lo,
                t("col.hi95", lang): hi,
                t("col.unit", lang): t(f"unit.{unit}", lang),
            }
            for _, key, m, lo, hi, unit in [*data.headline, *data.buys]
        ]
    )
    goal = pd.DataFrame({t("sheet.goal", lang): [goal_text(data.goal, lang)]})
    if data.goal and data.goal.get("path"):
        goal = pd.concat([goal, pd.DataFrame(data.goal["path"])], axis=1)
    out = {t("col.headline", lang): head}
    for key, df in [
        ("sheet.own_by_year", data.own_by_year),
        ("sheet.own_by_policy", data.own_by_policy),
        ("sheet.program_by_year", data.program_by_year),
        ("sheet.caps", data.caps),
        ("sheet.diffs", data.diffs),
        ("sheet.sources", data.sources),
    ]:
        out[t(key, lang)] = for_sheet(df, data, lang)
    out[t("sheet.goal", lang)] = goal
    out[t("sheet.stamp", lang)] = pd.DataFrame(list(data.stamp.items()), columns=["key", "value"])
    return out


def write_workbook(data: BriefData, path: Path, lang: str) -> None:
    """The brief's tables as one .xlsx workbook, a sheet per table (openpyxl), numbers kept as numbers."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        for name, df in sheets(data, lang).items():
            df.to_excel(xl, sheet_name=_sheet_name(name), index=False)
            ws = xl.sheets[_sheet_name(name)]
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in col[:50])
                ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
    tmp.replace(path)


def _sheet_name(name: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]


def _png(fig) -> str:
    from ..plotting import close

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def caveats(data: BriefData, lang: str) -> str:
    """What the intervals include: seed variation only, or (with --ensemble) parameter uncertainty too."""
    n, rate = data.stamp.get("replicates", "?"), data.stamp.get("discount_rate", 0)
    what = str(data.stamp.get("uncertainty", ""))
    if "parameter uncertainty" in what:
        return t("brief.caveats_ensemble", lang, n=n, rate=rate, what=what)
    return t("brief.caveats", lang, n=n, rate=rate)


def calibration_text(locked: dict | None, lang: str) -> str:
    """The brief's calibration section in one paragraph (provenance, fitted vs held-out targets)."""
    if not locked:
        return t("brief.calibration_none", lang)
    p = locked.get("provenance", {})
    return t(
        "brief.calibration_text",
        lang,
        date=p.get("date_utc", "?"),
        fitted=", ".join(p.get("fitted_targets", [])),
        held=", ".join(p.get("holdout_targets", [])) or "-",
        loss=p.get("best_loss", "?"),
        hand=p.get("hand_set_loss", "?"),
        k=len(locked.get("ensemble", [])),
        method=locked.get("ensemble_method", ""),
        sha=str(p.get("targets_sha256", "?"))[:12],
        code=f"{p.get('code_version', '?')} {str(p.get('git_commit', ''))[:10]}",
    )


#: Columns of the calibration target table in the brief.
CALIBRATION_COLUMNS = ("id", "role", "target", "model_median", "band_q05", "band_q95", "met")


def calibration_table(locked: dict | None) -> dict | None:
    """Fitted and held-out targets beside the calibrated model (median, 5-95% of runs over
    parameter sets x seeds), when the locked file's report table is at hand."""
    rows = (locked or {}).get("targets_table")
    if not rows:
        return None
    cols = [c for c in CALIBRATION_COLUMNS if c in rows[0]]

    def cell(v) -> str:
        if isinstance(v, float):
            return "" if v != v else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}")
        return str(v)

    return {
        "cols": cols,
        "rows": [[cell(r[c]) for c in cols] for r in rows],
        "left": [c in ("id", "role", "target") for c in cols],
    }


def render(data: BriefData, lang: str) -> str:
    """The whole brief as one HTML string, in `lang` ('en' or 'zh')."""
    try:
        import jinja2
    except ImportError:  # a core dependency; only a broken install lacks it
        from ..errors import ScenarioError

        raise ScenarioError("<install>", "jinja2", "not installed", "pip install -e . (a dependency)") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.budget", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )

    def table(df: pd.DataFrame) -> dict:
        cols, rows = localized(df, data, lang)
        left = [not pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
        return {"cols": cols, "rows": rows, "left": left}

    def rows(head: list[tuple]) -> list[dict]:
        return [
            {
                "label": t(key, lang, year=data.stamp.get("first_year", "")),
                "key": metric,
                "mean": fmt(m, unit),
                "interval": f"{fmt(lo, unit)} .. {fmt(hi, unit)}",
                "unit": t(f"unit.{unit}", lang),
            }
            for metric, key, m, lo, hi, unit in head
        ]

    return env.get_template("brief.html").render(
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        title=t("brief.title", lang, scenario=data.scenario, baseline=data.baseline),
        cost_text=t(
            "brief.q_cost_text",
            lang,
            scenario=data.scenario,
            baseline=data.baseline,
            total=f"{data.totals['program']:,.0f}",
            own=f"{data.totals['own']:,.0f}",
        ),
        head=rows(data.headline),
        buys=rows(data.buys),
        own_by_year=table(data.own_by_year),
        own_by_policy=table(data.own_by_policy),
        program_by_year=table(data.program_by_year),
        caps=table(data.caps) if len(data.caps) else None,
        diffs=table(data.diffs),
        sources=table(data.sources),
        goal=goal_text(data.goal, lang),
        goal_path=table(pd.DataFrame(data.goal["path"])) if data.goal and data.goal.get("path") else None,
        caveats=caveats(data, lang),
        calibration=calibration_text(data.calibration, lang),
        calibration_table=calibration_table(data.calibration),
        figures=[(t(k, lang), _png(f)) for k, f in data.figures.items()],
        stamp=", ".join(f"{k}: {v}" for k, v in data.stamp.items()),
    )
