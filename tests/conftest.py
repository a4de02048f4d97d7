"""Cross-service tests. The real-server fixtures (`rtw_infra`, `scratch_database`,
`fresh_topic`) come from the rtw_devstack pytest plugin."""

from __future__ import annotations

import pytest
from keycloak import KeycloakOpenID


@pytest.fixture(scope="session")
def cli_client(rtw_infra) -> KeycloakOpenID:
    """The public `rtw-cli` client (password grant, development realm only)."""
    return KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=rtw_infra.keycloak_realm,
                          client_id="rtw-cli")
