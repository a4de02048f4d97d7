"""Who may read the audit log — the audit package's one place for that decision.

product.md, "Who may see what": an administrator reads all of it, a therapist only their own
actions, employers and insurers nothing."""

from __future__ import annotations

from dataclasses import dataclass

from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError


@dataclass(frozen=True)
class AuditScope:
    """The rows a caller may read: every row (subject None) or only those of one subject."""

    subject: str | None

    @property
    def whole_log(self) -> bool:
        return self.subject is None


def audit_scope(principal: Principal) -> AuditScope:
    """The part of the audit log the caller may read (403 for roles that read none of it)."""
    if principal.has_role("admin"):
        return AuditScope(subject=None)
    if principal.has_role("therapist"):
        return AuditScope(subject=principal.subject)
    raise ForbiddenError("only administrators and therapists read the audit log")
