"""The controlled vocabularies of a case (docs/domain/cases.md). The demand scale and its frequencies,
the statuses, strength levels and body parts are shared with the other services (rtw_shared.vocabulary:
the therapist's workspace offers them in its forms)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from rtw_shared.vocabulary import BodyPart, CaseStatus, Demand, Frequency, StrengthLevel

__all__ = [
    "FORCE_DEMANDS",
    "BodyPart",
    "CaseStatus",
    "Demand",
    "Frequency",
    "Icd10Code",
    "OnetSocCode",
    "OrgId",
    "StrengthLevel",
]

# ICD-10-CM: a letter (U is reserved), a digit, a digit or A/B, then optionally a dot and one to
# four characters (digits or letters; X is the placeholder). Format only — not a code-set lookup.
Icd10Code = Annotated[str, Field(pattern=r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$", max_length=8)]
OnetSocCode = Annotated[str, Field(pattern=r"^\d{2}-\d{4}\.\d{2}$")]
OrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]

FORCE_DEMANDS = frozenset({"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull"})
