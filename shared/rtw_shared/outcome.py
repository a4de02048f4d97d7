"""FHIR's error format: an `OperationOutcome` (FHIR R4 4.0.1), which the FHIR API answers wherever the
JSON API answers problem+json (rtw_shared.errors picks one by the path). The same status, the same
`detail` as the issue's `diagnostics`, one issue per offending field (`expression`), as FHIR clients read
errors (http://hl7.org/fhir/R4/operationoutcome.html)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FHIR_JSON = "application/fhir+json"
# The media type every FHIR answer carries (http://hl7.org/fhir/R4/http.html#mime-type): the API speaks R4 only.
FHIR_MEDIA_TYPE = FHIR_JSON

# HTTP status → the issue type (http://hl7.org/fhir/R4/valueset-issue-type.html).
ISSUE_CODE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
    429: "throttled",
    503: "transient",
}


def issue_code(status: int) -> str:
    """The OperationOutcome issue type for an HTTP status."""
    return ISSUE_CODE.get(status, "exception" if status >= 500 else "invalid")


def operation_outcome(
    status: int,
    detail: str,
    *,
    errors: Sequence[Mapping[str, object]] = (),
    severity: str = "error",
) -> dict[str, object]:
    """An OperationOutcome saying `detail`; `errors` (each with `field` and `message`): one issue each."""
    code = issue_code(status)
    issues: list[dict[str, object]] = [
        {
            "severity": severity,
            "code": code,
            "diagnostics": f"{_parameter(error.get('field'))}: {error.get('message')}",
            "expression": [_parameter(error.get("field"))],
        }
        for error in errors
        if error.get("field")
    ]
    if not issues:
        issues = [{"severity": severity, "code": code, "diagnostics": detail or "error"}]
    return {"resourceType": "OperationOutcome", "issue": issues}


def _parameter(field: object) -> str:
    """A search parameter or path part as FHIR names it (`query._count` → `_count`)."""
    return str(field).removeprefix("query.").removeprefix("path.")
