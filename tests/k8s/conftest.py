"""The chart rendered once per test process for each values file (deploy/helm/rtw/ci/*-values.yaml)
into .data/k8s/, with the tools `rtw_devstack.k8s.tools` installs and caches on first use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rtw_devstack.k8s import check

Manifest = dict[str, Any]


@pytest.fixture(scope="session")
def rendered_paths() -> dict[str, Path]:
    """Each values file's name (development, production) and where its rendering lies."""
    return {name: check.render(name) for name in check.VALUES}


@pytest.fixture(scope="session")
def rendered(rendered_paths: dict[str, Path]) -> dict[str, list[Manifest]]:
    """Each values file's name and the manifests the chart renders with it."""
    return {name: check.documents(path) for name, path in rendered_paths.items()}
