"""Validation of the FHIR resources the API answers, for the tests:

- `r4(resource)`: FHIR R4 (4.0.1) exactly, with a maintained model library — SMART on FHIR's `fhirclient`
  (its models are generated from FHIR 4.0.1; `fhir.resources` 7+ models R5 and R4B, not R4): every
  element known and of its type, every required element present, dates well-formed; then the codes of
  the required bindings RTW's resources use, ids and `meta.lastUpdated`.
- `odh(resource)`: the profiles of HL7's Occupational Data for Health IG the resource claims in
  `meta.profile`, against their StructureDefinitions (odh/, from HL7's IG source: odh/README.md) —
  cardinality, fixed and pattern values, choice types, slices by their discriminators, and the
  extensions' own definitions. Value sets kept by PHIN VADS are not expanded (their bindings are
  not checked).

Loaded by path (`load()`), as the service tests and the end-to-end tests both use it."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from fhirclient.models.fhirelementfactory import FHIRElementFactory

ODH_DIR = Path(__file__).with_name("odh")
ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def codes(words: str) -> frozenset[str]:
    """A value set's codes, given space-separated."""
    return frozenset(words.split())


# The required bindings of the elements RTW's resources fill (http://hl7.org/fhir/R4/terminologies.html).
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Observation", "status"): codes(
        "registered preliminary final amended corrected cancelled entered-in-error unknown"
    ),
    ("CarePlan", "status"): codes("draft active on-hold revoked completed entered-in-error unknown"),
    ("CarePlan", "intent"): codes("proposal plan order option"),
    ("Goal", "lifecycleStatus"): codes(
        "proposed planned accepted active on-hold completed cancelled entered-in-error rejected"
    ),
    ("Task", "status"): codes(
        "draft requested received accepted rejected ready cancelled in-progress on-hold failed completed "
        "entered-in-error"
    ),
    ("Task", "intent"): codes(
        "unknown proposal plan order original-order reflex-order filler-order instance-order option"
    ),
    ("Consent", "status"): codes("draft proposed active rejected inactive entered-in-error"),
    ("Coverage", "status"): codes("active cancelled draft entered-in-error"),
    ("Bundle", "type"): codes(
        "document message transaction transaction-response batch batch-response history searchset collection"
    ),
}
ACTIVITY_STATUS = codes(
    "not-started scheduled in-progress on-hold completed cancelled stopped unknown entered-in-error"
)


def load() -> Any:
    """This module, for a test outside tests/ (services/*/tests load it by path)."""
    spec = importlib.util.spec_from_file_location("fhir_validate", __file__)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def r4(resource: dict[str, Any]) -> None:
    """Raise (naming what is wrong) unless `resource` is valid FHIR R4."""
    FHIRElementFactory.instantiate(resource["resourceType"], resource)  # strict: raises FHIRValidationError
    problems = _codes(resource)
    assert not problems, f"{resource['resourceType']}/{resource.get('id')}: {problems}"
    if resource["resourceType"] == "Bundle":
        for item in resource.get("entry", []):
            r4(item["resource"])


def _codes(resource: dict[str, Any]) -> list[str]:
    kind, problems = resource["resourceType"], []
    if "id" in resource and not ID.match(resource["id"]):
        problems.append(f"id {resource['id']!r} is not a FHIR id")
    if kind not in ("OperationOutcome",) and not INSTANT.match(resource.get("meta", {}).get("lastUpdated", "")):
        problems.append("meta.lastUpdated is not an instant")
    for (of, element), allowed in REQUIRED_CODES.items():
        if of == kind and resource.get(element) not in allowed:
            problems.append(f"{element} {resource.get(element)!r} is not one of its required codes")
    for activity in resource.get("activity", []) if kind == "CarePlan" else []:
        if activity.get("detail", {}).get("status") not in ACTIVITY_STATUS:
            problems.append(f"activity.detail.status {activity.get('detail', {}).get('status')!r}")
    return problems


# ---- profiles (ODH) ----


def _definitions() -> dict[str, dict[str, Any]]:
    found = {}
    for path in ODH_DIR.glob("StructureDefinition-*.json"):
        definition = json.loads(path.read_text())
        found[definition["url"]] = definition
    return found


DEFINITIONS = _definitions()


def odh(resource: dict[str, Any]) -> list[str]:
    """What keeps `resource` from conforming to each ODH profile it claims ([]: it conforms); a claimed ODH
    profile this module does not have is a problem too."""
    problems = []
    for profile in resource.get("meta", {}).get("profile", []):
        if "/fhir/us/odh/" not in profile:
            continue
        definition = DEFINITIONS.get(profile)
        if definition is None:
            problems.append(f"{profile}: no StructureDefinition for it in tests/fhir/odh")
            continue
        problems += [f"{definition['name']}: {p}" for p in conformance(resource, definition)]
    return problems


def conformance(instance: dict[str, Any], definition: dict[str, Any]) -> list[str]:
    """The differential's constraints `instance` breaks."""
    elements = definition["differential"]["element"]
    by_id = {e["id"]: e for e in elements}
    if definition["kind"] == "resource" and instance.get("resourceType") != definition["type"]:
        return [f"is a {instance.get('resourceType')}, not a {definition['type']}"]
    problems: list[str] = []
    for element in elements:
        steps = element["id"].split(".")[1:]
        if not steps:
            continue
        for parent in _nodes([instance], steps[:-1], by_id, element["id"].split(".")[0]):
            children = _children(parent, steps[-1], by_id, element["id"].rsplit(".", 1)[0])
            problems += _check(element, children, by_id) + _choice_types(element, parent, steps[-1])
    return problems


def _name_and_slice(step: str) -> tuple[str, str | None]:
    name, _, slice_name = step.partition(":")
    return name, slice_name or None


def _values(node: Any, name: str) -> list[Any]:
    """The values of child `name` of `node` (a choice `value[x]`: whichever type is present)."""
    if not isinstance(node, dict):
        return []
    if name.endswith("[x]"):
        stem = name[:-3]
        found = [v for k, v in node.items() if k.startswith(stem) and k[len(stem) : len(stem) + 1].isupper()]
    else:
        found = [node[name]] if name in node else []
    return [item for value in found for item in (value if isinstance(value, list) else [value])]


def _nodes(nodes: list[Any], steps: list[str], by_id: dict[str, Any], prefix: str) -> list[Any]:
    for step in steps:
        nodes = [child for node in nodes for child in _children(node, step, by_id, prefix)]
        prefix = f"{prefix}.{step}"
    return nodes


def _children(node: Any, step: str, by_id: dict[str, Any], parent_id: str) -> list[Any]:
    name, slice_name = _name_and_slice(step)
    found = _values(node, name)
    if slice_name is None:
        return found
    return [item for item in found if _in_slice(item, f"{parent_id}.{name}", f"{parent_id}.{step}", by_id)]


def _in_slice(item: Any, sliced_id: str, slice_id: str, by_id: dict[str, Any]) -> bool:
    """Whether `item` belongs to the slice `slice_id` of the element `sliced_id`, by its discriminators."""
    slicing = by_id.get(sliced_id, {}).get("slicing")
    if not slicing:
        return False
    for discriminator in slicing["discriminator"]:
        expected = _discriminating_values(slice_id, discriminator["path"], by_id)
        if not expected:
            return False  # a pattern the profile leaves to a value set: membership unknown
        actual = _values_at(item, discriminator["path"])
        if not any(_matches(value, wanted) for value in actual for wanted in expected):
            return False
    return True


def _discriminating_values(slice_id: str, path: str, by_id: dict[str, Any]) -> list[Any]:
    """The fixed or pattern values the slice's own elements give at `path` (an extension's: its profile's url)."""
    if path == "url":
        slice_element = by_id.get(slice_id, {})
        return [p for t in slice_element.get("type", []) for p in t.get("profile", [])]
    wanted = path.split(".") if path != "$this" else []
    found = []
    for element_id, element in by_id.items():
        if not element_id.startswith(slice_id):
            continue
        rest = element_id[len(slice_id) :].lstrip(".")
        relative = [_name_and_slice(step)[0] for step in rest.split(".")] if rest else []
        if relative == wanted:
            found += [v for k, v in element.items() if k.startswith(("fixed", "pattern"))]
    return found


def _values_at(item: Any, path: str) -> list[Any]:
    nodes = [item]
    for step in [] if path == "$this" else path.split("."):
        nodes = [child for node in nodes for child in _values(node, step)]
    return nodes


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):
        return isinstance(value, dict) and all(
            any(_matches(v, w) for v in (value.get(k) if isinstance(value.get(k), list) else [value.get(k)]))
            if not isinstance(w, list)
            else all(any(_matches(v, x) for v in value.get(k, [])) for x in w)
            for k, w in wanted.items()
        )
    return value == wanted


def _check(element: dict[str, Any], children: list[Any], by_id: dict[str, Any]) -> list[str]:
    where, problems = element["id"], []
    if "min" in element and len(children) < element["min"]:
        problems.append(f"{where}: {len(children)} present, at least {element['min']} required")
    if element.get("max") not in (None, "*") and len(children) > int(element["max"]):
        problems.append(f"{where}: {len(children)} present, at most {element['max']} allowed")
    for key, wanted in element.items():
        if key.startswith("fixed") and any(child != wanted for child in children):
            problems.append(f"{where}: must be {wanted!r}")
        if key.startswith("pattern") and not all(_matches(child, wanted) for child in children):
            problems.append(f"{where}: must match {wanted!r}")
    for child in children:
        problems += _check_extension(element, child)
    return problems


def _choice_types(element: dict[str, Any], parent: Any, step: str) -> list[str]:
    """A choice element restricted to some types (`value[x]` only Quantity) carries no other."""
    name = _name_and_slice(step)[0]
    if not name.endswith("[x]") or "type" not in element or not isinstance(parent, dict):
        return []
    stem = name[:-3]
    allowed = {t["code"][:1].upper() + t["code"][1:] for t in element["type"]}
    present = {k[len(stem) :] for k in parent if k.startswith(stem) and k[len(stem) : len(stem) + 1].isupper()}
    return [f"{element['id']}: {stem}{kind} is not an allowed type ({sorted(allowed)})" for kind in present - allowed]


def _check_extension(element: dict[str, Any], child: Any) -> list[str]:
    profiles = [p for t in element.get("type", []) if t["code"] == "Extension" for p in t.get("profile", [])]
    problems = []
    for profile in profiles:
        definition = DEFINITIONS.get(profile)
        if definition is not None:
            problems += [f"{element['id']} ({definition['name']}): {p}" for p in conformance(child, definition)]
    return problems
