"""The audit hash chain (rtw_shared.audit.chain) on hand-made rows: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from rtw_shared.audit import chain


def make_rows(count: int) -> list[dict]:
    rows, prev = [], chain.GENESIS_HASH
    for number in range(1, count + 1):
        row = {
            "id": number,
            "at": datetime(2026, 11, 27, 9, 0, number, 123456, tzinfo=UTC),
            "subject": f"user-{number}",
            "username": "tara",
            "role": "therapist",
            "org_id": "clinic-north",
            "action": "get_case",
            "method": "GET",
            "path": f"/v1/cases/{number}",
            "resource_type": "case",
            "resource_id": str(number),
            "outcome": "allowed",
            "status_code": 200,
            "prev_hash": prev,
        }
        row["hash"] = chain.link_hash(prev, row)
        rows.append(row)
        prev = row["hash"]
    return rows


def test_an_intact_chain_verifies():
    rows = make_rows(5)
    assert rows[0]["prev_hash"] == "0" * 64
    assert chain.verify(rows) is None
    assert chain.find_break(rows) == (None, 5)


def test_an_empty_chain_is_intact():
    assert chain.verify([]) is None


def test_altered_content_is_found_at_that_row():
    rows = make_rows(5)
    rows[2]["outcome"] = "denied"
    assert chain.verify(rows) == 3
    broken, count = chain.find_break(rows)
    assert "altered" in broken.reason and count == 5


def test_an_altered_row_whose_hash_was_recomputed_breaks_the_next_link():
    rows = make_rows(5)
    rows[1]["username"] = "mallory"
    rows[1]["hash"] = chain.link_hash(rows[1]["prev_hash"], rows[1])
    assert chain.verify(rows) == 3


def test_a_broken_link_is_found():
    rows = make_rows(4)
    rows[3]["prev_hash"] = "f" * 64
    assert chain.verify(rows) == 4
    assert "previous row" in chain.find_break(rows)[0].reason


def test_a_deleted_middle_row_is_found_at_the_row_after_it():
    rows = make_rows(5)
    del rows[2]
    assert chain.verify(rows) == 4


def test_a_deleted_first_row_is_found():
    assert chain.verify(make_rows(3)[1:]) == 2


def test_the_hash_covers_the_id():
    rows = make_rows(3)
    rows[1]["id"] = 7
    assert chain.verify(rows) == 7


def test_timestamps_are_hashed_as_utc_iso_whatever_their_zone():
    row = make_rows(1)[0]
    elsewhere = {**row, "at": row["at"].astimezone(timezone(timedelta(hours=2)))}
    assert chain.link_hash(chain.GENESIS_HASH, elsewhere) == row["hash"]
    assert chain.content_of(row)["at"] == "2026-11-27T09:00:01.123456+00:00"


def test_canonical_json_is_sorted_and_compact():
    assert chain.canonical({"b": 1, "a": None, "c": "x"}) == '{"a":null,"b":1,"c":"x"}'


def test_fields_added_later_are_hashed_only_when_present():
    row = make_rows(1)[0]
    assert chain.link_hash(chain.GENESIS_HASH, {**row, "case_ids": None, "correlation_id": None}) == row["hash"]
    with_cases = {**row, "case_ids": ["c1"], "correlation_id": "req-1"}
    assert chain.link_hash(chain.GENESIS_HASH, with_cases) != row["hash"]
    assert chain.content_of(with_cases)["case_ids"] == ["c1"]


def test_a_case_id_added_to_or_removed_from_a_row_is_found():
    rows = make_rows(3)
    rows[1]["case_ids"] = ["c1"]
    rows[1]["hash"] = chain.link_hash(rows[1]["prev_hash"], rows[1])
    rows[2]["prev_hash"] = rows[1]["hash"]
    rows[2]["hash"] = chain.link_hash(rows[2]["prev_hash"], rows[2])
    assert chain.verify(rows) is None
    rows[1]["case_ids"] = ["c2"]
    assert chain.verify(rows) == 2
    rows[1]["case_ids"] = None
    assert chain.verify(rows) == 2
