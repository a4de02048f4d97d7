"""The accommodation request as HL7 FHIR R4 (docs/fhir.md): a Task per request, its status following the
request's, what it asks (accommodations, restrictions, the graduated schedule) as its input and the
employer's answer as its output — each rendered from the caller's role view of the case."""
