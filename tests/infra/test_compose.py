"""docker-compose.yml describes the same topology as `make up` (it cannot run here: no Docker)."""

from __future__ import annotations

from pathlib import Path

import yaml

from rtw_shared.services import SERVICE_DEFS, SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_the_infrastructure_services():
    services = compose()["services"]
    assert {"postgres", "kafka", "keycloak", "smtp"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["keycloak"]["image"].startswith("quay.io/keycloak/keycloak:26")


def test_compose_uses_the_local_default_ports():
    services = compose()["services"]
    published = {name: [p.split(":")[-2] for p in svc.get("ports", [])] for name, svc in services.items()}
    assert "55432" in published["postgres"]
    assert "59092" in published["kafka"]
    assert {"58080", "59000"} <= set(published["keycloak"])
    assert "51025" in published["smtp"]


def test_compose_keycloak_imports_the_same_realm_file():
    volumes = compose()["services"]["keycloak"]["volumes"]
    assert any(v.startswith("./deploy/keycloak/realm-rtw.json:/opt/keycloak/data/import/") for v in volumes)
    assert "--import-realm" in compose()["services"]["keycloak"]["command"]


def test_compose_kafka_requires_authentication_and_is_provisioned_from_the_code():
    services = compose()["services"]
    kafka, access = services["kafka"], services["kafka-access"]
    assert kafka["entrypoint"] == ["/bin/bash", "/rtw/start-authenticated.sh"]
    assert "./deploy/kafka/start-authenticated.sh:/rtw/start-authenticated.sh:ro" in kafka["volumes"]
    # Topics, principals and ACLs come from the same code as `make up`'s (rtw_devstack.kafka_access).
    assert access["command"][:3] == ["python", "-m", "rtw_devstack.kafka_access"]
    assert access["build"]["target"] == "tools"
    for defn in SERVICE_DEFS:
        env = services[defn.name]["environment"]
        assert env[f"RTW_{defn.name.upper()}_KAFKA_USERNAME"] == defn.name
        assert f"RTW_KAFKA_PASSWORD_{defn.name.upper()}" in env[f"RTW_{defn.name.upper()}_KAFKA_PASSWORD"]
        for part in (defn.name, f"{defn.name}-worker"):
            assert "kafka-access" in services[part]["depends_on"]


def test_compose_creates_the_service_databases_from_the_code_before_any_migration():
    services = compose()["services"]
    setup = services["postgres-setup"]
    # Each service's database and the services' role come from the same code as `make up`'s.
    assert setup["command"][:3] == ["python", "-m", "rtw_devstack.postgres"]
    assert setup["build"]["target"] == "tools" and setup["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in SERVICE_NAMES:
        assert services[f"{name}-migrate"]["depends_on"] == {
            "postgres-setup": {"condition": "service_completed_successfully"}
        }


def test_compose_runs_each_service_api_worker_and_migrations_from_the_dockerfile():
    services = compose()["services"]
    for name, port in ((defn.name, defn.port) for defn in SERVICE_DEFS):
        assert services[f"{name}-migrate"]["build"]["args"]["SERVICE"] == name
        assert services[f"{name}-migrate"]["command"] == [f"rtw-{name}-migrate"]
        assert services[f"{name}-worker"]["command"] == [f"rtw-{name}-worker"]
        assert services[name]["ports"] == [f"127.0.0.1:{port}:8000"]
        assert services[name]["environment"][f"RTW_{name.upper()}_DATABASE_URL"].endswith(f"/{name}")
        assert services[name]["restart"] == services[f"{name}-worker"]["restart"] == "unless-stopped"
        worker = services[f"{name}-worker"]
        port = worker["environment"][f"RTW_{name.upper()}_WORKER_HEALTH_PORT"]
        assert f"127.0.0.1:{port}/healthz" in " ".join(worker["healthcheck"]["test"])
        assert worker["environment"][f"RTW_{name.upper()}_DATABASE_URL"].endswith(f"/{name}")
    assert (ROOT / services["intake-migrate"]["build"]["dockerfile"]).exists()
