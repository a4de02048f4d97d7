"""The vocabularies services share, because their events carry them (docs/domain/cases.md):
one scale of physical demands for jobs, capacities and restrictions, so they can be compared
mechanically; the Job Accommodation Network categories; the kinds of duties in a schedule."""

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
