"""The keys the scenario schema allows at a place in a file, for error messages.

When a file has a key the schema does not define (a typo, British spelling, a key
written one level too high or in the wrong group), the loader says which keys are
allowed there and which one was probably meant, rather than only that the key is
unknown.
"""

from __future__ import annotations

import difflib
import inspect
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .policies import POLICY_TYPES, PolicyBase

#: Keys a scenario file may have at its top besides the schema's (the loader resolves them first).
FILE_KEYS = ("extends", "all_policies_off")


def unknown_key_allowed(root: type[BaseModel], path: list[str], raw: Any, given: str, at: str = "") -> str:
    """What an error says is allowed instead of the unknown key `given` at `path`.

    Rule: every key allowed there, in the schema's order (at the top also FILE_KEYS),
    then the key probably meant: first the same key one level down ('did you mean
    departure.p_depart_home_month') or in another group of the same parent (a key of
    behavior.departure), then the nearest spelling there or one level down.

    Args:
        root: The model the file is validated against (`Scenario`, or a policy's class).
        path: Keys from the root down to the mapping that holds `given`.
        raw: The file's merged mapping at the root (a policy's class is found by its `type:`).
        given: The unknown key.
        at: Where the root is in the file (a key path; '' for the whole file), for the wording.

    Returns:
        The 'allowed' text of the error, or a general one where the place is not a model.
    """
    model = model_at(root, path, raw)
    if model is None:
        return "only the keys the schema defines (`laborsim schema` lists them)"
    here = list(model.model_fields) + (list(FILE_KEYS) if not (at or path) else [])
    guess = _elsewhere(root, path, raw, model, given) or _nearest(given, here, model)
    return f"one of the keys {_place([*filter(None, at.split('.')), *path], model)}: {', '.join(here)}{guess}"


def path_hint(given: str, paths: list[str]) -> str:
    """'; did you mean X?' with the key path of `paths` most like `given` (a sweep's
    parameter, a budget's --lever), or '' if none is close."""
    near = difflib.get_close_matches(given, paths, n=1, cutoff=0.8)
    return f"; did you mean {near[0]!r}?" if near else ""


def first_error(e: ValidationError) -> dict:
    """The error to report of a validation: the first, except that an unknown key
    goes before a missing one in the same mapping (pydantic lists 'missing' first,
    and a misspelled required key is both: the unknown key's message names the
    missing one as the key meant)."""
    errors = e.errors()
    first = errors[0]
    if first["type"] == "missing":
        for other in errors:
            if other["type"] == "extra_forbidden" and other["loc"][:-1] == first["loc"][:-1]:
                return other
    return first


def model_at(root: type[BaseModel], path: list[str], raw: Any) -> type[BaseModel] | None:
    """The model class at `path` under `root`, following dicts, tuples and optional
    values, and choosing a policy's class by the `type:` it has in `raw`; None where
    the place is not a model."""
    tp, node = root, raw
    for part in path:
        tp = _unwrap(tp, node)
        if _is_model(tp):
            field = tp.model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) in (dict, tuple, list):
            args = typing.get_args(tp)
            tp = args[1] if typing.get_origin(tp) is dict else args[0]
        else:
            return None
        node = _child(node, part)
    tp = _unwrap(tp, node)
    return tp if _is_model(tp) else None


def _elsewhere(root, path: list[str], raw: Any, model: type[BaseModel], given: str) -> str:
    """'; did you mean ...' if `given` is exactly a key one level down, or a key of
    another group of the parent model; else ''."""
    for name, sub in _groups(model):
        if given in sub.model_fields:
            return f"; did you mean {name + '.' + given!r}?"
    if path:
        parent = model_at(root, path[:-1], raw)
        for name, sub in _groups(parent) if parent else []:
            if name != path[-1] and given in sub.model_fields:
                return f"; {given!r} is a key of {'.'.join([*path[:-1], name])}"
    return ""


def _nearest(given: str, here: list[str], model: type[BaseModel]) -> str:
    """'; did you mean ...' with the key most like `given` there, or one level down; else ''."""
    near = difflib.get_close_matches(given, here, n=1, cutoff=0.75)
    if near:
        return f"; did you mean {near[0]!r}?"
    below = {k: f"{name}.{k}" for name, sub in _groups(model) for k in sub.model_fields}
    near = difflib.get_close_matches(given, list(below), n=1, cutoff=0.75)
    return f"; did you mean {below[near[0]]!r}?" if near else ""


def _groups(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """(field name, model) of the fields of `model` that are models themselves."""
    subs = ((name, _unwrap(f.annotation, None)) for name, f in model.model_fields.items())
    return [(name, sub) for name, sub in subs if _is_model(sub)]


def _place(path: list[str], model: type[BaseModel]) -> str:
    """Where the key is, in words: at the top, in an item of a list, under a key (a
    policy's with its type: its keys come from the type)."""
    if not path:
        return "at the top of a scenario"
    if path[-1].isdigit():
        return f"in an item of {'.'.join(path[:-1])}"
    kind = model.model_fields.get("type") if issubclass(model, PolicyBase) else None
    tag = typing.get_args(kind.annotation) if kind else ()
    return f"under {'.'.join(path)}" + (f" (type: {tag[0]})" if tag else "")


def _unwrap(tp: Any, node: Any) -> Any:
    """`tp` without Annotated and Optional wrappers; a policy's base class becomes
    the class of the `type:` that `node` gives (if it gives a known one)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            kept = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(kept) != 1:
                return None
            tp = kept[0]
        else:
            break
    if _is_model(tp) and issubclass(tp, PolicyBase) and isinstance(node, dict):
        return POLICY_TYPES.get(node.get("type"), tp)
    return tp


def _is_model(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def _child(node: Any, part: str) -> Any:
    """The file's value under key (or list position) `part`, or None."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None
