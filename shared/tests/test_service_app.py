"""What every service gets from `create_service_app`, on a real PostgreSQL and Keycloak: the gate
(authentication before the body, body cap, duplicate keys, safe correlation ids, no-store) and the
audit row of every authenticated request, batched and chained."""

from __future__ import annotations

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from rtw_shared import audit_context, gate
from rtw_shared.audit.service import verify_chain
from rtw_shared.audit.tables import audit_log
from rtw_shared.audit.tables import metadata as audit_metadata
from rtw_shared.auth import CurrentPrincipal
from rtw_shared.gate import MAX_JSON_DEPTH, UNAUTHENTICATED
from rtw_shared.ratelimit import metadata as rate_limit_metadata
from rtw_shared.schemas import InputModel
from rtw_shared.settings import ServiceSettings
from rtw_shared.uow import ReadOnlyUnitOfWorkError
from rtw_shared.web import UowDep, create_service_app

LIMIT = 2048


class Note(InputModel):
    text: str


def routes() -> APIRouter:
    router = APIRouter()

    @router.post("/v1/notes")
    def add_note(body: Note, principal: CurrentPrincipal) -> dict:
        return {"text": body.text, "by": principal.username}

    @router.get("/v1/clock")
    def database_clock(principal: CurrentPrincipal, uow: UowDep) -> dict:
        return {"now": uow.session.execute(text("SELECT now()")).scalar_one().isoformat()}

    @router.get("/v1/sneaky-write")
    def write_on_a_get(principal: CurrentPrincipal, uow: UowDep) -> dict:
        uow.session.execute(text("CREATE TEMP TABLE sneaky (x int)"))  # a GET must not write
        return {}

    @router.get("/v1/things/{thing_id}")
    def get_thing(thing_id: uuid.UUID, principal: CurrentPrincipal) -> dict:
        audit_context.note_case(thing_id)
        return {"id": str(thing_id)}

    return router


@pytest.fixture
def database(scratch_database):
    engine = create_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://"))
    audit_metadata.create_all(engine)
    rate_limit_metadata.create_all(engine)
    yield engine
    engine.dispose()


def make_client(database, rtw_infra, **overrides) -> TestClient:
    settings = ServiceSettings(
        service_name="gate-test",
        database_url=database.url.render_as_string(False),
        keycloak_url=rtw_infra.keycloak_url,
        keycloak_issuer=rtw_infra.keycloak_issuer,
        max_body_bytes=LIMIT,
        log_json=False,
        **overrides,
    )
    return TestClient(create_service_app(settings, title="gate test", routers=[routes()]))


@pytest.fixture
def client(database, rtw_infra):
    with make_client(database, rtw_infra) as test_client:
        yield test_client


def test_a_caller_over_the_rate_limit_gets_429_with_retry_after_and_others_are_not_affected(
    database, rtw_infra, tokens
):
    limits = {"rate_limit_per_caller": "5/minute", "rate_limit_per_address": "3/minute"}
    with make_client(database, rtw_infra, **limits) as client:
        things = f"/v1/things/{uuid.uuid4()}"
        codes = [client.get(things, headers=tokens.headers("ivy")).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        refused = client.get(things, headers=tokens.headers("ivy"))
        assert refused.headers["content-type"] == "application/problem+json"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["retry_after_seconds"] == int(refused.headers["retry-after"])
        assert client.get(things, headers=tokens.headers("ian")).status_code == 200  # another caller

        strangers = [client.get(things, headers={"Authorization": "Bearer forged"}).status_code for _ in range(5)]
        assert strangers == [401] * 3 + [429] * 2


def test_two_replicas_grant_a_caller_its_limit_once_between_them(database, rtw_infra, tokens):
    limits = {"rate_limit_per_caller": "4/hour"}
    with make_client(database, rtw_infra, **limits) as one, make_client(database, rtw_infra, **limits) as two:
        things = f"/v1/things/{uuid.uuid4()}"
        ivy = tokens.headers("ivy")
        codes = [one.get(things, headers=ivy).status_code for _ in range(2)]
        one.app.state.rate_limits.counts.flush(database)  # what the flusher thread does every 0.2 s
        codes += [two.get(things, headers=ivy).status_code for _ in range(2)]
        two.app.state.rate_limits.counts.flush(database)
        one.app.state.rate_limits.counts.flush(database)
        # Each replica saw only 2 of ivy's 4 requests itself: only the shared counts refuse the 5th.
        codes += [one.get(things, headers=ivy).status_code, two.get(things, headers=ivy).status_code]
        assert codes == [200] * 4 + [429] * 2
        assert one.get(things, headers=tokens.headers("ian")).status_code == 200  # another caller: unaffected


def test_an_empty_limit_turns_rate_limiting_off(database, rtw_infra, tokens):
    with make_client(database, rtw_infra, rate_limit_per_caller="") as client:
        things = f"/v1/things/{uuid.uuid4()}"
        assert {client.get(things, headers=tokens.headers("ivy")).status_code for _ in range(150)} == {200}


def audit_rows(database) -> list[dict]:
    with database.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings()]


def test_without_a_token_nothing_is_read_nothing_is_audited_and_the_refusal_is_counted(client, database):
    before = UNAUTHENTICATED.labels("missing")._value.get()
    answer = client.post("/v1/notes", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert client.get(f"/v1/things/{uuid.uuid4()}", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401
    assert UNAUTHENTICATED.labels("missing")._value.get() == before + 1
    assert audit_rows(database) == []


def test_a_body_over_the_cap_is_413_before_it_is_read_and_when_streamed(client, tokens):
    big = b'{"text": "' + b"x" * LIMIT + b'"}'
    declared = client.post(
        "/v1/notes", content=big, headers={**tokens.headers("tara"), "content-type": "application/json"}
    )
    assert declared.status_code == 413 and str(LIMIT) in declared.json()["detail"]
    streamed = client.post(
        "/v1/notes",
        content=iter([big[:1000], big[1000:]]),
        headers={**tokens.headers("tara"), "content-type": "application/json"},
    )
    assert streamed.status_code == 413


def test_duplicate_json_keys_are_refused_not_resolved(client, tokens):
    answer = client.post(
        "/v1/notes",
        content=b'{"text": "a", "text": "b"}',
        headers={**tokens.headers("tara"), "content-type": "application/json"},
    )
    assert answer.status_code == 422 and "duplicate key(s) in a JSON object: text" in answer.json()["detail"]
    fine = client.post("/v1/notes", json={"text": "a"}, headers=tokens.headers("tara"))
    assert fine.status_code == 200 and fine.json() == {"text": "a", "by": "tara"}


def nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + closing * depth


@pytest.mark.parametrize(
    "body",
    [
        nested(MAX_JSON_DEPTH + 1),
        nested(MAX_JSON_DEPTH + 1, b'{"a":', b"}"),
        b'{"text": "x", "more": ' + nested(MAX_JSON_DEPTH) + b"}",
        nested(1000),  # deeper than Python's JSON parser recurses (a 500 and a dropped connection)
    ],
    ids=["arrays", "objects", "mixed", "very-deep"],
)
@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json", None])
def test_json_nested_deeper_than_the_limit_is_422_before_it_is_parsed(client, tokens, body, content_type):
    headers = {**tokens.headers("tara"), **({"content-type": content_type} if content_type else {})}
    answer = client.post("/v1/notes", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels; send a flatter one"
    assert answer.json()["errors"] == [{"field": "body", "message": answer.json()["detail"], "type": "too_deep"}]


def test_json_at_the_depth_limit_and_brackets_inside_strings_pass_the_gate(client, tokens):
    deep_enough = b'{"text": "' + b"[" * 500 + b'", "x": ' + nested(MAX_JSON_DEPTH - 1) + b"}"
    answer = client.post(
        "/v1/notes", content=deep_enough, headers={**tokens.headers("tara"), "content-type": "application/json"}
    )
    # Past the gate: the endpoint's own model refuses the unknown field (not the depth).
    assert answer.status_code == 422 and "x" in {e["field"] for e in answer.json()["errors"]}
    assert gate.json_depth(deep_enough) == MAX_JSON_DEPTH
    assert gate.json_depth(b'"\\"[[') == 2 and gate.json_depth(b'"\\"[["') == 0


@pytest.mark.parametrize(
    ("offered", "kept"), [("abc-123.x:y_z", True), ("x" * 65, False), ("<script>", False), ("a b", False)]
)
def test_only_a_short_plain_correlation_id_is_kept(client, tokens, offered, kept):
    answer = client.get(f"/v1/things/{uuid.uuid4()}", headers={**tokens.headers("ivy"), "X-Correlation-ID": offered})
    echoed = answer.headers["x-correlation-id"]
    assert (echoed == offered) is kept and len(echoed) <= 64


def test_every_answer_says_no_store_and_nosniff(client, tokens):
    for answer in (
        client.get(f"/v1/things/{uuid.uuid4()}", headers=tokens.headers("ivy")),
        client.get("/v1/things/x"),
        client.get("/healthz"),
    ):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_every_authenticated_request_leaves_one_chained_row_with_its_cases(client, tokens, database):
    thing = uuid.uuid4()
    assert client.get(f"/v1/things/{thing}", headers=tokens.headers("ivy")).status_code == 200
    assert client.get("/v1/things/not-a-uuid", headers=tokens.headers("erin")).status_code == 422
    rows = audit_rows(database)
    assert [
        (r["username"], r["role"], r["org_id"], r["action"], r["outcome"], r["status_code"], r["case_ids"])
        for r in rows
    ] == [
        ("ivy", "insurer", "northwind", "get_thing", "allowed", 200, [str(thing)]),
        ("erin", "employer", "acme", "get_thing", "rejected", 422, None),
    ]
    assert rows[0]["resource_type"] == "thing" and rows[0]["resource_id"] == str(thing)
    with database.connect() as conn:
        assert verify_chain(conn).intact


def test_concurrent_requests_share_batches_and_the_chain_stays_linear(client, tokens, database):
    headers = tokens.headers("ivy")

    def call(_: int) -> int:
        return client.get(f"/v1/things/{uuid.uuid4()}", headers=headers).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(call, range(96))) == {200}
    rows = audit_rows(database)
    assert len(rows) == 96
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(rows))
    with database.connect() as conn:
        assert verify_chain(conn).intact


def test_production_refuses_development_values_and_says_which(monkeypatch, tmp_path):
    from pydantic import ValidationError

    from rtw_shared.clock import OFFSET_FILE_ENV
    from rtw_shared.settings import ServiceSettings

    monkeypatch.setenv(OFFSET_FILE_ENV, str(tmp_path / "offset"))
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(environment="production")
    message = str(refused.value)
    assert "database_url uses a development password" in message
    assert "keycloak_issuer must be an https:// address" in message
    assert OFFSET_FILE_ENV in message
    assert "broker principal" in message

    monkeypatch.delenv(OFFSET_FILE_ENV)
    fit = ServiceSettings(
        environment="production",
        database_url="postgresql+psycopg://rtw_app:s3cr3t-from-vault@db:5432/intake",
        keycloak_issuer="https://id.example.org/realms/rtw",
        kafka_username="intake",
        kafka_password="s3cr3t-from-vault",
    )
    assert fit.production_problems() == []


def test_an_api_get_reads_on_a_connection_where_postgresql_refuses_writes(client, tokens):
    assert client.get("/v1/clock", headers=tokens.headers("ivy")).status_code == 200
    from sqlalchemy.exc import InternalError

    # The test client re-raises what the endpoint raised (a client would get a logged 500).
    with pytest.raises(InternalError, match="cannot execute CREATE TABLE in a read-only transaction"):
        client.get("/v1/sneaky-write", headers=tokens.headers("ivy"))


def test_a_read_only_unit_of_work_refuses_to_commit_or_emit(client):
    from rtw_shared.events import CaseStatusChangedV1
    from rtw_shared.uow import UnitOfWork

    with UnitOfWork(client.app.state.read_session_factory, source="gate-test", read_only=True) as uow:
        with pytest.raises(ReadOnlyUnitOfWorkError):
            uow.emit(CaseStatusChangedV1(case_id=uuid.uuid4(), from_status="a", to_status="b"))
        with pytest.raises(ReadOnlyUnitOfWorkError):
            uow.commit()


def test_while_the_database_is_away_the_api_answers_503_with_retry_after(rtw_infra, tokens):
    from rtw_devstack.system import free_port

    unreachable = f"postgresql+psycopg://nobody:nothing@127.0.0.1:{free_port()}/none"
    settings = ServiceSettings(
        service_name="gate-test",
        database_url=unreachable,
        keycloak_url=rtw_infra.keycloak_url,
        keycloak_issuer=rtw_infra.keycloak_issuer,
        log_json=False,
    )
    with TestClient(create_service_app(settings, title="gate test", routers=[routes()])) as client:
        answer = client.get("/v1/clock", headers=tokens.headers("ivy"))
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "2" and "nothing was changed" in answer.json()["detail"]
