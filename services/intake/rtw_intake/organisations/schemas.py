from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

OrganisationKind = Literal["clinic", "employer", "insurer"]


class OrganisationView(BaseModel):
    """An organisation as the workspace's pickers show it: no people."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: OrganisationKind


class OrganisationList(BaseModel):
    items: list[OrganisationView]
