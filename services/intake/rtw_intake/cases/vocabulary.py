"""The controlled vocabularies of a case (docs/domain/cases.md). The demand scale and its
frequencies are shared with the other services (rtw_shared.vocabulary)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from rtw_shared.vocabulary import Demand, Frequency

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

StrengthLevel = Literal["sedentary", "light", "medium", "heavy", "very_heavy"]
CaseStatus = Literal[
    "referred", "assessing", "plan_active", "modified_duty", "full_duty", "closed", "on_hold", "withdrawn"
]
BodyPart = Literal[
    "head",
    "neck",
    "cervical_spine",
    "thoracic_spine",
    "lumbar_spine",
    "sacrum_coccyx",
    "chest",
    "abdomen",
    "pelvis",
    "shoulder_left",
    "shoulder_right",
    "upper_arm_left",
    "upper_arm_right",
    "elbow_left",
    "elbow_right",
    "forearm_left",
    "forearm_right",
    "wrist_left",
    "wrist_right",
    "hand_left",
    "hand_right",
    "fingers_left",
    "fingers_right",
    "hip_left",
    "hip_right",
    "thigh_left",
    "thigh_right",
    "knee_left",
    "knee_right",
    "lower_leg_left",
    "lower_leg_right",
    "ankle_left",
    "ankle_right",
    "foot_left",
    "foot_right",
    "multiple",
]

# ICD-10-CM: a letter (U is reserved), a digit, a digit or A/B, then optionally a dot and one to
# four characters (digits or letters; X is the placeholder). Format only — not a code-set lookup.
Icd10Code = Annotated[str, Field(pattern=r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$", max_length=8)]
OnetSocCode = Annotated[str, Field(pattern=r"^\d{2}-\d{4}\.\d{2}$")]
OrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]

FORCE_DEMANDS = frozenset({"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull"})
