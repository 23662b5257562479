"""An upstream index the tests fill (tests.upstream), named by CHEESESHOP_UPSTREAM_INDEX."""
from __future__ import annotations

import pytest

from tests.functional.admin.conftest import root  # noqa: F401 (a fixture)
from tests.functional.organizations.conftest import owner  # noqa: F401 (a fixture)
from tests.upstream import Upstream

JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def upstream(client, monkeypatch):
    index = Upstream().start()
    monkeypatch.setenv("CHEESESHOP_UPSTREAM_INDEX", index.url)
    yield index
    index.stop()


def get(client, path: str, kind: str = JSON, **headers: str):
    return client.http.get(path, headers={"Accept": kind, **headers})
