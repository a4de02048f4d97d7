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
from rtw_shared.messaging.wiring import BatchHandler, Handler, Handlers
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from . import payloads, repository
from .models import PENDING


def fan_out(uow: UnitOfWork, envelope: Envelope, *, someone_subscribed: bool | None = None) -> None:
    """One pending delivery per subscription that wants this event and whose organisation may see it
    (`someone_subscribed`: already asked, for a run of events)."""
    if someone_subscribed is None:
        someone_subscribed = repository.anyone_subscribed(uow.session, envelope.type)
    if not someone_subscribed:
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
        self._batches: dict[BatchHandler, BatchHandler] = {}

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

    def batch_handler(self, event_type: str) -> BatchHandler | None:
        """The run form of a handler that has one, each event then fanned out (whether anyone
        subscribes is asked once per type, not per event). The same object for the same handler:
        the consumer groups a run by it."""
        own = self.handlers.batch_handler(event_type)
        if own is None:
            return None
        if own not in self._batches:
            self._batches[own] = self._with_fan_out(own)
        return self._batches[own]

    def _with_fan_out(self, own: BatchHandler) -> BatchHandler:
        def handle_run(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
            own(uow, envelopes)  # first: the copies the fan-out decides on
            types = {e.type for e in envelopes} & self._subscribable
            subscribed = {t: repository.anyone_subscribed(uow.session, t) for t in types}
            for envelope in envelopes:
                if subscribed.get(envelope.type):
                    fan_out(uow, envelope, someone_subscribed=True)

        return handle_run

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)
