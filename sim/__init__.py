"""laborsim: agent-based simulation of organized labor migration from Qianxinan
(Guizhou) to Ningbo (Zhejiang) under retention policies.

Python API::

    from sim import load_scenario, run
    res = run(load_scenario("teaching_small"), seed=1)
    res.tables["retention"]
"""

__version__ = "0.1.0"

from .loader import load_scenario  # noqa: E402
from .runner import RunResult, run  # noqa: E402

__all__ = ["__version__", "load_scenario", "run", "RunResult"]
