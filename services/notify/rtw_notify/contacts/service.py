"""Contact and email-preference use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, NotFoundError, UnprocessableError
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from . import repository
from .models import ACTIVE, PROPOSED, EmailPreference, OrgContact
from .schemas import ContactCreate, PreferencesRead, PreferencesUpdate


def add_contact(*, uow: UnitOfWork, principal: Principal, body: ContactCreate) -> OrgContact:
    """Add an address that hears about the organisation's requests, reminders and webhooks by email
    (an administrator: propose it; it hears nothing until the organisation confirms it)."""
    org_id = policy.contact_org(principal, body.org_id)
    if repository.find_contact(uow.session, org_id, body.email):
        raise ConflictError(f"{body.email} is a contact of {org_id} already")
    status = PROPOSED if policy.only_proposes(principal) else ACTIVE
    contact = repository.add_contact(
        uow.session,
        OrgContact(
            org_id=org_id, email=body.email, name=body.name, status=status, version=1, created_by=principal.username
        ),
    )
    uow.commit()
    return contact


def confirm_contact(
    *, uow: UnitOfWork, principal: Principal, contact_id: uuid.UUID, if_match: str | None
) -> OrgContact:
    """The organisation takes on a contact an administrator proposed: from now on it is emailed."""
    contact = _managed(uow, principal, contact_id, for_update=True)
    policy.require_member(principal, contact.org_id, what="confirm their contacts")
    check_if_match(if_match, contact.version, what=f"contact {contact_id}")
    if contact.status != PROPOSED:
        raise ConflictError(f"contact {contact_id} is {contact.status}, not waiting for confirmation")
    contact.status, contact.version = ACTIVE, contact.version + 1
    uow.session.flush()
    uow.session.refresh(contact)
    uow.commit()
    return contact


def _managed(uow: UnitOfWork, principal: Principal, contact_id: uuid.UUID, *, for_update: bool = False) -> OrgContact:
    contact = repository.get_contact(uow.session, contact_id, for_update=for_update)
    if contact is None or not policy.manages(principal, contact.org_id):
        raise NotFoundError(f"contact {contact_id} not found")
    return contact


def list_contacts(
    *, uow: UnitOfWork, principal: Principal, org_id: str | None, cursor: str | None, limit: int
) -> tuple[list[OrgContact], str | None]:
    """The caller's organisation's contacts (an administrator: anyone's), oldest first."""
    rows = repository.list_contacts(
        uow.session, org_id=policy.listed_org(principal, org_id), after=decode_cursor(cursor), limit=limit + 1
    )
    return page(rows, limit, key=lambda c: (c.created_at, c.id))


def remove_contact(*, uow: UnitOfWork, principal: Principal, contact_id: uuid.UUID) -> None:
    """Stop emailing a contact; anyone else's contact is not found."""
    contact = _managed(uow, principal, contact_id)
    repository.delete_contact(uow.session, contact)
    uow.commit()


def preferences(*, uow: UnitOfWork, principal: Principal) -> PreferencesRead:
    """The caller's email preferences (nothing turned off until they say so)."""
    row = repository.preference(uow.session, principal.subject)
    if row is None:
        return PreferencesRead(email=principal.verified_email, disabled_kinds=[], version=0)
    return PreferencesRead(email=row.email, disabled_kinds=row.disabled_kinds, version=row.version)


def set_preferences(
    *, uow: UnitOfWork, principal: Principal, body: PreferencesUpdate, if_match: str | None
) -> PreferencesRead:
    """Turn kinds of email off (and the others on) for the caller's address, once Keycloak verified it:
    they apply to every email sent to that address, a contact's included."""
    address = _own_address(principal)
    row = repository.preference(uow.session, principal.subject, for_update=True)
    check_if_match(if_match, row.version if row else 0, what="your email preferences")
    kinds = sorted(set(body.disabled_kinds))
    if row is None:
        row = EmailPreference(subject=principal.subject, email=address, disabled_kinds=kinds, version=1)
        repository.add_preference(uow.session, row)
    else:
        row.email, row.disabled_kinds, row.version = address, kinds, row.version + 1
    view = PreferencesRead(email=row.email, disabled_kinds=kinds, version=row.version)
    uow.commit()
    return view


def _own_address(principal: Principal) -> str:
    """The caller's verified address, lower-case; 422 when there is none."""
    if not principal.email:
        raise UnprocessableError("your account has no email address, so notify sends you no email", field="email")
    if principal.verified_email is None:
        raise UnprocessableError(
            "your email address is not verified, so it cannot carry email preferences; "
            "ask an administrator to verify it",
            field="email",
        )
    return principal.verified_email.lower()
