"""Optimistic concurrency, the same in every service: a resource that can change carries an integer
`version`; reads and writes answer `ETag: "<version>"`; a write that sends `If-Match` with an older
version is refused with 412 (RFC 9110 §13.1.1). `If-Match` stays optional, as the public contract's
examples send none; every client the project ships sends it.

    @router.put("/{id}")
    def replace(..., response: Response, if_match: IfMatch = None):
        thing = service.replace(..., if_match=if_match)   # the service calls check_if_match under its row lock
        set_etag(response, thing.version)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from .errors import PreconditionFailedError, UnprocessableError

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=200, description='The ETag a read returned, e.g. "3"; 412 when stale'),
]


def etag(version: int) -> str:
    """The strong ETag of a resource at `version`."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Answer the resource's version as its ETag."""
    response.headers["ETag"] = etag(version)


def offered_versions(if_match: str) -> set[int] | None:
    """The versions an If-Match header names; None for `*` (any version). 422 for a malformed value."""
    if if_match.strip() == "*":
        return None
    versions = set()
    for tag in if_match.split(","):
        value = tag.strip().removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) > 18:
            raise UnprocessableError('If-Match: give the ETag a read returned, e.g. "3"', field="If-Match")
        versions.add(int(value))
    return versions


def check_if_match(if_match: str | None, current_version: int, *, what: str) -> None:
    """412 when `if_match` names only versions other than `current_version`; nothing when absent."""
    if if_match is None:
        return
    offered = offered_versions(if_match)
    if offered is not None and current_version not in offered:
        raise PreconditionFailedError(
            f"{what} is at version {current_version}; you sent If-Match {if_match.strip()}. "
            "Someone changed it since you read it: reload it and try again.",
            headers={"ETag": etag(current_version)},
        )
