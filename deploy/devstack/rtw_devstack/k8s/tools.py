"""The offline check's tools, installed from the package registries this project reaches and cached
in `~/.cache/rtw/k8s` (`RTW_CACHE_DIR`) like the stack's downloads, so only the first run pays:

- helm and kubeconform: built with `go install` from the Go module proxy (Go must be installed);
- checkov: from PyPI, into a virtual environment of its own (its pins are not the project's);
- the Kubernetes JSON schemas: from the `kubernetes-validate` package on PyPI, which ships them for
  each Kubernetes release; kubeconform wants each kind's schema whole, so each kind the chart renders
  is written out once with its references inlined (`standalone_schema`).

Concurrent test processes install each tool once: a file lock guards every install."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rtw_devstack.config import StackSettings
from rtw_devstack.errors import MissingPrerequisiteError, StackError

HELM_VERSION = "v3.21.4"
# helm 3.21 needs Go 1.26; an older go command fetches this toolchain from the Go module proxy.
GO_TOOLCHAIN = "go1.26.8"
# The Kubernetes release helm's client-go is from: what `.Capabilities.KubeVersion` says by default.
HELM_KUBE_MINOR = "36"
KUBECONFORM_VERSION = "v0.8.0"
CHECKOV_VERSION = "3.3.30"
KUBERNETES_VALIDATE_VERSION = "1.37.0"
# Validated against: the oldest release the chart supports (Chart.yaml's kubeVersion) and the newest.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")
SCHEMA_DIR = "kubernetes_validate/kubernetes-json-schema"


def cache_dir() -> Path:
    path: Path = StackSettings().cache_dir / "k8s"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold the cache's lock for `name` (another process installing it waits)."""
    with open(cache_dir() / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def go() -> str:
    path = shutil.which("go")
    if not path:
        raise MissingPrerequisiteError(
            "Go is required to build helm and kubeconform from the Go module proxy: install it "
            "(e.g. `apt-get install golang-go`; helm needs Go 1.26, which the go command fetches itself "
            "when GOTOOLCHAIN=auto)"
        )
    return path


def go_environment(gobin: str) -> dict[str, str]:
    """The environment `go install` runs in: binaries to `gobin`, a new enough toolchain."""
    env = {**os.environ, "GOBIN": gobin, "GOFLAGS": "-buildvcs=false", "CGO_ENABLED": "0"}
    found = subprocess.run([go(), "env", "GOVERSION"], capture_output=True, text=True, check=True).stdout.strip()
    numbers = tuple(int(part) for part in found.removeprefix("go").split(".")[:2] if part.isdigit())
    if numbers < (1, 26):
        env["GOTOOLCHAIN"] = GO_TOOLCHAIN
    return env


def go_install(package: str, version: str, binary: str, ldflags: str = "") -> Path:
    """`go install package@version` into the cache, once; the binary's path."""
    target = cache_dir() / "bin" / f"{binary}-{version}"
    with locked(binary):
        if target.exists():
            return target
        with tempfile.TemporaryDirectory(dir=cache_dir()) as gobin:
            env = go_environment(gobin)
            command = [go(), "install", *(["-ldflags", ldflags] if ldflags else []), f"{package}@{version}"]
            installed(subprocess.run(command, env=env, capture_output=True, text=True), f"{package}@{version}")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(gobin) / binary, target)
    return target


def installed(done: subprocess.CompletedProcess[str], what: str) -> None:
    """Raise a StackError with the installer's own words when it failed."""
    if done.returncode:
        raise StackError(f"could not install {what}: {(done.stderr or done.stdout).strip()[-2000:]}")


def helm() -> Path:
    """helm, with the version and default Kubernetes release `make` would have stamped into it."""
    stamp = " ".join(
        [
            "-s -w",
            f"-X helm.sh/helm/v3/internal/version.version={HELM_VERSION}",
            *[
                f"-X helm.sh/helm/v3/pkg/{pkg}.k8sVersion{part}={value}"
                for pkg in ("chartutil", "lint/rules")
                for part, value in (("Major", "1"), ("Minor", HELM_KUBE_MINOR))
            ],
        ]
    )
    return go_install("helm.sh/helm/v3/cmd/helm", HELM_VERSION, "helm", stamp)


def kubeconform() -> Path:
    return go_install("github.com/yannh/kubeconform/cmd/kubeconform", KUBECONFORM_VERSION, "kubeconform")


def checkov() -> Path:
    """checkov in a virtual environment of its own."""
    home = cache_dir() / f"checkov-{CHECKOV_VERSION}"
    binary = home / "bin" / "checkov"
    with locked("checkov"):
        if binary.exists():
            return binary
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, capture_output=True)
        pip = [str(home / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        done = subprocess.run([*pip, f"checkov=={CHECKOV_VERSION}"], capture_output=True, text=True)
        if done.returncode:
            shutil.rmtree(home, ignore_errors=True)  # a half-made environment would pass for a made one
        installed(done, f"checkov=={CHECKOV_VERSION}")
    return binary


def kubernetes_schemas() -> Path:
    """The folder of kubeconform-ready Kubernetes schemas (`v<version>-standalone-strict/`)."""
    root = cache_dir() / f"kubernetes-json-schema-{KUBERNETES_VALIDATE_VERSION}"
    with locked("kubernetes-schemas"):
        if not (root / ".complete").exists():
            _extract_schemas(root)
    return root


def _extract_schemas(root: Path) -> None:
    """Download the kubernetes-validate wheel from PyPI and keep the versions we validate against."""
    with tempfile.TemporaryDirectory(dir=cache_dir()) as download:
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check"]
        wanted_package = f"kubernetes-validate=={KUBERNETES_VALIDATE_VERSION}"
        installed(
            subprocess.run([*pip, "-d", download, wanted_package], capture_output=True, text=True), wanted_package
        )
        wheel = next(Path(download).glob("kubernetes_validate-*.whl"))
        wanted = tuple(f"{SCHEMA_DIR}/v{version}-local-strict/" for version in KUBERNETES_VERSIONS)
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.startswith(wanted) and name.endswith(".json"):
                    version_dir, file = name[len(SCHEMA_DIR) + 1 :].split("/", 1)
                    target = root / "local" / version_dir / file
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
    (root / ".complete").touch()


def standalone_schema(root: Path, version: str, file: str) -> Path | None:
    """`file`'s schema for Kubernetes `version` with every reference inlined, where kubeconform looks
    for it; None when Kubernetes has no such kind (a custom resource's is in the repository)."""
    target = root / f"v{version}-standalone-strict" / file
    source = root / "local" / f"v{version}-local-strict" / file
    if target.exists():
        return target
    if not source.exists():
        return None
    definitions = json.loads((source.parent / "_definitions.json").read_text())["$defs"]
    schema = _inline(json.loads(source.read_text()), definitions)
    schema.pop("$id", None)  # it names the package's layout, not this file
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=target.parent, delete=False, suffix=".tmp") as handle:
        json.dump(schema, handle)
    os.replace(handle.name, target)
    return target


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].split("#/$defs/", 1)[1]
        rest = {key: value for key, value in node.items() if key != "$ref"}
        return {**_inline(definitions[name], definitions), **_inline(rest, definitions)}
    return {key: _inline(value, definitions) for key, value in node.items()}
