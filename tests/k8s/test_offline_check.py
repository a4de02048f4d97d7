"""`make k8s-check`'s steps inside the test suite: the generated files are current, helm lints the
chart with each values file, every manifest passes kubeconform (Kubernetes' and the operators'
schemas) and checkov; values the schema does not allow are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rtw_devstack.k8s import chart_data, check, tools

Manifest = dict[str, Any]


def test_the_charts_generated_files_are_current() -> None:
    assert chart_data.stale() == [], "regenerate them: .venv/bin/python -m rtw_devstack.k8s.chart_data"


@pytest.mark.parametrize("name", sorted(check.VALUES))
def test_helm_lints_the_chart_with_each_values_file(name: str) -> None:
    assert check.lint(check.VALUES[name]) == "1 chart(s) linted, 0 chart(s) failed"


def test_every_manifest_is_valid_for_the_oldest_and_newest_kubernetes_and_the_operators(
    rendered_paths: dict[str, Path], rendered: dict[str, list[Manifest]]
) -> None:
    found = check.validate(list(rendered_paths.values()))
    assert found.problems == []
    count = sum(len(manifests) for manifests in rendered.values())
    assert found.checked == count * len(tools.KUBERNETES_VERSIONS)


def test_kubeconform_refuses_what_the_schemas_do_not_allow(tmp_path: Path, rendered: dict[str, list[Manifest]]) -> None:
    production = rendered["production"]
    deployment = next(m for m in production if m["kind"] == "Deployment")
    user = next(m for m in production if m["kind"] == "KafkaUser")
    topic = next(m for m in production if m["kind"] == "KafkaTopic")
    deployment["spec"]["replica"] = 2  # a misspelt field
    user["spec"]["authorization"]["acls"][0]["operations"] = ["Writes"]  # no such operation
    topic["spec"]["partition"] = 3  # a field the CRD does not list: its schema is strict too
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump_all([deployment, user, topic]))
    problems = check.validate([bad]).problems
    assert len(problems) == 3 * len(tools.KUBERNETES_VERSIONS)
    for wrong in ("'replica' not allowed", "/operations/0", "'partition' not allowed"):
        assert sum(wrong in problem for problem in problems) == len(tools.KUBERNETES_VERSIONS), wrong


def test_checkov_finds_nothing_but_the_documented_exceptions(rendered_paths: dict[str, Path]) -> None:
    found = check.security(list(rendered_paths.values()))
    assert found.problems == []
    assert found.checked > 1000


@pytest.mark.parametrize(
    "setting",
    [
        "services.intake.config.no_such_setting=1",  # not a field of IntakeSettings
        "services.intake.config.database_url=postgresql://u:p@h/db",  # a secret: by reference only
        "services.notify.config.kafka_password=x",
        "services.intake.config.directory_client_secret=x",  # from secrets.intakeDirectory only
        "services.intake.config.directory_password=admin",  # development's administrator: never in the chart
        "config.fee_session=1",  # workplan's own, not every service's
        "environment=staging",
    ],
)
def test_the_values_schema_refuses_what_no_service_reads_and_secrets_in_values(setting: str) -> None:
    with pytest.raises(check.CheckError, match="values don't meet the specifications of the schema"):
        check.template(check.VALUES["production"], "--set", setting)


VARIANTS = {
    "everything optional off": [
        "networkPolicy.enabled=false",
        "migrations.enabled=false",
        "migrations.waitInPods=false",
        "ingress.enabled=false",
        "keycloak.realmImport.enabled=false",
        "metrics.serviceMonitor.enabled=false",
        "worker.keda.enabled=false",
        "externalSecrets.enabled=false",
        "api.autoscaling.enabled=false",
        "api.topologySpread.enabled=false",
    ],
    "external services with external secrets": [
        "postgresql.cnpg.enabled=false",
        "postgresql.external.host=db.example.org",
        "networkPolicy.externalPostgresql.cidrs={192.0.2.10/32}",
        "kafka.strimzi.enabled=false",
        "kafka.bootstrapServers=kafka.example.org:9092",
        "networkPolicy.externalKafka.cidrs={192.0.2.20/32}",
        "externalSecrets.keycloakAdmin=true",
    ],
    "one service tuned, by digest": [
        "services.notify.worker.keda.maxReplicaCount=3",
        "services.intake.api.podDisruptionBudget.minAvailable=1",
        "image.digest=sha256:" + "0" * 64,
        "kafka.userPrefix=rtw-",
    ],
}


def test_every_switch_renders_valid_manifests(tmp_path: Path) -> None:
    rendered = []
    for name, settings in VARIANTS.items():
        path = tmp_path / f"{name.replace(' ', '-')}.yaml"
        path.write_text(check.template(check.VALUES["production"], *[a for s in settings for a in ("--set", s)]))
        rendered.append(path)
    found = check.validate(rendered)
    assert found.problems == [] and found.checked > 0
    off = check.documents(rendered[0])
    assert {m["kind"] for m in off} >= {"Deployment", "PodDisruptionBudget"}
    assert not {"NetworkPolicy", "Ingress", "Job", "ServiceMonitor", "ScaledObject"} & {m["kind"] for m in off}
    tuned = check.documents(rendered[2])
    users = sorted(m["metadata"]["name"] for m in tuned if m["kind"] == "KafkaUser")
    assert users == ["rtw-employer", "rtw-intake", "rtw-notify", "rtw-workplan"]
    budget = next(m for m in tuned if m["kind"] == "PodDisruptionBudget" and m["metadata"]["name"] == "rtw-intake-api")
    assert budget["spec"]["minAvailable"] == 1 and "maxUnavailable" not in budget["spec"]
