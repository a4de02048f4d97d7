"""Workplan's FHIR R4 endpoints (docs/fhir.md): the CapabilityStatement, and read and search of CarePlan,
Goal and Observation — for the roles that read plans (therapists, insurers; employers read none: 403)."""

from __future__ import annotations

from rtw_shared.fhir.capability import ResourceSupport
from rtw_shared.fhir.web import metadata_router, resource_router

from .. import policy
from . import service

ABOUT = {
    "CarePlan": "A version of the case's plan: phases' activities and the graduated schedule; replaces the version "
    "it revises.",
    "Goal": "A goal of a plan version: the demand, baseline and target, its Goal Attainment Scaling row and weight.",
    "Observation": "Each treatment session's summary (dosage, pain, Borg CR10), GAS T-scores and COPM ratings.",
}
SUPPORT = [ResourceSupport(name, ABOUT[name]) for name in service.TYPES]

routers = [
    metadata_router(service="workplan", title="RTW workplan FHIR R4 API", resources=SUPPORT),
    *(
        resource_router(
            name, search=service.search(name), read=service.read(name), readers=policy.PLAN_READERS, about=ABOUT[name]
        )
        for name in service.TYPES
    ),
]
