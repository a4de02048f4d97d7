"""The one definition of which services RTW has, where each listens by default, and whom it mostly
serves. The dev stack, the tests, the audit verifier, the Docker image and the CI derive their lists
from here (add a service here first: CONTRIBUTING.md, "A new service"); the files that must name each
service themselves are checked against it (tests/quality/test_service_lists.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceDef:
    name: str
    port: int
    # The role whose requests it mostly serves: its OpenAPI is fuzzed with that role's token
    # (tests/contract/test_openapi_fuzz.py).
    main_role: str

    @property
    def package(self) -> str:
        return f"rtw_{self.name}"

    @property
    def env_prefix(self) -> str:
        return f"RTW_{self.name.upper()}_"


SERVICE_DEFS = (
    ServiceDef("intake", 8101, main_role="therapist"),
    ServiceDef("workplan", 8102, main_role="therapist"),
    ServiceDef("employer", 8103, main_role="employer"),
    ServiceDef("notify", 8104, main_role="employer"),
)
SERVICE_NAMES = tuple(defn.name for defn in SERVICE_DEFS)
