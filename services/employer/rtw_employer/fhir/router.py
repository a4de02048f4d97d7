"""Employer's FHIR R4 endpoints (docs/fhir.md): the CapabilityStatement, and read and search of Task — the
accommodation requests, for the roles that read them (each in its role's view)."""

from __future__ import annotations

from rtw_shared.fhir.capability import ResourceSupport
from rtw_shared.fhir.web import metadata_router, resource_router

from .. import policy
from . import service

ABOUT = "An accommodation request: its status, due date, what it asks of the workplace and the employer's answer."

routers = [
    metadata_router(service="employer", title="RTW employer FHIR R4 API", resources=[ResourceSupport("Task", ABOUT)]),
    resource_router("Task", search=service.tasks_of_case, read=service.task, readers=policy.READERS, about=ABOUT),
]
