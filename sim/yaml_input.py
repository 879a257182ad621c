"""Read a YAML input file (scenario or sweep) safely, or refuse it in one line.

Rules:
- The file must be UTF-8 text of at most `MAX_FILE_BYTES` bytes.
- Only plain data is built (`yaml.SafeLoader`): mappings, lists, scalars.
- A key written twice in the same mapping is an error (plain YAML would keep
  the last one without a word). Keys brought in by a `<<:` merge may be
  overridden, as YAML intends.
- Aliases (`*name`) may repeat data, but the data as expanded may hold at
  most `MAX_NODES` values and nest at most `MAX_DEPTH` levels, so a
  "billion laughs" file is refused at once instead of being expanded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ScenarioError

MAX_FILE_BYTES = 5_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key written twice in one mapping."""


class StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that rejects duplicate keys within one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                if key in first_line:
                    raise DuplicateKeyError(
                        None, None, f"duplicate key {key!r} (first on line {first_line[key]})", key_node.start_mark
                    )
                first_line[key] = key_node.start_mark.line + 1
            except TypeError:
                continue  # an unhashable key: SafeLoader reports it below
        return super().construct_mapping(node, deep=deep)


def check_size(
    data: Any, file: str, what: str = "a YAML file", max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> None:
    """Refuse data whose expansion (aliases counted each time they are used) holds
    more than `max_nodes` values or nests deeper than `max_depth` levels."""
    count = 0
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise ScenarioError(
                file, "", f"more than {max_nodes:,} values once aliases are expanded", f"{what} of at most that size"
            )
        if depth > max_depth:
            raise ScenarioError(file, "", f"data nested deeper than {max_depth} levels", f"{what} nested less deeply")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            count += len(node)  # the keys
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def read_yaml(path: Path, what: str = "a YAML file") -> Any:
    """Parse a YAML file into plain data.

    Args:
        path: The file.
        what: What the file should be, in words (for the error line).

    Raises:
        ScenarioError: unreadable, too large, not UTF-8, invalid YAML, a key
            written twice, or too large once aliases are expanded.
    """
    file = str(path)
    try:
        with open(path, "rb") as fh:
            blob = fh.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ScenarioError(file, "", f"unreadable file ({e.strerror})", f"a readable {what}") from None
    if len(blob) > MAX_FILE_BYTES:
        raise ScenarioError(file, "", f"a file over {MAX_FILE_BYTES:,} bytes", f"{what} of at most that size")
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as e:
        line = blob[: e.start].count(b"\n") + 1
        raise ScenarioError(
            file, "", f"text that is not UTF-8 (byte 0x{blob[e.start]:02x} on line {line})", "UTF-8 text"
        ) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        allowed = "each key once in a mapping" if isinstance(e, DuplicateKeyError) else "valid YAML"
        raise ScenarioError(file, "", f"invalid YAML at {where} ({problem})", allowed) from None
    except RecursionError:
        raise ScenarioError(file, "", "data nested too deeply to read", f"{what} nested less deeply") from None
    check_size(data, file, what)
    return data
