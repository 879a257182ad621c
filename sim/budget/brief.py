"""The planner brief: one self-contained HTML file (figures embedded as PNG data),
opening offline in any browser. Each headline number carries a `data-metric`
attribute so the brief can be checked against the tables it summarizes."""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from ..experiments.compare import flatten

CSS = """body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.stamp{color:#777;font-size:90%}"""


def _png(fig) -> str:
    from ..plotting import close

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _table(df: pd.DataFrame, money: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, r, strict=True):
            if isinstance(v, float):
                txt = f"{v:,.0f}" if c in money or abs(v) >= 100 else f"{v:.3f}"
                cells.append(f"<td>{txt}</td>")
            else:
                cells.append(f"<td class='l'>{html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def fmt(v: float, unit: str) -> str:
    """A headline number as text."""
    if v != v:
        return "n/a"
    return f"{v:.3f}" if unit == "share" else f"{v:,.0f}"


def headline_rows(head: list[tuple[str, str, float, float, float, str]]) -> str:
    """Rows: label, metric id, mean, lo, hi, unit."""
    out = []
    for label, key, m, lo, hi, unit in head:
        out.append(
            f"<tr><td class='l'>{html.escape(label)}</td><td data-metric='{key}'>{fmt(m, unit)}</td>"
            f"<td>{fmt(lo, unit)} .. {fmt(hi, unit)}</td><td class='l'>{unit}</td></tr>"
        )
    return (
        "<table><tr><th class='l'>headline</th><th>mean</th><th>95% interval</th><th class='l'>unit</th></tr>"
        + "".join(out)
        + "</table>"
    )


def sources(scenario_json: dict) -> pd.DataFrame:
    """Every `source` field of the scenario: what it is attached to and what it says."""
    rows = [
        {"item": k.removesuffix(".source"), "source": v}
        for k, v in flatten(scenario_json).items()
        if k.endswith(".source") and v
    ]
    return pd.DataFrame(rows, columns=["item", "source"])


def render(
    title: str,
    head,
    by_year: pd.DataFrame,
    by_payer: pd.DataFrame,
    diffs: pd.DataFrame,
    srcs: pd.DataFrame,
    figs: dict,
    stamp: dict,
    caps: pd.DataFrame,
) -> str:
    """The whole brief as one HTML string."""
    imgs = "".join(
        f"<h3>{html.escape(k)}</h3><img alt='{html.escape(k)}' src='data:image/png;base64,{_png(f)}'>"
        for k, f in figs.items()
    )
    stamp_txt = ", ".join(f"{k}: {v}" for k, v in stamp.items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="stamp">{html.escape(stamp_txt)}</p>
<h2>Headline numbers</h2>{headline_rows(head)}
<p>Yuan of the scenario's year. Intervals are 95% intervals over paired replicates (same seeds for the
scenario and its baseline twin). Deadweight: the share of subsidy paid to workers who held a Ningbo job in
the twin run that month, i.e. would have stayed anyway.</p>
<h2>Cost by fiscal year, policy and payer</h2>{_table(by_year, ("mean", "q05", "q50", "q95"))}
<h2>Cost by payer</h2>{_table(by_payer, ("mean", "q05", "q50", "q95"))}
<h2>Budget caps</h2>{_table(caps) if len(caps) else "<p>No budget cap in this scenario.</p>"}
<h2>How this scenario differs from its baseline</h2>{_table(diffs)}
<h2>Assumptions and sources</h2>
<p>Numbers with a source below come from the program's record (see shared/domain.md); every other number
in the scenario files is marked ASSUMPTION there.</p>{_table(srcs)}
<h2>Figures</h2>{imgs}
</body></html>"""
