"""An email is rendered from its recipient's role view (rtw_shared.role_view), as the API's read models
are: the same message tells each organisation only the fields its role gets of the case. Real database."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from rtw_notify.cases import repository as cases
from rtw_notify.notifications.tell import Message, Trigger, tell_org, tell_therapist
from rtw_shared.access import Part
from rtw_shared.db import make_session_factory
from rtw_shared.uow import UnitOfWork


def test_an_email_carries_only_what_the_recipients_role_view_shows(
    engine, notify_settings, apply, events, subject_of, contact
):
    contact("erin", "desk@acme.example")
    contact("ivy", "claims@northwind.example")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    message = Message(
        kind="accommodation_decided",
        title=f"Accommodation countered for case {case.reference}",
        body="The employer countered.",
        case_id=case.case_id,
        part=Part.ACCOMMODATION,
        email={
            "reference": case.reference,
            "decision": "countered",
            "counter": events.counter.model_dump(mode="json"),
            "case_id": str(case.case_id),
            "link": None,
            "link_text": "",
        },
    )
    session_factory = make_session_factory(engine)
    with UnitOfWork(session_factory, source="notify", topic_prefix=notify_settings.topic_prefix) as uow:
        copy = cases.get(uow.session, case.case_id)
        for org_id, role in (("acme", "employer"), ("northwind", "insurer")):
            tell_org(uow, Trigger(uuid.uuid4(), "test"), message, org_id=org_id, role=role, case=copy)
        tell_therapist(uow, Trigger(uuid.uuid4(), "test"), message, case=copy)
        uow.commit()
    with engine.connect() as conn:
        bodies = dict(conn.execute(text("SELECT recipient, body FROM emails")).all())
    assert set(bodies) == {"desk@acme.example", "claims@northwind.example", "tara@clinic-north.example"}
    offered = "Half days for two weeks instead of the schedule"
    assert offered in bodies["desk@acme.example"] and offered in bodies["tara@clinic-north.example"]
    assert offered not in bodies["claims@northwind.example"] and "countered" in bodies["claims@northwind.example"]
    assert case.reference in bodies["claims@northwind.example"]
