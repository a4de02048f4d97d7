"""Webhook fan-out: every event of a subscribable type, applied by notify's consumer, becomes one
delivery row per subscription that wants it — written in the consumer's transaction and sent
later by the webhook sender loop (never from here). Only subscriptions of the case's own
employer and insurer are considered, and only those whose organisation may see the event now;
what each receives is cut again at sending time (payloads.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rtw_shared.clock import process_clock
from rtw_shared.events import Envelope, registry
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.messaging.wiring import Handler, Handlers
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from . import payloads, repository
from .models import PENDING


def fan_out(uow: UnitOfWork, envelope: Envelope) -> None:
    """One pending delivery per subscription that wants this event and whose organisation may see it."""
    if not repository.anyone_subscribed(uow.session, envelope.type):
        return
    case = cases.get(uow.session, envelope.data.case_id)
    if case is None:
        raise CaseNotKnownYet(envelope.data.case_id)
    parties = [(case.employer_org_id, "employer"), (case.insurer_org_id, "insurer")]
    now = process_clock()()
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


class WithWebhooks(Mapping[str, Handler]):
    """Notify's handlers, each followed by the webhook fan-out; and the fan-out alone for every other
    subscribable type in the catalogue, so a new event type can be subscribed to without code changes."""

    def __init__(self, handlers: Handlers):
        self.handlers = handlers
        self._subscribable = frozenset(payloads.subscribable_types())
        self._types = sorted(set(handlers) | self._subscribable)

    @property
    def topics(self) -> list[str]:
        return sorted({registry[t].TOPIC.name for t in self._types})

    def __getitem__(self, event_type: str) -> Handler:
        if event_type not in self._types:
            raise KeyError(event_type)
        own = self.handlers.get(event_type)
        subscribable = event_type in self._subscribable

        def handle(uow: UnitOfWork, envelope: Envelope) -> None:
            if own is not None:
                own(uow, envelope)  # first: a case event refreshes the copy the fan-out decides on
            if subscribable:
                fan_out(uow, envelope)

        return handle

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)
