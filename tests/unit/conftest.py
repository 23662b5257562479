from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHEESESHOP_STAGE", "test")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "unit-test-secret")
    monkeypatch.delenv("CHEESESHOP_MAIL_DIR", raising=False)


@pytest.fixture
def stores(settings_env: None) -> Iterator[None]:
    """Tables and bucket in moto's in-process twin of AWS."""
    from chalicelib import provision, registry
    from chalicelib.core.config import get_settings

    with mock_aws():
        registry.reset()
        provision.ensure_all(get_settings())
        yield
        registry.reset()
