"""The case as HL7 FHIR R4 (docs/fhir.md): the worker as known in one case (Patient, id = case id), the
organisations, the claim (Coverage), the diagnoses (Condition), the job and employment status (ODH
Observations), the assessments (Observations) and the worker's consents (Consent) — each rendered from
the caller's role view of the case; and `Patient/$everything`, which adds what the other services hold."""
