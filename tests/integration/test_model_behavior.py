"""The model reacts to policies and the calendar the way its rules say."""

import numpy as np

from sim import load_scenario, run
from sim.metrics.retention import survival_at

SEEDS = (1, 2, 3)


def _pooled(path_or_name, metric, seeds=SEEDS, **over):
    sc = load_scenario(path_or_name, over or None)
    return float(np.mean([run(sc, seed=s).metrics[metric] for s in seeds]))


def test_lockdown_without_transport_stops_own_travel(write_scenario):
    path = write_scenario(
        {
            "calendar": {"months": 3, "lockdown": [{"month": "2020-02", "own_travel_share": 0.0}]},
            "policies": {"organized_transport": {"enabled": False}, "queen_bee_brokers": {"enabled": False}},
        }
    )
    res = run(load_scenario(path), seed=4)
    m = res.tables["monthly"].groupby("month")[["arrivals_ningbo", "to_prd", "blocked_by_lockdown"]].sum()
    assert m.loc["2020-02", "arrivals_ningbo"] == 0 and m.loc["2020-02", "to_prd"] == 0
    assert m.loc["2020-02", "blocked_by_lockdown"] > 0
    assert m.loc["2020-03", "arrivals_ningbo"] > 0


def test_organized_transport_is_the_way_out_in_lockdown(write_scenario):
    path = write_scenario(
        {
            "calendar": {"months": 2, "lockdown": [{"month": "2020-02", "own_travel_share": 0.0}]},
            "policies": {"organized_transport": {"seats_per_month": 3000}, "queen_bee_brokers": {"enabled": False}},
        }
    )
    res = run(load_scenario(path), seed=4)
    feb = res.tables["monthly"].query("month == '2020-02'")
    assert feb["arrivals_organized"].sum() > 0
    assert feb["arrivals_own"].sum() == 0
    seats = res.tables["budget"].query("policy == 'organized_transport' and month == '2020-02'")
    assert seats["payments"].sum() <= 3000 + 1e-9


def test_spring_festival_sends_workers_home_and_most_go_back(small):
    res = run(small, seed=2)
    m = res.tables["monthly"].groupby("month")[["festival_visits", "festival_back", "festival_stay"]].sum()
    assert m.loc["2020-01", "festival_visits"] > 0 and m.drop("2020-01")["festival_visits"].sum() == 0
    back, stay = m["festival_back"].sum(), m["festival_stay"].sum()
    assert 0.6 < back / (back + stay) < 0.95


def test_stronger_training_raises_first_job_retention(write_scenario):
    base = {"population": {"people_per_agent": 100}, "calendar": {"months": 8}}
    off = write_scenario({**base, "policies": {"in_firm_training": {"enabled": False}}}, name="off")
    on = write_scenario(
        {**base, "policies": {"in_firm_training": {"coverage": 1.0}}, "behavior": {"quit_hazard": {"training": 0.3}}},
        name="on",
    )
    r_off = np.mean(
        [survival_at(run(load_scenario(off), seed=s).tables["retention"], 3, measure="first_job") for s in SEEDS]
    )
    r_on = np.mean(
        [survival_at(run(load_scenario(on), seed=s).tables["retention"], 3, measure="first_job") for s in SEEDS]
    )
    assert r_on > r_off + 0.03


def test_higher_ningbo_wages_raise_departures_to_ningbo(write_scenario):
    base = {"population": {"people_per_agent": 100}, "calendar": {"months": 5}}
    low = write_scenario(base, name="low")
    rich = {
        d: {"sectors": {s: {"wage_yuan_month": 7000} for s in ds}}
        for d, ds in {
            "Yuyao": ["electrical_machinery", "small_appliances"],
            "Cixi": ["small_appliances", "textiles_garments", "stationery_plastics"],
            "Zhenhai": ["auto_parts", "electrical_machinery"],
            "Ninghai": ["stationery_plastics", "auto_parts"],
            "Haishu": ["textiles_garments", "electrical_machinery"],
            "Jiangbei": ["electrical_machinery", "auto_parts"],
        }.items()
    }
    high = write_scenario({**base, "places": {"districts": rich}}, name="high")
    assert _pooled(high, "arrivals_ningbo_jan_may_2020") > 1.2 * _pooled(low, "arrivals_ningbo_jan_may_2020")


def test_budget_of_no_policy_is_zero():
    res = run(load_scenario("no_policy", {"calendar": {"months": 3}, "population": {"people_per_agent": 250}}), seed=1)
    assert res.metrics["cost_total_yuan"] == 0.0 and res.tables["budget"].empty
