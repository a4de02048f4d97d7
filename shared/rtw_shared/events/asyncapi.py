"""The AsyncAPI 3.0 document of every event, generated from the event models (never by hand).

    python -m rtw_shared.events.asyncapi > docs/asyncapi.yaml

A test fails when the checked-in document differs from what the models generate."""

from __future__ import annotations

import sys
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from ..topics import ALL_TOPICS
from .base import registry

CLOUD_EVENT_HEADERS = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "ce_subject"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid", "description": "Event id; consumers deduplicate by it."},
        "ce_type": {"type": "string"},
        "ce_source": {"type": "string", "description": "The service that emitted it."},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "format": "uuid", "description": "The case id (also the record key)."},
        "content-type": {"type": "string", "const": "application/json"},
        "correlation_id": {"type": "string"},
    },
}


def _message_name(event_type: str) -> str:
    return event_type.removeprefix("rtw.").replace(".", "_")


def build() -> dict[str, Any]:
    models = sorted(registry.items())
    _, schemas = models_json_schema(
        [(model, "validation") for _, model in models], ref_template="#/components/schemas/{model}"
    )
    messages = {
        _message_name(event_type): {
            "name": event_type,
            "title": model.__name__,
            "summary": (model.__doc__ or event_type).strip().split("\n")[0],
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
        }
        for event_type, model in models
    }
    channels: dict[str, object] = {}
    for topic in ALL_TOPICS:
        names = [_message_name(t) for t, m in models if m.TOPIC is topic]
        channels[topic.name] = {
            "address": topic.name,
            "description": f"{topic.partitions} partitions, keyed by case id; dead letters on {topic.dead_letter}.",
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
        }
    operations = {
        f"publish_{_message_name(t)}": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{m.TOPIC.name}"},
            "messages": [{"$ref": f"#/channels/{m.TOPIC.name}/messages/{_message_name(t)}"}],
        }
        for t, m in models
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "RTW events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in Kafka binary mode: metadata in ce_* headers, JSON payload.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {"CloudEventHeaders": CLOUD_EVENT_HEADERS, **schemas.get("$defs", {})},
        },
    }


def render() -> str:
    return yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    sys.stdout.write(render())
