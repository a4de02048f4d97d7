"""The vocabularies services share, because their events carry them (docs/domain/cases.md) or the
therapist's workspace offers them in its forms: one scale of physical demands for jobs, capacities and
restrictions, so they can be compared mechanically; the Job Accommodation Network categories; the kinds
of duties in a schedule; a case's statuses, DOT strength levels and body parts."""

from __future__ import annotations

from typing import Literal

Demand = Literal[
    "lift_floor_waist",
    "lift_waist_shoulder",
    "lift_overhead",
    "carry",
    "push",
    "pull",
    "sit",
    "stand",
    "walk",
    "climb_stairs",
    "climb_ladder",
    "stoop",
    "crouch",
    "kneel",
    "crawl",
    "reach_overhead",
    "reach_forward",
    "grip",
    "fine_manipulation",
    "gross_manipulation",
    "keyboarding",
    "drive",
]
Frequency = Literal["never", "occasional", "frequent", "constant"]
AccommodationCategory = Literal[
    "schedule_modification",
    "modified_duties",
    "ergonomic_equipment",
    "job_restructuring",
    "assistive_technology",
    "remote_work",
    "rest_breaks",
    "reassignment",
    "other",
]
Duties = Literal["modified", "full"]
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
