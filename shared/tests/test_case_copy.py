"""One upsert for every service's case copy, on real PostgreSQL: the newest snapshot wins."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rtw_shared.access import Part, may_see, sql_condition
from rtw_shared.auth import Principal
from rtw_shared.case_copy import CaseCopyMixin, apply_case_events, upsert_case_copy
from rtw_shared.db import new_base
from rtw_shared.events import CaseConsentChangedV1, CaseCreatedV1, CaseSnapshot, Consents
from rtw_shared.testing import DEMO_USERS

Base = new_base()


class Copy(CaseCopyMixin, Base):
    __tablename__ = "case_copies"

    therapist_email: Mapped[str | None] = mapped_column(String(320))


@pytest.fixture
def session(scratch_database):
    engine = create_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://"))
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def snapshot(version: int, *, status: str = "referred", insurer: bool = True) -> CaseSnapshot:
    return CaseSnapshot(
        version=version,
        reference="RTW-2026-000001",
        status=status,
        clinic_org_id="clinic-north",
        employer_org_id="acme",
        insurer_org_id="northwind",
        therapist_id="t-1",
        therapist_email=f"v{version}@clinic.example",
        consents=Consents(share_status_with_insurer=insurer),
    )


def test_a_newer_snapshot_replaces_an_older_one_and_an_older_one_changes_nothing(session):
    case_id = uuid.uuid4()
    assert upsert_case_copy(
        session, Copy, case_id, snapshot(2, status="assessing", insurer=False), therapist_email="v2@clinic.example"
    )
    assert not upsert_case_copy(session, Copy, case_id, snapshot(1), therapist_email="v1@clinic.example")
    assert not upsert_case_copy(session, Copy, case_id, snapshot(2), therapist_email="again@clinic.example")
    copy = session.scalars(select(Copy)).one()
    assert (copy.case_version, copy.status, copy.share_status_with_insurer, copy.therapist_email) == (
        2,
        "assessing",
        False,
        "v2@clinic.example",
    )
    assert upsert_case_copy(session, Copy, case_id, snapshot(3, status="plan_active"))
    session.expire_all()
    assert (copy.case_version, copy.status, copy.share_status_with_insurer) == (3, "plan_active", True)


def test_events_apply_their_own_snapshot_and_an_old_created_event_describes_version_one(session):
    case_id = uuid.uuid4()
    legacy = CaseCreatedV1(
        case_id=case_id,
        reference="RTW-2026-000009",
        status="referred",
        clinic_org_id="clinic-north",
        employer_org_id="acme",
        insurer_org_id="northwind",
        therapist_id="t-1",
    )
    withdrawn = CaseConsentChangedV1(
        case_id=case_id,
        consent="share_status_with_insurer",
        granted=False,
        changed_by="tara",
        case=snapshot(2, insurer=False),
    )
    assert apply_case_events(session, Copy, [withdrawn]) == {case_id}
    assert apply_case_events(session, Copy, [legacy]) == set()  # version 1 arrives late: ignored
    copy = session.scalars(select(Copy)).one()
    assert (copy.case_version, copy.share_status_with_insurer) == (2, False)


def test_a_run_of_events_leaves_each_copy_at_its_newest_snapshot_whatever_their_order(session):
    first, second = uuid.uuid4(), uuid.uuid4()
    withdrawn = CaseConsentChangedV1(
        case_id=first,
        consent="share_status_with_insurer",
        granted=False,
        changed_by="tara",
        case=snapshot(3, insurer=False),
    )
    granted = CaseConsentChangedV1(
        case_id=first, consent="share_status_with_insurer", granted=True, changed_by="tara", case=snapshot(2)
    )
    created = CaseConsentChangedV1(
        case_id=second, consent="share_status_with_insurer", granted=True, changed_by="tara", case=snapshot(1)
    )
    assert apply_case_events(session, Copy, [withdrawn, created, granted]) == {first, second}
    assert apply_case_events(session, Copy, [granted, created]) == set()  # nothing newer
    copies = {c.case_id: c for c in session.scalars(select(Copy))}
    assert (copies[first].case_version, copies[first].share_status_with_insurer) == (3, False)
    assert (copies[second].case_version, copies[second].share_status_with_insurer) == (1, True)


@pytest.mark.parametrize("part", list(Part))
def test_the_sql_condition_selects_exactly_the_copies_may_see_allows(session, part):
    copies = []
    for clinic, employer, insurer in (("clinic-north", "acme", "northwind"), ("clinic-south", "globex", "contoso")):
        for employer_consent in (True, False):
            for insurer_consent in (True, False):
                case_id = uuid.uuid4()
                upsert_case_copy(
                    session,
                    Copy,
                    case_id,
                    CaseSnapshot(
                        version=1,
                        reference="RTW-2026-000002",
                        status="referred",
                        clinic_org_id=clinic,
                        employer_org_id=employer,
                        insurer_org_id=insurer,
                        therapist_id="t",
                        consents=Consents(
                            share_restrictions_with_employer=employer_consent, share_status_with_insurer=insurer_consent
                        ),
                    ),
                )
                copies.append(case_id)
    for user, (role, org) in DEMO_USERS.items():
        principal = Principal(subject=user, username=user, roles=frozenset({role}), org_id=org)
        selected = set(session.scalars(select(Copy.case_id).where(sql_condition(principal, Copy, part))))
        expected = {c.case_id for c in session.scalars(select(Copy)) if may_see(principal, c, part)}
        assert selected == expected, (user, part)
