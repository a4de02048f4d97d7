"""HTTP endpoints for an organisation's email contacts and each person's email preferences: thin."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from rtw_shared.auth import CurrentPrincipal, Principal, require_role
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from ..policy import MANAGING_ROLES
from . import service
from .schemas import ContactCreate, ContactList, ContactRead, PreferencesRead, PreferencesUpdate

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])
preferences_router = APIRouter(prefix="/v1/email-preferences", tags=["email preferences"])
Manager = Annotated[Principal, Depends(require_role(*MANAGING_ROLES))]


@router.post("", status_code=201, response_model=ContactRead)
def add_contact(body: ContactCreate, principal: Manager, uow: UowDep, response: Response) -> ContactRead:
    """Add an address your organisation's emails go to (requests, reminders, disabled webhooks). An
    administrator names the organisation and only proposes: nothing is emailed until it confirms."""
    contact = service.add_contact(uow=uow, principal=principal, body=body)
    set_etag(response, contact.version)
    return ContactRead.model_validate(contact)


@router.post("/{contact_id}/confirm", response_model=ContactRead)
def confirm_contact(
    contact_id: uuid.UUID, principal: Manager, uow: UowDep, response: Response, if_match: IfMatch = None
) -> ContactRead:
    """Take on a contact an administrator proposed for your organisation: from now on it is emailed
    (administrators: 403)."""
    contact = service.confirm_contact(uow=uow, principal=principal, contact_id=contact_id, if_match=if_match)
    set_etag(response, contact.version)
    return ContactRead.model_validate(contact)


@router.get("", response_model=ContactList)
def list_contacts(
    principal: Manager,
    uow: UowDep,
    org_id: Annotated[str | None, Query(max_length=64, description="Administrators: one organisation's only")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ContactList:
    """Your organisation's contacts (administrators: every organisation's), oldest first."""
    rows, next_cursor = service.list_contacts(uow=uow, principal=principal, org_id=org_id, cursor=cursor, limit=limit)
    return ContactList(items=[ContactRead.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.delete("/{contact_id}", status_code=204)
def remove_contact(contact_id: uuid.UUID, principal: Manager, uow: UowDep) -> Response:
    """Stop emailing a contact."""
    service.remove_contact(uow=uow, principal=principal, contact_id=contact_id)
    return Response(status_code=204)


@preferences_router.get("", response_model=PreferencesRead)
def get_email_preferences(principal: CurrentPrincipal, uow: UowDep, response: Response) -> PreferencesRead:
    """Which kinds of email you turned off (every role has preferences)."""
    view = service.preferences(uow=uow, principal=principal)
    set_etag(response, view.version)
    return view


@preferences_router.put("", response_model=PreferencesRead)
def set_email_preferences(
    body: PreferencesUpdate, principal: CurrentPrincipal, uow: UowDep, response: Response, if_match: IfMatch = None
) -> PreferencesRead:
    """Turn kinds of email off (those not listed are on). Applies to every email sent to your address."""
    view = service.set_preferences(uow=uow, principal=principal, body=body, if_match=if_match)
    set_etag(response, view.version)
    return view
