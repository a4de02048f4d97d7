"""Standard Webhooks signatures (https://www.standardwebhooks.com), made by the `standardwebhooks`
library: `webhook-id`, `webhook-timestamp` (seconds, the real time of sending) and
`webhook-signature` — one `v1,<base64>` per secret in force, so during a rotation's overlap a
receiver holding either the old or the new secret verifies the delivery."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 — the format's prefix, not a secret


def new_secret() -> str:
    """A fresh signing secret (32 random bytes), in the `whsec_<base64>` form receivers expect."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def headers(*, message_id: str, sent_at: datetime, body: str, secrets_in_force: list[str]) -> dict[str, str]:
    """The signature headers of one attempt (`sent_at` timezone-aware)."""
    signatures = " ".join(Webhook(secret).sign(message_id, sent_at, body) for secret in secrets_in_force)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
    }
