"""`laborsim app`: check the options, then become the Solara server.

The command replaces its own process with `python -m solara run sim.app.page` (exec),
so the PID the user sees is the server's: SIGTERM or SIGINT (Ctrl-C) to it stops the
server, and no child is left behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import ScenarioError
from ..loader import load_scenario
from .text import LANGS, default_lang

ROOT = Path(__file__).resolve().parents[2]
CACHE = ".solara-cache"


def asset_cache(option: str | None) -> Path | None:
    """The Solara asset cache to serve from.

    `--assets DIR` must name a folder filled by scripts/solara_assets.sh (else a
    ScenarioError: a blank page would be the only other sign). Without the option,
    ./.solara-cache or the repository's, when present; None when there is none.
    """
    if option:
        path = Path(option)
        if not path.is_dir():
            raise ScenarioError("<command line>", "--assets", f"{option} (no such folder)", _fill_hint())
        if not any(path.glob("requirejs@*")):
            raise ScenarioError("<command line>", "--assets", f"{option} (holds no Solara assets)", _fill_hint())
        return path.resolve()
    for path in (Path(CACHE), ROOT / CACHE):
        if path.is_dir() and any(path.glob("requirejs@*")):
            return path.resolve()
    return None


def _fill_hint() -> str:
    return f"a folder filled by `bash {ROOT / 'scripts' / 'solara_assets.sh'} DIR`"


def server_command(args) -> tuple[list[str], dict[str, str]]:
    """The `solara run` command line and its environment, after checking every option."""
    try:
        import solara  # noqa: F401
    except ImportError:
        raise ScenarioError("<command line>", "app", "no solara installed", "pip install -e '.[viz]'") from None
    load_scenario(args.scenario)  # bad input fails here, with exit code 2
    if args.second:
        load_scenario(args.second)
    lang = args.lang or default_lang()
    if lang not in LANGS:
        raise ScenarioError("<command line>", "--lang", lang, " or ".join(LANGS))
    env = {
        **os.environ,
        "LABORSIM_APP_SCENARIO": args.scenario,
        "LABORSIM_APP_SECOND": args.second or "",
        "LABORSIM_APP_LANG": lang,
    }
    cache = asset_cache(args.assets)
    if cache is not None:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(cache)
    else:
        print(
            "laborsim: note: no Solara asset cache; the page loads its front end from the internet "
            f"(offline: {_fill_hint()}, then --assets DIR)",
            file=sys.stderr,
        )
    cmd = [sys.executable, "-m", "solara", "run", "sim.app.page", "--host", args.host, "--port", str(args.port)]
    return [*cmd, "--no-open", "--production"], env


def serve(args) -> int:
    """Check the options (exit 2 on bad input), then exec the Solara server."""
    cmd, env = server_command(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
