"""Resource budget: estimate a command's memory before building anything, and
refuse what the machine (or `--max-memory`) cannot hold.

Rules:
- One run needs about: a fixed `RUN_BASE` (tables, figures), the engine's bytes
  per agent plus bytes per agent-month (spell log, recorders), bytes per firm
  (an `Employer` agent each), bytes per job slot (the initial seat shuffle),
  and for the arrays engine the matching table (seeker groups x firms).
- A command needs: one run per worker in flight, plus what it keeps of every
  finished run (small tables; the whole tables for `budget`), plus a sweep's
  plan (one resolved scenario per design point).
- The limit is `--max-memory` when given, else the memory available to this
  process (`MemAvailable` of /proc/meminfo, or less under a cgroup limit or
  an address-space ulimit). A need above it is bad input (exit 2),
  named by the key or option that drives it, with the estimate and a hint.
- The agents engine is refused above `AGENTS_ENGINE_MAX` agents whatever the
  memory: measured at 50-95 microseconds per worker-month there, such a run
  takes hours (benchmarks/README.md); the arrays engine runs the same rules.

The per-unit figures are measured by `benchmarks/memory.py` (peak resident set
size; figures in benchmarks/README.md) and rounded up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ScenarioError
from .schema import Scenario
from .sizing import choose_engine, n_agents

MiB = 1024**2
GiB = 1024**3

RUN_BASE = 64 * MiB
PER_AGENT = {"arrays": 120, "agents": 800}  # measured 86-160 and 575-1,185 bytes per agent (benchmarks/memory.py)
PER_AGENT_MONTH = {"arrays": 1.5, "agents": 10.0}  # measured ~1.3 and ~9 bytes per agent-month
PER_FIRM = 1_000  # measured ~750 bytes per firm (agents engine: an Employer each)
PER_SLOT = 16  # the initial seat list: one int64 per job slot, and its shuffle
MATCH_PER_GROUP_FIRM = 32  # arrays engine: four float64 tables of seeker groups x firms
GROUPS_PER_COUNTY = 2 * 2 * 101  # organized x poor x skill in 1/100 (engines/arrays.py)
GROUPS_PER_SQRT_AGENT = 2.5  # groups met in practice: ~210 at 20k agents, ~1,060 at 200k, ~2,000 at 1M
RESULT_BASE = 256 * 1024  # small tables kept per finished run
RESULT_PER_COUNTY_MONTH = 1024
RESULT_FULL_PER_AGENT_MONTH = 1.0  # the spell table, when a command keeps whole tables
PLAN_PER_JSON_BYTE = 5  # a resolved scenario held as Python data: ~4x its JSON length (measured)
PER_SWEEP_RUN = 20 * 1024  # a run's key, its row of the index
AGENTS_ENGINE_MAX = 1_000_000


@dataclass
class Need:
    """An estimate: total bytes, and the key path or option that drives it."""

    bytes: float
    driver: str
    given: str
    detail: str


def run_need(sc: Scenario, engine: str = "auto") -> Need:
    """Peak memory of one run of `sc` on `engine`, and the key that drives it."""
    engine = choose_engine(sc, engine)
    agents = n_agents(sc)
    months = sc.calendar.months
    scale = sc.population.people_per_agent
    firms, jobs = 0, 0
    for d in sc.places.districts.values():
        for f in d.sectors.values():
            firms += f.firms
            jobs += f.firms * f.jobs_per_firm
    om = sc.places.open_market.jobs_per_district
    if om:
        firms += len(sc.places.districts)
        jobs += om * len(sc.places.districts)
    slots = jobs / scale
    groups = min(GROUPS_PER_COUNTY * len(sc.places.counties), GROUPS_PER_SQRT_AGENT * agents**0.5)
    parts = {
        "population.people_per_agent": agents * (PER_AGENT[engine] + PER_AGENT_MONTH[engine] * months),
        "places.districts (jobs_per_firm, open_market.jobs_per_district)": slots * PER_SLOT,
        "places.districts (firms)": firms * PER_FIRM
        + (groups * firms * MATCH_PER_GROUP_FIRM if engine == "arrays" else 0),
    }
    driver = max(parts, key=parts.get)
    given = {
        "population.people_per_agent": f"{scale:g} ({agents:,} agents)",
        "places.districts (jobs_per_firm, open_market.jobs_per_district)": f"{jobs:,} jobs ({slots:,.0f} slots)",
        "places.districts (firms)": f"{firms:,} firms",
    }[driver]
    detail = f"one run on the {engine} engine, {agents:,} agents x {months} months"
    return Need(RUN_BASE + sum(parts.values()), driver, given, detail)


def result_bytes(sc: Scenario, full: bool = False) -> float:
    """Memory a command keeps for one finished run (`full`: whole tables)."""
    months = sc.calendar.months
    small = RESULT_BASE + RESULT_PER_COUNTY_MONTH * months * len(sc.places.counties)
    return small + (RESULT_FULL_PER_AGENT_MONTH * n_agents(sc) * months if full else 0)


def plan_bytes(sc: Scenario) -> float:
    """Memory of one design point of a sweep plan (a resolved scenario as data)."""
    return PLAN_PER_JSON_BYTE * len(json.dumps(sc.model_dump(mode="json")))


def available_memory() -> int | None:
    """Bytes this process may still use: the least of the machine's MemAvailable,
    the room left under a cgroup memory limit, and under an address-space ulimit
    (None where none is known)."""
    known = [v for v in (_meminfo(), _cgroup_room(), _rlimit_room()) if v is not None]
    return min(known) if known else None


def _read_int(path: str, pattern: str = r"^(\d+)") -> int | None:
    try:
        m = re.search(pattern, Path(path).read_text(), re.M)
    except OSError:
        return None
    return int(m.group(1)) if m else None


def _meminfo() -> int | None:
    kib = _read_int("/proc/meminfo", r"^MemAvailable:\s+(\d+)\s+kB")
    return None if kib is None else kib * 1024


def _cgroup_room() -> int | None:
    for limit, usage in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),  # cgroup v2
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),  # v1
    ):
        cap, used = _read_int(limit), _read_int(usage)
        if cap is not None and used is not None and cap < 2**60:
            return max(cap - used, 0)
    return None


def _rlimit_room() -> int | None:
    import resource

    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    if soft == resource.RLIM_INFINITY:
        return None
    kib = _read_int("/proc/self/status", r"^VmSize:\s+(\d+)\s+kB")
    return max(soft - (kib or 0) * 1024, 0)


def fmt_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'; 3.2e9 -> '3.0 GiB'."""
    for unit, size in (("TiB", 1024**4), ("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:.0f} B"


def check_agents(sc: Scenario, engine: str, file: str, engine_hint: str = "--engine arrays") -> None:
    """Refuse more agents than `population.max_agents`, or the agents engine above
    `AGENTS_ENGINE_MAX` agents."""
    n = n_agents(sc)
    scale = sc.population.people_per_agent
    if n > sc.population.max_agents:
        raise ScenarioError(
            file,
            "population.people_per_agent",
            f"{scale:g} ({n:,} agents)",
            f"at most population.max_agents = {sc.population.max_agents:,} agents",
        )
    if choose_engine(sc, engine) == "agents" and n > AGENTS_ENGINE_MAX:
        raise ScenarioError(
            file,
            "population.people_per_agent",
            f"{scale:g} ({n:,} agents on the agents engine)",
            f"at most {AGENTS_ENGINE_MAX:,} agents on the agents engine (hours per run); "
            f"hint: {engine_hint} runs the same rules, or raise people_per_agent",
        )


def check_memory(need: float, limit: int | None, where: tuple[str, str], given: str, detail: str, hint: str) -> None:
    """Refuse a need above the limit (`--max-memory`, else the available memory).

    Args:
        need: Estimated bytes.
        limit: `--max-memory` in bytes, or None for the machine's available memory.
        where: (file, key path or option) to name in the error.
        given: The value that drives the need, in words.
        detail: What was estimated (runs, engine, points).
        hint: What would fit.
    """
    source = "--max-memory"
    if limit is None:
        limit, source = available_memory(), "memory available on this machine"
    if limit is None or need <= limit:
        return
    raise ScenarioError(
        where[0],
        where[1],
        f"{given}, needing about {fmt_bytes(need)} for {detail}",
        f"at most {fmt_bytes(limit)} ({source}); hint: {hint}",
    )


def check_runs(
    scenarios: list[Scenario],
    engine: str,
    runs: int,
    parallel: int,
    limit: int | None,
    file: str,
    full: bool = False,
    together: int = 1,
) -> None:
    """Check a command that runs `runs` runs of each scenario, `parallel` at a time.

    Args:
        scenarios: The scenarios (each checked for its agents; the largest sets the peak).
        engine: The engine option ("auto", "agents", "arrays").
        runs: Runs of each scenario.
        parallel: Runs in flight here at once (local workers; 1 in-process; 0 on a cluster).
        limit: `--max-memory` in bytes or None.
        file: The file to name (the scenario's).
        full: The command keeps whole tables of every run (budget).
        together: Models built together in one task (a policy run and its twin: 2).
    """
    for sc in scenarios:
        check_agents(sc, engine, file)
    needs = [run_need(sc, engine) for sc in scenarios]
    peak = max(needs, key=lambda n: n.bytes)
    in_flight = min(parallel, runs * len(scenarios))
    kept = runs * sum(result_bytes(sc, full) for sc in scenarios)
    total = peak.bytes * together * in_flight + kept
    if kept > peak.bytes * together * in_flight:
        where, given, hint = ("<command line>", "--replicates"), f"{runs:,} replicates", "fewer replicates"
    else:
        where, given = (file, peak.driver), peak.given
        hint = ", ".join(
            (["--engine arrays"] if "agents engine" in peak.detail else [])
            + ["fewer agents (a larger population.people_per_agent) or jobs"]
            + (["fewer --workers"] if in_flight > 1 else [])
            + ["or a cluster (--scheduler)"]
        )
    n = runs * len(scenarios)
    detail = (f"{n:,} runs, {in_flight} at a time; largest: " if n > 1 else "") + peak.detail
    check_memory(total, limit, where, given, detail, hint)


def check_sweep(
    ends: list[Scenario],
    base: Scenario,
    engine: str,
    points: int,
    seeds: int,
    parallel: int,
    limit: int | None,
    file: str,
) -> None:
    """Check a sweep of `points` design points x `seeds` seeds before its design is built.

    Args:
        ends: The scenario at each end of each parameter's range (the largest run is among them).
        base: The base scenario (its size sets the plan's: one resolved scenario per point).
        engine: The sweep's engine.
        points: Design points.
        seeds: Seeds per point.
        parallel: Runs in flight at once (0: all on a cluster).
        limit: `--max-memory` in bytes or None.
        file: The sweep file, to name in the error.
    """
    for sc in ends:
        check_agents(sc, engine, file, "engine: arrays (in the sweep file)")
    runs = points * seeds
    peak = max((run_need(sc, engine) for sc in ends), key=lambda n: n.bytes)
    in_flight = min(parallel, runs)
    design = points * plan_bytes(base) + runs * PER_SWEEP_RUN
    total = peak.bytes * in_flight + design
    if design > peak.bytes * in_flight:
        where, given = "design", f"{points:,} design points x {seeds:,} seed{'s' if seeds > 1 else ''}"
        hint = "fewer points (samples, levels or values) or seeds, or split the sweep"
    else:
        where, given = f"parameters ({peak.driver})", peak.given
        hint = "engine: arrays, narrower parameter ranges, fewer --workers, or a cluster (--scheduler)"
    detail = f"{runs:,} runs, {in_flight} at a time; largest: {peak.detail}"
    check_memory(total, limit, (file, where), given, detail, hint)
