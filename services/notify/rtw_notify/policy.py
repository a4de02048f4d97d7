"""Whose notification is whose — notify's one place for authorization.

Every authenticated caller has an inbox, whatever their role. A notification is the caller's when
it is addressed to them personally, or to their organisation in a role they hold. Anyone else's
notification is reported as not found (404), so its existence is not revealed."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from rtw_shared.auth import Principal

from .notifications.models import Notification


def inbox_filter(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition selecting exactly the caller's notifications."""
    personal = Notification.recipient_user_id == principal.subject
    if not principal.roles:
        return personal
    to_org_role = and_(Notification.recipient_org_id == principal.org_id,
                       Notification.recipient_role.in_(sorted(principal.roles)))
    return or_(personal, to_org_role)


def is_recipient(principal: Principal, notification: Notification) -> bool:
    """The same rule as `inbox_filter`, for one loaded notification."""
    if notification.recipient_user_id is not None and notification.recipient_user_id == principal.subject:
        return True
    return (notification.recipient_org_id is not None and notification.recipient_org_id == principal.org_id
            and notification.recipient_role in principal.roles)
