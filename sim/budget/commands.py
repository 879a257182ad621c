"""`laborsim budget`: cost, value for money against a twin, goal-seek, brief."""

from __future__ import annotations

import json
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .. import __version__
from ..errors import ScenarioError
from ..experiments.compare import parameter_differences
from ..experiments.executors import close_executor, make_executor
from ..loader import load_scenario
from ..metrics.budget import by_month_policy_payer
from ..metrics.summary import json_text
from ..plotting import budget_bands_figure, retention_bands_figure
from ..results_io import Staged, base_manifest, git_commit, write_tables
from ..runner import choose_engine, run
from ..schema import Scenario
from ..streams import replicate_seeds
from . import brief
from .goal import best_for_budget, check_request, goal_seek
from .tables import caps_table, cost_bands, recipients_table, value_summary
from .twin import run_twins, twin_metrics


def policy_free_twin(sc: Scenario) -> Scenario:
    """The scenario with every policy switched off (the default baseline twin)."""
    sj = sc.model_dump(mode="json")
    for p in sj["policies"].values():
        p["enabled"] = False
    sj["name"] = f"{sc.name}_no_policy"
    return Scenario.model_validate(sj)


def cmd_budget(args) -> int:
    sc = load_scenario(args.scenario)
    base = load_scenario(args.baseline) if args.baseline else policy_free_twin(sc)
    same = ("population", "places", "calendar")
    if any(getattr(sc, k).model_dump() != getattr(base, k).model_dump() for k in same):
        raise ScenarioError(
            "<command line>",
            "--baseline",
            f"{base.name} (different people, places or calendar)",
            f"a twin of {sc.name} that differs only in policies and behavior",
        )
    if args.target or args.budget_yuan is not None:
        check_request(sc, args.lever, args.target, args.metric if args.budget_yuan is not None else None)
    master = sc.seed if args.seed is None else args.seed
    engine = choose_engine(sc, args.engine)
    seeds = replicate_seeds(master, args.replicates)
    twins = twin_runs(sc, base, seeds, engine, args)
    per_seed = pd.DataFrame([twin_metrics(t, args.discount_rate) for t in twins])
    value = value_summary(per_seed)
    by_month = cost_bands(twins, ["month", "policy", "payer"])
    by_year = cost_bands(twins, ["year", "policy", "payer"])
    by_payer = cost_bands(twins, ["year", "payer"])
    tables = {
        "value_per_seed": per_seed,
        "value_summary": value,
        "cost_by_month": by_month,
        "cost_by_year": by_year,
        "cost_by_payer": by_payer,
        "recipients": recipients_table(twins),
        "caps": caps_table(twins),
        "parameter_differences": parameter_differences(base.model_dump(mode="json"), sc.model_dump(mode="json")),
    }
    run_fn = lambda s, seed: run(s, seed=seed, engine=engine)  # noqa: E731
    goal = None
    if args.target:
        goal = goal_seek(sc, args.lever, args.target, args.probability, args.replicates, master, run_fn, args.lever_max)
        tables["goal_seek_path"] = pd.DataFrame(goal["path"])
    if args.budget_yuan is not None:
        goal = best_for_budget(
            sc, args.lever, args.budget_yuan, args.metric, args.replicates, master, run_fn, args.lever_max
        )
        tables["budget_search_path"] = pd.DataFrame(goal["path"])
    stamp = {
        "scenario": sc.name,
        "baseline": base.name,
        "replicates": len(seeds),
        "master_seed": master,
        "engine": engine,
        "laborsim": __version__,
        "git": git_commit()[:10] or "n/a",
        "discount_rate": args.discount_rate,
    }
    html = make_brief(sc, base, twins, value, by_year, by_payer, tables, stamp)
    with Staged(Path(args.out) / "budget", f"{sc.name}-vs-{base.name}-r{len(seeds)}-m{master}") as tmp:
        write_tables(tmp, tables)
        (tmp / "brief.html").write_text(html, encoding="utf-8")
        (tmp / "manifest.json").write_text(
            json_text(
                base_manifest("budget", **stamp, seeds=seeds, goal=goal, resolved_scenario=sc.model_dump(mode="json"))
            ),
            encoding="utf-8",
        )
    if args.brief:
        Path(args.brief).write_text(html, encoding="utf-8")
    print(budget_text(value, by_payer, tables["caps"], goal))
    print(f"results: {tmp.final}")
    return 0


def twin_runs(sc: Scenario, base: Scenario, seeds: list[int], engine: str, args) -> list[dict]:
    """Run the twin pairs through the chosen executor; results in seed order.

    At most `in_flight` pairs are submitted at once, and the progress bar moves
    each time a pair finishes (an in-process executor runs a pair on submit, so
    submitting all of them first would leave the bar silent until the end).
    """
    ex, in_flight = make_executor(args.workers, args.scheduler)
    out: dict[int, dict] = {}
    pending: dict = {}
    todo = iter(seeds)
    desc = f"{sc.name} + twin ({len(seeds)} seeds)"
    try:
        with tqdm(total=len(seeds), desc=desc, unit="pair", disable=args.quiet, smoothing=0) as bar:
            while True:
                while len(pending) < in_flight and (s := next(todo, None)) is not None:
                    pending[ex.submit(run_twins, sc, base, s, engine)] = s
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    out[pending.pop(f)] = f.result()
                    bar.update(1)
    finally:
        close_executor(ex)
    return [out[s] for s in seeds]


def headline(value: pd.DataFrame, by_payer: pd.DataFrame, first_year: int) -> list[tuple]:
    """The brief's headline rows: (label, key, mean, lo, hi, unit)."""
    v = value.set_index("metric")
    y = by_payer[by_payer["year"] == first_year]
    rows = [
        (
            f"cost in {first_year}, all payers",
            f"cost_{first_year}_yuan",
            y["mean"].sum(),
            y["q05"].sum(),
            y["q95"].sum(),
            "yuan",
        )
    ]
    for label, key, unit in [
        ("cost over the run", "cost_yuan", "yuan"),
        ("incremental cost per additional retained worker-month", "incremental_cost_per_extra_worker_month", "yuan"),
        ("cost per retained worker-month", "cost_per_retained_worker_month", "yuan"),
        ("additional retained worker-months vs twin", "extra_worker_months", "person-months"),
        ("deadweight share of subsidy", "deadweight_share", "share"),
        ("6-month retention in Ningbo, registered poor", "retention_ningbo_6m_poor", "share"),
        ("same, baseline twin", "baseline_retention_ningbo_6m_poor", "share"),
    ]:
        if key in v.index:
            rows.append((label, key, v.loc[key, "mean"], v.loc[key, "lo95"], v.loc[key, "hi95"], unit))
    return rows


def make_brief(sc, base, twins, value, by_year, by_payer, tables, stamp) -> str:
    from ..experiments.bands import budget_bands, retention_bands

    first_year = int(sc.calendar.start[:4])
    reps_p = [
        {
            "budget": by_month_policy_payer(t["policy"].tables["budget"]),
            "retention": t["policy"].tables["retention"].query("cohort == 'all'"),
        }
        for t in twins
    ]
    reps_b = [{"retention": t["baseline"].tables["retention"].query("cohort == 'all'")} for t in twins]
    months = twins[0]["policy"].months
    figs = {
        "Cumulative cost (5-95% band)": budget_bands_figure({sc.name: budget_bands(reps_p, months)}, months),
        "Retention of registered-poor workers, scenario and twin": retention_bands_figure(
            {sc.name: retention_bands(reps_p), base.name: retention_bands(reps_b)}, group="poor"
        ),
    }
    year_tab = by_year[["year", "policy", "payer", "mean", "q05", "q95", "payments_mean"]]
    payer_tab = by_payer[["year", "payer", "mean", "q05", "q95"]]
    return brief.render(
        f"Planner brief: {sc.name} against {base.name}",
        headline(value, by_payer, first_year),
        year_tab,
        payer_tab,
        tables["parameter_differences"],
        brief.sources(sc.model_dump(mode="json")),
        figs,
        stamp,
        tables["caps"],
    )


def budget_text(value: pd.DataFrame, by_payer: pd.DataFrame, caps: pd.DataFrame, goal) -> str:
    """Short terminal summary."""
    lines = ["cost by fiscal year and payer (yuan, mean and 5-95%):"]
    for r in by_payer.itertuples():
        lines.append(f"  {r.year} {r.payer:<15} {r.mean:>16,.0f}  ({r.q05:,.0f} .. {r.q95:,.0f})")
    lines.append("value for money (mean and 95% interval over paired seeds):")
    for r in value.itertuples():
        if r.metric.startswith(("cost", "incremental", "deadweight", "extra", "retention", "baseline_retention")):
            lines.append(f"  {r.metric:<42} {r.mean:>16,.3f}  [{r.lo95:,.3f}, {r.hi95:,.3f}]")
    for r in caps.drop_duplicates("policy").itertuples() if len(caps) else []:
        lines.append(
            f"  cap on {r.policy}: binds in {r.bound_month or 'never'}; "
            f"turned away {caps[caps.policy == r.policy].turned_away.mean():,.0f} people (mean)"
        )
    if goal:
        b = goal["best"]
        lines.append(
            f"search on {goal['lever']}: {json.dumps(b, default=float)}"
            + ("" if goal.get("met", True) else "  (target NOT met at the upper bound)")
        )
    return "\n".join(lines)
