"""laborsim: agent-based simulation of organized labor migration from Qianxinan
(Guizhou) to Ningbo (Zhejiang) under retention policies.

Python API::

    from sim import load_scenario, run
    res = run(load_scenario("teaching_small"), seed=1)
    res.tables["retention"]

    from sim import MultiRun
    mr = MultiRun("teaching_small", n_runs=5, seed=1).run()
    mr.summary(); mr.plot()

The API names are imported on first use, so `import sim.cli` (and `laborsim --help`)
does not pay for the model's imports (mesa, pandas, scipy).
"""

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": ("loader", "load_scenario"),
    "run": ("runner", "run"),
    "RunResult": ("runner", "RunResult"),
    "MultiRun": ("multirun", "MultiRun"),
}


def __getattr__(name: str):
    """The public names are imported on first use, so `laborsim --help` and `laborsim list`
    do not wait for Mesa and the engines to load."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = ["__version__", "load_scenario", "run", "RunResult", "MultiRun"]
