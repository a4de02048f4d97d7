"""Whose notification is whose, and who manages an organisation's webhooks and contacts —
notify's one place for authorization.

Every authenticated caller has an inbox, whatever their role. A notification is the caller's when
it is addressed to them personally, or to their organisation in a role they hold — AND the caller
may see the part of the case it tells of, as the shared consent decision says (rtw_shared.access,
on notify's case copy): a therapist their clinic's cases, an employer its own (what a schedule
week looks like only while the worker shares their restrictions with it), an insurer its own only
while the worker shares the case's status with it. So a withdrawn consent hides the notifications
it covered, and re-granting it shows them again. Anyone else's notification is reported as not
found (404), so its existence is not revealed.

It sits beneath every concept package and imports none of them: its SQL conditions take the
columns they filter (`notifications`: the notifications table's `.c`; `cases`: the
case copy's), as rtw_shared.access.sql_condition does, and its decisions on one row read that
row's attributes."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError, UnprocessableError

# The inbox's SQL conditions filter on the notifications table's columns (`Notification.__table__.c`).
NotificationColumns = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]


class NotificationLike(Protocol):
    """What the decisions on one loaded notification read (a notifications.models.Notification)."""

    @property
    def recipient_user_id(self) -> str | None: ...
    @property
    def recipient_org_id(self) -> str | None: ...
    @property
    def recipient_role(self) -> str | None: ...
    @property
    def case_id(self) -> uuid.UUID | None: ...
    @property
    def part(self) -> str: ...


def addressed_to(principal: Principal, notifications: NotificationColumns) -> ColumnElement[bool]:
    """The SQL condition selecting the notifications addressed to the caller."""
    personal = notifications.recipient_user_id == principal.subject
    if not principal.roles:
        return personal
    to_org_role = and_(
        notifications.recipient_org_id == principal.org_id, notifications.recipient_role.in_(sorted(principal.roles))
    )
    return or_(personal, to_org_role)


def case_visible(principal: Principal, notifications: NotificationColumns, cases: object) -> ColumnElement[bool]:
    """`access.may_see(principal, case, notification.part)` as SQL over the case copies and the
    notifications, so a page is filtered in the query; the service still asks `access.visible` for
    every row it returns."""
    return or_(*(and_(notifications.part == part.value, access.sql_condition(principal, cases, part)) for part in Part))


def inbox_filter(principal: Principal, notifications: NotificationColumns, cases: object) -> ColumnElement[bool]:
    """The SQL condition selecting exactly the caller's notifications (outer-joined with their case
    copies): about a part of a case they may see, or about no case at all (their organisation's webhook)."""
    return and_(
        addressed_to(principal, notifications),
        or_(notifications.case_id.is_(None), case_visible(principal, notifications, cases)),
    )


def is_recipient(principal: Principal, notification: NotificationLike) -> bool:
    """The same rule as `addressed_to`, for one loaded notification."""
    if notification.recipient_user_id is not None and notification.recipient_user_id == principal.subject:
        return True
    return (
        notification.recipient_org_id is not None
        and notification.recipient_org_id == principal.org_id
        and notification.recipient_role in principal.roles
    )


def may_read(principal: Principal, notification: NotificationLike, case: object | None) -> bool:
    """Whether the caller may see this notification; when so, its case is noted for the audit row."""
    if not is_recipient(principal, notification):
        return False
    return notification.case_id is None or access.visible(principal, case, Part(notification.part))


# --- webhooks and contacts: an organisation's own settings ---------------------------------------
# Insurers and employers manage their own organisation's. An administrator sees everyone's (their
# health, never case data) but what they create for an organisation is only a proposal, which
# receives nothing until one of the organisation's people confirms it: an operator helps an
# organisation set up a receiver or a contact without being able to become one (docs/webhooks.md).
ORG_ROLES = ("insurer", "employer")
MANAGING_ROLES = (*ORG_ROLES, "admin")


def managed_org(principal: Principal, org_id: str | None, org_role: str | None) -> tuple[str, str]:
    """The (organisation, role) a caller acts for: their own, or — for an administrator — the one named."""
    if principal.has_role("admin"):
        if not org_id or not org_role:
            raise UnprocessableError(
                "org_id and org_role: an administrator names whose setting this is", field="org_id"
            )
        return org_id, org_role
    role = next(r for r in ORG_ROLES if r in principal.roles)
    if (org_id and org_id != principal.org_id) or (org_role and org_role != role):
        raise ForbiddenError("you may manage your own organisation's settings only; leave org_id and org_role out")
    return principal.org_id, role


def only_proposes(principal: Principal) -> bool:
    """Whether what the caller creates for an organisation waits for that organisation's confirmation."""
    return principal.has_role("admin")


def listed_org(principal: Principal, org_id: str | None) -> str | None:
    """Whose settings a list shows: the caller's organisation's; an administrator's choice (None: all)."""
    return org_id if principal.has_role("admin") else principal.org_id


def manages(principal: Principal, org_id: str) -> bool:
    """Whether the caller manages `org_id`'s settings (otherwise they are not found)."""
    return principal.has_role("admin") or member_of(principal, org_id)


def member_of(principal: Principal, org_id: str, org_role: str | None = None) -> bool:
    """Whether the caller is one of `org_id`'s people (in `org_role`, when named)."""
    roles = (org_role,) if org_role else ORG_ROLES
    return principal.org_id == org_id and principal.has_role(*roles)


def require_member(principal: Principal, org_id: str, org_role: str | None = None, *, what: str) -> None:
    """403 for an administrator (only the organisation's people, in `org_role` when named, may `what`);
    callers of other organisations never saw the setting (checked before: 404)."""
    if not member_of(principal, org_id, org_role):
        raise ForbiddenError(f"only {org_id}'s own people may {what}; ask one of them to")


def contact_org(principal: Principal, org_id: str | None) -> str:
    """The organisation whose contacts a caller adds to: their own, or — for an administrator — the one named."""
    if principal.has_role("admin"):
        if not org_id:
            raise UnprocessableError("org_id: an administrator names whose contact this is", field="org_id")
        return org_id
    if org_id and org_id != principal.org_id:
        raise ForbiddenError("you may manage your own organisation's contacts only; leave org_id out")
    return principal.org_id
