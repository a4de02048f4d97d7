"""What the Helm chart reads from the code, written into the chart so it cannot drift from it.

- `files/kafka-access.json`: every topic with its partitions, and each service's consumer group,
  consumed topics and ACLs in Strimzi's KafkaUser form — from the same functions that grant the
  development stack's ACLs (`rtw_devstack.kafka_access`);
- `files/realm-rtw-production.json`: the production realm (`rtw_devstack.realm`);
- in `values.schema.json`, each service's `config` (`RTW_<SERVICE>_<FIELD>` settings): the fields
  of its pydantic settings, less those the chart sets itself.

`python -m rtw_devstack.k8s.chart_data` rewrites them; `--check` fails when one is stale (a test
runs that)."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings

from rtw_devstack import realm
from rtw_devstack.kafka_access import service_access, strimzi_acls
from rtw_shared.services import SERVICE_DEFS, ServiceDef
from rtw_shared.settings import ServiceSettings
from rtw_shared.topics import topic_partitions

CHART = Path(__file__).resolve().parents[3] / "helm" / "rtw"
KAFKA_ACCESS = CHART / "files" / "kafka-access.json"
REALM = CHART / "files" / "realm-rtw-production.json"
VALUES_SCHEMA = CHART / "values.schema.json"

# Settings the chart sets from its own values (or from Secrets), and those only development uses
# (intake's directory read as the bootstrap administrator): a service's `config` cannot.
CHART_MANAGED = frozenset(
    {
        "service_name",
        "environment",
        "database_url",
        "migration_database_url",
        "kafka_bootstrap",
        "kafka_username",
        "kafka_password",
        "topic_prefix",
        "keycloak_url",
        "keycloak_realm",
        "keycloak_issuer",
        "worker_health_port",
        "worker_health_host",
        "portal_url",
        "case_url",
        "smtp_host",
        "smtp_port",
        "mail_from",
        "directory_client_id",
        "directory_client_secret",
        "directory_username",
        "directory_password",
        "directory_user_realm",
    }
)
Json = dict[str, Any]


def kafka_access() -> Json:
    """Topics, and per service what it consumes, its group and its ACLs (Strimzi's spelling)."""
    services: Json = {}
    for defn in SERVICE_DEFS:
        access = service_access(defn)
        services[defn.name] = {
            "consumerGroup": access.consumer_group,
            "consumes": list(access.consumes),
            "acls": strimzi_acls(access),
        }
    return {"topics": topic_partitions(), "services": services}


def settings_class(defn: ServiceDef) -> type[ServiceSettings]:
    """The service's settings class (`<Name>Settings` in `rtw_<name>.settings`)."""
    module = import_module(f"{defn.package}.settings")
    found: type[ServiceSettings] = getattr(module, f"{defn.name.title()}Settings")
    return found


def config_schema(settings: type[BaseSettings], description: str) -> Json:
    """The JSON schema of what a `config` may set: the settings' fields less those the chart sets."""
    generated = settings.model_json_schema()
    properties = {
        name: {key: value for key, value in field.items() if key != "title"}
        for name, field in generated["properties"].items()
        if name not in CHART_MANAGED
    }
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "properties": properties,
    }


def service_schema(defn: ServiceDef) -> Json:
    """What `services.<name>` may hold: its own settings and overrides of the API's and worker's defaults."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "config": {"$ref": f"#/definitions/{defn.name}Config"},
            "api": {"$ref": "#/definitions/apiOverride"},
            "worker": {"$ref": "#/definitions/workerOverride"},
        },
    }


def values_schema(current: Json) -> Json:
    """`current` (the hand-written schema) with the services' parts regenerated from SERVICE_DEFS."""
    defs = dict(current.get("definitions", {}))
    defs["commonConfig"] = config_schema(ServiceSettings, "RTW_<SERVICE>_<FIELD> for every service (ServiceSettings)")
    for defn in SERVICE_DEFS:
        own = f"RTW_{defn.name.upper()}_<FIELD> ({defn.package}.settings); wins over `config`"
        defs[f"{defn.name}Config"] = config_schema(settings_class(defn), own)
    properties = dict(current.get("properties", {}))
    properties["services"] = {
        "type": "object",
        "description": "Per service (rtw_shared.services): its own settings, and overrides of `api` and `worker`",
        "additionalProperties": False,
        "properties": {defn.name: service_schema(defn) for defn in SERVICE_DEFS},
    }
    return {**current, "properties": properties, "definitions": defs}


def dumps(data: Json) -> str:
    return json.dumps(data, indent=2) + "\n"


def rendered() -> dict[Path, str]:
    """Each generated file's path and the text it should hold."""
    schema = json.loads(VALUES_SCHEMA.read_text()) if VALUES_SCHEMA.exists() else {}
    return {KAFKA_ACCESS: dumps(kafka_access()), REALM: realm.render(), VALUES_SCHEMA: dumps(values_schema(schema))}


def stale() -> list[Path]:
    """The generated files that differ from what the code says now."""
    return [path for path, text in rendered().items() if not path.exists() or path.read_text() != text]


def main(argv: list[str] | None = None) -> None:
    """Rewrite the chart's generated files (`--check`: only say which are stale, exit 1 if any)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        if found := stale():
            sys.exit("stale, regenerate with `python -m rtw_devstack.k8s.chart_data`: " + ", ".join(map(str, found)))
        return
    for path, text in rendered().items():
        path.write_text(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
