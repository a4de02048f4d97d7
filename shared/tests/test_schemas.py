"""Request bodies refuse NUL characters (PostgreSQL cannot store them in text), wherever they are."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rtw_shared.schemas import NUL_REFUSED, InputModel


class Address(InputModel):
    street: str
    notes: list[str] = []


class Worker(InputModel):
    name: str
    address: Address
    tags: dict[str, str] = {}
    age: int = 40


VALID = {"name": "Maria", "address": {"street": "1 Main St", "notes": ["side door"]}, "tags": {"shift": "early"}}


def test_a_body_without_nul_is_accepted_trimmed():
    worker = Worker.model_validate({**VALID, "name": "  Maria  "})
    assert worker.name == "Maria" and worker.address.notes == ["side door"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({**VALID, "name": "Ma\x00ria"}, ("name",)),
        ({**VALID, "address": {"street": "1\x00 Main St"}}, ("address", "street")),
        ({**VALID, "address": {"street": "1 Main St", "notes": ["ok", "side\x00door"]}}, ("address", "notes")),
        ({**VALID, "tags": {"shift": "ear\x00ly"}}, ("tags",)),
        ({**VALID, "tags": {"sh\x00ift": "early"}}, ("tags",)),
    ],
)
def test_a_nul_anywhere_is_refused_at_its_field(body, where):
    with pytest.raises(ValidationError) as refused:
        Worker.model_validate(body)
    [error] = refused.value.errors()
    assert error["loc"] == where
    assert NUL_REFUSED in error["msg"]
