"""Convert the ODH StructureDefinitions from their XML source (HL7's us-odh IG repository) to FHIR JSON, as
kept beside this script: `python xml_to_json.py SOURCE.xml > TARGET.json`. FHIR's XML→JSON rules for what
a StructureDefinition holds: `value` attributes are primitives, repeating elements are arrays, narrative is
left out (README.md)."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

NS = "{http://hl7.org/fhir}"
# Elements that are arrays in FHIR JSON (of those a StructureDefinition holds).
ARRAYS = {
    "alias",
    "code",
    "coding",
    "condition",
    "constraint",
    "contact",
    "context",
    "discriminator",
    "element",
    "example",
    "extension",
    "identifier",
    "jurisdiction",
    "keyword",
    "mapping",
    "modifierExtension",
    "profile",
    "targetProfile",
    "telecom",
    "type",
    "useContext",
}
INTEGERS = {"min", "maxLength"}
# ElementDefinition.type.code and binding codes are single; `code` is an array only on ElementDefinition.
SINGLE_CODE_PARENTS = {"type", "coding", "telecom", "identifier", "discriminator"}


def primitive(name: str, value: str) -> object:
    if name in INTEGERS:
        return int(value)
    if value in ("true", "false") and not name.startswith(("fixed", "pattern")):
        return value == "true"
    return value


def convert(node: ET.Element, parent: str = "") -> object:
    name = node.tag.removeprefix(NS)
    if "value" in node.attrib and not list(node):
        return primitive(name, node.attrib["value"])
    found: dict[str, object] = {}
    if "url" in node.attrib:
        found["url"] = node.attrib["url"]
    if "id" in node.attrib:
        found["id"] = node.attrib["id"]
    for child in node:
        key = child.tag.removeprefix(NS)
        if key == "text" and name == "StructureDefinition":
            continue
        value = convert(child, name)
        is_array = key in ARRAYS and not (key == "code" and name in SINGLE_CODE_PARENTS | {"binding"})
        if key == "type" and name != "element":  # a discriminator's type, a telecom's: single
            is_array = False
        if key == "profile" and name == "meta":
            is_array = True
        if is_array:
            found.setdefault(key, [])
            found[key].append(value)  # type: ignore[attr-defined]
        else:
            found[key] = value
    return found


def main(path: str) -> None:
    root = ET.parse(path).getroot()  # noqa: S314 — HL7's published source, read once by hand
    document = {"resourceType": root.tag.removeprefix(NS), **convert(root)}  # type: ignore[dict-item]
    print(json.dumps(document, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
