"""What the Helm chart promises, checked on what it renders for the development and production values
(deploy/helm/rtw/ci/): the Kafka principals' ACLs are the development stack's, every Deployment is
probed, sized and covered by a PodDisruptionBudget, nothing runs as root or writes outside /tmp,
secrets come by reference only, the NetworkPolicies allow exactly the paths docs/kubernetes.md
lists, and every service's settings, read from the environment the chart gives it, pass
`production_problems` in production."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rtw_devstack.k8s.chart_data import settings_class
from rtw_devstack.kafka_access import acls, service_access
from rtw_shared.clock import OFFSET_FILE_ENV
from rtw_shared.services import SERVICE_DEFS, SERVICE_NAMES
from rtw_shared.topics import DEAD_LETTER_SUFFIX, topic_partitions

Manifest = dict[str, Any]
VALUES = ("development", "production")
WORKLOADS = ("Deployment", "Job")
MILLISECONDS_PER_DAY = 86_400_000


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    return next(m for m in of_kind(manifests, kind) if m["metadata"]["name"] == name)


def pod_spec(workload: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def pod_labels(workload: Manifest) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def containers(workload: Manifest) -> list[dict[str, Any]]:
    """Every container of a workload's pods, init containers first."""
    pod = pod_spec(workload)
    found: list[dict[str, Any]] = [*pod.get("initContainers", []), *pod["containers"]]
    return found


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def workloads(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m["kind"] in WORKLOADS]


@pytest.fixture(params=VALUES)
def manifests(request: pytest.FixtureRequest, rendered: dict[str, list[Manifest]]) -> list[Manifest]:
    found: list[Manifest] = rendered[request.param]
    return found


# -- Kafka: the same principals, ACLs and topics as the development stack -------------------------------


def acl_tuples_of_the_dev_stack(service: str) -> set[tuple[str, str, str, str]]:
    defn = next(d for d in SERVICE_DEFS if d.name == service)
    return {
        (
            acl.resource_pattern.resource_type.name.lower(),
            acl.resource_pattern.resource_name,
            acl.resource_pattern.pattern_type.name.lower(),
            acl.operation.name.lower(),
        )
        for acl in acls(service_access(defn))
    }


def acl_tuples_of_the_kafka_user(user: Manifest) -> set[tuple[str, str, str, str]]:
    patterns = {"literal": "literal", "prefix": "prefixed"}
    found = set()
    for rule in user["spec"]["authorization"]["acls"]:
        assert rule.get("type", "allow") == "allow" and rule.get("host", "*") == "*"
        resource = rule["resource"]
        for operation in rule["operations"]:
            found.add((resource["type"], resource["name"], patterns[resource["patternType"]], operation.lower()))
    return found


def test_each_services_kafka_user_has_exactly_the_development_stacks_acls(rendered: dict[str, list[Manifest]]) -> None:
    users = {u["metadata"]["name"]: u for u in of_kind(rendered["production"], "KafkaUser")}
    assert sorted(users) == sorted(SERVICE_NAMES)
    for service, user in users.items():
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
        assert user["spec"]["authorization"]["type"] == "simple"
        assert acl_tuples_of_the_kafka_user(user) == acl_tuples_of_the_dev_stack(service), service


def test_every_topic_and_dead_letter_twin_exists_with_its_partitions_and_a_retention_under_the_inbox(
    rendered: dict[str, list[Manifest]],
) -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind(rendered["production"], "KafkaTopic")}
    assert {name: spec["partitions"] for name, spec in topics.items()} == topic_partitions()
    inbox_days = min(settings_class(defn)().retention_days for defn in SERVICE_DEFS)
    for name, spec in topics.items():
        if not name.endswith(DEAD_LETTER_SUFFIX):  # dead letters are never applied without a person
            assert int(spec["config"]["retention.ms"]) < inbox_days * MILLISECONDS_PER_DAY, name


def test_a_workers_keda_triggers_follow_its_consumer_group_and_topics(rendered: dict[str, list[Manifest]]) -> None:
    for defn in SERVICE_DEFS:
        scaled = named(rendered["production"], "ScaledObject", f"rtw-{defn.name}-worker")
        access = service_access(defn)
        triggers = scaled["spec"]["triggers"]
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {access.consumer_group}
        assert sorted(t["metadata"]["topic"] for t in triggers) == sorted(access.consumes)
        assert scaled["spec"]["scaleTargetRef"]["name"] == f"rtw-{defn.name}-worker"
    assert of_kind(rendered["development"], "ScaledObject") == []


# -- Deployments: probes, resources, budgets ----------------------------------------------------------


def test_each_service_has_an_api_and_a_worker_running_its_own_image_and_command(manifests: list[Manifest]) -> None:
    names = sorted(d["metadata"]["name"] for d in of_kind(manifests, "Deployment"))
    assert names == sorted(f"rtw-{s}-{kind}" for s in SERVICE_NAMES for kind in ("api", "worker"))
    for service in SERVICE_NAMES:
        api = pod_spec(named(manifests, "Deployment", f"rtw-{service}-api"))["containers"]
        worker = pod_spec(named(manifests, "Deployment", f"rtw-{service}-worker"))["containers"]
        assert [c["image"].rsplit("/", 1)[-1].split(":")[0] for c in api + worker] == [f"rtw-{service}"] * 2
        assert "command" not in api[0]  # the image's own: uvicorn on port 8000
        assert worker[0]["command"] == [f"rtw-{service}-worker"]


def test_apis_are_ready_on_readyz_and_alive_on_healthz_and_workers_on_their_health_port(
    manifests: list[Manifest],
) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        container = pod_spec(deployment)["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        kind = pod_labels(deployment)["app.kubernetes.io/component"]
        ready, alive = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
        if kind == "api":
            assert (ready, alive) == ({"path": "/readyz", "port": "http"}, {"path": "/healthz", "port": "http"})
        else:
            env = {e["name"]: e.get("value") for e in container["env"]}
            service = pod_labels(deployment)["rtw/service"]
            assert ready == alive == {"path": "/healthz", "port": "metrics"}
            assert env[f"RTW_{service.upper()}_WORKER_HEALTH_PORT"] == str(ports["metrics"])
            assert env[f"RTW_{service.upper()}_WORKER_HEALTH_HOST"] == "0.0.0.0"  # noqa: S104 — the kubelet probes it


def test_every_container_has_cpu_and_memory_requests_and_a_memory_limit(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        for container in containers(workload):
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), workload["metadata"]["name"]
            assert "memory" in resources["limits"], workload["metadata"]["name"]


def test_every_deployment_is_covered_by_exactly_one_disruption_budget(manifests: list[Manifest]) -> None:
    budgets = of_kind(manifests, "PodDisruptionBudget")
    for deployment in of_kind(manifests, "Deployment"):
        covering = [b for b in budgets if selects(b["spec"]["selector"], pod_labels(deployment))]
        assert len(covering) == 1, deployment["metadata"]["name"]
        assert covering[0]["spec"].keys() & {"maxUnavailable", "minAvailable"}
    assert len(budgets) == len(of_kind(manifests, "Deployment"))


def test_apis_scale_on_cpu_in_production_and_run_fixed_replicas_in_development(
    rendered: dict[str, list[Manifest]],
) -> None:
    for name, manifests in rendered.items():
        autoscalers = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(manifests, "HorizontalPodAutoscaler")}
        apis = [d for d in of_kind(manifests, "Deployment") if d["metadata"]["name"].endswith("-api")]
        for api in apis:
            scaled = api["metadata"]["name"] in autoscalers
            assert scaled == (name == "production")
            assert ("replicas" in api["spec"]) == (not scaled)  # the autoscaler owns the count


# -- Pods: non-root, read-only, no tokens ------------------------------------------------------------


def test_no_container_runs_as_root_or_can_write_anywhere_but_tmp(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        pod = pod_spec(workload)
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for container in containers(workload):
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"] == {"drop": ["ALL"]}
            writable = [m for m in container["volumeMounts"] if not m.get("readOnly")]
            assert [(m["mountPath"], "emptyDir" in volumes[m["name"]]) for m in writable] == [("/tmp", True)]  # noqa: S108


def test_no_pod_gets_a_kubernetes_api_token(manifests: list[Manifest]) -> None:
    accounts = {a["metadata"]["name"]: a for a in of_kind(manifests, "ServiceAccount")}
    for workload in workloads(manifests):
        pod = pod_spec(workload)
        assert pod["automountServiceAccountToken"] is False
        assert accounts[pod["serviceAccountName"]]["automountServiceAccountToken"] is False
    assert all(a["automountServiceAccountToken"] is False for a in accounts.values())


# -- Secrets: by reference only ------------------------------------------------------------------------

SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL", re.IGNORECASE)


def test_the_chart_creates_no_secret_and_every_secret_value_is_a_reference(
    rendered: dict[str, list[Manifest]], manifests: list[Manifest]
) -> None:
    assert of_kind(manifests, "Secret") == []
    for workload in workloads(manifests):
        for container in containers(workload):
            for env in container["env"]:
                if SECRET_WORDS.search(env["name"]):
                    assert set(env) == {"name", "valueFrom"} and "secretKeyRef" in env["valueFrom"], env["name"]
                if env["name"].endswith("DATABASE_URL") and env["value"]:
                    assert re.match(r"^postgresql\+psycopg://\$\(DB_USERNAME\)@[^:/@]+:\d+/\w+\?", env["value"])


def test_production_takes_its_secrets_from_the_external_secrets_operator_and_strimzi(
    rendered: dict[str, list[Manifest]],
) -> None:
    production = rendered["production"]
    made = {e["spec"]["target"]["name"]: e for e in of_kind(production, "ExternalSecret")}
    database = {f"rtw-{s}-db-{role}" for s in SERVICE_NAMES for role in ("owner", "app")}
    # The Kafka passwords are the User Operator's, the Keycloak admin the operator's.
    assert set(made) == database | {"rtw-intake-directory"}
    directory = made["rtw-intake-directory"]["spec"]
    assert directory["target"]["template"]["type"] == "kubernetes.io/basic-auth"
    assert [(d["secretKey"], d["remoteRef"]) for d in directory["data"]] == [
        ("username", {"key": "rtw/production/rtw-intake-directory", "property": "username"}),
        ("password", {"key": "rtw/production/rtw-intake-directory", "property": "password"}),
    ]
    referenced = {
        env["valueFrom"]["secretKeyRef"]["name"]
        for workload in workloads(production)
        for container in pod_spec(workload)["containers"]
        for env in container["env"]
        if "valueFrom" in env
    }
    assert referenced == database | set(SERVICE_NAMES) | {"rtw-keycloak-initial-admin", "rtw-intake-directory"}


def test_intakes_directory_client_and_the_realm_import_read_one_secret_and_the_migrations_none(
    manifests: list[Manifest],
) -> None:
    """Intake's API and worker sign in as the client whose secret the realm import gives Keycloak: the
    same Secret; the migration Job reads no directory, so it is given no client (and holds no secret)."""

    def refs(workload: Manifest) -> dict[str, dict[str, str]]:
        env = pod_spec(workload)["containers"][0]["env"]
        return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "DIRECTORY" in e["name"] and "valueFrom" in e}

    directory = "rtw-intake-directory"
    for kind in ("api", "worker"):
        assert refs(named(manifests, "Deployment", f"rtw-intake-{kind}")) == {
            "RTW_INTAKE_DIRECTORY_CLIENT_ID": {"name": directory, "key": "username"},
            "RTW_INTAKE_DIRECTORY_CLIENT_SECRET": {"name": directory, "key": "password"},
        }
    assert refs(named(manifests, "Job", "rtw-realm-import")) == {
        "RTW_INTAKE_DIRECTORY_CLIENT_ID": {"name": directory, "key": "username"},
        "RTW_INTAKE_DIRECTORY_SECRET": {"name": directory, "key": "password"},
    }
    migrate = environment_of(pod_spec(named(manifests, "Job", "rtw-intake-migrate"))["containers"][0])
    assert migrate["RTW_INTAKE_DIRECTORY_CLIENT_ID"] == "" and "RTW_INTAKE_DIRECTORY_CLIENT_SECRET" not in migrate
    for workload in workloads(manifests):
        if pod_labels(workload).get("rtw/service") not in (None, "intake"):
            assert not refs(workload), workload["metadata"]["name"]  # no other service reads the realm


# -- Settings: from the services' pydantic settings, fit for production ----------------------------------


def environment_of(container: dict[str, Any]) -> dict[str, str]:
    """The container's environment as the kubelet would give it (secrets stand in, $(VAR)s expanded)."""
    env: dict[str, str] = {}
    for entry in container["env"]:
        if "valueFrom" in entry:
            ref = entry["valueFrom"]["secretKeyRef"]
            env[entry["name"]] = "operator-made-user" if ref["key"] == "username" else "S3cret-from-a-secret"
        else:
            env[entry["name"]] = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], entry["value"])
    return env


def test_every_setting_the_chart_sets_is_a_field_of_the_services_settings(manifests: list[Manifest]) -> None:
    for workload in workloads(manifests):
        service = pod_labels(workload).get("rtw/service")
        if service is None:
            continue
        fields = set(settings_class(next(d for d in SERVICE_DEFS if d.name == service)).model_fields)
        prefix = f"RTW_{service.upper()}_"
        for name in environment_of(pod_spec(workload)["containers"][0]):
            if name.startswith(prefix):
                assert name.removeprefix(prefix).lower() in fields, name


def test_each_process_starts_with_the_settings_the_chart_gives_it(
    rendered: dict[str, list[Manifest]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(OFFSET_FILE_ENV, raising=False)
    for name, manifests in rendered.items():
        for workload in workloads(manifests):
            service = pod_labels(workload).get("rtw/service")
            if service is None:
                continue
            env = environment_of(pod_spec(workload)["containers"][0])
            with monkeypatch.context() as patched:
                for key, value in env.items():
                    patched.setenv(key, value)
                settings = settings_class(next(d for d in SERVICE_DEFS if d.name == service))()
            assert settings.environment == name  # production validates: production_problems() is empty
            assert settings.production_problems() == [] or name == "development"


# -- Migrations: a hook Job per service ------------------------------------------------------------------


def test_each_service_is_migrated_by_a_hook_job_as_the_databases_owner(rendered: dict[str, list[Manifest]]) -> None:
    install_hook = {"production": "post-install", "development": "pre-install"}  # CNPG comes with the release
    for name, manifests in rendered.items():
        for service in SERVICE_NAMES:
            job = named(manifests, "Job", f"rtw-{service}-migrate")
            container = pod_spec(job)["containers"][0]
            env = environment_of(container)
            assert container["command"] == [f"rtw-{service}-migrate"]
            assert job["metadata"]["annotations"]["helm.sh/hook"] == f"{install_hook[name]},pre-upgrade"
            db_secret = next(e for e in container["env"] if e["name"] == "PGPASSWORD")["valueFrom"]["secretKeyRef"]
            assert db_secret["name"] == f"rtw-{service}-db-owner"
            assert env[f"RTW_{service.upper()}_MIGRATION_DATABASE_URL"] == env[f"RTW_{service.upper()}_DATABASE_URL"]
            assert f"RTW_{service.upper()}_KAFKA_PASSWORD" not in env


def test_the_apis_and_workers_never_see_the_owners_credentials(manifests: list[Manifest]) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        env = [e for container in containers(deployment) for e in container["env"] if "valueFrom" in e]
        assert not any(e["valueFrom"]["secretKeyRef"]["name"].endswith("-db-owner") for e in env)


def test_apis_and_workers_wait_for_their_schema_before_they_start(manifests: list[Manifest]) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        service = pod_labels(deployment)["rtw/service"]
        [wait] = pod_spec(deployment)["initContainers"]
        assert wait["command"] == [f"rtw-{service}-migrate", "--wait", "900"]
        assert wait["image"] == pod_spec(deployment)["containers"][0]["image"]
        assert wait["env"] == pod_spec(deployment)["containers"][0]["env"]  # the application role, not the owner


# -- Database, realm, ingress ---------------------------------------------------------------------------------


def test_production_gets_one_cloudnativepg_database_per_service_with_an_owner_and_an_app_role(
    rendered: dict[str, list[Manifest]],
) -> None:
    cluster = named(rendered["production"], "Cluster", "rtw-postgres")
    roles = {r["name"]: r["passwordSecret"]["name"] for r in cluster["spec"]["managed"]["roles"]}
    assert roles == {f"{s}_{role}": f"rtw-{s}-db-{role}" for s in SERVICE_NAMES for role in ("owner", "app")}
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(rendered["production"], "Database")}
    assert databases == {s: f"{s}_owner" for s in SERVICE_NAMES}
    assert of_kind(rendered["development"], "Cluster") == of_kind(rendered["development"], "KafkaUser") == []


def test_the_realm_import_job_applies_the_production_realm_the_repository_generates(manifests: list[Manifest]) -> None:
    from rtw_devstack import realm

    config = named(manifests, "ConfigMap", "rtw-realm")
    assert config["data"]["realm-rtw-production.json"] == realm.render()
    job = named(manifests, "Job", "rtw-realm-import")
    command = pod_spec(job)["containers"][0]["command"]
    assert command[:3] == ["python", "-m", "rtw_devstack.realm_sync"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"


def test_the_ingress_sends_the_portal_to_employer_the_clinic_to_workplan_and_each_api_host_to_its_service(
    rendered: dict[str, list[Manifest]],
) -> None:
    ingress = named(rendered["production"], "Ingress", "rtw")
    routes = {
        (rule["host"], path["path"]): path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    expected = {("rtw.example.org", "/portal"): "rtw-employer", ("rtw.example.org", "/clinic"): "rtw-workplan"}
    public = ("/v1", "/docs", "/docs-assets", "/redoc", "/openapi.json")  # not /healthz, /readyz, /metrics
    expected |= {(f"{s}.api.rtw.example.org", path): f"rtw-{s}" for s in SERVICE_NAMES for path in public}
    assert routes == expected
    assert set(ingress["spec"]["tls"][0]["hosts"]) == {host for host, _ in expected}


# -- NetworkPolicies: exactly the paths docs/kubernetes.md lists ---------------------------------------------

PRIVATE_RANGES = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}
EXPECTED_EGRESS = {
    "api": {"dns", "postgresql", "keycloak"},
    "worker": {"dns", "postgresql", "kafka"},
    "migrate": {"dns", "postgresql"},
    "realm-import": {"dns", "keycloak"},
}
# The other services' APIs an API calls with its caller's token: intake's Patient/$everything gathers their FHIR
# resources (docs/fhir.md); workplan's workspace reads and writes them for the signed-in therapist.
API_PEERS = {"intake": ("workplan", "employer"), "workplan": ("intake", "employer", "notify")}
# Beyond their component's: notify's worker delivers webhooks and mail; APIs reach the APIs they call.
EXTRA_EGRESS = {
    ("worker", "notify"): {"internet", "smtp"},
    **{("api", caller): {f"api:{peer}" for peer in peers} for caller, peers in API_PEERS.items()},
}


def egress_category(rule: dict[str, Any], smtp_port: int) -> str:
    """What an egress rule opens, by its ports and peers (a rule without peers would open everything)."""
    assert rule.get("to"), f"an egress rule to anywhere: {rule}"
    ports = {(p["port"], p.get("protocol", "TCP")) for p in rule["ports"]}
    blocks = [peer["ipBlock"] for peer in rule["to"] if "ipBlock" in peer]
    if ports == {(53, "UDP"), (53, "TCP")}:
        assert rule["to"][0]["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}
        return "dns"
    if ports == {(443, "TCP")}:
        assert len(blocks) == len(rule["to"]) and all(set(b["except"]) >= PRIVATE_RANGES for b in blocks), rule
        return "internet"
    apis = [
        peer["podSelector"]["matchLabels"] for peer in rule["to"] if "podSelector" in peer and "ipBlock" not in peer
    ]
    if apis and all(labels.get("app.kubernetes.io/component") == "api" for labels in apis):
        assert len(apis) == 1 and ports == {(8000, "TCP")}, rule
        return f"api:{apis[0]['rtw/service']}"
    names = {(5432, "TCP"): "postgresql", (9092, "TCP"): "kafka", (8080, "TCP"): "keycloak", (smtp_port, "TCP"): "smtp"}
    return names.get(next(iter(ports)), f"unexpected {rule}") if len(ports) == 1 else f"unexpected {rule}"


def policy_for(manifests: list[Manifest], workload: Manifest) -> Manifest:
    policies = [
        p for p in of_kind(manifests, "NetworkPolicy") if selects(p["spec"]["podSelector"], pod_labels(workload))
    ]
    assert len(policies) == 1, workload["metadata"]["name"]
    assert sorted(policies[0]["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    return policies[0]


@pytest.mark.parametrize("name", VALUES)
def test_each_pod_may_reach_only_what_its_component_needs(rendered: dict[str, list[Manifest]], name: str) -> None:
    manifests = rendered[name]
    smtp_port = {"production": 587, "development": 1025}[name]
    for workload in workloads(manifests):
        labels = pod_labels(workload)
        component, service = labels["app.kubernetes.io/component"], labels.get("rtw/service")
        opened = {egress_category(rule, smtp_port) for rule in policy_for(manifests, workload)["spec"]["egress"]}
        expected = EXPECTED_EGRESS[component] | EXTRA_EGRESS.get((component, service), set())
        assert opened == expected, workload["metadata"]["name"]


def source(peer: dict[str, Any]) -> dict[str, str] | str:
    """Where an ingress rule lets traffic in from: a namespace, or (no namespace: this one's) a pod of the release."""
    if "namespaceSelector" in peer:
        return peer["namespaceSelector"]["matchLabels"]
    labels = peer["podSelector"]["matchLabels"]
    return f"{labels['rtw/service']}'s API" if labels["app.kubernetes.io/component"] == "api" else f"unexpected {peer}"


def test_each_api_finds_the_apis_it_calls_at_their_services(manifests: list[Manifest]) -> None:
    services = {s["metadata"]["name"]: s for s in of_kind(manifests, "Service")}
    for workload in workloads(manifests):
        labels = pod_labels(workload)
        env = environment_of(pod_spec(workload)["containers"][0])
        peers = {key: value for key, value in env.items() if key.endswith("_API_URL")}
        component, service = labels["app.kubernetes.io/component"], labels.get("rtw/service")
        expected = API_PEERS.get(service, ()) if component == "api" else ()
        assert sorted(peers) == sorted(f"RTW_{service.upper()}_{peer.upper()}_API_URL" for peer in expected), workload[
            "metadata"
        ]["name"]
        for peer in expected:
            assert peers[f"RTW_{service.upper()}_{peer.upper()}_API_URL"] == f"http://rtw-{peer}"
            assert services[f"rtw-{peer}"]["spec"]["ports"][0]["port"] == 80
            assert selects(services[f"rtw-{peer}"]["spec"]["selector"], {**labels, "rtw/service": peer})


@pytest.mark.parametrize("name", VALUES)
def test_apis_take_traffic_from_the_ingress_controller_only_and_workers_and_jobs_from_nobody(
    rendered: dict[str, list[Manifest]], name: str
) -> None:
    manifests = rendered[name]
    controller = {"kubernetes.io/metadata.name": "ingress-nginx"}
    prometheus = {"kubernetes.io/metadata.name": "monitoring"}  # only where metrics are scraped
    for workload in workloads(manifests):
        component = pod_labels(workload)["app.kubernetes.io/component"]
        ingress = policy_for(manifests, workload)["spec"]["ingress"]
        sources = [source(peer) for rule in ingress for peer in rule["from"]]
        ports = sorted({p["port"] for rule in ingress for p in rule["ports"]})
        if component == "api":
            expected = [controller, prometheus] if name == "production" else [controller]
            service = pod_labels(workload)["rtw/service"]
            expected += [f"{caller}'s API" for caller, peers in sorted(API_PEERS.items()) if service in peers]
            assert sources == expected, workload["metadata"]["name"]
            assert ports == [8000]
        elif component == "worker" and name == "production":
            assert (sources, ports) == ([prometheus], [8001])
        else:
            assert ingress == [], workload["metadata"]["name"]
