"""Optimistic concurrency on plans: every read and write answers `ETag: "<revision>"`, and a PUT or
publish sending an older one as If-Match is refused with 412 — no edit is silently lost."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from rtw_devstack.journey import PLAN
from rtw_workplan.app import create_app

OTHER = {**PLAN, "goals": [], "accommodations": [{"category": "rest_breaks", "description": "Sit every hour"}]}


def stored(settings, plan_id: str) -> tuple:
    """(status, content, revision) of a plan, straight from the database."""
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, content, revision FROM plans WHERE id = :id"), {"id": plan_id}).one()
    engine.dispose()
    return tuple(row)


def events(settings) -> list[str]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_type FROM outbox ORDER BY id")).scalars().all()
    engine.dispose()
    return rows


def headers(tokens, user="tara", if_match: str | None = None) -> dict:
    return {**tokens.headers(user), **({"If-Match": if_match} if if_match is not None else {})}


def test_every_read_and_write_carries_the_revision_as_etag(client, tokens, draft_plan):
    assert client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens)).headers["ETag"] == '"1"'
    assert client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens, "ivy")).headers["ETag"] == '"1"'
    put = client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, if_match='"1"'))
    assert (put.status_code, put.headers["ETag"]) == (200, '"2"')
    assert client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens)).headers["ETag"] == '"2"'
    published = client.post(f"/v1/plans/{draft_plan}/publish", headers=headers(tokens, if_match='"2"'))
    assert (published.status_code, published.headers["ETag"]) == (200, '"3"')
    assert client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens, "ivy")).headers["ETag"] == '"3"'


def test_the_lost_update_two_editors_read_one_wins_the_other_gets_412(client, tokens, draft_plan, workplan_settings):
    first_read = client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens)).headers["ETag"]
    second_read = client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens)).headers["ETag"]
    first = client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, if_match=first_read))
    assert first.status_code == 200, first.text
    second = client.put(f"/v1/plans/{draft_plan}", json=OTHER, headers=headers(tokens, if_match=second_read))
    assert second.status_code == 412
    assert second.headers["content-type"] == "application/problem+json"
    assert second.headers["ETag"] == first.headers["ETag"] == '"2"'
    assert "reload it and try again" in second.json()["detail"]
    status, content, revision = stored(workplan_settings, draft_plan)
    assert (status, len(content["goals"]), content["accommodations"], revision) == (
        "draft",
        1,
        PLAN["accommodations"],
        2,
    )
    # Reloaded, the second editor's change goes through.
    retried = client.put(f"/v1/plans/{draft_plan}", json=OTHER, headers=headers(tokens, if_match='"2"'))
    assert (retried.status_code, retried.headers["ETag"]) == (200, '"3"')


def test_publishing_what_someone_changed_since_is_412_and_publishes_nothing(
    client, tokens, draft_plan, workplan_settings
):
    read = client.get(f"/v1/plans/{draft_plan}", headers=headers(tokens)).headers["ETag"]
    assert client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens)).status_code == 200
    stale = client.post(f"/v1/plans/{draft_plan}/publish", headers=headers(tokens, if_match=read))
    assert stale.status_code == 412
    assert stored(workplan_settings, draft_plan)[0::2] == ("draft", 2)
    assert events(workplan_settings) == []


def test_two_editors_at_the_same_moment_one_wins(tokens, draft_plan, workplan_settings):
    # Two API instances, two threads, one If-Match: the row lock lets exactly one of them write.
    barrier, answers = threading.Barrier(2), {}

    def edit(name: str, body: dict) -> None:
        with TestClient(create_app(workplan_settings)) as client:
            barrier.wait()
            answers[name] = client.put(f"/v1/plans/{draft_plan}", json=body, headers=headers(tokens, if_match='"1"'))

    threads = [threading.Thread(target=edit, args=args) for args in (("plan", PLAN), ("other", OTHER))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers.values()) == [200, 412]
    [winner] = [name for name, answer in answers.items() if answer.status_code == 200]
    _, content, revision = stored(workplan_settings, draft_plan)
    assert (content["accommodations"], revision) == ({"plan": PLAN, "other": OTHER}[winner]["accommodations"], 2)


def test_if_match_is_optional_any_version_matches_star_and_nonsense_is_422(
    client, tokens, draft_plan, workplan_settings
):
    assert client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens)).status_code == 200
    assert client.put(f"/v1/plans/{draft_plan}", json=OTHER, headers=headers(tokens, if_match="*")).status_code == 200
    assert (
        client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, if_match='"1", "3"')).status_code
        == 200
    )
    bad = client.put(f"/v1/plans/{draft_plan}", json=OTHER, headers=headers(tokens, if_match="yesterday"))
    assert (bad.status_code, bad.json()["field"]) == (422, "If-Match")
    assert stored(workplan_settings, draft_plan)[2] == 4


def test_a_put_that_changes_nothing_keeps_the_etag(client, tokens, draft_plan):
    # Same content, same representation: an editor holding the ETag is not made stale for nothing.
    first = client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, if_match='"1"'))
    again = client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, if_match='"2"'))
    assert (first.headers["ETag"], again.headers["ETag"]) == ('"2"', '"2"')
    assert again.json()["updated_at"] == first.json()["updated_at"]


def test_a_stale_if_match_reveals_nothing_outside_the_clinic(client, tokens, draft_plan):
    answer = client.put(f"/v1/plans/{draft_plan}", json=PLAN, headers=headers(tokens, "theo", if_match='"9"'))
    assert answer.status_code == 404
    assert "ETag" not in answer.headers
