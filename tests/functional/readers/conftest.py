"""alice's published cheese-demo, made private through its settings page, and ways to read it."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.admin.conftest import act
from tests.functional.conftest import make_token
from tests.functional.packaging.conftest import member, published, user  # noqa: F401 (fixtures)
from tests.helpers import Browser

PROJECT = "/manage/project/cheese-demo/"
JSON = {"accept": "application/vnd.pypi.simple.v1+json"}


def make_private(owner: Browser) -> None:
    assert act(owner, PROJECT, PROJECT + "private/", {}).status == 303


@pytest.fixture
def private(client, alice, published) -> Browser:  # noqa: F811 (the fixture)
    """cheese-demo, private; alice (its Owner) logged in."""
    make_private(alice)
    return alice


@pytest.fixture
def read_token(private) -> str:
    """alice's token with the Read permission, for all her projects."""
    return make_token(private, "install", permissions="read")


def read_routes() -> list[str]:
    """Every read route that names cheese-demo: the simple page (both forms are the same route),
    the JSON API, the pages, the project's feed, a download and its PEP 658 metadata."""
    wheel = File.get(d.wheel_name()).path
    return ["/simple/cheese-demo/", "/pypi/cheese-demo/json", "/pypi/cheese-demo/1.0/json",
            "/project/cheese-demo/", "/project/cheese-demo/1.0/", "/rss/project/cheese-demo/releases.xml",
            "/" + wheel, f"/{wheel}.metadata"]


def unknown(path: str) -> str:
    """The same route for a name the index never knew."""
    return path.replace("cheese-demo", "gone-nowhere").replace("cheese_demo", "gone_nowhere")


@pytest.fixture
def read(client) -> Callable[..., tuple[int, dict[str, str], str]]:
    def get(path: str, authorization: str | None = None, **headers: str) -> tuple[int, dict[str, str], str]:
        if authorization:
            headers["authorization"] = authorization
        response = client.http.get(path, headers=headers)
        return response.status_code, dict(response.headers), response.body.decode("utf-8", "replace")
    return get
