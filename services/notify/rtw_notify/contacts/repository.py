"""Every query notify makes about organisation contacts and email preferences."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from .models import ACTIVE, EmailPreference, OrgContact


def contacts_of(session: Session, org_id: str) -> list[OrgContact]:
    """Every active contact of `org_id` (the ones emailed; not those still proposed), oldest first."""
    query = (
        select(OrgContact)
        .where(OrgContact.org_id == org_id, OrgContact.status == ACTIVE)
        .order_by(OrgContact.created_at, OrgContact.id)
    )
    return list(session.scalars(query))


def list_contacts(
    session: Session, *, org_id: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[OrgContact]:
    """Contacts of `org_id` (None: of every organisation), oldest first, keyset-paginated."""
    query = select(OrgContact)
    if org_id is not None:
        query = query.where(OrgContact.org_id == org_id)
    if after:
        query = query.where(tuple_(OrgContact.created_at, OrgContact.id) > tuple_(*after))
    return list(session.scalars(query.order_by(OrgContact.created_at, OrgContact.id).limit(limit)))


def get_contact(session: Session, contact_id: uuid.UUID, *, for_update: bool = False) -> OrgContact | None:
    return session.get(OrgContact, contact_id, with_for_update=for_update)


def find_contact(session: Session, org_id: str, email: str) -> OrgContact | None:
    """The contact of `org_id` with `email` (case-insensitive), if any."""
    query = select(OrgContact).where(OrgContact.org_id == org_id, func.lower(OrgContact.email) == email.lower())
    return session.scalars(query).first()


def add_contact(session: Session, contact: OrgContact) -> OrgContact:
    session.add(contact)
    session.flush()
    session.refresh(contact)
    return contact


def delete_contact(session: Session, contact: OrgContact) -> None:
    session.delete(contact)
    session.flush()


def preference(session: Session, subject: str, *, for_update: bool = False) -> EmailPreference | None:
    return session.get(EmailPreference, subject, with_for_update=for_update)


def add_preference(session: Session, row: EmailPreference) -> EmailPreference:
    session.add(row)
    session.flush()
    session.refresh(row)
    return row


def opted_out(session: Session, email: str, kind: str) -> bool:
    """Whether the person at `email` turned emails of `kind` off."""
    query = select(EmailPreference.disabled_kinds).where(EmailPreference.email == email.lower())
    return any(kind in kinds for kinds in session.scalars(query))
