"""How `Patient/$everything` gathers what the other services hold of a case: from their FHIR APIs, with
the caller's own token (so each service decides, and audits, what the caller may see). Each peer's
CapabilityStatement says which resource types it serves; each is searched by `patient`, following the
`next` links. A type the caller's role does not read (403) adds nothing; a peer that cannot answer adds an
OperationOutcome (search mode `outcome`) saying so, rather than failing what was gathered already."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import structlog

from ..api_paths import FHIR_BASE
from ..outcome import operation_outcome
from .bundle import MAX_COUNT, outcome_entry

log = structlog.get_logger("rtw.fhir")
TIMEOUT_SECONDS = 10.0
MAX_PAGES = 100  # a safety net: a case's resources of one type fill far fewer


class PeerUnavailableError(Exception):
    """A peer did not answer as a FHIR server should."""


class FhirPeers:
    """The other services' FHIR APIs (their base URLs, e.g. http://127.0.0.1:8102)."""

    def __init__(self, urls: dict[str, str], *, timeout: float = TIMEOUT_SECONDS):
        self.urls = {name: url.rstrip("/") + FHIR_BASE for name, url in urls.items()}
        self.timeout = timeout
        self._types: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def entries(
        self, case_id: uuid.UUID, *, authorization: str, correlation_id: str | None
    ) -> Iterator[dict[str, Any]]:
        """Every Bundle entry the peers hold of the case for the caller (whose `Authorization` header is forwarded)."""
        headers = {"Authorization": authorization, "Accept": "application/fhir+json"}
        if correlation_id:
            headers["X-Correlation-ID"] = correlation_id
        with httpx.Client(timeout=self.timeout, headers=headers) as client:
            for name, base in self.urls.items():
                try:
                    for resource_type in self._resource_types(client, base):
                        yield from self._search(client, base, resource_type, case_id)
                except (httpx.HTTPError, PeerUnavailableError, ValueError) as error:
                    log.warning("fhir peer unavailable", peer=name, error=str(error))
                    detail = f"{name}'s resources could not be read ({error}); this Bundle lacks them: ask again"
                    yield outcome_entry(operation_outcome(503, detail, severity="warning"))

    def _resource_types(self, client: httpx.Client, base: str) -> list[str]:
        with self._lock:
            known = self._types.get(base)
        if known is not None:
            return known
        answer = client.get(f"{base}/metadata")
        if answer.status_code != 200:
            raise PeerUnavailableError(f"its CapabilityStatement answered {answer.status_code}")
        rest = answer.json().get("rest", [{}])[0]
        types = [r["type"] for r in rest.get("resource", []) if any(p["name"] == "patient" for p in r["searchParam"])]
        with self._lock:
            self._types[base] = types
        return types

    def _search(
        self, client: httpx.Client, base: str, resource_type: str, case_id: uuid.UUID
    ) -> Iterator[dict[str, Any]]:
        url: str | None = f"{base}/{resource_type}?patient=Patient/{case_id}&_count={MAX_COUNT}"
        for _ in range(MAX_PAGES):
            if url is None:
                return
            answer = client.get(url)
            if answer.status_code == 403:  # the caller's role does not read this type
                return
            if answer.status_code != 200:
                raise PeerUnavailableError(f"{resource_type} search answered {answer.status_code}")
            bundle = answer.json()
            yield from bundle.get("entry", [])
            url = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)
            if url is not None and not url.startswith(base):
                raise PeerUnavailableError(f"{resource_type} search linked to another server: {url}")
