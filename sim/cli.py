"""Command-line interface: `laborsim run|validate ...` (exit code 2 on bad input).

Bad input is refused before any work, in one line naming the option or key
path, what was given and what is allowed: option values while parsing
(`sim.options`), output paths next, then what each command needs from its
files and the machine (`sim.preflight`, `sim.limits`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import headless
from . import options as opt
from .errors import ScenarioError, UsageError
from .i18n import default_lang, set_lang
from .metrics.names import BREAKDOWNS


def _preflight():
    """`sim.preflight`, imported on first use (it needs the loader and the engines)."""
    from . import preflight

    return preflight


def load_scenario(name, overrides=None):
    """`sim.loader.load_scenario`, imported on first use so `laborsim --help` stays quick."""
    from .loader import load_scenario as load

    return load(name, overrides)


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


def summary_text(res, lang: str | None = None) -> str:
    """Short summary: targets beside the model, then headline metrics (labels in `lang`)."""
    from .i18n import t as msg

    lines = [
        msg(
            "cli.header",
            lang,
            name=res.scenario.name,
            seed=res.seed,
            engine=res.engine,
            agents=res.n_agents,
            ppa=res.scenario.population.people_per_agent,
            months=len(res.months),
            wall=res.wall_seconds,
        )
    ]
    t = res.targets
    if len(t):
        tid, metric, model, target, tol, met = msg("cli.targets_head", lang).split("|")
        lines.append(f"{tid:<5} {metric:<42} {model:>10} {target:>12} {tol:>10}  {met}")
        for r in t.itertuples():
            held = f" ({msg('cli.held_out', lang)})" if r.holdout else ""
            lines.append(
                f"{r.id:<5} {r.metric:<42} {_fmt(r.model):>10} {str(r.target):>12} {r.tolerance:>10}  "
                f"{msg('cli.met_yes' if r.met else 'cli.met_no', lang)}{held}"
            )
        held_ids = ", ".join(t["id"][t["holdout"]]) or "-"
        lines.append(msg("cli.targets_met", lang, met=int(t["met"].sum()), n=len(t), held=held_ids))
    from .metrics.names import HEADLINE

    for k in HEADLINE:
        name = k if (lang or default_lang()) == "en" else msg(f"metric.{k}", lang)
        lines.append(f"      {name:<42} {_fmt(res.metrics.get(k, float('nan'))):>10}")
    return "\n".join(lines)


def cmd_run(args) -> int:
    from tqdm import tqdm

    from .catalog import record_run
    from .jit import compiled_before, mark_compiled
    from .results_io import write_run
    from .runner import run
    from .sizing import choose_engine

    if args.replicates > 1 or args.until_ci or args.ensemble:
        from .experiments.commands import cmd_replicates

        overrides = {k: v for k, v in _overrides(args).items() if k != "seed"}
        _preflight().replicates(args, overrides)
        return cmd_replicates(args, overrides)
    sc = load_scenario(args.scenario, _overrides(args))
    _preflight().run(args, sc)
    engine = choose_engine(sc, args.engine)
    for line in late_changes(sc):
        print(f"note: {line}", file=sys.stderr)
    if not args.quiet and not compiled_before(engine):
        note = f"compiling the model's rules for the {engine} engine (first run after installing or changing"
        print(note + " the code; about 15-20 s, then cached): the first month waits for it", file=sys.stderr)
    with tqdm(total=sc.calendar.months, desc=sc.name, unit="month", disable=args.quiet) as bar:
        res = run(sc, engine=engine, progress=lambda _: bar.update(1))
    mark_compiled(engine)
    folder = write_run(res, Path(args.out), fmt=args.format, figures=not args.no_figures, by=args.by)
    record_run(Path(args.out), folder, res)
    print(summary_text(res))
    print(f"results: {folder}")
    return 0


def late_changes(sc) -> list[str]:
    """One line per dated change that falls after the run's last month (valid for a
    longer run, so not an error, but a shortened run never applies it); `laborsim run`
    prints them."""
    from .calendar import key_label, month_key

    last = month_key(sc.calendar.start) + sc.calendar.months - 1
    return [
        f"changes.{i} ({ch.month}) falls after the run's last month ({key_label(last)}) and is not applied"
        for i, ch in enumerate(sc.changes)
        if month_key(ch.month) > last
    ]


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
        p.add_argument("--replicates", type=opt.count, default=10)
        p.add_argument("--seed", type=opt.seed, help=seed_help)
        p.add_argument("--engine", default="auto", choices=["auto", "agents", "arrays"])
    p.add_argument("--out", default="results")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--no-figures", action="store_true", help="skip figures")
    _executor_args(p)


def _ensemble_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ensemble",
        metavar="FILE",
        help="locked calibration file: replicates draw behavior parameter sets from its ensemble as well as seeds",
    )


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=opt.workers, default=1, help="local processes (default 1: in-process)")
    p.add_argument(
        "--scheduler", type=opt.scheduler, help="Dask scheduler address tcp://HOST:PORT (the `cluster` extra)"
    )
    p.add_argument(
        "--max-memory",
        type=opt.memory,
        metavar="SIZE",
        help="refuse work estimated to need more memory than SIZE, e.g. 4G (default: what this machine has available)",
    )


def cmd_compare(args) -> int:
    from .experiments.commands import cmd_compare as run_compare

    _preflight().compare(args)
    return run_compare(args)


def cmd_sweep(args) -> int:
    from .experiments.commands import cmd_sweep as run_sweep

    _preflight().sweep(args)
    return run_sweep(args)


def cmd_budget(args) -> int:
    from .budget.commands import cmd_budget as run_budget

    _preflight().budget(args)
    return run_budget(args)


def cmd_calibrate(args) -> int:
    """Fit the scenario's `calibration:` parameters (the `calibrate` extra), lock the result."""
    from .calibrate.commands import cmd_calibrate as run_calibrate

    return run_calibrate(args)


def _calibrate_parser(sub) -> argparse.ArgumentParser:
    k = sub.add_parser("calibrate", help="fit behavior parameters to the targets (Optuna); lock; validation report")
    k.add_argument("scenario", help="scenario with a calibration: block (e.g. baseline_2020)")
    k.add_argument("--targets", help="targets file (default: the scenario's scoring.targets_file)")
    k.add_argument("--trials", type=opt.count, help="finished trials wanted (default: the calibration block's)")
    k.add_argument("--study", help="Optuna journal file (default: <out>/calibration/<scenario>.journal); resumes")
    k.add_argument("--lock", help="locked result file (default: <out>/calibration/<scenario>.locked.yaml)")
    k.add_argument("--report", action="store_true", help="also write the validation report beside the locked file")
    _batch_args(k)
    k.set_defaults(func=cmd_calibrate)
    return k


def cmd_app(args) -> int:
    """Serve the dashboard (the `viz` extra): checks the options, then becomes the Solara server."""
    from .app.serve import serve

    _preflight().app(args)  # bad input fails here, with exit code 2
    return serve(args)


class _Parser(argparse.ArgumentParser):
    """argparse that raises `UsageError` (one line, exit code 2 in `main`) instead of printing usage."""

    def error(self, message: str):
        raise UsageError(self.prog, _plain(message))


_KINDS = {"int": "a whole number", "float": "a number"}
_ARGPARSE_WORDING = [  # argparse's own messages, reworded to "got X; allowed: Y"
    (
        re.compile(r"^(argument \S+): invalid choice: (.*) \(choose from (.*)\)$", re.S),
        r"\1: got \2; allowed: one of \3",
    ),
    (
        re.compile(r"^(argument \S+): invalid (\w+) value: (.*)$"),
        lambda m: f"{m[1]}: got {m[3]}; allowed: {_KINDS.get(m[2], 'a ' + m[2])}",
    ),
    (re.compile(r"^(argument \S+): expected one argument$"), r"\1: got no value; allowed: one value"),
    (
        re.compile(r"^unrecognized arguments: (.*)$", re.S),
        r"got unrecognized arguments: \1; allowed: the options in --help",
    ),
    (re.compile(r"^the following arguments are required: (.*)$"), r"got no \1; allowed: see --help"),
]


def _plain(message: str) -> str:
    for pattern, wording in _ARGPARSE_WORDING:
        if pattern.match(message):
            return pattern.sub(wording, message)
    return message


def cmd_list(args) -> int:
    """`laborsim list`: the shipped scenarios with one-line descriptions."""
    from .shipped import shipped

    rows = shipped()
    width = max(len(n) for n, _ in rows)
    for n, desc in rows:
        print(f"{n:<{width}}  {desc}")
    return 0


def cmd_schema(args) -> int:
    """`laborsim schema`: the JSON Schema of a scenario file (from the pydantic model)."""
    import json

    from .schema import Scenario
    from .schema.scenario import SCHEMA_VERSION

    schema = Scenario.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://laborsim.invalid/scenario.schema.v{SCHEMA_VERSION}.json",
        **schema,
    }
    schema["title"] = f"laborsim scenario file (schema_version {SCHEMA_VERSION})"
    # a scenario file may name its parent; `extends` is resolved before validation
    schema["properties"]["extends"] = {"type": "string", "description": "parent scenario file, merged first"}
    schema["properties"]["policies"]["additionalProperties"] = _policy_union(schema)
    schema["properties"]["all_policies_off"] = {
        "type": "boolean",
        "description": "switch off every policy of the parent files (this file may switch some back on)",
    }
    print(json.dumps(_as_written(schema), indent=2, ensure_ascii=False))
    return 0


def _policy_union(schema: dict) -> dict:
    """JSON Schema of one policy: any registered policy type (their definitions go to $defs)."""
    from typing import Union

    from pydantic import TypeAdapter

    from .schema.policies import POLICY_TYPES

    union = TypeAdapter(Union[tuple(POLICY_TYPES.values())])  # noqa: UP007 - a runtime tuple of classes
    sub = union.json_schema(ref_template="#/$defs/{model}")
    schema.setdefault("$defs", {}).update(sub.pop("$defs", {}))
    return sub


def _as_written(node):
    """The schema of a file as written: a file that `extends` another may leave any key
    (a policy's `type` included) to its parent, so nothing is required and a policy
    matches any policy type that allows its keys; unknown keys stay errors."""
    if isinstance(node, dict):
        out = {k: _as_written(v) for k, v in node.items() if k not in ("required", "discriminator")}
        if "oneOf" in out:
            out["anyOf"] = out.pop("oneOf")
        return out
    if isinstance(node, list):
        return [_as_written(v) for v in node]
    return node


EXAMPLES = {
    "run": """examples:
  laborsim run baseline_2020
  laborsim run teaching_small --months 12 --seed 3 --lang zh --figure-format png,svg,pdf
  laborsim run teaching_small --replicates 20 --workers 2
  laborsim run teaching_small --until-ci 0.01 --metric retention_ningbo_6m""",
    "compare": """examples:
  laborsim compare no_policy policy_liaison policy_subsidy --replicates 20
  laborsim compare baseline_2020_no_subsidy baseline_2020 --replicates 10 --engine arrays --lang zh""",
    "sweep": """examples:
  laborsim sweep scenarios/sweeps/teaching_lhs.yaml --workers 2
  laborsim sweep scenarios/sweeps/teaching_sobol.yaml      # needs the `calibrate` extra (SALib)""",
    "budget": """examples:
  laborsim budget baseline_2020 --baseline baseline_2020_no_subsidy --replicates 10 --brief brief.html
  laborsim budget baseline_2020 --baseline baseline_2020_no_subsidy --lang zh --xlsx brief.xlsx
  laborsim budget teaching_small --target "retention_6m_poor>=0.75" --lever subsidy.total_yuan
  laborsim budget teaching_small --budget-yuan 4.5e7 --metric retention_ningbo_6m_poor""",
    "calibrate": """examples:
  laborsim calibrate baseline_2020 --workers 2 --report      # resumes its own study if killed
  laborsim calibrate baseline_2020 --trials 200 --lock scenarios/calibrated/baseline_2020.yaml --report
  laborsim run baseline_2020 --replicates 20 --ensemble scenarios/calibrated/baseline_2020.yaml""",
    "app": """examples:
  laborsim app                                  # teaching_small, http://127.0.0.1:8765
  laborsim app policy_subsidy --second no_policy --port 8800""",
    "validate": """examples:
  laborsim validate baseline_2020
  laborsim validate my_scenario.yaml""",
    "list": """examples:
  laborsim list
  laborsim run $(laborsim list | head -1 | cut -d' ' -f1)""",
    "schema": """examples:
  laborsim schema > scenario.schema.json
  # then, first line of a scenario YAML, for editors with the YAML language server:
  # yaml-language-server: $schema=scenario.schema.json""",
}


def _figure_formats(text: str) -> str:
    """argparse type of --figure-format: a comma list of png, svg, pdf."""
    from . import plotting

    before = plotting.FORMATS
    try:
        plotting.configure(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    finally:
        plotting.FORMATS = before
    return text


def _user_options(p: argparse.ArgumentParser, sub, parsers: dict[str, argparse.ArgumentParser]) -> None:
    """What users asked for beyond the commands: --version, list, schema, --lang,
    --figure-format, --xlsx, and examples under every command's --help."""
    from . import __version__

    p.add_argument("--version", action="version", version=f"laborsim {__version__}")
    parsers["list"] = sub.add_parser("list", help="the shipped scenarios, one line each")
    parsers["list"].set_defaults(func=cmd_list)
    parsers["schema"] = sub.add_parser("schema", help="JSON Schema of a scenario file (for editors)")
    parsers["schema"].set_defaults(func=cmd_schema)
    for name in ("run", "compare", "budget"):
        parsers[name].add_argument(
            "--lang", choices=["en", "zh"], help="language of the summary, figures and brief (default: the locale's)"
        )
    for name in ("run", "compare", "sweep"):
        parsers[name].add_argument(
            "--figure-format",
            type=_figure_formats,
            metavar="FMT[,FMT]",
            help="figure files to write: png, svg, pdf, comma-separated (default png, 150 dpi)",
        )
    parsers["budget"].add_argument("--xlsx", help="also write the brief's tables to this Excel workbook (.xlsx)")
    for name, sp in parsers.items():
        sp.epilog = EXAMPLES.get(name)
        sp.formatter_class = argparse.RawDescriptionHelpFormatter


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="laborsim", description="Organized labor migration Qianxinan -> Ningbo")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a scenario and write a results folder")
    r.add_argument("scenario", help="scenario file, or name in scenarios/")
    r.add_argument("--seed", type=opt.seed, help="run seed (default: the scenario's)")
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
    r.add_argument(
        "--by",
        choices=BREAKDOWNS,
        help="also draw the retention figures by this breakdown (retention_ningbo_by_<breakdown>.png, ...)",
    )
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--replicates", type=opt.count, default=1, help="replicates on seeds derived from the master seed")
    r.add_argument(
        "--until-ci",
        type=opt.positive,
        metavar="WIDTH",
        help="add replicates until the 95%% interval half-width of --metric is below WIDTH",
    )
    r.add_argument("--metric", type=opt.metric, default="retention_ningbo_6m", help="metric for --until-ci")
    r.add_argument("--max-replicates", type=opt.count, default=200, help="cap for --until-ci")
    _ensemble_arg(r)
    _executor_args(r)
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("compare", help="paired comparison of scenarios on common random numbers")
    c.add_argument("baseline")
    c.add_argument("scenarios", nargs="+")
    _batch_args(c, "master seed (default: the baseline's)")
    c.add_argument(
        "--unpaired",
        action="store_true",
        help="independent replicates with unpaired (Welch) intervals, for scenarios that are not twins",
    )
    _ensemble_arg(c)
    c.set_defaults(func=cmd_compare)
    w = sub.add_parser("sweep", help="parameter sweep (grid, lhs, sobol) that resumes")
    w.add_argument("sweep", help="sweep YAML file")
    _batch_args(w)
    w.set_defaults(func=cmd_sweep)
    b = sub.add_parser("budget", help="cost by year and payer, value for money against a twin, goal-seek, brief")
    b.add_argument("scenario")
    b.add_argument("--baseline", help="baseline twin (default: the scenario with every policy off)")
    _batch_args(b, "master seed (default: the scenario's)")
    b.add_argument("--discount-rate", type=opt.rate, default=0.0, help="yearly rate for multi-year totals")
    b.add_argument("--target", type=opt.target, help='goal, e.g. "retention_6m_poor>=0.75"')
    b.add_argument("--lever", default="subsidy.total_yuan", help="lever for --target/--budget-yuan")
    b.add_argument(
        "--probability", type=opt.probability, default=0.8, help="share of replicates that must meet --target"
    )
    b.add_argument("--lever-max", type=opt.positive, help="upper end of the lever search (default: twice its value)")
    b.add_argument(
        "--budget-yuan", type=opt.nonnegative, help="maximize --metric within this mean cost of the whole program"
    )
    b.add_argument("--metric", type=opt.metric, default="retention_ningbo_6m_poor", help="metric for --budget-yuan")
    b.add_argument("--brief", help="also write the planner brief (HTML) to this path")
    _ensemble_arg(b)
    b.set_defaults(func=cmd_budget)
    a = sub.add_parser("app", help="teaching dashboard in the browser (Solara; the `viz` extra)")
    a.add_argument("scenario", nargs="?", default="teaching_small")
    a.add_argument("--second", help="scenario for side B (default: the same world with every policy off)")
    a.add_argument(
        "--host", type=opt.host, default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    a.add_argument("--port", type=opt.port, default=8765)
    a.add_argument("--assets", help="Solara asset cache filled by scripts/solara_assets.sh (default .solara-cache)")
    a.add_argument("--lang", choices=["en", "zh"], help="language of the page (default: from the locale, LANG=zh_*)")
    a.set_defaults(func=cmd_app)
    k = _calibrate_parser(sub)
    v = sub.add_parser("validate", help="check a scenario file")
    v.add_argument("scenario")
    v.set_defaults(func=cmd_validate)
    _user_options(p, sub, {"run": r, "compare": c, "sweep": w, "budget": b, "app": a, "validate": v, "calibrate": k})
    return p


def _with_display_options(args) -> int:
    """Run the command with its --lang and --figure-format in force, restored afterwards
    (so one call of `main` in a long-lived process does not change the next)."""
    lang, formats = getattr(args, "lang", None), getattr(args, "figure_format", None)
    if lang:
        set_lang(lang)
    if formats:
        from . import plotting

        before = plotting.FORMATS
        plotting.configure(formats)
    try:
        return args.func(args)
    finally:
        if lang:
            set_lang(None)
        if formats:
            plotting.FORMATS = before


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    headless.files_only()  # the CLI writes figures to files; notebooks keep their inline backend
    try:
        args = parser().parse_args(argv)
        _preflight().paths(args)
        return _with_display_options(args)
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return 2
    except ScenarioError as e:
        print(f"laborsim: error: {e.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("laborsim: interrupted; nothing written", file=sys.stderr)
        return 130
