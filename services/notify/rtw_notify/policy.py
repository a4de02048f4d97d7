"""Whose notification is whose — notify's one place for authorization.

Every authenticated caller has an inbox, whatever their role. A notification is the caller's when
it is addressed to them personally, or to their organisation in a role they hold — AND the caller
may see the case it is about, as the shared consent decision says (rtw_shared.access, on notify's
case copy): a therapist their clinic's cases, an employer its own, an insurer its own only while
the worker shares the case's status with it. So a withdrawn consent hides the insurer's
notifications of that case, and re-granting it shows them again. Anyone else's notification is
reported as not found (404), so its existence is not revealed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal

from .cases.models import CaseCopy
from .notifications.models import Notification

# The part of a case a notification reveals: that it exists, its reference and what happened to it.
NOTIFICATION_PART = Part.CASE


def addressed_to(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition selecting the notifications addressed to the caller."""
    personal = Notification.recipient_user_id == principal.subject
    if not principal.roles:
        return personal
    to_org_role = and_(
        Notification.recipient_org_id == principal.org_id, Notification.recipient_role.in_(sorted(principal.roles))
    )
    return or_(personal, to_org_role)


def case_visible(principal: Principal) -> ColumnElement[bool]:
    """`access.may_see(principal, case, NOTIFICATION_PART)` as SQL over `CaseCopy`, so a page is
    filtered in the query; the service still asks `access.visible` for every row it returns."""
    return access.sql_condition(principal, CaseCopy, NOTIFICATION_PART)


def inbox_filter(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition selecting exactly the caller's notifications (joined with their case copies)."""
    return and_(addressed_to(principal), case_visible(principal))


def is_recipient(principal: Principal, notification: Notification) -> bool:
    """The same rule as `addressed_to`, for one loaded notification."""
    if notification.recipient_user_id is not None and notification.recipient_user_id == principal.subject:
        return True
    return (
        notification.recipient_org_id is not None
        and notification.recipient_org_id == principal.org_id
        and notification.recipient_role in principal.roles
    )


def may_read(principal: Principal, notification: Notification, case: CaseCopy | None) -> bool:
    """Whether the caller may see this notification; when so, its case is noted for the audit row."""
    return is_recipient(principal, notification) and access.visible(principal, case, NOTIFICATION_PART)
