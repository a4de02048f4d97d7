"""The plan as HL7 FHIR R4 (docs/fhir.md): a CarePlan per plan version (its phases' activities and the
graduated schedule as activities, `replaces` the version it revises), the goals (Goal, with their Goal
Attainment Scaling rows and weights), and Observations of each session, GAS T-score and COPM — each
rendered from the caller's role view of the case."""
