"""Which claims match which publisher (chalicelib.oidc.verify), and the claims a pending
publisher holds (chalicelib.oidc.pending): no I/O."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.oidc import pending, verify
from chalicelib.oidc.models import Publisher


def github(**fields) -> Publisher:
    values = {"kind": "github", "project": "cheese-demo", "repository": "github:octo-org/spam", "owner": "octo-org",
              "name": "spam", "workflow": "release.yml", "environment": "", "added_by": "alice",
              "created_at": datetime(2026, 1, 1, tzinfo=UTC), **fields}
    return Publisher("p1", **values)


def claims(**changes) -> dict:
    base = {"repository": "octo-org/spam", "repository_owner": "octo-org", "repository_owner_id": "4242",
            "job_workflow_ref": "octo-org/spam/.github/workflows/release.yml@refs/tags/v1", "event_name": "push"}
    return {**base, **changes}


def test_the_workflow_that_was_registered_matches():
    assert verify.mismatch("github", "https://issuer", github(), claims()) is None
    assert verify.mismatch("github", "https://issuer", github(), claims(repository="OCTO-ORG/Spam")) is None


@pytest.mark.parametrize("changes, field", [
    ({"repository": "octo-org/eggs"}, "repository"),
    ({"repository_owner": "mallory"}, "repository_owner"),
    ({"job_workflow_ref": "octo-org/spam/.github/workflows/other.yml@refs/tags/v1"}, "job_workflow_ref"),
    ({"event_name": "pull_request_target"}, "event_name"),
    ({"repository_owner_id": 4242}, "repository_owner_id"),
])
def test_each_claim_that_differs_is_named(changes, field):
    assert verify.mismatch("github", "https://issuer", github(), claims(**changes)) == field


def test_a_pinned_owner_id_and_an_environment_must_match():
    pinned = github(owner_id="4242", environment="release")
    assert verify.mismatch("github", "https://i", pinned, claims(environment="RELEASE")) is None
    assert verify.mismatch("github", "https://i", pinned, claims(environment="staging")) == "environment"
    assert verify.mismatch("github", "https://i", pinned, claims(repository_owner_id="1")) == "repository_owner_id"


def test_claims_are_held_the_same_whoever_registers_them_and_in_any_case():
    mine = github(project="pending:alice", pending_name="new")
    theirs = github(project="pending:mallory", pending_name="trap", repository="GITHUB:OCTO-ORG/SPAM".lower(),
                    workflow="Release.yml")
    assert pending.claims_key(mine) == pending.claims_key(theirs)
    assert pending.claims_key(mine) != pending.claims_key(github(project="pending:alice", environment="release"))
