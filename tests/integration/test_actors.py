"""Issue 11: moves carry reasons; who a worker is and what employers do change
the flows in the direction and by about the size the rules say."""

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.errors import ScenarioError
from sim.table import column

SEEDS = (1, 2)


def _runs(over=None, seeds=SEEDS, name="teaching_small"):
    sc = load_scenario(name, over)
    return [run(sc, seed=s, engine="arrays") for s in seeds]


def _total(runs, col):
    return float(sum(r.tables["monthly"][col].sum() for r in runs))


def _by_reason(runs, event):
    t = pd.concat([r.tables["flows_by_reason"] for r in runs])
    return t[t["event"] == event].groupby("reason")["people"].sum()


@pytest.fixture(scope="module")
def base():
    return _runs({"calendar": {"months": 18}})


def test_every_quit_dismissal_and_return_carries_a_reason(base):
    for ev, col in (("quits", "quits"), ("dismissals", "dismissals"), ("return_home", "return_home")):
        got = _by_reason(base, ev)
        assert "none" not in got.index
        assert got.sum() == pytest.approx(_total(base, col)) and got.sum() > 0, ev
    assert {"personal", "festival_stay", "family"} <= set(_by_reason(base, "return_home").index)


def test_spells_keep_why_the_job_ended_and_why_they_left(base):
    sp = pd.concat([r.tables["spells"] for r in base])
    ended = sp[sp["job_end_step"] >= 0]
    assert (ended["job_end_reason"] != "none").all() and len(ended)
    left = sp[sp["exit_step"] >= 0]
    assert (left["exit_cause"] != "none").all() and len(left)
    assert (sp.loc[sp["exit_step"] < 0, "exit_cause"] == "none").all()
    assert set(left.loc[left["exit_reason"] == "festival_stay", "exit_cause"]) <= {"festival_stay", "family"}
    assert (ended["job_end_reason"] == "dismissed").any()


def test_subsidy_cliff_shows_as_subsidy_ended():
    """With a big cliff after the last payment, quits for 'subsidy_ended' appear; without one, none."""
    over = {"calendar": {"months": 18}, "policies": {"cixi_subsidy": {"enabled": True}}}
    with_cliff = _by_reason(_runs(over | {"behavior": {"quit_hazard": {"subsidy_cliff_per_wage": 3.0}}}), "quits")
    no_cliff = _by_reason(_runs(over | {"behavior": {"quit_hazard": {"subsidy_cliff_per_wage": 0.0}}}), "quits")
    assert with_cliff.get("subsidy_ended", 0) > 0
    assert no_cliff.get("subsidy_ended", 0) == 0


def test_low_wage_quits_are_the_wage_gaps_share():
    """PRD pays 1.5x the Ningbo jobs: about 1 - 1/1.5 of the quits are for the low wage."""
    runs = _runs({"places": {"prd": {"wage_yuan_month": 9000}}, "calendar": {"months": 6}})
    q = _by_reason(runs, "quits")
    assert 0.2 < q.get("low_wage", 0) / q.sum() < 0.75


def test_language_raises_dismissals_and_quits():
    over = {"calendar": {"months": 12}}
    fluent = _runs(over | {"behavior": {"workers": {"low_mandarin_share": 0.0, "low_mandarin_poor_extra": 0.0}}})
    little = _runs(over | {"behavior": {"workers": {"low_mandarin_share": 1.0}}})
    assert _total(little, "dismissals") > 1.5 * _total(fluent, "dismissals")
    assert _by_reason(fluent, "quits").get("language", 0) == 0
    q = _by_reason(little, "quits")
    assert 0.1 < q["language"] / q.sum() < 0.35  # 1 - 1/1.3 = 0.23 of the quits


def test_dependants_raise_festival_visits_and_family_stays():
    over = {"calendar": {"months": 14}}
    none = _runs(over | {"behavior": {"workers": {"dependants_share": 0.0}}})
    all_ = _runs(over | {"behavior": {"workers": {"dependants_share": 1.0}}})
    ratio = _total(all_, "festival_visits") / _total(none, "festival_visits")
    assert 1.1 < ratio < 1.3  # festival_visit_dependants = 1.2
    assert _by_reason(none, "return_home").get("family", 0) == 0
    assert _by_reason(all_, "return_home").get("family", 0) > 0


def test_attributes_are_drawn_at_their_shares_and_per_county():
    sc = load_scenario("teaching_small", {"behavior": {"workers": {"low_mandarin_share_by_county": {"Wangmo": 0.9}}}})
    from sim.runner import build_model

    m = build_model(sc, seed=3, engine="arrays")
    t = m.table
    wangmo = list(m.world.county_names).index("Wangmo")
    w, rest = t[(t["county"] == wangmo) & ~t["poor"]], t[(t["county"] != wangmo) & ~t["poor"]]
    assert column(w, "low_mandarin").mean() > 0.8 and 0.1 < column(rest, "low_mandarin").mean() < 0.2
    assert 0.3 < column(t, "female").mean() < 0.5
    assert np.bincount(column(t, "age_band"), minlength=4)[0] / len(t) == pytest.approx(0.3, abs=0.04)
    poor = t[t["poor"]]
    assert (column(poor, "education") == 0).mean() > (column(rest, "education") == 0).mean()
    with pytest.raises(ScenarioError, match="low_mandarin_share_by_county"):
        build_model(
            load_scenario(
                "teaching_small", {"behavior": {"workers": {"low_mandarin_share_by_county": {"nowhere": 0.5}}}}
            ),
            1,
            "arrays",
        )


def _model(over=None, seed=3):
    from sim.runner import build_model

    return build_model(load_scenario("teaching_small", over), seed=seed, engine="arrays")


@pytest.mark.parametrize("every", [6, 120])
def test_skill_grows_by_a_step_every_few_months_in_a_job(every):
    m = _model({"behavior": {"employers": {"skill_growth_months": every, "p_team_leader_month": 0.0}}})
    t0 = m.table.copy()
    for _ in range(8):
        m.step()
    t = m.table
    stay = (t0["firm"] >= 0) & (t["firm"] == t0["firm"]) & (t["tenure"] == t0["tenure"] + 8) & ~column(t, "trained")
    assert stay.sum() > 10
    steps = t["tenure"][stay] // every - t0["tenure"][stay] // every
    assert np.allclose(t["skill"][stay], np.minimum(t0["skill"][stay] + 0.01 * steps, 1.0), atol=1e-6)
    assert (steps > 0).any() == (every == 6)


def test_training_raises_skill_once():
    m = _model()
    idx = np.flatnonzero(m.table["skill"] < 0.9)[:100]
    before = m.table["skill"][idx].copy()
    m.train(idx)
    m.train(idx)
    assert np.allclose(m.table["skill"][idx], before + 0.05, atol=1e-6)


def test_team_leaders_quit_less():
    over = {"calendar": {"months": 12}, "behavior": {"employers": {"leader_min_tenure_months": 1}}}
    none = _runs(over | {"behavior": {"employers": {"leader_min_tenure_months": 1, "p_team_leader_month": 0.0}}})
    many = _runs(over | {"behavior": {"employers": {"leader_min_tenure_months": 1, "p_team_leader_month": 0.5}}})
    assert _total(none, "team_leaders") == 0 and _total(many, "team_leaders") > 100
    assert _total(many, "quits") < 0.8 * _total(none, "quits")  # team_leader 0.5, pay x1.2


def test_firms_hire_no_one_short_of_their_threshold():
    class Watch(type(_model())):
        def hire(self, step, idx, firm, love):
            short = self.world.firms.skill_required[firm] - self.table["skill"][idx]
            self.__dict__.setdefault("short", []).append(short)
            return super().hire(step, idx, firm, love)

    def shortfalls(limit):
        m = Watch(load_scenario("teaching_small", {"behavior": {"employers": {"hire_max_shortfall": limit}}}), 2)
        m.run()
        return np.concatenate(m.short)

    assert shortfalls(0.0).max() <= 1e-6
    assert shortfalls(0.35).max() > 0.05


# ---- brokers ---------------------------------------------------------------------------
def _broker_runs(brokers=None, policy=None, months=12, seeds=SEEDS):
    over = {"calendar": {"months": months}, "population": {"people_per_agent": 100}}
    if brokers:
        over["behavior"] = {"brokers": brokers}
    if policy:
        over["policies"] = {"queen_bee_brokers": policy}
    return _runs(over, seeds)


def test_recruitment_chains_trace_each_recruit_to_their_broker_and_its_fees():
    (res,) = _broker_runs(seeds=(4,), policy={"fee_yuan_per_placement": 300, "fee_yuan_on_result": 500})
    c, sp, b = res.tables["recruitment_chains"], res.tables["spells"], res.tables["budget"]
    scale = res.scenario.population.people_per_agent
    by_broker = sp[sp["channel"] == "broker"]
    assert (by_broker["broker_id"] >= 0).all() and (sp.loc[sp["channel"] != "broker", "broker_id"] == -1).all()
    assert c["recruits"].sum() == len(by_broker) * scale > 0
    home = c.set_index("broker_id")["county"]
    assert (by_broker["county"].astype(str).to_numpy() == home[by_broker["broker_id"]].to_numpy()).all()
    spent = b[b["policy"] == "queen_bee_brokers"].groupby("kind")["yuan"].sum()
    assert c["fees_yuan"].sum() == pytest.approx(spent.sum())
    assert {"broker_fee", "broker_placement_fee", "broker_result_fee"} <= set(spent.index)
    placed = sp[(sp["channel"] == "broker") & (sp["hire_step"] >= 0)]
    assert spent["broker_placement_fee"] == pytest.approx(300 * len(placed) * scale)


def test_reach_grows_with_retention_and_brokers_who_fail_leave():
    grow = _broker_runs({"reach_gain_per_retained_month": 0.05, "reach_loss_per_failure": 0.0, "p_leave_month": 0.0})
    flat = _broker_runs({"reach_gain_per_retained_month": 0.0, "reach_loss_per_failure": 0.0, "p_leave_month": 0.0})
    assert _total(grow, "arrivals_broker") > 1.3 * _total(flat, "arrivals_broker")
    assert all(r.tables["recruitment_chains"]["reach"].max() > 1.5 for r in grow)
    assert all((r.tables["recruitment_chains"]["reach"] == 1.0).all() for r in flat)
    fail = _broker_runs(
        {
            "reach_gain_per_retained_month": 0.0,
            "reach_loss_per_failure": 1.0,
            "p_leave_month": 0.0,
            "p_leave_low_reach_month": 1.0,
        }
    )
    gone = [r.tables["recruitment_chains"] for r in fail]
    assert all(((~c["active"]) == (c["reach"] <= 0.2)).all() for c in gone)
    assert sum((~c["active"]).sum() for c in gone) > 0


# ---- breakdowns ------------------------------------------------------------------------
def test_retention_by_breakdown_is_kaplan_meier_of_each_subset(base):
    from sim.metrics.km import kaplan_meier

    res = base[0]
    rb, sp, ret = res.tables["retention_by"], res.tables["spells"], res.tables["retention"]
    assert set(rb["by"]) == {"county", "district", "sector", "firm_size", "gender", "age_band", "broker"}
    b = rb[(rb["by"] == "broker") & (rb["value"] == "broker") & (rb["measure"] == "ningbo")]
    g = ret[(ret["cohort"] == "all") & (ret["group"] == "broker") & (ret["measure"] == "ningbo")]
    assert np.allclose(b["survival"].to_numpy(), g["survival"].to_numpy())
    last = len(res.months) - 1
    women = sp[sp["female"]]
    dur = np.where(women["exit_step"] >= 0, women["exit_step"], last) - women["arrival_step"]
    want = kaplan_meier(dur, women["exit_step"] >= 0, horizon=last)["survival"]
    got = rb[(rb["by"] == "gender") & (rb["value"] == "female") & (rb["measure"] == "ningbo")]["survival"]
    assert np.allclose(got.to_numpy(), want[: len(got)])


def test_flows_by_breakdown_add_up_to_the_totals(base):
    res = base[0]
    fb, m = res.tables["flows_by"], res.tables["monthly"]
    for by, g in fb.groupby("by"):
        assert g["arrivals"].sum() == pytest.approx(m["arrivals_ningbo"].sum()), by
    d = fb[fb["by"] == "district"]
    assert set(d["value"]) - {"not hired"} <= set(res.scenario.places.districts) and len(set(d["value"])) > 3


def test_run_by_district_draws_one_line_per_district(base):
    from sim.plotting import all_figures, close

    res = base[0]
    figs = all_figures(res.tables, res.months, 250, by="district")

    def legend(fig):
        return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]

    labels = [x.split(" (")[0] for x in legend(figs["retention_ningbo_by_district"])]
    assert set(labels) <= set(res.scenario.places.districts) and len(labels) >= 4
    assert "retention_first_job_by_district" in figs
    plain = all_figures(res.tables, res.months, 250)
    assert legend(figs["retention_ningbo"]) == legend(plain["retention_ningbo"])  # the standard figure stays itself
    for f in plain.values():
        close(f)
    for f in figs.values():
        close(f)


def test_breakdown_figure_speaks_chinese(base):
    """With --lang zh the breakdown's name and its generic values are Chinese; every reason has a label."""
    from sim.i18n import MESSAGES
    from sim.plotting import all_figures, close
    from sim.reasons import REASONS

    res = base[0]
    fig = all_figures(res.tables, res.months, 250, by="gender", lang="zh")["retention_ningbo_by_gender"]
    labels = [t.get_text().split(" (")[0] for t in fig.axes[0].get_legend().get_texts()]
    assert set(labels) == {"女", "男"} and "性别" in fig.axes[0].get_title()
    close(fig)
    assert all(f"reason.{r}" in MESSAGES for r in REASONS)
    # districts by the scenario's Chinese names (they were pinyin keys, while the dashboard spoke Chinese)
    sc = res.scenario
    figs = all_figures(res.tables, res.months, 250, scenario=sc, by="district", lang="zh")
    legend = figs["retention_ningbo_by_district"].axes[0].get_legend()
    labels = [t.get_text().split(" (")[0] for t in legend.get_texts()]
    zh = {d.name_zh for d in sc.places.districts.values()}
    assert len(labels) >= 4 and set(labels) <= zh | {"未就业"}, labels
    for f in figs.values():
        close(f)


def test_dormitory_places_cost_their_price_and_housed_workers_quit_less():
    def runs(mult):
        return _runs(
            {
                "calendar": {"months": 12},
                "behavior": {"quit_hazard": {"housed": mult}},
                "policies": {"dormitory": {"enabled": True, "places": 20000, "cost_yuan_per_place_month": 300}},
            }
        )

    plain, housed = runs(1.0), runs(0.5)
    assert _total(housed, "quits") < 0.85 * _total(plain, "quits")
    for r in housed:
        b = r.tables["budget"]
        dorm = b[b["policy"] == "dormitory"]
        per_month = dorm.groupby("step")["yuan"].sum()
        assert 0 < per_month.max() <= 20000 * 300 and per_month.max() > 0.5 * 20000 * 300
        assert r.tables["spells"]["housed"].any()


def test_team_leaders_pull_their_countys_recruits_to_their_firm():
    class Watch(type(_model())):
        def hire(self, step, idx, firm, love):
            o = self.__dict__.setdefault("pulled", [0, 0])
            o[0] += int(self.leader_firms[self.table["county"][idx], firm].sum())
            o[1] += len(idx)
            return super().hire(step, idx, firm, love)

    def share(pull):
        b = {
            "employers": {"leader_min_tenure_months": 1, "p_team_leader_month": 0.3},
            "matching": {"leader_pull": pull},
        }
        got = np.zeros(2)
        for s in SEEDS:
            m = Watch(load_scenario("teaching_small", {"behavior": b}), s)
            m.run()
            got += m.pulled
        return got[0] / got[1]

    assert share(3.0) > share(0.0) + 0.1


def test_pay_rising_with_tenure_lowers_low_wage_quits():
    """The PRD pays a little more than Ningbo: raises with tenure close the gap for long-serving workers."""
    over = {"places": {"prd": {"wage_yuan_month": 6000}}, "calendar": {"months": 6}}
    flat = _runs(over | {"behavior": {"employers": {"tenure_wage_growth_year": 0.0}}})
    rising = _runs(over | {"behavior": {"employers": {"tenure_wage_growth_year": 0.2}}})
    assert _by_reason(rising, "quits")["low_wage"] < 0.8 * _by_reason(flat, "quits")["low_wage"]
