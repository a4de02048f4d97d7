"""What every service's FHIR R4 API shares (docs/fhir.md): the code systems and units, the resources'
common parts, searchset Bundles and their pages, the CapabilityStatement, the routes and their
parameters, and the client `$everything` gathers the other services' resources with.

Each service maps the resources it owns in a `fhir/` package of its own, from the caller's role view
(rtw_shared.role_view) and nothing else, exactly as its JSON read models are."""
