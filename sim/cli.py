"""Command-line interface: `laborsim run|validate ...` (exit code 2 on bad input)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from .errors import ScenarioError
from .loader import load_scenario


def _overrides(args) -> dict:
    o: dict = {}
    if getattr(args, "months", None) is not None:
        o.setdefault("calendar", {})["months"] = args.months
    if getattr(args, "seed", None) is not None:
        o["seed"] = args.seed
    if getattr(args, "people_per_agent", None) is not None:
        o.setdefault("population", {})["people_per_agent"] = args.people_per_agent
    return o


def _fmt(v) -> str:
    if isinstance(v, float):
        if v != v:
            return "n/a"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}"
    return str(v) if v != "" else "never"


def summary_text(res) -> str:
    """Short summary: targets beside the model, then headline metrics."""
    lines = [
        f"{res.scenario.name}: seed {res.seed}, engine {res.engine}, {res.n_agents:,} agents "
        f"x {res.scenario.population.people_per_agent:g} people, {len(res.months)} months, "
        f"{res.wall_seconds:.1f} s"
    ]
    t = res.targets
    if len(t):
        lines.append(f"{'target':<5} {'metric':<42} {'model':>10} {'target':>12} {'tol':>10}  met")
        for r in t.itertuples():
            lines.append(
                f"{r.id:<5} {r.metric:<42} {_fmt(r.model):>10} {str(r.target):>12} {r.tolerance:>10}  "
                f"{'yes' if r.met else 'NO'}"
            )
    for k in (
        "retention_ningbo_3m",
        "retention_ningbo_6m",
        "retention_ningbo_12m",
        "retention_ningbo_6m_poor",
        "return_home_total",
        "cost_total_yuan",
    ):
        lines.append(f"      {k:<42} {_fmt(res.metrics.get(k, float('nan'))):>10}")
    return "\n".join(lines)


def cmd_run(args) -> int:
    from .results_io import write_run
    from .runner import run

    if args.replicates > 1 or args.until_ci:
        from .experiments.commands import cmd_replicates

        return cmd_replicates(args, {k: v for k, v in _overrides(args).items() if k != "seed"})
    sc = load_scenario(args.scenario, _overrides(args))
    with tqdm(total=sc.calendar.months, desc=sc.name, unit="month", disable=args.quiet) as bar:
        res = run(sc, engine=args.engine, progress=lambda _: bar.update(1))
    folder = write_run(res, Path(args.out), fmt=args.format, figures=not args.no_figures)
    print(summary_text(res))
    print(f"results: {folder}")
    return 0


def cmd_validate(args) -> int:
    sc = load_scenario(args.scenario)
    active = [k for k, p in sc.policies.items() if p.enabled]
    print(
        f"{args.scenario}: valid ({sc.name}; {len(sc.places.counties)} counties, {len(sc.places.districts)} districts, "
        f"{sc.calendar.months} months from {sc.calendar.start}; policies on: {', '.join(active) or 'none'})"
    )
    return 0


def _batch_args(p: argparse.ArgumentParser, seed_help: str | None = None) -> None:
    """Options of the many-run commands: output root, quiet, executor; with
    `seed_help` also replicates, master seed and engine."""
    if seed_help:
        p.add_argument("--replicates", type=int, default=10)
        p.add_argument("--seed", type=int, help=seed_help)
        p.add_argument("--engine", default="auto", choices=["auto", "agents", "arrays"])
    p.add_argument("--out", default="results")
    p.add_argument("--quiet", action="store_true")
    _executor_args(p)


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=1, help="local processes (default 1: in-process)")
    p.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (the `cluster` extra)")


def cmd_compare(args) -> int:
    from .experiments.commands import cmd_compare as run_compare

    return run_compare(args)


def cmd_sweep(args) -> int:
    from .experiments.commands import cmd_sweep as run_sweep

    return run_sweep(args)


def cmd_budget(args) -> int:
    from .budget.commands import cmd_budget as run_budget

    return run_budget(args)


def cmd_app(args) -> int:
    """Serve the dashboard (the `viz` extra): checks the options, then becomes the Solara server."""
    from .app.serve import serve

    return serve(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="laborsim", description="Organized labor migration Qianxinan -> Ningbo")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a scenario and write a results folder")
    r.add_argument("scenario", help="scenario file, or name in scenarios/")
    r.add_argument("--seed", type=int, help="run seed (default: the scenario's)")
    r.add_argument("--months", type=int, help="number of months (default: the scenario's)")
    r.add_argument("--people-per-agent", type=float, help="population scale (default: the scenario's)")
    r.add_argument("--out", default="results", help="results root (default: results/)")
    r.add_argument(
        "--engine",
        default="auto",
        choices=["auto", "agents", "arrays"],
        help="simulation engine (default auto: arrays above 20,000 agents, else agents)",
    )
    r.add_argument("--format", default="csv", choices=["csv", "parquet"], help="format of the small tables")
    r.add_argument("--no-figures", action="store_true", help="skip PNG figures")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--replicates", type=int, default=1, help="replicates on seeds derived from the master seed")
    r.add_argument(
        "--until-ci",
        type=float,
        metavar="WIDTH",
        help="add replicates until the 95%% interval half-width of --metric is below WIDTH",
    )
    r.add_argument("--metric", default="retention_ningbo_6m", help="metric for --until-ci")
    r.add_argument("--max-replicates", type=int, default=200, help="cap for --until-ci")
    _executor_args(r)
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("compare", help="paired comparison of scenarios on common random numbers")
    c.add_argument("baseline")
    c.add_argument("scenarios", nargs="+")
    _batch_args(c, "master seed (default: the baseline's)")
    c.set_defaults(func=cmd_compare)
    w = sub.add_parser("sweep", help="parameter sweep (grid, lhs, sobol) that resumes")
    w.add_argument("sweep", help="sweep YAML file")
    _batch_args(w)
    w.set_defaults(func=cmd_sweep)
    b = sub.add_parser("budget", help="cost by year and payer, value for money against a twin, goal-seek, brief")
    b.add_argument("scenario")
    b.add_argument("--baseline", help="baseline twin (default: the scenario with every policy off)")
    _batch_args(b, "master seed (default: the scenario's)")
    b.add_argument("--discount-rate", type=float, default=0.0, help="yearly rate for multi-year totals")
    b.add_argument("--target", help='goal, e.g. "retention_6m_poor>=0.75"')
    b.add_argument("--lever", default="subsidy.total_yuan", help="lever for --target/--budget-yuan")
    b.add_argument("--probability", type=float, default=0.8, help="share of replicates that must meet --target")
    b.add_argument("--lever-max", type=float, help="upper end of the lever search (default: twice its value)")
    b.add_argument("--budget-yuan", type=float, help="maximize --metric within this mean cost")
    b.add_argument("--metric", default="retention_ningbo_6m_poor", help="metric for --budget-yuan")
    b.add_argument("--brief", help="also write the planner brief (HTML) to this path")
    b.set_defaults(func=cmd_budget)
    a = sub.add_parser("app", help="teaching dashboard in the browser (Solara; the `viz` extra)")
    a.add_argument("scenario", nargs="?", default="teaching_small")
    a.add_argument("--second", help="scenario for side B (default: the same world with every policy off)")
    a.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    a.add_argument("--port", type=int, default=8765)
    a.add_argument("--assets", help="Solara asset cache filled by scripts/solara_assets.sh (default .solara-cache)")
    a.add_argument("--lang", choices=["en", "zh"], help="language of the page (default: from the locale, LANG=zh_*)")
    a.set_defaults(func=cmd_app)
    v = sub.add_parser("validate", help="check a scenario file")
    v.add_argument("scenario")
    v.set_defaults(func=cmd_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")  # the CLI writes figures to files; notebooks keep their inline backend
    try:
        return args.func(args)
    except ScenarioError as e:
        print(f"laborsim: error: {e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("laborsim: interrupted; nothing written", file=sys.stderr)
        return 130
