"""Budgets: ledger arithmetic, doubling, deadweight, goal-seek, the brief."""

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.budget.goal import apply_lever, goal_seek, parse_target
from sim.budget.twin import run_twins, twin_metrics
from sim.cli import main
from sim.streams import replicate_seeds
from tests.conftest import policies_off

OFF = policies_off()  # every policy of teaching_small off but the program levers
# paid from the first month of work to everyone employed, incumbents and open-market jobs too
PAY_AT_ONCE = {"cohort": "all_employed", "program_firms_only": False, "waiting_months": 1}
COUNTIES = ("Xingren", "Pu'an", "Qinglong", "Zhenfeng", "Wangmo", "Ceheng", "Anlong")


def three_workers(write_scenario, schedule=(100, 200, 300)):
    """Three people, all in Ningbo jobs, who never quit, and one subsidy for everyone."""
    return write_scenario(
        {
            "calendar": {"months": 5},
            "population": {"people_per_agent": 1, "initial_places": {"home": 0, "local": 0, "prd": 0, "ningbo": 1.0}},
            "places": {
                "counties": {
                    "Xingyi": {"population": 3, "mobile_pool_share": 1.0},
                    **{c: {"mobile_pool_share": 0.0} for c in COUNTIES},
                }
            },
            "behavior": {
                "quit_hazard": {"by_tenure_month": {k: 0.0 for k in (1, 2, 4, 7, 13)}},
                "away": {"p_festival_visit": 0.0},
            },
            "policies": {
                **OFF,
                "flat": {
                    "type": "subsidy",
                    "payer": "central",
                    "schedule_yuan": list(schedule),
                    **PAY_AT_ONCE,
                },
            },
        },
        name="three",
    )


def test_ledger_arithmetic_by_hand(write_scenario):
    res = run(load_scenario(three_workers(write_scenario)), seed=1, engine="agents")
    assert res.n_agents == 3
    b = res.tables["budget"].groupby("month")[["yuan", "payments", "people", "new_people"]].sum()
    # month 1: 3 x 100; month 2: 3 x 200; month 3: 3 x 300; then the schedule is over
    assert list(b["yuan"]) == [300.0, 600.0, 900.0]
    assert list(b["payments"]) == [3.0, 3.0, 3.0] and list(b["people"]) == [3.0, 3.0, 3.0]
    assert list(b["new_people"]) == [3.0, 0.0, 0.0]  # the same three people each month
    assert res.metrics["cost_total_yuan"] == 1800.0 and res.metrics["cost_central_yuan"] == 1800.0


def test_zero_subsidy_costs_zero(write_scenario):
    res = run(load_scenario(three_workers(write_scenario, schedule=(0, 0, 0))), seed=1)
    assert res.metrics["cost_total_yuan"] == 0.0


NO_RESPONSE = {
    "quit_hazard": {"subsidy_value_per_wage": 0.0, "subsidy_cliff_per_wage": 0.0},
    "departure": {"subsidy_awareness": 0.0},
}


def _subsidy_only(write_scenario, name, factor=1.0, behavior=None):
    """The Cixi schedule paid to every worker in a Ningbo job (not only the poor in Cixi)."""
    cixi = [1000, 1500, 1500, 2000, 2000, 2500, 2500, 3000, 4000]
    return load_scenario(
        write_scenario(
            {
                "population": {"people_per_agent": 100},
                "calendar": {"months": 10},
                "behavior": behavior or {},
                "policies": {
                    **OFF,
                    "cixi_subsidy": {
                        "enabled": True,
                        "schedule_yuan": [x * factor for x in cixi],
                        "eligibility": {"poor_only": False, "counties": [], "districts": []},
                        **PAY_AT_ONCE,
                    },
                },
            },
            name=name,
        )
    )


@pytest.mark.parametrize("engine", ["agents", "arrays"])
def test_doubling_amounts_without_behavior_response_doubles_cost(write_scenario, engine):
    one = run(_subsidy_only(write_scenario, "one", 1.0, NO_RESPONSE), seed=4, engine=engine)
    two = run(_subsidy_only(write_scenario, "two", 2.0, NO_RESPONSE), seed=4, engine=engine)
    assert one.metrics["cost_total_yuan"] > 0
    assert two.metrics["cost_total_yuan"] == pytest.approx(2 * one.metrics["cost_total_yuan"])


def test_deadweight_is_total_when_the_subsidy_changes_nothing(write_scenario):
    sc = _subsidy_only(write_scenario, "dw", 1.0, NO_RESPONSE)
    base = load_scenario(
        write_scenario(
            {
                "population": {"people_per_agent": 100},
                "calendar": {"months": 10},
                "behavior": NO_RESPONSE,
                "policies": OFF,
            },
            name="dw_base",
        )
    )
    m = twin_metrics(run_twins(sc, base, 3, "arrays"))
    assert m["subsidy_yuan"] > 0 and m["deadweight_share"] == 1.0
    # with a real behavior response some money keeps people who would have left
    sc2 = _subsidy_only(write_scenario, "dw2", 1.0, {"quit_hazard": {"subsidy_value_per_wage": 0.3}})
    base2 = load_scenario(
        write_scenario(
            {
                "population": {"people_per_agent": 100},
                "calendar": {"months": 10},
                "behavior": {"quit_hazard": {"subsidy_value_per_wage": 0.3}},
                "policies": OFF,
            },
            name="dw2_base",
        )
    )
    assert twin_metrics(run_twins(sc2, base2, 3, "arrays"))["deadweight_share"] < 1.0


def test_goal_seek_answer_meets_its_target_on_fresh_seeds(write_scenario):
    sc = _subsidy_only(write_scenario, "goal", 1.0, {"quit_hazard": {"subsidy_value_per_wage": 0.2}})
    run_fn = lambda s, seed: run(s, seed=seed, engine="arrays")  # noqa: E731
    metric = parse_target("retention_6m>=0")[0]
    assert metric == "retention_ningbo_6m"
    lever = "cixi_subsidy.total_yuan"
    # a trivially met target returns the lower end of the search
    assert goal_seek(sc, lever, f"{metric}>=0", 0.8, 2, 1, run_fn)["best"]["lever_value"] == 0.0
    # a real target: half-way between no subsidy and the full Cixi schedule, on seeds the search will not use
    probe = replicate_seeds(5, 6)
    m0 = np.mean([run_fn(apply_lever(sc, lever, 0), s).metrics[metric] for s in probe])
    m1 = np.mean([run_fn(sc, s).metrics[metric] for s in probe])
    assert m1 > m0 + 0.02
    target = f"{metric}>={(m0 + m1) / 2:.4f}"
    goal = goal_seek(sc, lever, target, 0.8, 8, 1, run_fn, hi=40_000, iterations=6)
    assert goal["met"] and 0 < goal["best"]["lever_value"] < 40_000
    assert goal["best"]["success_share"] >= 0.8 and goal["best"]["cost_mean_yuan"] > 0
    b = goal["best"]  # the share of 8 replicates carries its Wilson interval, inside [0, 1]
    assert 0 <= b["success_lo"] < b["success_share"] <= b["success_hi"] <= 1 and b["success_hi"] - b["success_lo"] > 0.2
    fresh = replicate_seeds(999, 8)
    vals = [run_fn(apply_lever(sc, lever, goal["best"]["lever_value"]), s).metrics[metric] for s in fresh]
    assert np.mean(np.array(vals) >= (m0 + m1) / 2) >= 0.625  # 0.8 less sampling slack for 8 fresh seeds


class _Metrics(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self._key = {}, None

    def handle_starttag(self, tag, attrs):
        self._key = dict(attrs).get("data-metric")

    def handle_data(self, data):
        if self._key:
            self.found[self._key] = data.strip()
            self._key = None


def test_budget_command_and_brief_numbers(tmp_path, capsys):
    brief = tmp_path / "brief.html"
    assert main(["budget", "teaching_small", "--baseline", "no_policy", "--out", str(tmp_path)]) == 2
    assert "--baseline" in capsys.readouterr().err  # a twin must have the same people
    code = main(
        [
            "budget",
            "teaching_small",
            "--replicates",
            "3",
            "--engine",
            "arrays",
            "--out",
            str(tmp_path),
            "--brief",
            str(brief),
        ]
    )
    assert code == 0
    assert "incremental_cost_per_extra_worker_month" in capsys.readouterr().out
    (folder,) = (tmp_path / "budget").iterdir()
    value = pd.read_csv(folder / "value_summary.csv").set_index("metric")
    own = pd.read_csv(folder / "own_cost_by_payer.csv")
    p = _Metrics()
    p.feed(brief.read_text())
    num = lambda k: float(p.found[k].replace(",", ""))  # noqa: E731
    assert num("own_cost_2020_yuan") == pytest.approx(own[own.year == 2020]["mean"].sum(), abs=1)
    assert num("own_cost_yuan") == pytest.approx(value.loc["own_cost_yuan", "mean"], abs=1)
    assert num("incremental_cost_per_extra_worker_month") == pytest.approx(
        value.loc["incremental_cost_per_extra_worker_month", "mean"], abs=1
    )
    assert num("deadweight_share") == pytest.approx(value.loc["deadweight_share", "mean"], abs=1e-3)
    html = brief.read_text()
    assert "data:image/png;base64," in html and "http" not in html.split("<body>")[1].split("Assumptions")[0]
    assert "cnnb.com.cn" in html  # sources of the scenario's figures are listed


def test_budget_through_local_processes_matches_in_process(tmp_path, capsys):
    args = ["budget", "teaching_small", "--replicates", "2", "--engine", "arrays", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--workers", "2", "--out", str(tmp_path / "b")]) == 0
    (fa,) = (tmp_path / "a" / "budget").iterdir()
    (fb,) = (tmp_path / "b" / "budget").iterdir()
    pd.testing.assert_frame_equal(pd.read_csv(fa / "value_per_seed.csv"), pd.read_csv(fb / "value_per_seed.csv"))
