"""Command implementations for `laborsim run --replicates`, `compare` and `sweep`."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalog import record_replicates
from ..errors import ScenarioError
from ..loader import load_scenario
from ..metrics.summary import json_text
from ..plotting import (
    budget_bands_figure,
    monthly_bands_figure,
    paired_difference_figure,
    retention_bands_figure,
)
from ..results_io import Staged, base_manifest, save_figures, write_tables
from ..runner import choose_engine, n_agents
from ..streams import replicate_seeds
from .compare import parameter_differences, summarize_pairs, summarize_unpaired, world_differences
from .executors import executor
from .replicates import aggregate, run_replicates, until_ci
from .sweep import load_sweep, run_sweep
from .tasks import scenario_dict


def _stamp() -> str:
    from datetime import datetime

    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S")


def _band_figures(aggs: dict[str, dict], months: list[str]) -> dict:
    return {
        "retention_ningbo_bands": retention_bands_figure({k: a["retention_bands"] for k, a in aggs.items()}),
        "retention_ningbo_poor_bands": retention_bands_figure(
            {k: a["retention_bands"] for k, a in aggs.items()}, group="poor"
        ),
        "flows_bands": monthly_bands_figure({k: a["monthly_bands"] for k, a in aggs.items()}),
        "budget_bands": budget_bands_figure({k: a["cumulative_cost_bands"] for k, a in aggs.items()}, months),
    }


def ensemble_sets(args, master: int, n: int) -> tuple[list[dict] | None, dict]:
    """With --ensemble FILE: one calibrated parameter set per replicate (drawn from the
    file's ensemble, reproducibly from the master seed) and what the results include."""
    from ..calibrate.ensemble import draw_sets, load_ensemble, uncertainty_label

    path = getattr(args, "ensemble", None)
    if not path or n == 0:
        return None, {"uncertainty": uncertainty_label(None)}
    sets, method = load_ensemble(path)
    idx = draw_sets(master, n, len(sets))
    info = {
        "uncertainty": uncertainty_label(path, len(sets)),
        "ensemble_file": str(path),
        "ensemble_method": method,
        "ensemble_set_per_replicate": idx,
    }
    return [sets[i] for i in idx], info


def cmd_replicates(args, overrides: dict) -> int:
    """`laborsim run SCENARIO --replicates N`: replicates, bands, figures."""
    sc = load_scenario(args.scenario, overrides)
    master = sc.seed if args.seed is None else args.seed
    engine = choose_engine(sc, args.engine)
    if args.until_ci and getattr(args, "ensemble", None):
        raise ScenarioError("<command line>", "--ensemble", "with --until-ci", "a fixed number of --replicates")
    unc = ensemble_sets(args, master, 0)[1]  # seeds only; replaced below when --ensemble draws sets
    with executor(args.workers, args.scheduler) as (ex, in_flight):
        if args.until_ci:
            reps, half = until_ci(
                sc,
                master,
                args.metric,
                args.until_ci,
                ex,
                in_flight,
                start=args.replicates,
                cap=args.max_replicates,
                engine=engine,
                quiet=args.quiet,
            )
        else:
            seeds = replicate_seeds(master, args.replicates)
            sets, unc = ensemble_sets(args, master, len(seeds))
            reps = run_replicates(sc, seeds, ex, in_flight, engine, args.quiet, param_sets=sets)
            half = None
    agg = aggregate(reps)
    with Staged(Path(args.out) / sc.name, f"{_stamp()}-reps{len(reps)}-m{master}") as tmp:
        write_tables(tmp, agg, args.format)
        for r in reps:
            rep = tmp / "replicates" / f"rep-s{r['seed']}"
            tables = {"monthly": r["monthly"], "retention": r["retention"], "budget": r["budget"]}
            write_tables(rep, tables, args.format)
            (rep / "metrics.json").write_text(json_text(r["metrics"]), encoding="utf-8")
        if not args.no_figures:
            save_figures(tmp / "figures", _band_figures({sc.name: agg}, list(reps[0]["monthly"]["month"])))
        man = base_manifest(
            "replicates",
            scenario_name=sc.name,
            master_seed=master,
            seeds=[r["seed"] for r in reps],
            engine=engine,
            n_agents=n_agents(sc),
            scenario=scenario_dict(sc),
            until_ci=args.until_ci,
            metric=args.metric if args.until_ci else None,
            half_width=half,
            wall_seconds_total=sum(r["wall_seconds"] for r in reps),
            **unc,
        )
        (tmp / "manifest.json").write_text(json_text(man), encoding="utf-8")
    folder = tmp.final
    record_replicates(Path(args.out), folder, sc, reps, master, engine)
    print(replicate_summary(sc.name, agg["replicate_metrics"], half, args.metric if args.until_ci else None))
    print(f"bands include: {unc['uncertainty']}")
    print(f"results: {folder}")
    return 0


def replicate_summary(name: str, metrics: pd.DataFrame, half, metric) -> str:
    """Headline metrics over replicates: mean and 5/95% quantiles."""
    lines = [f"{name}: {len(metrics)} replicates"]
    if metric:
        lines.append(f"  {metric}: 95% interval half-width {half:.4f} after {len(metrics)} replicates")
    early = next(c for c in metrics.columns if c.startswith("arrivals_ningbo_") and c != "arrivals_ningbo_total")
    for col in (
        early,  # arrivals over the headline window (arrivals_ningbo_jan_may_2020 from January 2020)
        "retention_ningbo_3m",
        "retention_ningbo_6m",
        "retention_ningbo_6m_poor",
        "return_home_total",
        "cost_total_yuan",
    ):
        s = metrics[col]
        q05, q95 = s.quantile(0.05), s.quantile(0.95)
        lines.append(f"  {col:<34} mean {s.mean():>14,.3f}  5-95% of replicates {q05:,.3f} .. {q95:,.3f}")
    return "\n".join(lines)


PAIRING = {
    "paired": "paired (common random numbers)",
    "unpaired": "unpaired (independent replicates, Welch intervals)",
}


def cmd_compare(args) -> int:
    """`laborsim compare BASELINE POLICY [MORE ...] --replicates N`.

    Paired on common random numbers when every scenario is a twin of the baseline
    (same people, places and calendar); other pairs are refused unless
    `--unpaired` asks for independent replicates compared with Welch intervals.
    """
    scs = [load_scenario(p) for p in [args.baseline, *args.scenarios]]
    base = scs[0]
    unpaired = getattr(args, "unpaired", False)
    if not unpaired:
        refuse_non_twins(base, scs[1:])
    master = base.seed if args.seed is None else args.seed
    n = args.replicates
    every = replicate_seeds(master, n * len(scs)) if unpaired else replicate_seeds(master, n) * len(scs)
    seeds = {sc.name: every[i * n : (i + 1) * n] for i, sc in enumerate(scs)}
    diffs = {sc.name: parameter_differences(scenario_dict(base), scenario_dict(sc)) for sc in scs[1:]}
    for name, d in diffs.items():
        print(f"{name} vs {base.name}: {len(d)} parameter{'s differ' if len(d) != 1 else ' differs'}")
        for r in d.itertuples():
            print(f"  {r.parameter}: {r.baseline} -> {r.scenario}")
    sets, unc = ensemble_sets(args, master, n)  # the same set on the same replicate in every scenario
    with executor(args.workers, args.scheduler) as (ex, in_flight):
        reps = {
            sc.name: run_replicates(
                sc, seeds[sc.name], ex, in_flight, choose_engine(sc, args.engine), args.quiet, param_sets=sets
            )
            for sc in scs
        }
    summarize = summarize_unpaired if unpaired else summarize_pairs
    summary = pd.concat([summarize(sc.name, reps[base.name], reps[sc.name]) for sc in scs[1:]])
    aggs = {name: aggregate(r) for name, r in reps.items()}
    kind = "unpaired" if unpaired else "paired"
    with Staged(Path(args.out) / "compare", f"{_stamp()}-{base.name}-vs-{len(scs) - 1}") as tmp:
        write_tables(
            tmp,
            {
                f"{kind}_summary": summary,
                **{f"parameter_differences_{k}": v for k, v in diffs.items()},
                **{f"metrics_{k}": a["replicate_metrics"] for k, a in aggs.items()},
            },
            "csv",
        )
        if not getattr(args, "no_figures", False):
            figs = _band_figures(aggs, list(reps[base.name][0]["monthly"]["month"]))
            figs["paired_differences"] = paired_difference_figure(summary, base.name)
            save_figures(tmp / "figures", figs)
        man = base_manifest(
            "compare",
            baseline=base.name,
            scenarios=[s.name for s in scs[1:]],
            pairing=PAIRING[kind],
            master_seed=master,
            seeds=seeds if unpaired else seeds[base.name],
            engines={s.name: choose_engine(s, args.engine) for s in scs},
            **unc,
        )
        (tmp / "manifest.json").write_text(json_text(man), encoding="utf-8")
    folder = tmp.final
    print(unpaired_text(summary) if unpaired else compare_text(summary))
    print(f"intervals include: {unc['uncertainty']}")
    print(f"results: {folder}")
    return 0


def refuse_non_twins(base, others) -> None:
    """Exit 2 (ScenarioError) unless every scenario is a twin of the baseline."""
    for sc in others:
        differ = world_differences(scenario_dict(base), scenario_dict(sc))
        if differ:
            shown = ", ".join(differ[:3]) + (f" and {len(differ) - 3} more" if len(differ) > 3 else "")
            raise ScenarioError(
                "<command line>",
                "compare",
                f"{sc.name} and {base.name}, which are not twins (different {shown}), so pairing on common "
                "random numbers pairs nothing",
                "scenarios with the same people, places and calendar that differ only in policies and behavior, "
                "or --unpaired for independent replicates with unpaired (Welch) intervals",
            )


def unpaired_text(summary: pd.DataFrame) -> str:
    """Unpaired differences with Welch 95% intervals, one line per metric, labelled as such."""
    lines = [
        "UNPAIRED comparison: independent replicates, Welch 95% intervals (no common random numbers)",
        f"{'scenario':<20} {'metric':<28} {'baseline':>12} {'scenario':>12} {'diff':>12}  95% interval (Welch)",
    ]
    for r in summary.itertuples():
        lines.append(
            f"{r.scenario:<20} {r.metric:<28} {r.baseline_mean:>12,.3f} {r.scenario_mean:>12,.3f} "
            f"{r.diff_mean:>12,.3f}  [{r.diff_lo95:,.3f}, {r.diff_hi95:,.3f}]"
        )
    return "\n".join(lines)


def compare_text(summary: pd.DataFrame) -> str:
    """Paired differences with 95% intervals, one line per metric."""
    lines = [
        "paired comparison: common random numbers, 95% intervals of per-seed differences",
        f"{'scenario':<20} {'metric':<28} {'baseline':>12} {'scenario':>12} {'diff':>12}  95% interval"
        "            pairing gain",
    ]
    undefined = summary["n_pairs"] == 0
    for r in summary[~undefined].itertuples():
        gain = f"x{r.variance_reduction:.1f}" if np.isfinite(r.variance_reduction) else "n/a"
        lines.append(
            f"{r.scenario:<20} {r.metric:<28} {r.baseline_mean:>12,.3f} {r.scenario_mean:>12,.3f} "
            f"{r.diff_mean:>12,.3f}  [{r.diff_lo95:,.3f}, {r.diff_hi95:,.3f}]  {gain}"
        )
    if not np.isfinite(summary.loc[~undefined, "variance_reduction"]).all():
        lines.append("pairing gain n/a: the paired difference is the same in every seed (nothing to reduce)")
    if undefined.any():
        names = ", ".join(dict.fromkeys(summary.loc[undefined, "metric"]))
        lines.append(f"not defined for runs this short (no seed has a value): {names}")
    return "\n".join(lines)


def cmd_sweep(args) -> int:
    """`laborsim sweep SWEEP.yaml`."""
    spec, sc = load_sweep(Path(args.sweep))
    out = Path(args.out) / "sweeps" / spec.name
    with executor(args.workers, args.scheduler) as (ex, in_flight):
        counts = run_sweep(spec, sc, out, ex, in_flight, args.quiet, figures=not getattr(args, "no_figures", False))
    print(
        f"{spec.name}: {counts['total']} runs: {counts['computed']} computed, {counts['skipped']} already done, "
        f"{counts['failed']} failed"
        + (f"; {counts['broken']} finished files were broken and recomputed" if counts["broken"] else "")
    )
    for table in ("sobol.csv", "effects.csv"):
        if (out / table).exists():
            print(pd.read_csv(out / table).to_string(index=False))
    print(f"results: {out}")
    return 0
