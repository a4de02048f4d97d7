"""The operators' custom resource schemas, as JSON Schema files kubeconform reads offline.

`python -m rtw_devstack.k8s.crds CRD.yaml… --kinds KafkaTopic,KafkaUser` converts each served version
of the named kinds' CustomResourceDefinitions into `deploy/helm/schemas/<group>/<kind>_<version>.json`
(kubeconform's `{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`), strict: an object
that lists its properties refuses any other, as the API server's structural schemas do. The CRD files
come from the operators' releases (deploy/helm/schemas/README.md says which); only the result is kept."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SCHEMAS = Path(__file__).resolve().parents[3] / "helm" / "schemas"
Json = dict[str, Any]


def strict(node: Any) -> Any:
    """An OpenAPI v3 schema (a CRD's) as JSON Schema, closed wherever it lists properties."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    # Descriptions are for people reading the CRD; a `description` holding a schema is a property.
    kept = {key: value for key, value in node.items() if not (key == "description" and isinstance(value, str))}
    converted = {key: strict(value) for key, value in kept.items()}
    if converted.pop("x-kubernetes-int-or-string", False):
        converted.pop("type", None)
        converted["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if converted.pop("nullable", False) and isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
    open_ended = converted.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in converted and "additionalProperties" not in converted and not open_ended:
        converted["additionalProperties"] = False
    return converted


def versions(crd: Json) -> Iterator[tuple[str, Json]]:
    """Each served version of a CRD with its schema."""
    for version in crd["spec"]["versions"]:
        if version.get("served", True) and "schema" in version:
            yield version["name"], version["schema"]["openAPIV3Schema"]


def convert(crd: Json, out: Path = SCHEMAS) -> list[Path]:
    """Write the JSON schema of each served version of `crd`; the files written."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    written = []
    for name, schema in versions(crd):
        path = out / group / f"{kind.lower()}_{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(strict(schema), indent=1, sort_keys=True) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Convert the named kinds' CRDs found in the given YAML files."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--kinds", required=True, help="comma-separated kinds to keep, e.g. Cluster,Database")
    parser.add_argument("--out", type=Path, default=SCHEMAS)
    args = parser.parse_args(argv)
    kinds = set(args.kinds.split(","))
    for file in args.files:
        for crd in yaml.safe_load_all(file.read_text()):
            if crd and crd.get("kind") == "CustomResourceDefinition" and crd["spec"]["names"]["kind"] in kinds:
                for path in convert(crd, args.out):
                    print(f"wrote {path}")


if __name__ == "__main__":
    main()
