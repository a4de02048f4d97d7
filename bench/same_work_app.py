"""The same-work baseline: what intake's create and status read cost when written by hand, in the
fewest round trips — the limit for this design (FastAPI, sync endpoints, psycopg, PostgreSQL) in
Python. `make bench` measures intake beside it at the same number of processes.

It runs on a scratch database migrated with intake's own migrations, so it writes the very rows
intake writes:

- `POST /v1/cases`: the token check (rtw_shared.auth.TokenValidator, as the gate does), then ONE
  pipelined transaction: the claim's advisory lock; the case, inserted only when its insurer and
  employer are in the directory and the insurer has no open case with that claim number (its reference
  from the sequence, in the INSERT); the two consent rows; the timeline entry; the two outbox rows
  (`case.created`, `case.shared_with_employer`, payloads as intake writes them) and NOTIFY; the chain's
  advisory lock and the audit row, its hash computed by PostgreSQL from the canonical JSON
  (rtw_shared.audit.chain: intake's own check verifies the chain); COMMIT. The answer: the case as
  intake's therapist view shows it.
- `GET /v1/cases/{id}/status`: the token check, then ONE pipelined transaction: the case and its
  status row (one SELECT), the chain's lock and the audit row (written only if the caller may see the
  case); COMMIT.

No Pydantic models, no ORM, no middleware, no events as objects: dictionaries and SQL text. The
runtime is the services' (the same server argv, and rtw_shared.heap's garbage collector settings). A refused
create (unknown organisation, a claim already open) is not part of the measured load and is answered
422/409 without the careful path intake takes.

    SAME_WORK_DATABASE_URL=postgresql+psycopg://… SAME_WORK_POOL_SIZE=20 SAME_WORK_KEYCLOAK_URL=… \
        SAME_WORK_KEYCLOAK_ISSUER=… SAME_WORK_TOPIC_PREFIX=… uvicorn same_work_app:create_app --factory
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from fastapi import FastAPI, HTTPException, Request, Response
from sqlalchemy import create_engine

from rtw_shared.audit import chain
from rtw_shared.audit.repository import CHAIN_LOCK_KEY
from rtw_shared.auth import Principal, TokenValidator, bearer_token
from rtw_shared.errors import ProblemError
from rtw_shared.heap import settle_after_start
from rtw_shared.settings import ServiceSettings
from rtw_shared.web import NO_OPENTELEMETRY

LOCK_CLAIM = "SELECT pg_advisory_xact_lock(hashtextextended(%(claim_key)s, 0))"
INSERT_CASE = """
INSERT INTO cases (id, reference, status, clinic_org_id, employer_org_id, insurer_org_id, therapist_id,
    therapist_username, therapist_email, worker, claim, employment, referral, share_restrictions_with_employer,
    share_status_with_insurer, restrictions, dot_strength_level_computed, version)
SELECT %(id)s, 'RTW-' || %(year)s || '-' || lpad(n::text, greatest(6, length(n::text)), '0'), 'referred',
    %(clinic)s, %(employer)s::text, %(insurer)s::text, %(subject)s::text, %(username)s::text, %(email)s,
    %(worker)s, %(claim)s, %(employment)s, %(referral)s, %(share_restrictions)s, %(share_status)s,
    %(restrictions)s, %(strength)s, 1
FROM nextval('case_reference_seq') n
WHERE EXISTS (SELECT 1 FROM organisations WHERE kind = 'insurer' AND id = %(insurer)s::text)
  AND EXISTS (SELECT 1 FROM organisations WHERE kind = 'employer' AND id = %(employer)s::text)
  AND NOT EXISTS (SELECT 1 FROM cases WHERE insurer_org_id = %(insurer)s::text
                  AND claim ->> 'claim_number' = %(claim_number)s::text AND status NOT IN ('closed', 'withdrawn'))
RETURNING reference, created_at, updated_at
"""
INSERT_CONSENTS = """
INSERT INTO case_consents (case_id, consent, granted, changed_by_subject, changed_by_username)
SELECT c.id, v.consent, v.granted, %(subject)s::text, %(username)s::text
FROM cases c, (VALUES ('share_restrictions_with_employer', %(share_restrictions)s::boolean),
                      ('share_status_with_insurer', %(share_status)s::boolean)) v (consent, granted)
WHERE c.id = %(id)s
"""
INSERT_TIMELINE = """
INSERT INTO case_timeline (case_id, kind, summary, actor, data)
SELECT id, 'case.opened', 'Case ' || reference || ' opened (referred)', %(username)s::text, %(note)s
FROM cases WHERE id = %(id)s
"""
# The events' payloads carry the reference, which the INSERT above drew: spliced in by PostgreSQL.
REFERENCE_MARK = "@@reference@@"
INSERT_OUTBOX = """
WITH written AS (
    INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
    SELECT v.event_id::uuid, %(topic)s, c.id::text, v.event_type, v.headers::jsonb,
           replace(v.payload, '@@reference@@', c.reference)
    FROM cases c, (VALUES (%(created_id)s, 'rtw.case.created.v1', %(created_headers)s, %(created)s),
                          (%(shared_id)s, 'rtw.case.shared_with_employer.v1', %(shared_headers)s, %(shared)s))
         v (event_id, event_type, headers, payload)
    WHERE c.id = %(id)s
    RETURNING 1
)
SELECT pg_notify('rtw_outbox', '') FROM (SELECT count(*) FROM written) n
"""
LOCK_CHAIN = f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})"
# The row's hash as rtw_shared.audit.chain computes it: sha256(prev_hash + canonical JSON), the id (drawn
# here, under the lock, so ids follow the chain) spliced into the canonical JSON between its two halves.
INSERT_AUDIT = """
INSERT INTO audit_log (id, at, subject, username, role, org_id, action, method, path, resource_type,
    resource_id, outcome, status_code, case_ids, correlation_id, prev_hash, hash)
SELECT n.id, %(at)s, %(subject)s::text, %(username)s::text, %(role)s, %(org_id)s::text, %(action)s, %(method)s,
    %(path)s, %(resource_type)s, %(resource_id)s, %(outcome)s, %(status_code)s, %(case_ids)s, %(correlation_id)s,
    p.hash, encode(sha256(convert_to(p.hash || %(before_id)s || n.id::text || %(after_id)s, 'UTF8')), 'hex')
FROM (SELECT nextval('audit_log_id_seq') AS id) n,
     (SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), %(genesis)s) AS hash) p
WHERE {visible}
"""
INSERT_AUDIT_CREATED = INSERT_AUDIT.format(visible="EXISTS (SELECT 1 FROM cases WHERE id = %(case_id)s::uuid)")
INSERT_AUDIT_STATUS = INSERT_AUDIT.format(
    visible="EXISTS (SELECT 1 FROM cases WHERE id = %(case_id)s::uuid AND insurer_org_id = %(org_id)s::text "
    "AND share_status_with_insurer)"
)
SELECT_STATUS = """
SELECT c.id, c.reference, c.claim ->> 'claim_number', c.status, c.changed_at, c.insurer_org_id,
       c.share_status_with_insurer, s.plan_status, s.plan_version, s.adherence, s.job_match,
       s.accommodation_status, s.projected_rtw_date, s.projected_readiness_date, s.projected_cost, s.actual_cost
FROM cases c LEFT JOIN case_status s ON s.case_id = c.id WHERE c.id = %(case_id)s::uuid
"""


def audit_params(request: Request, principal: Principal, *, action: str, status: int, case_id: uuid.UUID) -> dict:
    """The audit row's columns and the two halves of its canonical JSON around the id."""
    content: dict[str, Any] = {
        "at": datetime.now(UTC),
        "subject": principal.subject,
        "username": principal.username,
        "role": principal.role,
        "org_id": principal.org_id,
        "action": action,
        "method": request.method,
        "path": request.url.path,
        "resource_type": "case" if "status" in action else "cases",
        "resource_id": str(case_id) if "status" in action else None,
        "outcome": "allowed",
        "status_code": status,
        "case_ids": [str(case_id)],
        "correlation_id": uuid.uuid4().hex,
    }
    hashed = chain.content_of({**content, "id": 0})
    before = {k: v for k, v in hashed.items() if k < "id"}
    after = {k: v for k, v in hashed.items() if k > "id"}
    before_id = chain.canonical(before)[:-1] + ("," if before else "") + '"id":'
    after_id = ("," + chain.canonical(after)[1:]) if after else "}"
    return {**content, "case_id": case_id, "before_id": before_id, "after_id": after_id, "genesis": chain.GENESIS_HASH}


def _snapshot(principal: Principal, body: dict, case_id: uuid.UUID) -> dict:
    consents = body.get("consents") or {}
    return {
        "version": 1,
        "reference": REFERENCE_MARK,
        "status": "referred",
        "clinic_org_id": principal.org_id,
        "employer_org_id": body["employment"]["employer_org_id"],
        "insurer_org_id": body["claim"]["insurer_org_id"],
        "therapist_id": principal.subject,
        "therapist_email": principal.verified_email,
        "consents": {
            "share_restrictions_with_employer": consents.get("share_restrictions_with_employer", True),
            "share_status_with_insurer": consents.get("share_status_with_insurer", True),
        },
        "claim_number": body["claim"]["claim_number"],
    }


def _headers(event_id: str, event_type: str, case_id: uuid.UUID, now: datetime, correlation_id: str) -> str:
    return json.dumps(
        [
            ["ce_specversion", "1.0"],
            ["ce_id", event_id],
            ["ce_type", event_type],
            ["ce_source", "intake"],
            ["ce_time", now.isoformat()],
            ["ce_subject", str(case_id)],
            ["content-type", "application/json"],
            ["correlation_id", correlation_id],
        ]
    )


def create_params(principal: Principal, body: dict, topic_prefix: str) -> dict:
    """Every value the create's statements take."""
    case_id, now = uuid.uuid4(), datetime.now(UTC)
    employment, claim, consents = body["employment"], body["claim"], body.get("consents") or {}
    snapshot = _snapshot(principal, body, case_id)
    demands = [
        {
            "demand": d["demand"],
            "frequency": d["frequency"],
            "load_kg": d.get("load_kg"),
            "duration_min": d.get("duration_min"),
            "essential_function": f["name"],
        }
        for f in employment.get("essential_functions", [])
        for d in f.get("demands", [])
    ]
    created = {
        "case_id": str(case_id),
        "case": snapshot,
        **{k: snapshot[k] for k in ("reference", "status", "clinic_org_id", "employer_org_id", "insurer_org_id")},
        "therapist_id": snapshot["therapist_id"],
        "therapist_email": snapshot["therapist_email"],
        "job": {
            "hours_per_day": employment.get("hours_per_day"),
            "days_per_week": employment.get("days_per_week"),
            "dot_strength_level": employment.get("dot_strength_level"),
            "demands": demands,
        },
    }
    worker = body["worker"]
    shared = {
        "case_id": str(case_id),
        "case": snapshot,
        "employer_org_id": employment["employer_org_id"],
        "worker_name": f"{worker['given_name']} {worker['family_name']}",
        "job_title": employment["job_title"],
    }
    correlation_id = uuid.uuid4().hex
    created_id, shared_id = str(uuid.uuid4()), str(uuid.uuid4())
    strength = employment.get("dot_strength_level")
    return {
        "id": case_id,
        "year": str(now.year),
        "clinic": principal.org_id,
        "employer": employment["employer_org_id"],
        "insurer": claim["insurer_org_id"],
        "claim_number": claim["claim_number"],
        "claim_key": f"claim:{claim['insurer_org_id']}:{claim['claim_number']}",
        "subject": principal.subject,
        "username": principal.username,
        "email": principal.verified_email,
        "worker": json.dumps(worker),
        "claim": json.dumps(claim),
        "employment": json.dumps(employment),
        "referral": json.dumps(body["referral"]) if body.get("referral") else None,
        "share_restrictions": consents.get("share_restrictions_with_employer", True),
        "share_status": consents.get("share_status_with_insurer", True),
        "restrictions": json.dumps(body.get("restrictions") or []),
        "strength": strength,
        "note": json.dumps(
            {
                "dot_strength_level_stated": strength,
                "dot_strength_level_computed": strength,
                "dot_strength_mismatch": False,
            }
        ),
        "topic": topic_prefix + "intake.case.v1",
        "created_id": created_id,
        "created_headers": _headers(created_id, "rtw.case.created.v1", case_id, now, correlation_id),
        "created": json.dumps(created, separators=(",", ":")),
        "shared_id": shared_id,
        "shared_headers": _headers(shared_id, "rtw.case.shared_with_employer.v1", case_id, now, correlation_id),
        "shared": json.dumps(shared, separators=(",", ":")),
    }


def _therapist_view(params: dict, body: dict, returned: tuple) -> dict:
    reference, created_at, updated_at = returned
    return {
        "id": str(params["id"]),
        "reference": reference,
        "status": "referred",
        "status_before_hold": None,
        "clinic_org_id": params["clinic"],
        "employer_org_id": params["employer"],
        "insurer_org_id": params["insurer"],
        "therapist_id": params["subject"],
        "worker": body["worker"],
        "claim": body["claim"],
        "employment": body["employment"],
        "referral": body.get("referral"),
        "consents": {
            "share_restrictions_with_employer": params["share_restrictions"],
            "share_status_with_insurer": params["share_status"],
        },
        "restrictions": body.get("restrictions") or [],
        "dot_strength_level_computed": params["strength"],
        "dot_strength_mismatch": False,
        "allowed_moves": ["assessing", "on_hold", "withdrawn"],
        "version": 1,
        "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
    }


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def create_app() -> FastAPI:
    """The app on `SAME_WORK_DATABASE_URL`, a pool of `SAME_WORK_POOL_SIZE` connections."""
    pool_size = int(os.environ.get("SAME_WORK_POOL_SIZE", "20"))
    topic_prefix = os.environ.get("SAME_WORK_TOPIC_PREFIX", "")
    settings = ServiceSettings(
        keycloak_url=os.environ["SAME_WORK_KEYCLOAK_URL"], keycloak_issuer=os.environ["SAME_WORK_KEYCLOAK_ISSUER"]
    )
    validator = TokenValidator(settings)
    validator.jwks.refresh(force=True)
    # SQLAlchemy's pool (as the services use), handing out the psycopg connections themselves.
    engine = create_engine(os.environ["SAME_WORK_DATABASE_URL"], pool_size=pool_size, max_overflow=pool_size // 2)

    @contextmanager
    def connection() -> Iterator[psycopg.Connection]:
        pooled = engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()

    app = FastAPI(title="same-work baseline", telemetry=NO_OPENTELEMETRY)

    def principal_of(request: Request) -> Principal:
        try:
            return validator.validate(bearer_token(request.headers.get("authorization")))
        except ProblemError as error:
            raise HTTPException(status_code=error.status, detail=error.detail) from error

    @app.post("/v1/cases", status_code=201)
    def create_case(request: Request, body: dict) -> Response:
        principal = principal_of(request)
        params = create_params(principal, body, topic_prefix)
        audit = audit_params(request, principal, action="create_case", status=201, case_id=params["id"])
        with connection() as conn, conn.pipeline(), conn.cursor() as cur:
            cur.execute(LOCK_CLAIM, params)
            cur.execute(INSERT_CASE, params)
            inserted = cur
            cur2 = conn.cursor()
            cur2.execute(INSERT_CONSENTS, params)
            cur2.execute(INSERT_TIMELINE, params)
            cur2.execute(INSERT_OUTBOX, params)
            cur2.execute(LOCK_CHAIN)
            cur2.execute(INSERT_AUDIT_CREATED, audit)
            conn.commit()
            returned = inserted.fetchone()
        if returned is None:
            raise HTTPException(status_code=409, detail="unknown organisation or claim already open")
        view = _therapist_view(params, body, returned)
        return Response(json.dumps(view), status_code=201, media_type="application/json")

    @app.get("/v1/cases/{case_id}/status")
    def case_status(case_id: uuid.UUID, request: Request) -> Response:
        principal = principal_of(request)
        audit = audit_params(request, principal, action="get_case_status", status=200, case_id=case_id)
        with connection() as conn, conn.pipeline(), conn.cursor() as cur:
            cur.execute(SELECT_STATUS, {"case_id": case_id})
            found = cur
            cur2 = conn.cursor()
            cur2.execute(LOCK_CHAIN)
            cur2.execute(INSERT_AUDIT_STATUS, audit)
            conn.commit()
            row = found.fetchone()
        if row is None or row[5] != principal.org_id or not row[6]:
            raise HTTPException(status_code=404)
        view = {
            "case_id": str(row[0]),
            "reference": row[1],
            "claim_number": row[2],
            "status": row[3],
            "plan": {"status": row[7], "version": row[8], "adherence": _num(row[9]), "job_match": _num(row[10])},
            "accommodation": {"status": row[11]},
            "projected_rtw_date": row[12] and row[12].isoformat(),
            "projected_readiness_date": row[13] and row[13].isoformat(),
            "cost": {"projected": _num(row[14]), "actual": _num(row[15])},
            "updated_at": row[4].isoformat(),
        }
        return Response(json.dumps(view), media_type="application/json")

    @app.get("/readyz")
    def readyz() -> dict:
        return {"status": "ready"}

    settle_after_start()  # the services' collector settings (rtw_shared.heap): the same runtime
    return app
