"""`make k8s-check`: the Helm chart checked offline, step by step.

1. the chart's generated files are current (`chart_data`);
2. `helm lint --strict` with each values file (values.schema.json included);
3. the chart rendered for each values file (`deploy/helm/rtw/ci/*-values.yaml`) into `.data/k8s/`;
4. every manifest validated by kubeconform against the Kubernetes schemas of the oldest and newest
   supported releases and the operators' CRD schemas kept in `deploy/helm/schemas`; a kind without a
   schema fails;
5. checkov's Kubernetes checks, less the few listed in `CHECKOV_SKIPS` with the reason.
Then `make k8s-check` runs the chart's invariants (tests/k8s/test_chart.py). The same functions run
inside `make test` (tests/k8s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rtw_devstack.config import StackSettings
from rtw_devstack.errors import StackError
from rtw_devstack.k8s import chart_data, crds, tools

CHART = chart_data.CHART
VALUES = {path.name.removesuffix("-values.yaml"): path for path in sorted((CHART / "ci").glob("*-values.yaml"))}
RELEASE, NAMESPACE = "rtw", "rtw"
CHECKOV_SKIPS = {
    "CKV_K8S_43": "images by digest: the chart takes image.digest, but example values cannot know one",
    "CKV_K8S_35": "secrets as files: the services read settings from the environment (pydantic-settings); "
    "the manifests hold only secretKeyRef references",
    "CKV_K8S_15": "imagePullPolicy Always: released images are immutable tags or digests, so IfNotPresent is right",
}
Manifest = dict[str, Any]


class CheckError(Exception):
    """A step of the check found a problem (the message says which)."""


@dataclass
class Summary:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def output_dir() -> Path:
    path: Path = StackSettings().data_dir / "k8s"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(command: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)


def lint(values: Path) -> str:
    """`helm lint --strict` with `values` (it also checks values.schema.json); its last line."""
    done = run([tools.helm(), "lint", "--strict", CHART, "-f", values])
    if done.returncode:
        raise CheckError(f"helm lint {values.name}:\n{done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def template(values: Path, *extra: str) -> str:
    """The chart rendered with `values` (and `extra` helm arguments)."""
    command: list[str | Path] = [
        tools.helm(),
        "template",
        RELEASE,
        CHART,
        "--namespace",
        NAMESPACE,
        "-f",
        values,
        *extra,
    ]
    done = run(command)
    if done.returncode:
        raise CheckError(f"helm template {values.name}: {done.stderr}")
    return done.stdout


def render(name: str) -> Path:
    """Render the chart for `VALUES[name]` into .data/k8s/<name>.yaml (atomically); its path."""
    target = output_dir() / f"{name}.yaml"
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(template(VALUES[name]))
    os.replace(partial, target)
    return target


def documents(path: Path) -> list[Manifest]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def schema_file(manifest: Manifest) -> str:
    """kubeconform's name for a kind's schema file: `<kind>[-<group>]-<version>.json`."""
    group, _, version = manifest["apiVersion"].rpartition("/")
    suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
    return f"{manifest['kind'].lower()}{suffix}.json"


def prepare_schemas(manifests: list[Manifest]) -> Path:
    """Write out the Kubernetes schemas these manifests need (custom resources' are in the repository)."""
    root: Path = tools.kubernetes_schemas()
    for file in sorted({schema_file(manifest) for manifest in manifests}):
        for version in tools.KUBERNETES_VERSIONS:
            tools.standalone_schema(root, version, file)
    return root


def kubeconform(paths: list[Path], version: str, root: Path) -> Summary:
    """kubeconform, strict, on `paths` against Kubernetes `version` and the CRD schemas."""
    command: list[str | Path] = [
        tools.kubeconform(),
        "-strict",
        "-verbose",
        "-output",
        "json",
        "-kubernetes-version",
        version,
        "-schema-location",
        f"{root}/{{{{ .NormalizedKubernetesVersion }}}}-standalone{{{{ .StrictSuffix }}}}/"
        "{{ .ResourceKind }}{{ .KindSuffix }}.json",
        "-schema-location",
        f"{crds.SCHEMAS}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
        *paths,
    ]
    resources = json.loads(run(command).stdout or "{}").get("resources", [])
    problems = [
        f"{Path(r['filename']).name}: {r['kind']} {r['name']} ({r['status']}): {r.get('msg', '')}"
        for r in resources
        if r["status"] != "statusValid"
    ]
    return Summary(checked=len(resources), problems=problems)


def validate(paths: list[Path]) -> Summary:
    """Every manifest in `paths` against each supported Kubernetes release's schemas and the CRDs'."""
    root = prepare_schemas([doc for path in paths for doc in documents(path)])
    summary = Summary()
    for version in tools.KUBERNETES_VERSIONS:
        found = kubeconform(paths, version, root)
        summary.checked += found.checked
        summary.problems += [f"Kubernetes {version}: {problem}" for problem in found.problems]
    return summary


def security(paths: list[Path]) -> Summary:
    """checkov's Kubernetes checks on `paths`, less CHECKOV_SKIPS."""
    files = [arg for path in paths for arg in ("-f", str(path))]
    skips = ",".join(CHECKOV_SKIPS)
    command: list[str | Path] = [
        tools.checkov(),
        *files,
        "--framework",
        "kubernetes",
        "--skip-check",
        skips,
        "--skip-download",
    ]
    done = run([*command, "--output", "json", "--soft-fail"], env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    reports = json.loads(done.stdout)
    summary = Summary()
    for report in reports if isinstance(reports, list) else [reports]:
        results = report.get("results", {})
        failed = results.get("failed_checks", [])
        summary.checked += len(results.get("passed_checks", [])) + len(failed)
        summary.problems += [f"{f['check_id']} {f['check_name']}: {f['resource']}" for f in failed]
    return summary


def step(title: str, action: Callable[[], str]) -> None:
    started = time.monotonic()
    outcome = action()
    print(f"[k8s     ] {title:<44} {outcome:<48} {time.monotonic() - started:6.1f}s", flush=True)


def require(summary: Summary, what: str) -> str:
    if summary.problems:
        raise CheckError(f"{what}: {len(summary.problems)} problem(s):\n" + "\n".join(summary.problems))
    return f"{summary.checked} checked, 0 problems"


def main() -> None:
    """Run every step, printing each one's outcome and time; exit 1 at the first failure."""
    started = time.monotonic()
    try:
        step("generated files current", lambda: "ok" if not chart_data.stale() else _stale())
        step("tools", _tools)
        for name, values in VALUES.items():
            step(f"helm lint --strict ({name})", _lint(values))
        paths = [render(name) for name in VALUES]
        step("render", lambda: ", ".join(str(p.relative_to(StackSettings().repo_root)) for p in paths))
        step("kubeconform " + " and ".join(tools.KUBERNETES_VERSIONS), lambda: require(validate(paths), "kubeconform"))
        step("checkov", lambda: require(security(paths), "checkov"))
    except (CheckError, StackError) as failed:
        sys.exit(f"[k8s     ] FAILED: {failed}")
    print(f"[k8s     ] chart checked in {time.monotonic() - started:.1f}s", flush=True)


def _lint(values: Path) -> Callable[[], str]:
    return lambda: lint(values)


def _tools() -> str:
    for install in (tools.helm, tools.kubeconform, tools.checkov, tools.kubernetes_schemas):
        install()
    return f"helm {tools.HELM_VERSION}, kubeconform {tools.KUBECONFORM_VERSION}, checkov {tools.CHECKOV_VERSION}"


def _stale() -> str:
    raise CheckError("stale generated files, run `.venv/bin/python -m rtw_devstack.k8s.chart_data`")


if __name__ == "__main__":
    main()
