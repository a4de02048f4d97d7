"""The directory of organisations (issue 22, point 8): copied from the Keycloak realm (each user's
`org_id` and realm role give an organisation and its kind), synced when the API starts and by the
worker's loop, re-read on a miss; listed by `GET /v1/organisations` (ids and names, no people); a case
naming an insurer or employer the directory does not know is 422 naming the field."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from keycloak import KeycloakAuthenticationError
from sqlalchemy import text

from rtw_devstack.accounts import realm_copy, temporary_account, temporary_client
from rtw_devstack.journey import new_case
from rtw_devstack.realm import DEVELOPMENT_REALM
from rtw_intake.app import create_app
from rtw_intake.organisations import service
from rtw_intake.organisations.realm import Entry, RealmDirectory, organisations_of, readable
from rtw_intake.organisations.sync import sync_once
from rtw_intake.settings import DEVELOPMENT_DIRECTORY_SECRET, IntakeSettings
from rtw_intake.worker import spec
from rtw_shared.db import make_engine, make_session_factory
from rtw_shared.testing import wait_for
from rtw_shared.uow import UnitOfWork
from rtw_shared.worker import build_loops

DEMO = {
    ("clinic", "clinic-north"),
    ("clinic", "clinic-south"),
    ("employer", "acme"),
    ("employer", "globex"),
    ("insurer", "contoso"),
    ("insurer", "northwind"),
}


def directory_rows(db) -> set[tuple[str, str]]:
    with db.connect() as conn:
        return {(kind, org_id) for kind, org_id in conn.execute(text("SELECT kind, id FROM organisations"))}


@pytest.fixture
def unit_of_work(intake_settings):
    engine = make_engine(intake_settings.database_url, pool_size=2)
    factory = make_session_factory(engine)
    yield lambda: UnitOfWork(factory, source="intake")
    engine.dispose()


# --- the realm, read (pure) ---------------------------------------------------------------------
def test_the_realms_users_give_organisations_their_roles_give_kinds_and_no_person_leaves():
    members = {
        "therapist": [{"username": "tara", "enabled": True, "attributes": {"org_id": ["clinic-north"]}}],
        "employer": [
            {"username": "erin", "attributes": {"org_id": ["acme"], "org_name": ["ACME Logistics"]}},
            {"username": "eve", "attributes": {"org_id": ["acme"]}},
            {"username": "gone", "enabled": False, "attributes": {"org_id": ["defunct"]}},
            {"username": "nobody", "attributes": {}},
        ],
        "insurer": [{"username": "svc", "attributes": {"org_id": "north-wind-mutual"}}],
        "admin": [{"username": "ada", "attributes": {"org_id": ["platform"]}}],
    }
    assert organisations_of(members) == [
        Entry("clinic", "clinic-north", "Clinic North"),
        Entry("employer", "acme", "ACME Logistics"),
        Entry("insurer", "north-wind-mutual", "North Wind Mutual"),
    ]
    assert readable("acme") == "Acme"


# --- the API --------------------------------------------------------------------------------------
def test_the_directory_lists_the_demo_realms_organisations_by_kind_ids_and_names_only(client, tokens):
    insurers = client.get("/v1/organisations", params={"kind": "insurer"}, headers=tokens.headers("erin"))
    assert insurers.status_code == 200, insurers.text
    items = insurers.json()["items"]
    assert {"id": "northwind", "name": "Northwind", "kind": "insurer"} in items
    assert {"id": "contoso", "name": "Contoso", "kind": "insurer"} in items
    assert {item["kind"] for item in items} == {"insurer"} and all(set(i) == {"id", "name", "kind"} for i in items)
    for person in ("ivy", "ian", "service-account", "Ivy", "Chen", "@"):
        assert person not in insurers.text

    everything = client.get("/v1/organisations", headers=tokens.headers("ada")).json()["items"]
    assert {(i["kind"], i["id"]) for i in everything} >= DEMO
    assert "platform" not in {i["id"] for i in everything}  # the operator's organisation takes no cases
    assert (
        client.get("/v1/organisations", params={"kind": "hospital"}, headers=tokens.headers("ivy")).status_code == 422
    )
    assert client.get("/v1/organisations").status_code == 401


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("claim", "nowhere-insurance", "claim.insurer_org_id"),
        ("claim", "acme", "claim.insurer_org_id"),  # an employer is not an insurer
        ("employment", "nowhere-employer", "employment.employer_org_id"),
        ("employment", "northwind", "employment.employer_org_id"),
    ],
)
def test_a_case_naming_an_organisation_the_directory_does_not_know_is_422_and_writes_nothing(
    client, tokens, db, where, value, field
):
    body = new_case()
    body[where][field.split(".")[1]] = value
    response = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == field
    assert problem["detail"].startswith(f"{field}: no {field.split('.')[1].split('_')[0]} organisation {value!r}")
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0


def test_an_organisation_added_to_the_realm_is_found_by_the_case_that_names_it_and_a_sync_drops_it_when_gone(
    intake_settings, rtw_infra, tokens, db, unit_of_work
):
    settings = intake_settings.model_copy(update={"directory_recheck_seconds": 0})
    org_id = f"tmp-insurer-{uuid.uuid4().hex[:8]}"
    body = new_case()
    body["claim"]["insurer_org_id"] = org_id
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/cases", json=body, headers=tokens.headers("tara")).status_code == 422
        with temporary_account(
            rtw_infra.keycloak_url,
            rtw_infra.keycloak_realm,
            org_id=org_id,
            email=f"adjuster@{org_id}.example",
            email_verified=True,
            roles=("insurer",),
        ):
            created = client.post("/v1/cases", json=body, headers=tokens.headers("tara"))
            assert created.status_code == 201, created.text
            listed = client.get("/v1/organisations", params={"kind": "insurer"}, headers=tokens.headers("tara"))
            assert {"id": org_id, "name": readable(org_id), "kind": "insurer"} in listed.json()["items"]
    assert sync_once(unit_of_work, RealmDirectory(settings)) is True
    assert ("insurer", org_id) not in directory_rows(db) and directory_rows(db) >= DEMO


def test_the_api_reads_the_realm_into_the_directory_before_its_first_request(intake_settings, db):
    with db.begin() as conn:
        conn.execute(text("DELETE FROM organisations"))
    with TestClient(create_app(intake_settings.model_copy(update={"directory_sync_at_start": True}))):
        assert directory_rows(db) >= DEMO
    with db.begin() as conn:
        conn.execute(text("DELETE FROM organisations"))
    with TestClient(create_app(intake_settings)):  # told the directory is current: no read
        assert directory_rows(db) == set()


def test_a_sync_removes_what_left_the_realm_and_a_realm_that_lists_nothing_changes_nothing(db, unit_of_work, client):
    assert directory_rows(db) >= DEMO  # synced from the realm (the session's template was)
    with unit_of_work() as uow:
        service.replace_directory(uow=uow, entries=[Entry("insurer", "northwind", "Northwind")])
    assert directory_rows(db) == {("insurer", "northwind")}
    with unit_of_work() as uow:
        service.replace_directory(uow=uow, entries=[])
    assert directory_rows(db) == {("insurer", "northwind")}


def test_a_sync_keycloak_cannot_answer_leaves_the_directory_as_it_was(intake_settings, db, unit_of_work, client):
    before = directory_rows(db)
    # Keycloak not answering (a port nothing listens on): never a wrong password, which a realm's
    # brute-force detection would count against the shared administrator.
    wrong = RealmDirectory(intake_settings.model_copy(update={"keycloak_url": "http://127.0.0.1:9"}))
    assert sync_once(unit_of_work, wrong) is False
    assert directory_rows(db) == before


def test_the_workers_loop_keeps_the_directory_in_step(intake_settings, db):
    with db.begin() as conn:
        conn.execute(text("DELETE FROM organisations"))
    engine = make_engine(intake_settings.database_url, pool_size=2)
    [loop] = build_loops(spec(intake_settings), engine, {"loops"})
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: directory_rows(db) >= DEMO, timeout=30), "the worker did not sync the directory"
    finally:
        loop.stop()
        thread.join(timeout=30)
        engine.dispose()


def test_a_confidential_client_with_view_users_and_view_realm_reads_the_directory(intake_settings, rtw_infra):
    """What production runs as (docs/operations.md): no person's password, two read-only admin roles."""
    with temporary_client(
        rtw_infra.keycloak_url, rtw_infra.keycloak_realm, realm_management_roles=("view-users", "view-realm")
    ) as machine:
        settings = intake_settings.model_copy(
            update={
                "directory_client_id": machine.client_id,
                "directory_client_secret": machine.secret,
                "directory_username": None,
                "directory_password": None,
            }
        )
        found = {(entry.kind, entry.id) for entry in RealmDirectory(settings).read()}
    assert found >= DEMO


def test_the_development_defaults_read_the_directory_as_the_development_realms_client(intake_settings, rtw_infra):
    """`make up`'s intake reads as production does: the realm file's `rtw-intake-directory` with its published
    development secret (no administrator to fall back on here). A throw-away import of this checkout's
    realm file, since the running realm may come from a file older than the client."""
    defaults = {
        name: IntakeSettings.model_fields[f"directory_{name}"].default for name in ("client_id", "client_secret")
    }
    assert defaults == {"client_id": "rtw-intake-directory", "client_secret": DEVELOPMENT_DIRECTORY_SECRET}
    with realm_copy(rtw_infra.keycloak_url, DEVELOPMENT_REALM, prefix="rtw-intake") as copy:
        settings = intake_settings.model_copy(
            update={"keycloak_realm": copy, "directory_username": None, "directory_password": None}
        )
        found = {(entry.kind, entry.id) for entry in RealmDirectory(settings).read()}
    assert found == DEMO


def test_a_development_realm_that_refuses_the_client_is_read_as_the_administrator_and_production_never_is(
    intake_settings,
):
    """A development Keycloak whose realm was imported before the client existed answers 401 to it: in
    development the bootstrap administrator reads instead; in production the error is the answer."""
    unknown = intake_settings.model_copy(
        update={"directory_client_id": f"tmp-missing-{uuid.uuid4().hex[:8]}", "directory_recheck_seconds": 0}
    )
    assert {(entry.kind, entry.id) for entry in RealmDirectory(unknown).read()} >= DEMO
    production = unknown.model_copy(update={"environment": "production"})
    with pytest.raises(KeycloakAuthenticationError):
        RealmDirectory(production).read()
    without_client = production.model_copy(update={"directory_client_id": ""})
    with pytest.raises(ValueError, match="no directory client"):
        RealmDirectory(without_client).read()


def test_production_reads_the_realm_as_a_confidential_client_with_a_secret_of_its_own():
    production = {
        "environment": "production",
        "database_url": "postgresql+psycopg://rtw_app:s3cr3t@db:5432/intake",
        "migration_database_url": "postgresql+psycopg://rtw:s3cr3t@db:5432/intake",
        "keycloak_issuer": "https://id.example.org/realms/rtw",
        "kafka_username": "intake",
        "kafka_password": "s3cr3t",
    }
    for secret in ({}, {"directory_client_secret": DEVELOPMENT_DIRECTORY_SECRET}, {"directory_client_secret": ""}):
        with pytest.raises(ValueError, match="directory_client_id/directory_client_secret"):
            IntakeSettings(**production, **secret)
    fit = IntakeSettings(
        **production, directory_client_id="rtw-intake-directory", directory_client_secret=uuid.uuid4().hex
    )
    assert fit.production_problems() == []
    # A process that reads no directory (the chart's migration Job) names no client and needs no secret.
    assert IntakeSettings(**production, directory_client_id="").production_problems() == []
