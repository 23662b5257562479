"""Trusted publishers of the real attested files (tests.attestations) on alice's projects of
their names, and their uploads."""
from __future__ import annotations

import json

import pytest

from tests import attestations as a
from tests import distributions as d
from tests.functional.forklift.test_upload import upload
from tests.functional.oidc.conftest import add_publisher, issuer, mint  # noqa: F401 (a fixture)
from tests.functional.oidc.test_gitlab_and_keys import gitlab_token


@pytest.fixture
def publishing(client, alice, token, issuer):  # noqa: F811 (the fixture above)
    """A minted token for an asset's project: alice makes the project with her API token, then
    registers the publisher (as given, else the asset's own), and the workflow mints."""
    def make(asset: a.Asset, **publisher: str) -> str:
        placeholder = d.wheel(asset.project, "0.0.1")
        assert upload(client, d.basic(token), placeholder, d.wheel_name(asset.project, "0.0.1"),
                      name=asset.project, version="0.0.1")[0] == 200
        owner, repository = publisher.get("owner", asset.owner), publisher.get("repository", asset.repository)
        workflow = publisher.get("workflow", asset.workflow)
        if asset.kind == "github":
            fields = {"github-owner": owner, "github-repository": repository, "github-workflow": workflow}
            claims = issuer.github_token(owner=owner, repo=repository, workflow=workflow)
        else:
            fields = {"gitlab-namespace": owner, "gitlab-project": repository, "gitlab-pipeline": workflow}
            claims = gitlab_token(issuer, namespace=owner, project=repository, pipeline=workflow)
        assert add_publisher(alice, asset.kind, asset.project, **fields).status == 303
        status, answer = mint(client, claims)
        assert status == 200, answer
        return answer["token"]
    return make


def upload_attested(client, authorization: str, asset: a.Asset, attestations: list | str | None = None):
    """The asset uploaded as twine --attestations sends it (its own attestation unless told)."""
    field = attestations if attestations is not None else [a.attestation(asset)]
    return upload(client, authorization, a.content(asset), asset.filename, name=asset.project, version=asset.version,
                  attestations=field if isinstance(field, str) else json.dumps(field))
