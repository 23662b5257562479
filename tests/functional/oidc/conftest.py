from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.functional.admin.conftest import root  # noqa: F401 (fixture)
from tests.functional.packaging.conftest import member, published, token_of  # noqa: F401 (fixtures)
from tests.issuer import Issuer


@pytest.fixture
def issuer(env, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    """An issuer of our own, trusted as GitHub's and as GitLab's."""
    from chalicelib.oidc import jwks

    running = Issuer()
    monkeypatch.setenv("CHEESESHOP_OIDC_GITHUB_ISSUER", running.url)
    monkeypatch.setenv("CHEESESHOP_OIDC_GITLAB_ISSUER", running.url.replace("127.0.0.1", "localhost"))
    jwks.forget()
    yield running
    jwks.forget()
    running.stop()


def add_publisher(browser, kind: str = "github", project: str = "cheese-demo", **fields: str):
    defaults = ({"github-owner": "octo-org", "github-repository": "spam", "github-workflow": "release.yml"}
                if kind == "github" else
                {"gitlab-namespace": "cheese-group", "gitlab-project": "spam", "gitlab-pipeline": ".gitlab-ci.yml"})
    page = browser.get(f"/manage/project/{project}/publishing/")
    assert page.status == 200, page.text
    return browser.post(f"/manage/project/{project}/publishing/{kind}/", {**defaults, **fields}, csrf=page.csrf())


def mint(client, token, content_type: str = "application/json"):
    import json

    body = token if isinstance(token, bytes) else json.dumps({"token": token}).encode()
    response = client.http.post("/_/oidc/mint-token", body=body, headers={"content-type": content_type})
    return response.status_code, json.loads(response.body or b"{}")


def code_of(answer: dict) -> str:
    return answer["errors"][0]["code"]
