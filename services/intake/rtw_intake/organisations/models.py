"""The directory of organisations: every clinic, employer and insurer the sign-in realm knows, copied
from Keycloak (organisations.realm) so a case names only organisations that exist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

KINDS = ("clinic", "employer", "insurer")


class Organisation(Base):
    __tablename__ = "organisations"

    # One organisation id could in principle hold two kinds (a clinic that also employs): one row each.
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # When a read of the realm last found it (the last sync that did not, removed it).
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
