"""The one definition of which services RTW has, and where each listens by default. The dev stack,
the tests, the audit verifier and the CI derive their lists from here (add a service here first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceDef:
    name: str
    port: int

    @property
    def package(self) -> str:
        return f"rtw_{self.name}"

    @property
    def env_prefix(self) -> str:
        return f"RTW_{self.name.upper()}_"


SERVICE_DEFS = (
    ServiceDef("intake", 8101),
    ServiceDef("workplan", 8102),
    ServiceDef("employer", 8103),
    ServiceDef("notify", 8104),
)
SERVICE_NAMES = tuple(defn.name for defn in SERVICE_DEFS)
