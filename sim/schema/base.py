"""Shared pydantic pieces: strict models that reject unknown keys, and typed units."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: A calendar month written "YYYY-MM".
Month = Annotated[str, Field(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
#: A probability in [0, 1].
Prob = Annotated[float, Field(ge=0.0, le=1.0)]
#: A hazard multiplier (1 = no effect).
Multiplier = Annotated[float, Field(ge=0.0, le=10.0)]
#: An amount of money in yuan (never negative).
Yuan = Annotated[float, Field(ge=0.0)]
#: A count of people (never negative).
People = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    """Base model: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


SEP = "\x1f"


def fail(subpath: str, given: object, allowed: str) -> ValueError:
    """A validator error that names the key below the validated model, what was
    given and what is allowed (the loader turns it into a ScenarioError)."""
    return ValueError(f"{subpath}{SEP}{given}{SEP}{allowed}")
