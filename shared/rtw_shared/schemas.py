"""The base of every request body model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

NUL_REFUSED = "text may not contain NUL (\\u0000) characters"


def _contains_nul(value: object) -> bool:
    """Whether `value` holds a NUL in text of its own: a string, or one inside a list or dict. A
    nested model is not looked into: its own fields were checked when it was validated."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_contains_nul(v) for v in value)
    return False


class InputModel(BaseModel):
    """Strict (a JSON string is neither a number nor a boolean), closed (unknown fields are refused),
    trimmed, and free of NUL characters, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    # Per field, once validated: each string is looked at once, and the error names its field. (A
    # check of the whole input before each model walked every nested model's input again: a create
    # looked at ~250 values for its ~40 fields.)
    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        if _contains_nul(value):
            raise ValueError(NUL_REFUSED)
        return value
