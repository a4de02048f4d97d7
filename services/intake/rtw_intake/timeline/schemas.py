from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class TimelineEntryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    summary: str
    actor: str | None = None
    data: dict[str, Any]


class Timeline(BaseModel):
    items: list[TimelineEntryView]
    next_cursor: str | None = None
