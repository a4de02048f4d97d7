"""The base of every request body model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


class InputModel(BaseModel):
    """Strict (a JSON string is neither a number nor a boolean), closed (unknown fields are refused),
    trimmed, and free of NUL characters, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: object) -> object:
        if _contains_nul(data):
            raise ValueError("text may not contain NUL (\\u0000) characters")
        return data
