"""Who may do what to which case — intake's one place for authorization.

Role decides the action (403 when wrong). Which case, and which part of it, the caller's
organisation may see is the shared decision's (rtw_shared.access): a case the caller may not see
is reported as not found (404), so its existence is not revealed.

It sits beneath every concept package and imports none of them: it decides on any case with the
attributes rtw_shared.access reads (`access.CaseParties`), and each role's read model is chosen by
the views (cases.views)."""

from __future__ import annotations

from typing import TypeVar

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError
from rtw_shared.role_view import Field, fields_of_role

# The timeline says what happened (holds and their reasons, assessments taken, consents changed):
# the people following the claim read it, the employer does not.
TIMELINE_READERS = frozenset({"therapist", "insurer"})

CaseT = TypeVar("CaseT")

# Whoever signs in to work on cases (an operator too) may read the directory's ids and names.
DIRECTORY_READERS = frozenset({"therapist", "employer", "insurer", "admin"})


def require_case_reader(principal: Principal) -> None:
    """403 unless the caller's role reads cases at all (each reading role has its read model)."""
    if access.reading_role(principal) is None:
        raise ForbiddenError("your role does not read cases")


def require_part_reader(principal: Principal, part: Part, *, what: str) -> None:
    """403 unless the caller's role may see `part` of some case (access.PARTS_OF_ROLE)."""
    if not any(part in access.PARTS_OF_ROLE.get(role, ()) for role in principal.roles):
        raise ForbiddenError(f"your role does not read {what}")


def require_timeline_reader(principal: Principal) -> None:
    """403 unless the caller's role reads case timelines."""
    if not principal.has_role(*TIMELINE_READERS):
        raise ForbiddenError("only therapists and insurers read a case's timeline")


def require_directory_reader(principal: Principal) -> None:
    """403 unless the caller holds one of RTW's roles (the directory holds organisations, no people)."""
    if not principal.has_role(*DIRECTORY_READERS):
        raise ForbiddenError("only RTW's therapists, employers, insurers and administrators read the directory")


def require_claim_reader(principal: Principal) -> None:
    """403 unless the caller's role reads claim numbers (role view): a filter on one is an oracle otherwise."""
    role = access.reading_role(principal)
    if role is None or Field.CLAIM_NUMBER not in fields_of_role(role):
        raise ForbiddenError("your role does not read claim numbers, so it cannot look cases up by one")


def require_case(principal: Principal, case: CaseT | None, part: Part = Part.CASE, *, what: str) -> CaseT:
    """`case` if the caller may see `part` of it (and noted for the audit row); 404 naming `what` otherwise."""
    access.require(principal, case, part, what=what)
    assert case is not None  # access.require refuses a case it does not know
    return case


def shown_in_list(principal: Principal, cases: list[CaseT]) -> list[CaseT]:
    """The cases of a page the caller may see, each noted for the audit row."""
    return [case for case in cases if access.visible(principal, case, Part.CASE)]
