"""Input types shared by the services' APIs."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator, Field

_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def _no_epoch_numbers(value: object) -> object:
    # pydantic would read "0.5" as seconds since 1970; the documented format is RFC 3339 text.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("expected an RFC 3339 date-time such as 2026-11-26T09:00:00Z")
    return value


# An RFC 3339 date-time with its offset (query parameters such as `updated_since`).
Timestamp = Annotated[AwareDatetime, BeforeValidator(_no_epoch_numbers)]


def _iso_text(value: object) -> str:
    # Input models are strict (no "5" for 5.0, no 1 for true); dates arrive as JSON text, so they
    # alone are parsed from strings — and only from strings, never from epoch numbers.
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date such as 2026-11-26")
    return value


# A calendar date in request bodies of strict input models.
IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_iso_text)]
