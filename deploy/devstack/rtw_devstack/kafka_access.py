"""Who may do what on the broker: one SCRAM principal per service, and ACLs derived from the code.

Each service's principal (its name) may
- write (and describe) the topics it owns (`Topic.owner`);
- read (and describe) the topics its worker consumes (`worker.spec().topics`), and write their
  dead-letter twins (its consumer sends what it cannot apply there);
- use only consumer groups named after its consumer (prefixed with the run's topic prefix).
Nothing else: no topic creation, no other group, no cluster operations. The stack's `admin`
principal (a super user) provisions topics, principals and ACLs, and runs tools and tests.

`grant(admin, prefix)` is idempotent: `make up` runs it on every start, and an end-to-end
`System` runs it for its private topic prefix, and `revoke`s it when it stops, so a long-lived
development broker does not pile up every test run's ACLs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import import_module

from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourceType,
    ScramMechanism,
    UserScramCredentialUpsertion,
)

from rtw_shared.messaging.clients import PASSWORD_ENV, USERNAME_ENV
from rtw_shared.services import SERVICE_DEFS, ServiceDef
from rtw_shared.settings import KafkaPrincipal
from rtw_shared.topics import ALL_TOPICS, DEAD_LETTER_SUFFIX

ADMIN_USERNAME = "admin"
DEV_PASSWORD_SUFFIX = "-dev-secret"  # rtw_shared.settings refuses it in production


def dev_principal(name: str) -> KafkaPrincipal:
    """The development stack's principal for a service (or `admin`)."""
    return KafkaPrincipal(name, name + DEV_PASSWORD_SUFFIX)


def act_as(principal: KafkaPrincipal) -> None:
    """This process's own Kafka clients (tests, benchmarks, tools) authenticate as `principal`."""
    os.environ[USERNAME_ENV], os.environ[PASSWORD_ENV] = principal.username, principal.password


@dataclass(frozen=True)
class ServiceAccess:
    service: str
    owns: tuple[str, ...]
    consumes: tuple[str, ...]
    consumer_group: str


def service_access(defn: ServiceDef) -> ServiceAccess:
    """What `defn`'s service does on the broker, read from its code."""
    spec = import_module(f"{defn.package}.worker").spec()
    return ServiceAccess(
        service=defn.name,
        owns=tuple(t.name for t in ALL_TOPICS if t.owner == defn.name),
        consumes=tuple(spec.topics),
        consumer_group=spec.consumer_name,
    )


def acls(access: ServiceAccess, prefix: str = "") -> list[ACL]:
    user = f"User:{access.service}"

    def allow(
        operation: ACLOperation,
        kind: ResourceType,
        name: str,
        pattern: ACLResourcePatternType = ACLResourcePatternType.LITERAL,
    ) -> ACL:
        return ACL(
            principal=user,
            host="*",
            operation=operation,
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(kind, name, pattern),
        )

    granted = []
    for topic in access.owns:
        granted += [allow(ACLOperation.WRITE, ResourceType.TOPIC, prefix + topic)]
        granted += [allow(ACLOperation.DESCRIBE, ResourceType.TOPIC, prefix + topic)]
    for topic in access.consumes:
        granted += [allow(ACLOperation.READ, ResourceType.TOPIC, prefix + topic)]
        granted += [allow(ACLOperation.DESCRIBE, ResourceType.TOPIC, prefix + topic)]
        granted += [allow(ACLOperation.WRITE, ResourceType.TOPIC, prefix + topic + DEAD_LETTER_SUFFIX)]
        granted += [allow(ACLOperation.DESCRIBE, ResourceType.TOPIC, prefix + topic + DEAD_LETTER_SUFFIX)]
    if access.consumes:
        granted += [allow(ACLOperation.READ, ResourceType.GROUP, prefix + access.consumer_group)]
    return granted


# Strimzi's KafkaUser spelling of kafka-python's ACL enums (spec.authorization.acls).
STRIMZI_RESOURCE_TYPES = {ResourceType.TOPIC: "topic", ResourceType.GROUP: "group"}
STRIMZI_PATTERNS = {ACLResourcePatternType.LITERAL: "literal", ACLResourcePatternType.PREFIXED: "prefix"}


def strimzi_acls(access: ServiceAccess, prefix: str = "") -> list[dict[str, object]]:
    """`acls(access, prefix)` as a Strimzi KafkaUser's `spec.authorization.acls`: one rule per
    resource, its operations sorted (the principal is the KafkaUser itself)."""
    rules: dict[tuple[str, str, str], set[str]] = {}
    for acl in acls(access, prefix):
        pattern = acl.resource_pattern
        key = (
            STRIMZI_RESOURCE_TYPES[pattern.resource_type],
            pattern.resource_name,
            STRIMZI_PATTERNS[pattern.pattern_type],
        )
        rules.setdefault(key, set()).add(acl.operation.name.title())
    return [
        {
            "type": "allow",
            "resource": {"type": kind, "name": name, "patternType": pattern},
            "operations": sorted(operations),
            "host": "*",
        }
        for (kind, name, pattern), operations in rules.items()
    ]


def ensure_principals(admin: KafkaAdminClient, principals: list[KafkaPrincipal]) -> None:
    """Create or update each principal's SCRAM credential."""
    errors = admin.alter_user_scram_credentials(
        [UserScramCredentialUpsertion(p.username, ScramMechanism.SCRAM_SHA_512, p.password) for p in principals]
    )
    failed = {user: error for user, error in errors.items() if error}
    if failed:
        raise RuntimeError(f"could not set Kafka credentials: {failed}")


def all_acls(prefix: str = "") -> list[ACL]:
    return [acl for defn in SERVICE_DEFS for acl in acls(service_access(defn), prefix)]


def grant(admin: KafkaAdminClient, prefix: str = "") -> None:
    """Every service's ACLs for the topics named with `prefix` (idempotent)."""
    result = admin.create_acls(all_acls(prefix))
    if result["failed"]:
        raise RuntimeError(f"could not create Kafka ACLs: {result['failed']}")


def revoke(admin: KafkaAdminClient, prefix: str) -> None:
    """Take back what `grant(admin, prefix)` gave (each ACL matches itself exactly)."""
    failed = [(acl, error) for acl, _, error in admin.delete_acls(all_acls(prefix)) if error.errno]
    if failed:
        raise RuntimeError(f"could not delete Kafka ACLs: {failed}")


def principal_from_env(name: str) -> KafkaPrincipal:
    """`name`'s principal, its password from `RTW_KAFKA_PASSWORD_<NAME>` (the development one without)."""
    password = os.environ.get(f"{PASSWORD_ENV}_{name.upper()}")
    return KafkaPrincipal(name, password) if password else dev_principal(name)


def provision(bootstrap: str, admin_principal: KafkaPrincipal) -> list[str]:
    """Topics, the services' principals and their ACLs on the broker at `bootstrap` (idempotent);
    the topics it created."""
    from rtw_shared.messaging.clients import ensure_topics, make_admin
    from rtw_shared.topics import topic_partitions

    created: list[str] = ensure_topics(bootstrap, topic_partitions(), principal=admin_principal)
    admin = make_admin(bootstrap, principal=admin_principal)
    try:
        ensure_principals(admin, [principal_from_env(defn.name) for defn in SERVICE_DEFS])
        grant(admin)
    finally:
        admin.close()
    return created


def main(argv: list[str] | None = None) -> None:
    """`python -m rtw_devstack.kafka_access --bootstrap HOST:PORT`: provision a broker that
    `make up` did not start (docker compose's); the admin's credentials from RTW_KAFKA_USERNAME /
    RTW_KAFKA_PASSWORD."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--bootstrap", required=True)
    args = parser.parse_args(argv)
    admin_principal = KafkaPrincipal(os.environ.get(USERNAME_ENV, ADMIN_USERNAME), os.environ[PASSWORD_ENV])
    created = provision(args.bootstrap, admin_principal)
    names = ", ".join(defn.name for defn in SERVICE_DEFS)
    print(f"kafka: topics created: {', '.join(created) or 'none'}; principals and ACLs set for {names}")


if __name__ == "__main__":
    main()
