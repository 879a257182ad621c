"""What each command checks before any work: the files it reads, the values that
depend on a scenario (a budget lever and its range), and its resource budget
(`sim.limits`). Option values themselves are checked while parsing
(`sim.options`); output paths right after (`paths`).

Every check raises `ScenarioError` (one line, exit code 2); none writes anything.
"""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from . import limits, options
from .errors import ScenarioError
from .loader import _first_error, load_scenario
from .schema import Scenario


def paths(args: argparse.Namespace) -> None:
    """Output folder (`--out`) and file (`--brief`) are writable and of the right kind;
    the dashboard's asset folder (`--assets`) exists."""
    if getattr(args, "out", None) is not None:
        options.writable_dir(args.out, "--out")
    if getattr(args, "brief", None):
        options.writable_file(args.brief, "--brief")
    assets = getattr(args, "assets", None)
    if assets and not options.is_dir(assets):
        raise ScenarioError("<command line>", "--assets", repr(assets), "an existing folder (scripts/solara_assets.sh)")


def _local(args: argparse.Namespace) -> int:
    """Runs in flight on this machine: the local workers, none with a cluster."""
    return 0 if getattr(args, "scheduler", None) else args.workers


def run(args: argparse.Namespace, sc: Scenario) -> None:
    """`laborsim run` of one scenario: agents and memory of one run."""
    limits.check_runs([sc], args.engine, 1, 1, args.max_memory, args.scenario)


def replicates(args: argparse.Namespace, overrides: dict) -> None:
    """`laborsim run --replicates/--until-ci`: every replicate (the cap for --until-ci)."""
    sc = load_scenario(args.scenario, overrides)
    runs = max(args.replicates, args.max_replicates) if args.until_ci else args.replicates
    limits.check_runs([sc], args.engine, runs, _local(args), args.max_memory, args.scenario)


def compare(args: argparse.Namespace) -> None:
    """`laborsim compare`: every scenario loads; replicates of each fit."""
    scs = [load_scenario(p) for p in [args.baseline, *args.scenarios]]
    limits.check_runs(scs, args.engine, args.replicates, _local(args), args.max_memory, args.baseline)


def budget(args: argparse.Namespace) -> None:
    """`laborsim budget`: scenario and baseline load, the lever exists and both ends
    of its search are valid, the twin pairs fit in memory."""
    sc = load_scenario(args.scenario)
    scs = [sc, load_scenario(args.baseline) if args.baseline else sc]
    if args.target or args.budget_yuan is not None:
        lever_range(sc, args.lever, args.lever_max)
    # twin pairs: two models per task; whole tables of every pair are kept for the brief
    limits.check_runs(scs, args.engine, args.replicates, max(1, _local(args)), args.max_memory, args.scenario, True, 2)


def lever_range(sc: Scenario, lever: str, lever_max: float | None) -> None:
    """The lever is a numeric key path (or `<subsidy>.total_yuan`) and both ends of
    the search, 0 and `--lever-max` (default twice the lever's value), give valid scenarios."""
    from .budget.goal import current_value
    from .experiments.compare import flatten

    if isinstance(flatten(sc.model_dump(mode="json")).get(lever), bool):
        raise ScenarioError("<command line>", "--lever", repr(lever), "a numeric key path of the scenario, not a flag")
    _lever_at(sc, lever, 0.0, "--lever")  # an unknown lever fails here
    hi = lever_max if lever_max is not None else 2.0 * max(current_value(sc, lever), 1.0)
    _lever_at(sc, lever, hi, "--lever-max" if lever_max is not None else "--lever")


def _lever_at(sc: Scenario, lever: str, v: float, option: str) -> None:
    from .budget.goal import apply_lever

    try:
        apply_lever(sc, lever, v)
    except ValidationError as e:
        err = _first_error(e, {}, "<command line>", sc.model_dump(mode="json"))
        raise ScenarioError(
            "<command line>", option, f"{v:g} (the search sets {err.key_path} to {err.given})", err.allowed
        ) from None


def sweep(args: argparse.Namespace) -> None:
    """`laborsim sweep`: the sweep file and design check (`load_sweep`), and the
    design's runs fit in memory."""
    from pathlib import Path

    from .experiments.sweep import design_size, end_scenarios, load_sweep

    spec, sc = load_sweep(Path(args.sweep))
    ends = end_scenarios(spec, sc, args.sweep)
    limits.check_sweep(ends, sc, spec.engine, design_size(spec), spec.seeds, _local(args), args.max_memory, args.sweep)


def app(args: argparse.Namespace) -> None:
    """`laborsim app`: both sides load; their two agents-engine models fit."""
    sc = load_scenario(args.scenario)
    scs = [sc, load_scenario(args.second) if args.second else sc]
    limits.check_runs(scs, "agents", 1, 1, None, args.scenario, together=2)
