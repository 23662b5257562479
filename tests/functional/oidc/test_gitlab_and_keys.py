"""GitLab's claims, and the rules of the issuers' key cache."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from tests.functional.oidc.conftest import add_publisher, code_of, mint


def gitlab_token(issuer, **claims):
    """A token from the issuer trusted as GitLab (the same server, named localhost)."""
    token = issuer.gitlab_token(**claims)
    import jwt

    payload = jwt.decode(token, options={"verify_signature": False})
    payload["iss"] = issuer.url.replace("127.0.0.1", "localhost")
    payload["ci_config_ref_uri"] = payload["ci_config_ref_uri"].replace("127.0.0.1", "localhost")
    return issuer.sign(payload, claims.get("kid", "key-1"))


@pytest.mark.parametrize(("claims", "fields", "code"), [
    ({}, {}, None),
    ({"namespace": "Cheese-Group"}, {}, None),  # GitLab paths ignore case
    ({"namespace": "other-group"}, {}, "invalid-publisher"),
    ({"project": "eggs"}, {}, "invalid-publisher"),
    ({"pipeline": "ci/release.yml"}, {}, "invalid-publisher"),
    ({"pipeline": "ci/release.yml"}, {"gitlab-pipeline": "ci/release.yml"}, None),
    ({}, {"gitlab-environment": "pypi"}, "invalid-publisher"),
    ({"environment": "pypi"}, {"gitlab-environment": "pypi"}, None),
])
def test_gitlab_claims(client, alice, published, issuer, claims, fields, code):
    assert add_publisher(alice, "gitlab", **fields).status == 303
    status, answer = mint(client, gitlab_token(issuer, **claims))
    if code is None:
        assert status == 200, answer
    else:
        assert status == 422 and code_of(answer) == code, answer


def test_a_github_token_never_matches_a_gitlab_publisher(client, alice, published, issuer):
    add_publisher(alice, "gitlab")
    assert code_of(mint(client, issuer.github_token(owner="cheese-group"))[1]) == "invalid-publisher"


def test_keys_are_fetched_once_and_shared_by_containers(client, alice, published, issuer):
    from chalicelib.oidc import jwks

    add_publisher(alice)
    for _ in range(3):
        assert mint(client, issuer.github_token())[0] == 200
    assert issuer.fetches["/jwks"] == 1
    jwks.forget()  # another container: reads the keys from DynamoDB, fetches nothing
    assert mint(client, issuer.github_token())[0] == 200
    assert issuer.fetches["/jwks"] == 1


def test_an_unknown_key_refreshes_at_most_once_a_minute(client, alice, published, issuer):
    add_publisher(alice)
    with freeze_time("2026-06-01 12:00:00", tick=True) as frozen:
        assert mint(client, issuer.github_token())[0] == 200
        issuer.add_key("key-2")  # the issuer rotates right after our fetch
        assert code_of(mint(client, issuer.github_token(kid="key-2"))[1]) == "invalid-token"
        issuer.add_key("made-up", publish=False)
        assert code_of(mint(client, issuer.github_token(kid="made-up"))[1]) == "invalid-token"
        assert issuer.fetches["/jwks"] == 1  # made-up key ids cannot make us fetch on every request
        frozen.tick(61)
        assert mint(client, issuer.github_token(kid="key-2"))[0] == 200
        assert issuer.fetches["/jwks"] == 2


def test_a_failed_fetch_keeps_the_old_keys(client, alice, published, issuer):
    add_publisher(alice)
    with freeze_time("2026-06-01 12:00:00", tick=True) as frozen:
        assert mint(client, issuer.github_token())[0] == 200
        issuer.published.clear()
        issuer.server.RequestHandlerClass.do_GET = lambda self: self.send_error(500)  # the issuer is down
        frozen.tick(61)
        issuer.add_key("key-9", publish=False)
        assert code_of(mint(client, issuer.github_token(kid="key-9"))[1]) == "invalid-token"
        assert mint(client, issuer.github_token())[0] == 200  # key-1 still known
