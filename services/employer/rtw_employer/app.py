"""Employer's API and portal: `uvicorn rtw_employer.app:create_app --factory --port 8103`."""

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from rtw_shared.clock import Clock
from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .accommodations.router import router as accommodations_router
from .fhir.router import routers as fhir_routers
from .portal.middleware import PortalMiddleware
from .portal.oidc import KeycloakPortalClient
from .portal.router import router as portal_router
from .settings import EmployerSettings

STATIC = Path(__file__).parent / "portal" / "static"


def create_app(settings: EmployerSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or EmployerSettings()

    def start_portal(app: FastAPI) -> None:
        app.state.portal_oidc = KeycloakPortalClient(settings)

    app = create_service_app(
        settings,
        clock=clock,
        title="RTW employer",
        routers=[accommodations_router, portal_router, *fhir_routers],
        description="Accommodation requests: the employer's view, and its decision on each. "
        "People use the portal at /portal (docs/portal.md); the requests as HL7 FHIR R4 Tasks (docs/fhir.md).",
        on_startup=start_portal,
    )
    app.mount("/portal/static", StaticFiles(directory=STATIC), name="portal_static")
    # Sign-out posts to the portal, which redirects to Keycloak: the form's target must allow it.
    issuer = urlsplit(settings.keycloak_issuer)
    app.add_middleware(PortalMiddleware, form_targets=f"{issuer.scheme}://{issuer.netloc}")
    return app
