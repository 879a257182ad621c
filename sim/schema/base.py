"""Shared pydantic pieces: strict models that reject unknown keys, and typed units."""

from __future__ import annotations

import copy
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MONTH_PATTERN = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"
#: A calendar month written "YYYY-MM".
Month = Annotated[str, Field(pattern=MONTH_PATTERN)]
#: What a value that breaks a pattern or type should be, in words (error messages; pydantic says
#: "String should match pattern '^(19|20)...'" or "a valid boolean, unable to interpret input").
IN_WORDS = {
    MONTH_PATTERN: "a month written YYYY-MM, in quotes or not (e.g. 2020-03), from 1900-01 to 2099-12",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}


def allowed_in_words(err: dict) -> str:
    """What a pydantic error (one of `ValidationError.errors()`) says is allowed, in
    words: IN_WORDS for a pattern or type it names, else pydantic's own text."""
    allowed = err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
    return IN_WORDS.get(err.get("ctx", {}).get("pattern"), IN_WORDS.get(err["type"], allowed))


#: A probability in [0, 1].
Prob = Annotated[float, Field(ge=0.0, le=1.0)]
#: A hazard multiplier (1 = no effect).
Multiplier = Annotated[float, Field(ge=0.0, le=10.0)]
#: An amount of money in yuan (never negative, finite, at most 10^12).
Yuan = Annotated[float, Field(ge=0.0, le=1e12)]
#: A monthly wage or income in yuan: positive (the rules divide by it and take
#: its log) and at most 10^6.
Wage = Annotated[float, Field(gt=0.0, le=1e6)]
#: A count of people (never negative, at most 10^8).
People = Annotated[int, Field(ge=0, le=100_000_000)]

#: Longest name the schema accepts. Names end up in folder names; commands add
#: short suffixes to them (a twin's `_no_policy`, a sweep point's `-p12`), so a
#: name a user writes is held to `USER_NAME_MAX` (see `sim.loader`).
NAME_MAX = 100
USER_NAME_MAX = 64
NAME_RULE = "letters, digits, '_', '.' and '-', starting with a letter or digit (the name becomes a folder name)"


def _safe_name(max_len: int):
    def check(v: str) -> str:
        ok = 0 < len(v) <= max_len and v[0].isascii() and v[0].isalnum()
        if not ok or not all(c.isascii() and (c.isalnum() or c in "_.-") for c in v):
            raise ValueError(f"{NAME_RULE}, at most {max_len} characters")
        return v

    return AfterValidator(check)


#: A name used in paths: safe characters, never `.`/`..`, never a separator.
Name = Annotated[str, _safe_name(NAME_MAX)]
#: The same, for names written in files (sweeps; scenarios via the loader).
UserName = Annotated[str, _safe_name(USER_NAME_MAX)]


class Strict(BaseModel):
    """Base model: unknown keys are errors, and a validated scenario is immutable.

    Fields cannot be assigned (frozen), sequences are tuples and mappings are
    `FrozenDict`s, so a run can never change the scenario it was given. To derive
    a scenario, use `model_copy(update=...)` on the part that changes or, to have
    the result checked, re-validate a changed `model_dump(mode="json")`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class FrozenDict(dict):
    """A read-only dict: any change raises TypeError (it still pickles, copies and
    serializes as a dict)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("scenario mappings are read-only: derive a new scenario with model_copy(update=...)")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        return FrozenDict({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()})


def frozen(mapping_type: Any) -> Any:
    """`dict[K, V]` validated as usual, then made a read-only `FrozenDict`."""
    return Annotated[mapping_type, AfterValidator(FrozenDict)]


SEP = "\x1f"


def fail(subpath: str, given: object, allowed: str) -> ValueError:
    """A validator error that names the key below the validated model, what was
    given and what is allowed (the loader turns it into a ScenarioError)."""
    return ValueError(f"{subpath}{SEP}{given}{SEP}{allowed}")
