"""Checks of command-line values, run before any work.

Each `argparse` type below turns the text of one option into its value or
refuses it with "got X; allowed: Y" (the CLI prints one line naming the option
and exits with code 2). The path checks run after parsing, before anything is
loaded or written: an output folder must be a folder, or creatable, and
writable; an output file must not be a folder and its folder must exist.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import tempfile
from pathlib import Path

from .errors import ScenarioError
from .metrics.names import NUMERIC_METRICS, full_name, is_metric

MAX_COUNT = 100_000  # replicates, runs: more would not fit a day on any machine we serve
MAX_WORKERS = 1024
SEED_MAX = 2**63 - 1


def _refuse(given: str, allowed: str, hint: str = "") -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"got {given!r}{hint}; allowed: {allowed}")


def whole(lo: int, hi: int, what: str = "a whole number"):
    """Type: a whole number in [lo, hi]."""

    def parse(text: str) -> int:
        allowed = f"{what} from {lo:,} to {hi:,}"
        try:
            v = int(text.strip())
        except ValueError:
            raise _refuse(text, allowed) from None
        if not lo <= v <= hi:
            raise _refuse(text, allowed)
        return v

    return parse


def number(lo: float, hi: float = math.inf, lo_open: bool = False, what: str = "number"):
    """Type: a finite number in [lo, hi] (or (lo, hi] with `lo_open`)."""

    def parse(text: str) -> float:
        low = f"above {lo:g}" if lo_open else f"at least {lo:g}"
        allowed = f"a finite {what} {low}" + (f" and at most {hi:g}" if math.isfinite(hi) else "")
        try:
            v = float(text)
        except ValueError:
            raise _refuse(text, allowed) from None
        if not math.isfinite(v) or v < lo or (lo_open and v == lo) or v > hi:
            raise _refuse(text, allowed)
        return v

    return parse


count = whole(1, MAX_COUNT, "a whole number of runs")
workers = whole(1, MAX_WORKERS, "a whole number of processes")
seed = whole(0, SEED_MAX, "a whole-number seed")
port = whole(1, 65535, "a TCP port")
probability = number(0.0, 1.0, what="probability")
positive = number(0.0, lo_open=True)
nonnegative = number(0.0)
rate = number(0.0, 1.0, what="yearly rate")

UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.I)


def memory(text: str) -> int:
    """Type: a memory size, e.g. '512M', '4G', '1.5GiB' or bytes; units are binary."""
    m = SIZE.match(text)
    allowed = "a size such as 512M, 4G or 1.5GiB (K, M, G, T are powers of 1024), above 0"
    if not m:
        raise _refuse(text, allowed)
    v = float(m.group(1)) * UNITS[m.group(2).lower()]
    if not 0 < v <= 2**60:
        raise _refuse(text, allowed)
    return int(v)


def metric(text: str) -> str:
    """Type: a numeric headline metric, named in full as summary.json names it (a
    --target goal may shorten retention_ningbo_* to retention_*; a --metric may not)."""
    name = text.strip()
    if not is_metric(name):
        raise _refuse(text, "a numeric metric of summary.json: " + ", ".join(NUMERIC_METRICS), _did_you_mean(name))
    return name


def _did_you_mean(name: str) -> str:
    """' (did you mean X?)' for the closest metric name, or ''."""
    import difflib

    close = difflib.get_close_matches(name, NUMERIC_METRICS, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=)\s*(\S+)\s*$")


def target(text: str) -> str:
    """Type: a goal 'METRIC>=VALUE' or 'METRIC<=VALUE' with a known metric and a finite value."""
    m = TARGET.match(text)
    allowed = "METRIC>=VALUE or METRIC<=VALUE, e.g. retention_6m_poor>=0.75"
    if not m:
        raise _refuse(text, allowed)
    try:
        value = float(m.group(3))
    except ValueError:
        raise _refuse(text, allowed + ", VALUE a number") from None
    if not math.isfinite(value):
        raise _refuse(text, allowed + ", VALUE finite")
    name = full_name(m.group(1))
    if not is_metric(name):
        raise _refuse(text, "METRIC one of " + ", ".join(NUMERIC_METRICS), _did_you_mean(name))
    return f"{name}{m.group(2)}{value!r}"


SCHEDULER = re.compile(r"^tcp://[A-Za-z0-9_.\-]+:(\d{1,5})$")


def scheduler(text: str) -> str:
    """Type: a Dask scheduler address tcp://HOST:PORT."""
    m = SCHEDULER.match(text)
    if not m or not 1 <= int(m.group(1)) <= 65535:
        raise _refuse(text, "an address tcp://HOST:PORT with PORT from 1 to 65535")
    return text


HOST = re.compile(r"^[A-Za-z0-9_.:\-\[\]]{1,253}$")


def host(text: str) -> str:
    """Type: a host name or IP address to bind."""
    if not HOST.match(text):
        raise _refuse(text, "a host name or IP address, e.g. 127.0.0.1")
    return text


def is_dir(text: str) -> bool:
    """True for an existing folder (False for names that cannot exist)."""
    try:
        return Path(text).is_dir()
    except (OSError, ValueError):
        return False


def _cut(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _fail(option: str, given: str, allowed: str) -> ScenarioError:
    return ScenarioError("<command line>", option, given, allowed)


def _nearest_existing(p: Path) -> Path:
    """`p` or its nearest ancestor that exists (as anything)."""
    p = Path(os.path.abspath(p))
    while not os.path.lexists(p) and p != p.parent:
        p = p.parent
    return p


def _probe(folder: Path, option: str, given: str, allowed: str) -> None:
    """Refuse a folder this process cannot create entries in (tries an empty folder, removed at once)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _fail(option, f"{given} (no permission to write in {_cut(str(folder))})", allowed)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".laborsim-probe-", dir=folder))
    except OSError as e:
        raise _fail(option, f"{given} ({e.strerror} in {_cut(str(folder))})", allowed) from None


def writable_dir(text: str, option: str = "--out") -> None:
    """Refuse an output folder that is a file, lies below a file, or cannot be written.

    Raises:
        ScenarioError: naming `option`.
    """
    allowed = "a folder that exists or can be created, and that this user may write in"
    given = repr(_cut(text))
    try:
        p = Path(text)
        if not text or "\0" in text:
            raise _fail(option, given, allowed)
        if p.exists() and not p.is_dir():
            raise _fail(option, f"{given} (a file)", allowed)
        anc = _nearest_existing(p)
        if not anc.is_dir():
            raise _fail(option, f"{given} (below the file {_cut(str(anc))})", allowed)
        _probe(anc, option, given, allowed)
    except OSError as e:  # e.g. a name too long for the file system
        raise _fail(option, f"{given} ({e.strerror})", allowed) from None


def writable_file(text: str, option: str) -> None:
    """Refuse an output file path that is a folder, or whose folder is missing or not writable."""
    allowed = "a file path (not a folder) in an existing folder this user may write in"
    given = repr(_cut(text))
    try:
        p = Path(text)
        if not text or "\0" in text or text.endswith(os.sep):
            raise _fail(option, given, allowed)
        if p.is_dir():
            raise _fail(option, f"{given} (a folder)", allowed)
        if p.exists() and not os.access(p, os.W_OK):
            raise _fail(option, f"{given} (not writable)", allowed)
        parent = Path(os.path.abspath(p)).parent
        if not parent.is_dir():
            raise _fail(option, f"{given} (its folder {_cut(str(parent))} does not exist)", allowed)
        _probe(parent, option, given, allowed)
    except OSError as e:
        raise _fail(option, f"{given} ({e.strerror})", allowed) from None
