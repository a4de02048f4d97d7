"""What a token's claims make of the caller — pure, no I/O: the email address counts only once
Keycloak verified it."""

from __future__ import annotations

import pytest

from rtw_shared.auth import principal_from_claims

CLAIMS = {"sub": "s1", "preferred_username": "erin", "org_id": "acme", "realm_access": {"roles": ["employer"]}}


@pytest.mark.parametrize(
    ("extra", "verified"),
    [
        ({"email": "erin@acme.example", "email_verified": True}, "erin@acme.example"),
        ({"email": "erin@acme.example", "email_verified": False}, None),
        ({"email": "erin@acme.example"}, None),  # a token that does not say is not verified
        ({"email": "erin@acme.example", "email_verified": "true"}, None),  # only the JSON boolean counts
        ({"email_verified": True}, None),
    ],
)
def test_the_email_address_counts_only_when_keycloak_verified_it(extra, verified):
    principal = principal_from_claims({**CLAIMS, **extra})
    assert principal.email == extra.get("email")
    assert principal.verified_email == verified
