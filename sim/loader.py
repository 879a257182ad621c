"""Load a scenario from YAML: `extends:` chains, deep merge, validation.

Rules:
- Files are read by `sim.yaml_input.read_yaml`: UTF-8, no key written twice,
  alias expansion bounded.
- `extends: other.yaml` (relative to the file) loads the parent first; mappings
  merge key by key, any other value (lists included) replaces the parent's.
- `all_policies_off: true` (beside `extends:`) switches off every policy of the
  parents before the file's own keys apply.
- The merged mapping is validated against `sim.schema.Scenario`; every problem
  becomes a `ScenarioError` naming the file that set the key, the key path, what
  was given and what is allowed.
- The scenario's `name` becomes a folder name: safe characters only and at
  most `USER_NAME_MAX` characters (commands add suffixes up to the schema's
  `NAME_MAX`). It is not inherited: a file that sets none is named after itself.
"""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ScenarioError
from .metrics.targets import check_scoring
from .schema import Scenario
from .schema.base import NAME_RULE, SEP, USER_NAME_MAX, allowed_in_words
from .schema.keys import first_error, unknown_key_allowed
from .shipped import shipped_dir
from .yaml_input import read_yaml

MAX_EXTENDS = 32


def resolve_path(name: str | Path) -> Path:
    """Find a scenario file: an existing path, or the name of a shipped scenario
    (the package data of `scenarios/`, found with importlib.resources)."""
    p = Path(name)
    candidates = [p, p.with_suffix(".yaml")] if p.suffix == "" and p.name not in ("", "..") else [p]
    candidates += [shipped_dir() / c.name for c in candidates if c.name]
    for c in candidates:
        if _is(c, "is_file"):
            return c
    from .shipped import closest

    hint = closest(name) if p.name not in ("", "..") else None
    given = "a directory" if _is(p, "is_dir") else "a path that does not exist"
    given += f" (did you mean {hint}?)" if hint else ""
    raise ScenarioError(
        _short(str(name)) or "''", "", given, "an existing .yaml file or a name in scenarios/ (laborsim list)"
    )


def _is(p: Path, test: str) -> bool:
    """`p.is_file()` / `p.is_dir()`, False where the name cannot exist (too long, NUL byte)."""
    try:
        return getattr(p, test)()
    except (OSError, ValueError):
        return False


def _short(text: str, n: int = 120) -> str:
    """`text` cut to `n` characters for an error line."""
    return text if len(text) <= n else text[: n - 3] + "..."


def _read_yaml(path: Path) -> dict[str, Any]:
    data = read_yaml(path, "a scenario file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(str(path), "", f"a {type(data).__name__} at the top level", "a mapping of keys")
    return data


def _merge(base: dict, child: dict, origin: dict, file: str, prefix: tuple = ()) -> dict:
    """Deep-merge `child` into a copy of `base`, recording which file set each key."""
    out = dict(base)
    for k, v in child.items():
        path = prefix + (str(k),)
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, origin, file, path)
        else:
            out[k] = v
            origin[path] = file
    return out


def load_raw(path: Path, _chain: tuple[Path, ...] = (), origin: dict | None = None) -> dict[str, Any]:
    """Read a file and its `extends:` ancestors into one merged mapping."""
    origin = {} if origin is None else origin
    path = path.resolve()
    if path in _chain:
        loop = " -> ".join(p.name for p in _chain + (path,))
        raise ScenarioError(str(_chain[-1]), "extends", f"a loop ({loop})", "a chain of files that ends")
    if len(_chain) >= MAX_EXTENDS:
        raise ScenarioError(str(path), "extends", f"a chain of more than {MAX_EXTENDS} files", "a shorter chain")
    data = _read_yaml(path)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        return _merge({}, data, origin, str(path))
    if not isinstance(parent_name, str):
        raise ScenarioError(str(path), "extends", repr(parent_name), "a file name")
    parent_path = path.parent / parent_name
    if not _is(parent_path, "is_file") and parent_path.suffix == "" and parent_path.name not in ("", ".."):
        parent_path = parent_path.with_suffix(".yaml")
    if not _is(parent_path, "is_file") and "/" not in parent_name and _is(shipped_dir() / parent_path.name, "is_file"):
        parent_path = shipped_dir() / parent_path.name  # a shipped scenario by name, as on the command line
    if not _is(parent_path, "is_file"):
        raise ScenarioError(
            str(path),
            "extends",
            _short(repr(parent_name)),
            "an existing scenario file next to this one, or the name of a shipped scenario",
        )
    base = load_raw(parent_path, _chain + (path,), origin)
    off = data.pop(POLICIES_OFF, False)
    if off is not True and off is not False:
        raise ScenarioError(str(path), POLICIES_OFF, repr(off), "true or false")
    if off:
        base = _merge(base, _every_policy_off(base), origin, str(path))
    return _merge(base, data, origin, str(path))


POLICIES_OFF = "all_policies_off"


def _every_policy_off(base: dict) -> dict:
    """`all_policies_off: true` in a file that extends another switches off every
    policy the parents define (whatever they are), before the file's own keys
    apply: so `no_policy` is "every policy off" by rule, and a file extending it
    may switch one back on."""
    pols = base.get("policies")
    return {"policies": {k: {"enabled": False} for k in pols}} if isinstance(pols, dict) else {}


_SHORT = reprlib.Repr(maxlevel=2, maxdict=4, maxlist=4, maxstring=60, maxother=60, maxlong=40)


def _first_error(e: ValidationError, origin: dict, default_file: str, raw: dict) -> ScenarioError:
    err = first_error(e)
    loc = tuple(str(x) for x in err["loc"] if not str(x).startswith("function-after"))
    keys: list[str] = []
    node: Any = raw
    absent = False
    for part in loc:
        if isinstance(node, dict) and part in node:
            keys.append(part)
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            keys.append(part)
            node = node[int(part)]
        elif err["type"] in ("extra_forbidden", "missing") or part == loc[-1]:
            keys.append(part)  # a key the file lacks (e.g. a policy without `type:`)
            absent = True
    extra = ""
    if err["type"] == "value_error" and SEP in err["msg"]:
        sub, given_s, allowed_s = err["msg"].removeprefix("Value error, ").split(SEP)
        keys += sub.split(".")
        extra = (given_s, allowed_s)
    file = default_file
    for i in range(len(keys), 0, -1):
        if tuple(keys[:i]) in origin:
            file = origin[tuple(keys[:i])]
            break
    given = "missing" if err["type"] == "missing" or absent else _SHORT.repr(err.get("input"))
    if err["type"] == "extra_forbidden":
        given = f"unknown key {keys[-1]!r}" if keys else "an unknown key"
    allowed = allowed_in_words(err)
    if err["type"] == "extra_forbidden" and keys:
        allowed = unknown_key_allowed(Scenario, keys[:-1], raw, keys[-1])
    if extra:
        given, allowed = extra
    if len(given) > 120:
        given = given[:117] + "..."
    return ScenarioError(file, ".".join(keys), given, allowed)


def _own_name(raw: dict, path: Path, origin: dict) -> dict:
    """A scenario's name is its file's own `name:`, or else the file's name (without
    .yaml), never its parent's: a variant that `extends` a shipped scenario must not
    file its results and catalog rows under the parent's name."""
    file = str(path.resolve())
    if origin.get(("name",)) == file and "name" in raw:
        return raw
    origin[("name",)] = file
    return {**raw, "name": path.stem}


def load_scenario(name: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge and validate a scenario.

    Args:
        name: Path to a YAML file, or the name of a file in `scenarios/`.
        overrides: Mapping merged on top (e.g. {"calendar": {"months": 6}}).

    Raises:
        ScenarioError: on any bad input.
    """
    path = resolve_path(name)
    origin: dict = {}
    raw = load_raw(path, origin=origin)
    by_file = origin.get(("name",)) != str(path.resolve()) or "name" not in raw
    note = ", the file's name (it sets no name: of its own)" if by_file else ""
    raw = _own_name(raw, path, origin)
    if overrides:
        raw = _merge(raw, overrides, origin, "<command line>")
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as e:
        err = _first_error(e, origin, str(path.resolve()), raw)
        if err.key_path == "name":  # the schema's limit allows for suffixes; a file's name is held shorter
            err = ScenarioError(err.file, "name", err.given + note, f"{NAME_RULE}, at most {USER_NAME_MAX} characters")
        raise err from None
    if len(sc.name) > USER_NAME_MAX:
        raise ScenarioError(
            origin.get(("name",), str(path.resolve())),
            "name",
            f"{_SHORT.repr(sc.name)} ({len(sc.name)} characters){note}",
            f"{NAME_RULE}, at most {USER_NAME_MAX} characters",
        )
    set_by = origin.get(("scoring", "targets_file"), origin.get(("scoring",), str(path.resolve())))
    return check_scoring(sc, set_by)
