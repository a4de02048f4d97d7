"""Webhook fan-out: every event of a subscribable type, applied by notify's consumer, becomes one
delivery row per subscription that wants it — written in the consumer's transaction and sent
later by the webhook sender loop (never from here). Only subscriptions of the case's own
employer and insurer are considered, and only those whose organisation may see the event now;
what each receives is cut again at sending time (payloads.py)."""

from __future__ import annotations

from collections.abc import Iterator

from rtw_shared.events import Envelope, registry
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.messaging.wiring import Handlers, RunHandler
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from . import payloads, repository
from .models import PENDING


def fan_out(uow: UnitOfWork, envelope: Envelope) -> None:
    """One pending delivery per subscription that wants this event and whose organisation may see it
    (the caller asked whether anyone subscribes to its type at all)."""
    case = cases.get(uow.session, envelope.data.case_id)
    if case is None:
        raise CaseNotKnownYet(envelope.data.case_id)
    parties = [(case.employer_org_id, "employer"), (case.insurer_org_id, "insurer")]
    now = uow.now()
    for webhook in repository.subscribed(uow.session, envelope.type, parties):
        who = payloads.reader(webhook.org_id, webhook.org_role, str(webhook.id))
        if not payloads.may_receive(who, case, envelope.type):
            continue
        repository.add_delivery(
            uow.session,
            {
                "webhook_id": webhook.id,
                "event_id": envelope.id,
                "event_type": envelope.type,
                "event_source": envelope.source,
                "event_time": envelope.time,
                "case_id": envelope.data.case_id,
                "event_data": envelope.data.model_dump(mode="json"),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
            },
        )


class WithWebhooks:
    """Notify's handlers, each followed by the webhook fan-out; and the fan-out alone for every other
    subscribable type in the catalogue, so a new event type can be subscribed to without code changes
    (a HandlerMap, as the consumer takes it)."""

    def __init__(self, handlers: Handlers):
        self.handlers = handlers
        self._subscribable = frozenset(payloads.subscribable_types())
        self._types = sorted(set(handlers.event_types()) | self._subscribable)
        self._wrapped: dict[RunHandler | None, RunHandler] = {}

    @property
    def topics(self) -> list[str]:
        return sorted({registry[t].TOPIC.name for t in self._types})

    def event_types(self) -> Iterator[str]:
        return iter(self._types)

    def handler_for(self, event_type: str) -> RunHandler | None:
        """Notify's own run handler for `event_type` (if any), then each event fanned out (whether
        anyone subscribes is asked once per type per run). The same object for the same own handler:
        the consumer groups a run by it."""
        if event_type not in self._types:
            return None
        own = self.handlers.handler_for(event_type)
        if own not in self._wrapped:
            self._wrapped[own] = self._with_fan_out(own)
        return self._wrapped[own]

    def _with_fan_out(self, own: RunHandler | None) -> RunHandler:
        def handle_run(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
            if own is not None:
                own(uow, envelopes)  # first: a case event refreshes the copy the fan-out decides on
            types = {e.type for e in envelopes} & self._subscribable
            subscribed = {t: repository.anyone_subscribed(uow.session, t) for t in types}
            for envelope in envelopes:
                if subscribed.get(envelope.type):
                    fan_out(uow, envelope)

        return handle_run
