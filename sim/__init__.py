"""laborsim: agent-based simulation of organized labor migration from Qianxinan
(Guizhou) to Ningbo (Zhejiang) under retention policies.

Python API::

    from sim import load_scenario, run
    res = run(load_scenario("teaching_small"), seed=1)
    res.tables["retention"]

    from sim import MultiRun
    mr = MultiRun("teaching_small", n_runs=5, seed=1).run()
    mr.summary(); mr.plot()
"""

__version__ = "0.1.0"

from .loader import load_scenario  # noqa: E402
from .runner import RunResult, run  # noqa: E402


def __getattr__(name: str):
    """`sim.MultiRun` is imported on first use (it pulls in the experiments machinery)."""
    if name == "MultiRun":
        from .multirun import MultiRun

        return MultiRun
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = ["__version__", "load_scenario", "run", "RunResult", "MultiRun"]
