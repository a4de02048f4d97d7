"""The checked-in AsyncAPI document is exactly what the event models generate."""

from pathlib import Path

import yaml

from rtw_shared.events import registry
from rtw_shared.events.asyncapi import build, render

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


def test_checked_in_document_is_current():
    assert DOCUMENT.read_text() == render(), (
        "docs/asyncapi.yaml is stale: run `.venv/bin/python -m rtw_shared.events.asyncapi > docs/asyncapi.yaml`"
    )


def test_every_event_type_has_a_message_on_its_topic():
    document = yaml.safe_load(DOCUMENT.read_text())
    named = {m["name"] for m in document["components"]["messages"].values()}
    assert named == set(registry)
    for event_type, model in registry.items():
        channel = document["channels"][model.TOPIC.name]
        assert any(
            event_type == document["components"]["messages"][ref.split("/")[-1]]["name"]
            for ref in (m["$ref"] for m in channel["messages"].values())
        )


def test_payload_schemas_name_their_required_fields():
    schema = build()["components"]["schemas"]["CaseCreatedV1"]
    assert {"case_id", "reference", "employer_org_id"} <= set(schema["required"])
