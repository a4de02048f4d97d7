"""The baseline the intake API is measured against: a bare FastAPI + SQLAlchemy app with the same HTTP
shape (`POST /v1/cases` with the journey's case body, `GET /v1/cases/{id}/status`), sync endpoints,
the same pool size as the services, and one statement per request — one INSERT, or one SELECT by id —
into a table of its own in a scratch database. No token check, no audit, no events, no pool pings: what
FastAPI and SQLAlchemy cost on their own. `make bench` runs it with the intake API's uvicorn argv.

    BARE_DATABASE_URL=postgresql+psycopg://… BARE_POOL_SIZE=10 uvicorn bare_app:create_app --factory
"""

from __future__ import annotations

import json
import os
import uuid

from fastapi import FastAPI, HTTPException
from sqlalchemy import create_engine, text

from rtw_shared.heap import settle_after_start
from rtw_shared.web import NO_OPENTELEMETRY

TABLE = """
CREATE TABLE IF NOT EXISTS bare_cases (
    id uuid PRIMARY KEY,
    status varchar(32) NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""
INSERT = text("INSERT INTO bare_cases (id, status, body) VALUES (:id, 'referred', CAST(:body AS jsonb))")
SELECT = text("SELECT id, status, created_at FROM bare_cases WHERE id = :id")


def create_app() -> FastAPI:
    """The app on `BARE_DATABASE_URL`, pool of `BARE_POOL_SIZE` (+ as many overflow, like the services)."""
    pool_size = int(os.environ.get("BARE_POOL_SIZE", "10"))
    engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=pool_size, max_overflow=pool_size)
    app = FastAPI(title="bare baseline", telemetry=NO_OPENTELEMETRY)

    @app.post("/v1/cases", status_code=201)
    def create_case(body: dict) -> dict:
        case_id = uuid.uuid4()
        with engine.begin() as conn:
            conn.execute(INSERT, {"id": case_id, "body": json.dumps(body)})
        return {"id": str(case_id), "status": "referred", **body}

    @app.get("/v1/cases/{case_id}/status")
    def case_status(case_id: uuid.UUID) -> dict:
        with engine.connect() as conn:
            row = conn.execute(SELECT, {"id": case_id}).first()
        if row is None:
            raise HTTPException(status_code=404)
        return {"case_id": str(row.id), "status": row.status, "updated_at": row.created_at.isoformat()}

    @app.get("/readyz")
    def readyz() -> dict:
        return {"status": "ready"}

    settle_after_start()  # the services' collector settings (rtw_shared.heap): the same runtime
    return app
