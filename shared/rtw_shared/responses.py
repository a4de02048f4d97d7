"""An answer rendered once: the read model straight to JSON bytes.

An endpoint that returns a Pydantic model has FastAPI validate it again against `response_model` and
then serialize it, and for a sync endpoint that validation runs on a worker thread of its own (a second
hop to a thread and back). A hot endpoint (make bench: create, status) returns `model_response(view)`
instead and keeps `response_model=` for its OpenAPI document: the view was built by validation already."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import Response
from pydantic import BaseModel

JSON = "application/json"


def model_response(model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """`model` as the JSON answer (as FastAPI would render it: by alias, nothing left out)."""
    return Response(model.model_dump_json(by_alias=True), status_code=status_code, headers=headers, media_type=JSON)
