"""The events services exchange: versioned pydantic models, the CloudEvents envelope and its
Kafka binary-mode encoding. These models are the only contract shared between services."""

from .base import Envelope, EventPayload, PoisonEventError, decode_record, encode_record, registry
from .catalogue import *  # noqa: F403 — the catalogue is the public surface

__all__ = ["Envelope", "EventPayload", "PoisonEventError", "decode_record", "encode_record", "registry"]
