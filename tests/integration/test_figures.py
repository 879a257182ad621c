"""Figures a journal would take: readable labels in English or Chinese, counts in people,
no missing glyph, SVG/PDF beside PNG at 150 dpi or more."""

import warnings

import pytest
from PIL import Image

from sim import load_scenario, plotting, run
from sim.cli import main

SMALL = {"calendar": {"months": 8}, "population": {"people_per_agent": 40}}


@pytest.fixture(scope="module")
def res():
    return run(load_scenario("teaching_small", SMALL), seed=2, engine="arrays")


def _legend(fig) -> list[str]:
    return [tx.get_text() for ax in fig.axes if ax.get_legend() for tx in ax.get_legend().get_texts()]


def _all_text(fig) -> str:
    fig.canvas.draw()
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_legends_show_readable_labels_not_code_names(res):
    figs = plotting.all_figures(res.tables, res.months, 40, lang="en", scenario=res.scenario)
    stocks = _legend(figs["stocks"])
    assert "local job" in stocks and "job in Ningbo" in stocks
    text = " ".join(" ".join(_legend(f)) for f in figs.values())
    for code in ("local_job", "ningbo_job", "arrivals_ningbo", "return_home", "cixi_subsidy"):
        assert code not in text
    for f in figs.values():
        plotting.close(f)


def test_retention_n_counts_people_not_agents(res):
    ret = res.tables["retention"]
    agents = int(ret[(ret.cohort == "all") & (ret.group == "poor") & (ret.measure == "ningbo")]["n"].iloc[0])
    fig = plotting.retention_figure(ret, people_per_agent=40, lang="en")
    (poor,) = [s for s in _legend(fig) if s.startswith("registered poor")]
    assert f"n = {agents * 40:,} people" in poor
    plotting.close(fig)


def test_chinese_figures_have_every_glyph(res):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        figs = plotting.all_figures(res.tables, res.months, 40, lang="zh", scenario=res.scenario)
        text = " ".join(_all_text(f) for f in figs.values())
        for f in figs.values():
            plotting.close(f)
    assert "在宁波就业" in text and "到达后月数" in text


def test_figure_formats_and_resolution(tmp_path, capsys):
    args = ["run", "teaching_small", "--months", "4", "--people-per-agent", "200", "--quiet", "--out", str(tmp_path)]
    try:
        assert main([*args, "--figure-format", "png,svg,pdf"]) == 0
    finally:
        plotting.configure("png")
    (folder,) = (tmp_path / "teaching_small").iterdir()
    names = {p.name for p in (folder / "figures").iterdir()}
    for stem in ("retention_ningbo", "flows", "stocks", "budget_cumulative"):
        assert {f"{stem}.png", f"{stem}.svg", f"{stem}.pdf"} <= names
    assert (folder / "figures" / "flows.pdf").read_bytes()[:4] == b"%PDF"
    dpi = Image.open(folder / "figures" / "flows.png").info["dpi"]
    assert min(dpi) >= 149.9
    assert main([*args, "--figure-format", "png,gif"]) == 2
    assert "gif" in capsys.readouterr().err


def test_compare_writes_the_paired_difference_figure_with_intervals(tmp_path, capsys):
    from sim.experiments.compare import summarize_pairs
    from sim.experiments.executors import InProcessExecutor
    from sim.experiments.replicates import run_replicates
    from sim.streams import replicate_seeds

    seeds = replicate_seeds(1, 3)
    a = run_replicates(load_scenario("no_policy", SMALL), seeds, InProcessExecutor(), 1, "arrays", True)
    b = run_replicates(load_scenario("policy_liaison", SMALL), seeds, InProcessExecutor(), 1, "arrays", True)
    summary = summarize_pairs("policy_liaison", a, b)
    fig = plotting.paired_difference_figure(summary, "no_policy", lang="en")
    ax = fig.axes[0]
    shown = summary[summary.metric.str.startswith("retention") & summary.diff_mean.notna()]
    assert len(ax.containers) == len(shown) == 4  # 3- and 6-month retention, all and poor (12 months not observed)
    r = summary.set_index("metric").loc["retention_ningbo_6m"]
    segs = [s for c in ax.containers for s in c.lines[2][0].get_segments()]
    xs = {(round(s[0][0], 6), round(s[1][0], 6)) for s in segs}
    assert (round(r.diff_lo95 * 100, 6), round(r.diff_hi95 * 100, 6)) in xs
    assert "Difference from no_policy" in fig._suptitle.get_text()
    plotting.close(fig)


def test_lang_is_for_one_command_and_the_summary_speaks_it(tmp_path, capsys):
    from sim.i18n import default_lang

    before = default_lang()
    args = ["run", "teaching_small", "--months", "6", "--people-per-agent", "200", "--quiet", "--no-figures"]
    assert main([*args, "--lang", "zh", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "6 个月" in out and "3个月宁波留存率" in out
    head = next((line for line in out.splitlines() if line.startswith("目标")), "")  # the targets table's header too
    assert "指标" in head and "容差" in head and "tol" not in head and "metric" not in head
    assert default_lang() == before and plotting.FORMATS == ("png",)


def test_retention_curves_stop_when_no_one_is_at_risk(res):
    """A group whose last member left (or was never hired) has no estimate beyond that
    month: its curve ends there instead of running on flat to the end of the axis."""
    ret = res.tables["retention"].copy()
    sel = (ret.cohort == "all") & (ret.group == "poor") & (ret.measure == "ningbo")
    last = int(ret.loc[sel, "month"].max())
    ret.loc[sel & (ret.month > 3), "at_risk"] = 0
    fig = plotting.retention_figure(ret, people_per_agent=40, lang="en")
    poor = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("registered poor")][0]
    assert max(poor.get_xdata()) == 3 and last > 3
    plotting.close(fig)


def test_people_axes_have_thousands_separators(res):
    """Counts of people on the y axes read as in the legends (350,000, not 350000)."""
    for name in ("flows", "stocks"):
        fig = getattr(plotting, f"{name}_figure")(res.tables["monthly"], "en")
        fig.canvas.draw()
        labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
        big = [x for x in labels if x.replace(",", "").isdigit() and int(x.replace(",", "")) >= 1000]
        assert big and all("," in x for x in big), (name, labels)
        plotting.close(fig)
