"""Searchset Bundles and their pages (http://hl7.org/fhir/R4/bundle.html, http://hl7.org/fhir/R4/http.html#paging):
each entry with its absolute `fullUrl` and `search.mode`, `total`, and `self`/`next` links. A page is an
opaque offset into the result (`_page`), its size `_count`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from ..errors import ProblemError, UnprocessableError
from ..pagination import decode_id_cursor, encode_id_cursor
from .resources import Resource, instant

PAGE_KIND = "fhir-page"
PAGE_NOT_LINKED = "not a page this server linked to; follow the Bundle's next link"
DEFAULT_COUNT = 50
MAX_COUNT = 200


def entry(base: str, found: Resource, mode: str = "match") -> dict[str, Any]:
    """A searchset entry: `found` at `base`/Type/id."""
    return {
        "fullUrl": f"{base}/{found['resourceType']}/{found['id']}",
        "resource": found,
        "search": {"mode": mode},
    }


def outcome_entry(outcome: Resource) -> dict[str, Any]:
    """An OperationOutcome carried in a searchset (what went wrong gathering part of it)."""
    return {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": outcome, "search": {"mode": "outcome"}}


def searchset(
    entries: Iterable[dict[str, Any]],
    *,
    timestamp: datetime,
    self_url: str,
    next_url: str | None = None,
    total: int | None = None,
) -> Resource:
    """A searchset Bundle of `entries` (each as `entry` makes it)."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    bundle: Resource = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": instant(timestamp)},
        "type": "searchset",
        "timestamp": instant(timestamp),
    }
    if total is not None:
        bundle["total"] = total
    bundle["link"] = links
    bundle["entry"] = list(entries)
    return bundle


def page_offset(token: str | None) -> int:
    """Where the page `token` (`_page`, as a `next` link gave it) starts; 400 for one this API did not give."""
    try:
        return decode_id_cursor(token, PAGE_KIND) or 0
    except UnprocessableError as error:
        raise ProblemError(PAGE_NOT_LINKED, field="_page") from error


def page_token(offset: int) -> str:
    """The `_page` of the page that starts at `offset` (> 0)."""
    return encode_id_cursor(offset, PAGE_KIND)


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` (without its query) with `params`."""
    return f"{url}?{urlencode(params)}" if params else url


def streamed(bundle: Resource, entries: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`bundle` (without entries) as JSON, then each of `entries` as it comes: a Bundle written while it is
    gathered, so the first bytes leave before the last resource is read."""
    head = json.dumps({**bundle, "entry": []}, separators=(",", ":"))
    yield head[: -len("[]}")].encode() + b"["
    for index, item in enumerate(entries):
        yield (b"," if index else b"") + json.dumps(item, separators=(",", ":")).encode()
    yield b"]}"
