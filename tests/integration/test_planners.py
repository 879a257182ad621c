"""What a planner sees: bad requests refused before any run, a progress bar that moves."""

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
    from sim.metrics.summary import METRICS

    res = run(load_scenario("teaching_small", {"population": {"people_per_agent": 500}, "calendar": {"months": 3}}))
    assert set(res.metrics) == set(METRICS)
