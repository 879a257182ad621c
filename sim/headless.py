"""Whether figures go to files only (the command line) or to a screen or notebook.

The command line draws every figure to a file, so it asks for matplotlib's Agg
backend; importing `sim` (a notebook, a script) leaves the backend alone, so
notebooks show their figures inline. Nothing here imports matplotlib unless it
is already loaded: a run without figures never pays for it.
"""

from __future__ import annotations

import sys

ON = False


def files_only() -> None:
    """Figures of this process go to files (Agg); a no-op inside a Jupyter kernel."""
    global ON
    if "ipykernel" in sys.modules:
        return
    ON = True
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use("Agg")
