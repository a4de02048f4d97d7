"""Event payloads, the envelope around them, and the CloudEvents 1.0 binary-mode mapping onto a
Kafka record: metadata in `ce_*` headers, the JSON payload as the value, the case id as the key
(so one case's events stay in order on one partition)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import ClassVar, Unpack

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..topics import Topic

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
CORRELATION_HEADER = "correlation_id"

registry: dict[str, type[EventPayload]] = {}


class PoisonEventError(ValueError):
    """A record that can never be applied: not a CloudEvent, unknown version, or invalid data."""


class EventPayload(BaseModel):
    """Base of every event's data. Subclasses name their CloudEvents type and topic; they carry
    ids and the minimum consumers need. Unknown fields are ignored on read (a tolerant reader),
    so adding an optional field is not a breaking change; anything else is a new version."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    TOPIC: ClassVar[Topic]

    case_id: uuid.UUID

    def __init_subclass__(cls, **kwargs: Unpack[ConfigDict]) -> None:
        super().__init_subclass__(**kwargs)
        if "TYPE" in cls.__dict__:
            if cls.TYPE in registry:
                raise TypeError(f"event type {cls.TYPE} defined twice")
            registry[cls.TYPE] = cls


class Envelope(BaseModel):
    """CloudEvents context attributes plus the payload."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    source: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None
    data: EventPayload

    @property
    def type(self) -> str:
        return self.data.TYPE

    @property
    def subject(self) -> str:
        return str(self.data.case_id)

    def topic(self, prefix: str = "") -> str:
        return prefix + self.data.TOPIC.name


def encode_record(envelope: Envelope) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) for Kafka."""
    headers = [
        ("ce_specversion", SPEC_VERSION),
        ("ce_id", str(envelope.id)),
        ("ce_type", envelope.type),
        ("ce_source", envelope.source),
        ("ce_time", envelope.time.isoformat()),
        ("ce_subject", envelope.subject),
        ("content-type", CONTENT_TYPE),
    ]
    if envelope.correlation_id:
        headers.append((CORRELATION_HEADER, envelope.correlation_id))
    value = envelope.data.model_dump_json().encode()
    return envelope.subject.encode(), value, [(k, v.encode()) for k, v in headers]


def decode_record(headers: list[tuple[str, bytes]], value: bytes | None) -> Envelope:
    """The envelope of a Kafka record; PoisonEventError if it can never be decoded."""
    meta = {k: v.decode(errors="replace") for k, v in (headers or [])}
    if meta.get("ce_specversion") != SPEC_VERSION:
        version = meta.get("ce_specversion")
        raise PoisonEventError(f"not a CloudEvents {SPEC_VERSION} record (ce_specversion={version!r})")
    model = registry.get(meta.get("ce_type", ""))
    if model is None:
        raise PoisonEventError(f"unknown event type {meta.get('ce_type')!r}")
    try:
        data = model.model_validate(json.loads(value or b""))
        return Envelope(
            id=uuid.UUID(meta["ce_id"]),
            source=meta["ce_source"],
            time=datetime.fromisoformat(meta["ce_time"]),
            correlation_id=meta.get(CORRELATION_HEADER),
            data=data,
        )
    except (KeyError, ValueError, ValidationError) as error:
        raise PoisonEventError(f"invalid {model.TYPE} record: {error}") from error
