"""Which paths are the public API: `/v1/` (RTW's own JSON) and `/fhir/` (HL7 FHIR R4, docs/fhir.md).
Both are read with a bearer token checked before the body, audited, held to their declared query
parameters, and read-only on a GET; the FHIR CapabilityStatement (`/fhir/R4/metadata`) alone is
public, as FHIR clients read it before they sign in. The one place these prefixes are named."""

from __future__ import annotations

V1_PREFIX = "/v1/"
FHIR_PREFIX = "/fhir/"
FHIR_BASE = "/fhir/R4"
API_PREFIXES = (V1_PREFIX, FHIR_PREFIX)
# Read without a token (no case data): what a FHIR client asks before it signs in.
PUBLIC_PATHS = frozenset({f"{FHIR_BASE}/metadata"})


def is_api(path: str) -> bool:
    """Whether `path` is part of the public API (`/v1/…` or `/fhir/…`)."""
    return path.startswith(API_PREFIXES)


def is_fhir(path: str) -> bool:
    """Whether `path` is part of the FHIR API, whose errors are OperationOutcome resources."""
    return path.startswith(FHIR_PREFIX)


def is_protected(path: str) -> bool:
    """Whether a request to `path` needs a valid bearer token (checked by the gate, then audited)."""
    return is_api(path) and path not in PUBLIC_PATHS
