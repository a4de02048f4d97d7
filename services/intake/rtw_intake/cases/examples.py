"""Request bodies shown in /docs and /redoc for the case endpoints: valid as written (a test posts each)."""

from __future__ import annotations

from fastapi.openapi.models import Example

CREATE_CASE: dict[str, Example] = {
    "warehouse_back_injury": {
        "summary": "A warehouse associate's back injury",
        "description": "Referred by the insurer; the worker consents to both kinds of sharing.",
        "value": {
            "worker": {
                "given_name": "Maria",
                "family_name": "Lopez",
                "date_of_birth": "1984-03-02",
                "contact": {"email": "maria.lopez@example.org", "phone": "+1 555 0100"},
                "preferred_language": "es-US",
            },
            "claim": {
                "claim_number": "WC-2026-0042",
                "insurer_org_id": "northwind",
                "injury_date": "2026-10-14",
                "mechanism": "lifting a box from the floor",
                "body_parts": ["lumbar_spine"],
                "diagnosis_codes": ["S39.012A"],
            },
            "employment": {
                "employer_org_id": "acme",
                "job_title": "Warehouse associate",
                "onet_soc_code": "53-7065.00",
                "dot_strength_level": "medium",
                "hours_per_day": 8,
                "days_per_week": 5,
                "essential_functions": [
                    {
                        "name": "Stock shelves",
                        "demands": [
                            {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 20},
                            {"demand": "stand", "frequency": "constant", "duration_min": 120},
                        ],
                    }
                ],
            },
            "referral": {"source": "Northwind claims adjuster", "date": "2026-10-20"},
            "consents": {"share_restrictions_with_employer": True, "share_status_with_insurer": True},
            "restrictions": [
                {
                    "demand": "lift_floor_waist",
                    "frequency": "occasional",
                    "load_kg": 10,
                    "start": "2026-10-21",
                    "review_date": "2026-11-18",
                }
            ],
        },
    }
}
