"""`laborsim budget`: cost, value for money against a twin, goal-seek, brief."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .. import __version__
from ..errors import ScenarioError
from ..experiments.commands import ensemble_sets
from ..experiments.compare import parameter_differences
from ..experiments.executors import executor
from ..i18n import label, set_lang, t
from ..loader import load_scenario
from ..metrics.budget import by_month_policy_payer
from ..metrics.summary import json_text
from ..plotting import budget_bands_figure, retention_bands_figure
from ..policies import policy_free
from ..results_io import Staged, base_manifest, git_commit, write_tables
from ..runner import choose_engine, run
from ..schema import Scenario
from ..streams import replicate_seeds
from . import brief
from .goal import best_for_budget, check_request, goal_seek
from .tables import caps_table, cost_bands, own_cost_bands, people_paid_table, recipients_table, value_summary
from .twin import run_twins, twin_metrics


def policy_free_twin(sc: Scenario) -> Scenario:
    """The scenario with every policy switched off (the default baseline twin)."""
    return policy_free(sc)


def cmd_budget(args) -> int:
    """`laborsim budget SCENARIO`: the policy's own cost, value for money, goal-seek, brief."""
    lang = set_lang(getattr(args, "lang", None))
    sc = load_scenario(args.scenario)
    base = load_scenario(args.baseline) if args.baseline else policy_free_twin(sc)
    check_twin(sc, base)
    if args.target or args.budget_yuan is not None:
        check_request(sc, args.lever, args.target, args.metric if args.budget_yuan is not None else None)
    check_output(args.brief, "--brief", ".html")
    check_output(getattr(args, "xlsx", None), "--xlsx", ".xlsx")
    master = sc.seed if args.seed is None else args.seed
    engine = choose_engine(sc, args.engine)
    seeds = replicate_seeds(master, args.replicates)
    sets, unc = ensemble_sets(args, master, len(seeds))
    twins = twin_runs(sc, base, seeds, engine, args, sets)
    tables = budget_tables(sc, base, twins, args.discount_rate)
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
        "first_year": int(sc.calendar.start[:4]),
        "uncertainty": unc["uncertainty"],
        **({"ensemble_file": unc["ensemble_file"]} if "ensemble_file" in unc else {}),
    }
    data = brief_data(sc, base, twins, tables, goal, stamp, not getattr(args, "no_figures", False))
    html = brief.render(data, lang)
    with Staged(Path(args.out) / "budget", f"{sc.name}-vs-{base.name}-r{len(seeds)}-m{master}") as tmp:
        write_tables(tmp, tables)
        (tmp / "brief.html").write_text(html, encoding="utf-8")
        brief.write_workbook(data, tmp / "brief.xlsx", lang)
        (tmp / "manifest.json").write_text(
            json_text(
                base_manifest("budget", **stamp, seeds=seeds, goal=goal, resolved_scenario=sc.model_dump(mode="json"))
            ),
            encoding="utf-8",
        )
    if args.brief:
        _copy(tmp.final / "brief.html", Path(args.brief))
    if getattr(args, "xlsx", None):
        _copy(tmp.final / "brief.xlsx", Path(args.xlsx))
    print(budget_text(tables, goal, lang))
    print(t("cli.results", lang, folder=tmp.final))
    return 0


def check_twin(sc: Scenario, base: Scenario) -> None:
    """A twin must have the same people, places and calendar as the scenario."""
    same = ("population", "places", "calendar")
    if any(getattr(sc, k).model_dump() != getattr(base, k).model_dump() for k in same):
        raise ScenarioError(
            "<command line>",
            "--baseline",
            f"{base.name} (different people, places or calendar)",
            f"a twin of {sc.name} that differs only in policies and behavior",
        )


def check_output(path: str | None, option: str, suffix: str) -> None:
    """An output file option: its folder must exist and its name end in `suffix` (checked before any run)."""
    if not path:
        return
    p = Path(path)
    if p.suffix.lower() != suffix:
        raise ScenarioError("<command line>", option, repr(path), f"a file name ending in {suffix}")
    if not p.parent.is_dir():
        raise ScenarioError("<command line>", option, f"{path} (no folder {p.parent})", "a path in an existing folder")


def _copy(src: Path, dst: Path) -> None:
    """Copy a finished file to the user's path atomically (temporary file, then rename)."""
    tmp = dst.with_name(f".{dst.name}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def budget_tables(sc: Scenario, base: Scenario, twins: list[dict], rate: float) -> dict[str, pd.DataFrame]:
    """Every table of the budget folder, the policy's own cost first."""
    per_seed = pd.DataFrame([twin_metrics(tw, rate) for tw in twins])
    per_seed.insert(1, "own_cost_yuan", per_seed["cost_yuan"] - per_seed["baseline_cost_yuan"])
    return {
        "own_cost_by_year": own_cost_bands(twins, ["year"]),
        "own_cost_by_payer": own_cost_bands(twins, ["year", "payer"]),
        "own_cost_by_policy": own_cost_bands(twins, ["year", "policy", "payer"]),
        "value_per_seed": per_seed,
        "value_summary": value_summary(per_seed),
        "cost_by_month": cost_bands(twins, ["month", "policy", "payer"]),
        "cost_by_year": cost_bands(twins, ["year", "policy", "payer"]),
        "cost_by_payer": cost_bands(twins, ["year", "payer"]),
        "recipients": recipients_table(twins),
        "people_paid": people_paid_table(twins),
        "caps": caps_table(twins),
        "parameter_differences": parameter_differences(base.model_dump(mode="json"), sc.model_dump(mode="json")),
    }


def twin_runs(sc: Scenario, base: Scenario, seeds: list[int], engine: str, args, sets=None) -> list[dict]:
    """Run the twin pairs through the chosen executor; results in seed order. With
    `sets` (one behavior parameter set per seed, from --ensemble), both sides of
    pair i run with set i, so the pair stays a twin.

    At most `in_flight` pairs are submitted at once, and the progress bar moves
    each time a pair finishes (an in-process executor runs a pair on submit, so
    submitting all of them first would leave the bar silent until the end).
    """
    out: dict[int, dict] = {}
    pending: dict = {}
    todo = iter(seeds)
    desc = f"{sc.name} + twin ({len(seeds)} seeds)"
    with executor(args.workers, args.scheduler) as (ex, in_flight):
        with tqdm(total=len(seeds), desc=desc, unit="pair", disable=args.quiet, smoothing=0) as bar:
            while True:
                while len(pending) < in_flight and (s := next(todo, None)) is not None:
                    pol, twin = (sc, base) if sets is None else _with(sc, base, sets[seeds.index(s)])
                    pending[ex.submit(run_twins, pol, twin, s, engine)] = s
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    out[pending.pop(f)] = f.result()
                    bar.update(1)
    return [out[s] for s in seeds]


def _with(sc: Scenario, base: Scenario, params: dict) -> tuple[Scenario, Scenario]:
    from ..calibrate.ensemble import with_params

    return with_params(sc, params), with_params(base, params)


def headline(tables: dict[str, pd.DataFrame], first_year: int) -> tuple[list[tuple], list[tuple]]:
    """The brief's headline rows, (metric id, label key, mean, lo, hi, unit): what the
    policy itself costs, then what it buys."""
    v = tables["value_summary"].set_index("metric")
    own = tables["own_cost_by_year"]  # the year's total seed by seed: its interval, not a sum of the payers'
    y = own[own["year"] == first_year]

    def row(key: str, label: str, unit: str) -> tuple:
        return (key, label, v.loc[key, "mean"], v.loc[key, "lo95"], v.loc[key, "hi95"], unit)

    cost = [
        (f"own_cost_{first_year}_yuan", "head.own_cost_first_year", *y[["mean", "lo95", "hi95"]].sum(), "yuan"),
        row("own_cost_yuan", "head.own_cost", "yuan"),
        row("cost_yuan", "head.program_cost", "yuan"),
    ]
    buys = [
        row(k, label, unit)
        for k, label, unit in [
            ("extra_worker_months", "head.extra_worker_months", "person_months"),
            ("incremental_cost_per_extra_worker_month", "head.incremental", "yuan"),
            ("retention_ningbo_6m_poor", "head.retention_poor", "share"),
            ("baseline_retention_ningbo_6m_poor", "head.retention_poor_twin", "share"),
            ("retention_ningbo_6m", "head.retention", "share"),
            ("baseline_retention_ningbo_6m", "head.retention_twin", "share"),
            ("deadweight_share", "head.deadweight", "share"),
            ("cost_per_retained_worker_month", "head.cost_per_worker_month", "yuan"),
        ]
        if k in v.index
    ]
    return cost, buys


def brief_data(sc, base, twins, tables, goal, stamp, figures: bool = True) -> brief.BriefData:
    """What the brief shows (tables, numbers, figures unless `figures` is false), in code names."""
    from ..experiments.bands import cumulative_bands, retention_bands

    reps_p = [
        {
            "budget": by_month_policy_payer(tw["policy"].tables["budget"]),
            "retention": tw["policy"].tables["retention"].query("cohort == 'all'"),
        }
        for tw in twins
    ]
    reps_b = [{"retention": tw["baseline"].tables["retention"].query("cohort == 'all'")} for tw in twins]
    months = twins[0]["policy"].months
    ppa = sc.population.people_per_agent
    figs = (
        {
            "brief.fig_cost": budget_bands_figure({sc.name: cumulative_bands(reps_p, months)}, months),
            "brief.fig_retention": retention_bands_figure(
                {sc.name: retention_bands(reps_p), base.name: retention_bands(reps_b)},
                group="poor",
                people_per_agent=ppa,
            ),
        }
        if figures
        else {}
    )
    cost, buys = headline(tables, stamp["first_year"])
    v = tables["value_summary"].set_index("metric")
    return brief.BriefData(
        scenario=sc.name,
        baseline=base.name,
        headline=cost,
        buys=buys,
        own_by_year=tables["own_cost_by_payer"][["year", "payer", "mean", "lo95", "hi95", "q05", "q95"]],
        own_by_policy=tables["own_cost_by_policy"][["year", "policy", "payer", "mean", "lo95", "hi95"]],
        program_by_year=tables["cost_by_year"][["year", "policy", "payer", "mean", "q05", "q95", "payments_mean"]],
        goal=goal,
        caps=tables["caps"],
        diffs=tables["parameter_differences"],
        sources=brief.sources(sc.model_dump(mode="json")),
        stamp=stamp,
        totals={"own": v.loc["own_cost_yuan", "mean"], "program": v.loc["cost_yuan", "mean"]},
        figures=figs,
        scenario_obj=sc,
        calibration=_locked(sc, stamp),
    )


def _locked(sc: Scenario, stamp: dict) -> dict | None:
    """The calibration shown in the brief: the --ensemble file's, else the scenario's own."""
    import yaml

    path = stamp.get("ensemble_file")
    if path:
        locked = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["calibration"]["locked"]
        table = Path(path).with_name(Path(path).name.removesuffix(".yaml") + ".targets.csv")
        if table.is_file():  # the validation report's target table, written beside the locked file
            locked["targets_table"] = pd.read_csv(table).to_dict("records")
        return locked
    locked = sc.calibration.locked if sc.calibration else None
    return locked.model_dump(mode="json") if locked else None


def budget_text(tables: dict[str, pd.DataFrame], goal, lang: str = "en") -> str:
    """Short terminal summary: the policy's own cost first, then the whole program, value, caps, goal."""
    lines = [f"{t('brief.own_by_year', lang)} ({t('unit.yuan', lang)}, {t('col.mean', lang)} [95%]):"]
    for r in tables["own_cost_by_payer"].itertuples():
        lines.append(f"  {r.year} {label('payer', r.payer, lang):<18} {r.mean:>16,.0f}  [{r.lo95:,.0f}, {r.hi95:,.0f}]")
    lines.append(t("cli.program_by_payer", lang))
    for r in tables["cost_by_payer"].itertuples():
        lines.append(f"  {r.year} {label('payer', r.payer, lang):<18} {r.mean:>16,.0f}  ({r.q05:,.0f} .. {r.q95:,.0f})")
    lines.append(t("cli.value", lang))
    for r in tables["value_summary"].itertuples():
        shown = ("own", "cost", "incremental", "deadweight", "extra", "retention", "baseline_retention")
        if r.metric.startswith(shown):
            digits = 3 if abs(r.mean) < 100 else 0  # shares and ratios to 3 decimals, yuan and months whole
            lines.append(f"  {r.metric:<42} {r.mean:>16,.{digits}f}  [{r.lo95:,.{digits}f}, {r.hi95:,.{digits}f}]")
            if isinstance(r.note, str) and r.note:
                lines.append(f"    ({r.note})")  # e.g. why a ratio's interval is unbounded
    caps = tables["caps"]
    for r in caps.drop_duplicates("policy").itertuples() if len(caps) else []:
        lines.append(
            f"  cap on {r.policy}: binds in {r.bound_month or 'never'}; "
            f"turned away {caps[caps.policy == r.policy].turned_away.mean():,.0f} people (mean)"
        )
    if goal:
        lines.append(brief.goal_text(goal, lang))
    return "\n".join(lines)
