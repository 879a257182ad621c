"""laborsim: agent-based simulation of organized labor migration from Qianxinan
(Guizhou) to Ningbo (Zhejiang) under retention policies.

Python API::

    from sim import load_scenario, run
    res = run(load_scenario("teaching_small"), seed=1)
    res.tables["retention"]

The API names are imported on first use, so `import sim.cli` (and `laborsim --help`)
does not pay for the model's imports (mesa, pandas, scipy).
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_scenario", "run", "RunResult"]


def __getattr__(name: str):
    if name == "load_scenario":
        from .loader import load_scenario

        return load_scenario
    if name in ("run", "RunResult"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
