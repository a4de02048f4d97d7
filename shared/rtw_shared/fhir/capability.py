"""A service's CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html): FHIR R4 4.0.1 in
JSON, the resources it serves with the profiles they may claim, read and search by `patient` or
`subject`, its operations, and how a client authenticates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .resources import Resource, instant

FHIR_VERSION = "4.0.1"
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
SEARCH_PARAMETERS = (
    ("patient", "reference", "the case (the worker as known in one case): Patient/<case id> or the id"),
    ("subject", "reference", "the same as patient: Patient/<case id> or the id"),
    ("_id", "token", "the resource's id (several: comma-separated)"),
    ("_count", "number", "resources per page (default 50, at most 200)"),
)


@dataclass(frozen=True)
class ResourceSupport:
    """One resource type a service serves."""

    type: str
    documentation: str
    supported_profiles: tuple[str, ...] = ()
    # (name, canonical OperationDefinition), at the type and instance level (Patient/$everything).
    operations: tuple[tuple[str, str], ...] = ()


def capability_statement(
    *, service: str, title: str, url: str, resources: list[ResourceSupport], published: datetime
) -> Resource:
    """What the service at `url` (its FHIR base) serves."""
    return {
        "resourceType": "CapabilityStatement",
        "id": f"rtw-{service}",
        "meta": {"lastUpdated": instant(published)},
        "url": f"{url}/metadata",
        "name": f"Rtw{service.capitalize()}",
        "title": title,
        "status": "active",
        "experimental": False,
        "date": instant(published),
        "publisher": "RTW",
        "description": f"{title}: the resources RTW's {service} service owns, read and searched by the case.",
        "kind": "instance",
        "software": {"name": f"RTW {service}"},
        "implementation": {"description": title, "url": url},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read by id; search by patient or subject (the case id). Unknown search "
                "parameters are refused (400, OperationOutcome). See docs/fhir.md.",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ],
                            "text": "A Keycloak access token (audience rtw-api) as a bearer token",
                        }
                    ],
                    "description": "Authorization: Bearer <token>. The caller's role and organisation decide what "
                    "each resource shows, as for the JSON API.",
                },
                "resource": [_resource(r) for r in resources],
            }
        ],
    }


def _resource(support: ResourceSupport) -> dict[str, Any]:
    found: dict[str, Any] = {"type": support.type, "documentation": support.documentation}
    if support.supported_profiles:
        found["supportedProfile"] = list(support.supported_profiles)
    found["interaction"] = [{"code": "read"}, {"code": "search-type"}]
    found["searchParam"] = [
        {"name": name, "type": kind, "documentation": text} for name, kind, text in SEARCH_PARAMETERS
    ]
    if support.operations:
        found["operation"] = [{"name": name, "definition": definition} for name, definition in support.operations]
    return found
