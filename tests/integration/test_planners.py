"""What a planner sees: bad requests refused before any run, a progress bar that moves."""

from html.parser import HTMLParser

import pandas as pd
import pytest

from sim.cli import main
from sim.engines import ENGINES


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any simulation starts (every run builds its model from ENGINES)."""

    def refuse(*a, **k):
        raise AssertionError("a run started before the bad option was refused")

    for name in list(ENGINES):
        monkeypatch.setitem(ENGINES, name, refuse)


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--target", "retention_6m_poor>0.9"], "--target"),
        (["--target", "retention_6m_poor>=high"], "--target"),
        (["--target", "retention_6m_porr>=0.9"], "did you mean retention_ningbo_6m_poor"),
        (["--target", "retention_6m_poor>=0.9", "--lever", "policies.nope.staff"], "--lever"),
        (["--budget-yuan", "1e6", "--metric", "happiness"], "--metric"),
        (["--xlsx", "/no/such/folder/brief.xlsx"], "--xlsx"),
        (["--xlsx", "brief.csv"], "--xlsx"),
    ],
)
def test_bad_goal_requests_exit_2_before_any_run(tmp_path, capsys, no_runs, extra, needle):
    code = main(["budget", "teaching_small", "--replicates", "10", "--out", str(tmp_path), "--quiet", *extra])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_unknown_until_ci_metric_exits_2_before_any_run(tmp_path, capsys, no_runs):
    code = main(["run", "teaching_small", "--metric", "retention_6m", "--until-ci", "0.5", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "--metric" in err and "retention_ningbo_6m" in err
    assert not any(tmp_path.iterdir())


def test_budget_progress_bar_moves_as_each_pair_finishes(tmp_path, monkeypatch, capsys):
    import sim.budget.commands as bc

    seen = []  # the bar's count when each pair starts

    class Bar:
        def __init__(self, *a, total=None, **k):
            self.n, self.total = 0, total
            seen.append(("total", total))

        def __enter__(self):
            Bar.current = self
            return self

        def __exit__(self, *a):
            return False

        def update(self, k=1):
            self.n += k

    real = bc.run_twins

    def spy(*a, **k):
        seen.append(("start", Bar.current.n))
        return real(*a, **k)

    monkeypatch.setattr(bc, "tqdm", Bar)
    monkeypatch.setattr(bc, "run_twins", spy)
    over = ["--replicates", "3", "--engine", "arrays", "--out", str(tmp_path)]
    assert main(["budget", "teaching_small", *over]) == 0
    assert seen == [("total", 3), ("start", 0), ("start", 1), ("start", 2)]


def test_the_metric_list_is_what_a_run_reports():
    from sim import load_scenario, run
    from sim.metrics.names import is_metric
    from sim.metrics.summary import METRICS, TEXT_METRICS

    res = run(load_scenario("teaching_small", {"population": {"people_per_agent": 500}, "calendar": {"months": 6}}))
    assert set(res.metrics) == set(METRICS)  # a run from January of 6+ months names its window jan_may_2020
    short = run(load_scenario("teaching_small", {"population": {"people_per_agent": 500}, "calendar": {"months": 3}}))
    assert all(is_metric(k) or k in TEXT_METRICS for k in short.metrics)  # ... and a shorter one jan_mar_2020


class _Text(HTMLParser):
    """Visible text of an HTML page, and the data-metric numbers."""

    def __init__(self):
        super().__init__()
        self.text, self.metrics, self._key, self._skip = [], {}, None, False

    def handle_starttag(self, tag, attrs):
        self._key = dict(attrs).get("data-metric")
        self._skip = tag in ("style", "script")

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._key:
            self.metrics[self._key] = float(data.strip().replace(",", ""))
            self._key = None


@pytest.fixture(scope="module")
def subsidy_briefs(tmp_path_factory):
    """The subsidies against their no-subsidy twin, briefs in both languages (3 pairs, arrays engine)."""
    out = tmp_path_factory.mktemp("briefs")
    args = ["budget", "baseline_2020", "--baseline", "baseline_2020_no_subsidy", "--replicates", "3"]
    args += ["--engine", "arrays", "--quiet"]
    for lang in ("en", "zh"):
        brief, xlsx = out / f"brief_{lang}.html", out / f"brief_{lang}.xlsx"
        code = main([*args, "--out", str(out / lang), "--lang", lang, "--brief", str(brief), "--xlsx", str(xlsx)])
        assert code == 0
    return out


def _read(path):
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(p.text).split()), p.metrics


def test_brief_leads_with_the_policys_own_cost_not_the_whole_program(subsidy_briefs):
    (folder,) = (subsidy_briefs / "en" / "budget").iterdir()
    per_seed = pd.read_csv(folder / "value_per_seed.csv")
    text, metrics = _read(subsidy_briefs / "brief_en.html")
    own = (per_seed["cost_yuan"] - per_seed["baseline_cost_yuan"]).mean()
    whole = per_seed["cost_yuan"].mean()
    assert metrics["own_cost_yuan"] == pytest.approx(own, abs=1)
    assert whole > 1.5 * own  # the whole program (every policy) is far more than the subsidies alone
    # the first number the brief shows is the policy's own cost, not the program's
    first = list(metrics)[0]
    assert first.startswith("own_cost_") and metrics[first] < whole
    assert text.index("What the policy itself costs") < text.index("What it buys") < text.index("The goal")
    assert text.index("The goal") < text.index("do and do not include")
    assert "chance variation only" in text and "3 paired replicates" in text
    own_by_payer = pd.read_csv(folder / "own_cost_by_payer.csv")
    assert own_by_payer["mean"].sum() == pytest.approx(own, abs=5)


def test_brief_in_chinese_has_the_same_numbers(subsidy_briefs):
    en_text, en = _read(subsidy_briefs / "brief_en.html")
    zh_text, zh = _read(subsidy_briefs / "brief_zh.html")
    assert en == zh
    assert "政策本身的成本" in zh_text and "宁波" in zh_text and "What the policy itself costs" not in zh_text
    assert '<html lang="zh-CN">' in (subsidy_briefs / "brief_zh.html").read_text(encoding="utf-8")


def test_brief_workbook_opens_with_the_same_tables(subsidy_briefs):
    import openpyxl

    (folder,) = (subsidy_briefs / "en" / "budget").iterdir()
    wb = openpyxl.load_workbook(subsidy_briefs / "brief_en.xlsx")
    assert wb.sheetnames[:3] == ["headline", "own cost by year and payer", "own cost by policy"]
    sheets = pd.read_excel(subsidy_briefs / "brief_en.xlsx", sheet_name=None)
    own = sheets["own cost by year and payer"]
    table = pd.read_csv(folder / "own_cost_by_payer.csv")
    assert list(own["mean"]) == pytest.approx(list(table["mean"]))
    assert set(own["payer"]) <= {"Ningbo", "sending county", "central transfer"}
    zh = openpyxl.load_workbook(subsidy_briefs / "brief_zh.xlsx")
    assert "要点" in zh.sheetnames
    assert (folder / "brief.xlsx").exists()


def test_goal_seek_answer_is_in_the_brief(tmp_path):
    brief = tmp_path / "b.html"
    args = ["budget", "teaching_small", "--replicates", "2", "--engine", "arrays", "--quiet", "--out", str(tmp_path)]
    target = ["--target", "retention_6m_poor>=0.5", "--lever", "subsidy.total_yuan", "--probability", "0.5"]
    assert main([*args, *target, "--brief", str(brief), "--lang", "en"]) == 0
    text, _ = _read(brief)
    assert "No goal was asked" not in text
    assert "Smallest subsidy.total_yuan meeting retention_ningbo_6m_poor>=0.5" in text  # the name in full
