"""Event models and the CloudEvents binary-mode envelope: pure, no I/O."""

from __future__ import annotations

import uuid

import pytest

from rtw_shared import topics
from rtw_shared.events import (
    CaseCreatedV1,
    Envelope,
    EventPayload,
    PoisonEventError,
    decode_record,
    encode_record,
    registry,
)


def case_created(**overrides) -> CaseCreatedV1:
    fields = dict(
        case_id=uuid.uuid4(),
        reference="RTW-2026-000001",
        status="referred",
        clinic_org_id="clinic-north",
        employer_org_id="acme",
        insurer_org_id="northwind",
        therapist_id="sub-1",
        therapist_email="tara@clinic-north.example",
    )
    return CaseCreatedV1(**{**fields, **overrides})


def test_envelope_round_trips_through_a_kafka_record():
    envelope = Envelope(source="intake", correlation_id="corr-1", data=case_created())
    key, value, headers = encode_record(envelope)
    assert key == str(envelope.data.case_id).encode()
    assert dict(headers)["ce_type"] == b"rtw.case.created.v1"
    assert dict(headers)["ce_subject"] == key
    assert decode_record(headers, value) == envelope


def test_every_event_type_is_versioned_past_tense_and_on_a_catalogue_topic():
    assert len(registry) >= 7
    for event_type, model in registry.items():
        assert event_type.startswith("rtw.") and event_type.endswith(".v1"), event_type
        assert model.__name__.endswith("V1")
        assert model.TOPIC in topics.ALL_TOPICS


def test_a_reader_ignores_fields_added_by_a_newer_producer():
    envelope = Envelope(source="intake", data=case_created())
    _key, value, headers = encode_record(envelope)
    newer = value[:-1] + b',"added_later":"x"}'
    assert decode_record(headers, newer).data == envelope.data


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h, v: ([(k, x) for k, x in h if k != "ce_specversion"], v),
        lambda h, v: ([(k, b"rtw.unknown.v9" if k == "ce_type" else x) for k, x in h], v),
        lambda h, v: (h, b"{not json"),
        lambda h, v: (h, b'{"case_id": "not-a-uuid"}'),
        lambda h, v: ([(k, b"yesterday" if k == "ce_time" else x) for k, x in h], v),
    ],
)
def test_undecodable_records_are_poison(mutate):
    _key, value, headers = encode_record(Envelope(source="intake", data=case_created()))
    bad_headers, bad_value = mutate(headers, value)
    with pytest.raises(PoisonEventError):
        decode_record(bad_headers, bad_value)


def test_a_type_cannot_be_defined_twice():
    with pytest.raises(TypeError, match="defined twice"):
        type("Again", (EventPayload,), {"TYPE": "rtw.case.created.v1", "TOPIC": topics.CASE, "__annotations__": {}})


def test_envelope_time_is_timezone_aware():
    assert Envelope(source="x", data=case_created()).time.tzinfo is not None
