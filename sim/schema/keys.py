"""The keys the scenario schema allows at a place in a file, for error messages.

When a file has a key the schema does not define (a typo, British spelling, a key
one level too deep), the loader says which keys are allowed there and which one
was probably meant, rather than only that the key is unknown.
"""

from __future__ import annotations

import difflib
import inspect
import types
import typing
from typing import Any

from pydantic import BaseModel

from .policies import POLICY_TYPES, PolicyBase

LIST_AT_MOST = 12  # keys listed in full up to this many; beyond, the nearest ones and where all are listed


def known_keys(root: type[BaseModel], path: list[str], raw: Any) -> list[str] | None:
    """The keys allowed at `path` under model `root`, and the keys one level below
    them as 'group.key' (for a key written one level too high); None where the
    place is not a model (a free mapping, a number)."""
    model = model_at(root, path, raw)
    if model is None:
        return None
    keys = list(model.model_fields)
    for name, field in model.model_fields.items():
        sub = _model_or_container(field.annotation, None)
        if inspect.isclass(sub) and issubclass(sub, BaseModel):
            keys += [f"{name}.{k}" for k in sub.model_fields]
    return keys


def model_at(root: type[BaseModel], path: list[str], raw: Any) -> type[BaseModel] | None:
    """The model class at `path` under model `root`, following dicts, tuples and
    optional values, and choosing a policy's schema class by the `type:` it has in
    the file (`raw`, the file's merged mapping); None where it is not a model."""
    tp, node = root, raw
    for part in path:
        tp = _model_or_container(tp, node)
        if inspect.isclass(tp) and issubclass(tp, BaseModel):
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
    tp = _model_or_container(tp, node)
    return tp if inspect.isclass(tp) and issubclass(tp, BaseModel) else None


def allowed_text(keys: list[str] | None, given: str, where: str) -> str:
    """What an error says is allowed instead of unknown key `given` at `where` (a key
    path, '' at the top): the keys there (or, if many, how many and where they are
    listed) and the nearest one, there or one level below, as 'did you mean'."""
    if not keys:
        return "only the keys the schema defines (`laborsim schema` lists them)"
    here = [k for k in keys if "." not in k]
    guess = _nearest(given, here) or _nearest(given, [k for k in keys if "." in k])
    guess = f"; did you mean {guess!r}?" if guess else ""
    place = f"under {where}" if where else "at the top of a scenario"
    if len(here) <= LIST_AT_MOST:
        return f"one of the keys {place}: {', '.join(here)}{guess}"
    return f"one of the {len(here)} keys {place} (`laborsim schema` lists them){guess}"


def _nearest(given: str, keys: list[str]) -> str | None:
    """The key (compared by its last part) most like `given`, if any is close."""
    last = {k.rsplit(".", 1)[-1]: k for k in reversed(keys)}
    near = difflib.get_close_matches(given, list(last), n=1, cutoff=0.75)
    return last[near[0]] if near else None


def _model_or_container(tp: Any, node: Any) -> Any:
    """`tp` without Annotated and Optional wrappers; a policy's base class becomes
    the schema class of the `type:` the file gives (if it gives a known one)."""
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
    if inspect.isclass(tp) and issubclass(tp, PolicyBase) and isinstance(node, dict):
        return POLICY_TYPES.get(node.get("type"), tp)
    return tp


def _child(node: Any, part: str) -> Any:
    """The file's value under key (or list position) `part`, or None."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None
