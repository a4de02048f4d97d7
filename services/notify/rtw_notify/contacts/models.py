"""Who is emailed for an organisation, and what each person does not want by email.

Contacts are a table each organisation manages through the API (docs/domain/notifications.md says
why not Keycloak): events name organisations, and an organisation decides which addresses hear
about its requests — one an administrator adds is only proposed until the organisation confirms
it. Preferences belong to a person (their token's subject) and apply to every email sent to their
address, whether as a therapist or as a contact."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

# proposed: added by an administrator; not emailed until one of the organisation's people confirms it.
ACTIVE, PROPOSED = "active", "proposed"


class OrgContact(Base):
    __tablename__ = "org_contacts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    org_id: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE, server_default=ACTIVE)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (Index("uq_org_contacts_org_email", "org_id", text("lower(email)"), unique=True),)


class EmailPreference(Base):
    __tablename__ = "email_preferences"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)  # stored lower-case
    disabled_kinds: Mapped[list[str]] = mapped_column(JSONB, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
