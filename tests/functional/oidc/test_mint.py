"""POST /_/oidc/mint-token and /burn-token: a CI job's OIDC token, checked against the
publishers of a project, becomes a 15-minute upload token; every refusal has PyPI's code."""
from __future__ import annotations

import json
import time

import pytest

from chalicelib.oidc.models import OidcState
from tests import distributions as d
from tests.functional.forklift.test_upload import upload
from tests.functional.oidc.conftest import add_publisher, code_of, mint


def test_audience(client, aws):
    response = client.http.get("/_/oidc/audience")
    assert response.status_code == 200 and json.loads(response.body) == {"audience": "cheeseshop"}


def test_a_github_token_becomes_an_upload_token_for_the_project(client, alice, published, issuer, mailbox):
    assert add_publisher(alice).status == 303
    owners_mail = mailbox.to("alice@example.com")[-1]
    assert owners_mail["Subject"] == "A trusted publisher changed on a cheeseshop project"
    status, answer = mint(client, issuer.github_token())
    assert status == 200 and answer["success"] is True
    assert time.time() + 14 * 60 < answer["expires"] <= time.time() + 15 * 60 + 1
    assert upload(client, f"token {answer['token']}", d.wheel(version="2.0"), d.wheel_name(version="2.0"),
                  version="2.0")[0] == 200
    history = alice.get("/manage/project/cheese-demo/history/").text
    assert "GitHub: octo-org/spam/.github/workflows/release.yml@refs/tags/v1.0" in history
    assert "Trusted publisher added" in history
    # pinned: the owner's numeric id from the first token is shown, and required from then on
    assert "4242" in alice.get("/manage/project/cheese-demo/publishing/").text
    assert code_of(mint(client, issuer.github_token(owner_id="9999"))[1]) == "invalid-publisher"


def test_a_minted_token_uploads_only_to_its_projects(client, alice, published, issuer):
    add_publisher(alice)
    token = mint(client, issuer.github_token())[1]["token"]
    status, text = upload(client, f"token {token}", d.wheel("other-project"), d.wheel_name("other-project"),
                          name="other-project")
    assert status == 403 and "trusted publisher" in text


@pytest.mark.parametrize(("claims", "fields", "code"), [
    ({"repo": "eggs"}, {}, "invalid-publisher"),
    ({"owner": "someone-else"}, {}, "invalid-publisher"),
    ({"workflow": "other.yml"}, {}, "invalid-publisher"),
    ({"event_name": "pull_request_target"}, {}, "invalid-publisher"),
    ({}, {"github-environment": "release"}, "invalid-publisher"),
    ({"environment": "RELEASE"}, {"github-environment": "release"}, None),  # environments ignore case
    ({"aud": "pypi"}, {}, "invalid-token"),
    ({"lifetime": -120}, {}, "invalid-token"),  # expired beyond the 30 s leeway
    ({"lifetime": -10}, {}, None),  # within the leeway
    ({"kid": "unpublished"}, {}, "invalid-token"),
])
def test_claims_times_and_keys(client, alice, published, issuer, claims, fields, code):
    issuer.add_key("unpublished", publish=False)
    assert add_publisher(alice, **fields).status == 303
    status, answer = mint(client, issuer.github_token(**claims))
    if code is None:
        assert status == 200, answer
    else:
        assert status == 422 and code_of(answer) == code, answer
        assert answer["message"] == "Token request failed"


def test_a_token_is_exchanged_once(client, alice, published, issuer):
    add_publisher(alice)
    token = issuer.github_token()
    assert mint(client, token)[0] == 200
    status, answer = mint(client, token)
    assert status == 422 and code_of(answer) == "invalid-reuse-token"


def test_an_untrusted_issuer_is_refused_before_any_fetch(client, alice, published, issuer):
    from tests.issuer import Issuer

    stranger = Issuer()
    try:
        status, answer = mint(client, stranger.github_token())
        assert status == 422 and code_of(answer) == "invalid-payload"
        assert sum(stranger.fetches.values()) == 0
    finally:
        stranger.stop()


def test_only_rs256(client, alice, published, issuer):
    import jwt

    add_publisher(alice)
    claims = jwt.decode(issuer.github_token(), options={"verify_signature": False})
    forged = jwt.encode(claims, "a shared secret, long enough for HS256", algorithm="HS256", headers={"kid": "key-1"})
    assert code_of(mint(client, forged)[1]) == "invalid-token"
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "key-1"})
    assert code_of(mint(client, unsigned)[1]) == "invalid-token"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"token": 5}', b'{"token": "not.a.jwt"}', b"{}",
                                  b'{"token": "' + b"a" * 70000 + b'"}', "\u00e9".encode("latin-1")])
def test_bad_payloads_are_invalid_payload_never_500(client, aws, issuer, body):
    status, answer = mint(client, body)
    assert status == 422 and code_of(answer) == "invalid-payload"


def test_a_form_post_is_refused_like_any_bad_payload(client, aws, issuer):
    status, answer = mint(client, b"token=x", content_type="application/x-www-form-urlencoded")
    assert status == 422 and code_of(answer) == "invalid-payload"


def test_a_burned_token_stops_at_once(client, alice, published, issuer):
    add_publisher(alice)
    token = mint(client, issuer.github_token())[1]["token"]
    burned = client.http.post("/_/oidc/burn-token", body=json.dumps({"token": token}).encode(),
                              headers={"content-type": "application/json"})
    assert burned.status_code == 202
    status, text = upload(client, f"token {token}", d.wheel(version="3.0"), d.wheel_name(version="3.0"),
                          version="3.0")
    assert status == 403
    again = client.http.post("/_/oidc/burn-token", body=json.dumps({"token": "pypi-nothing"}).encode(),
                             headers={"content-type": "application/json"})
    assert again.status_code == 202


def test_burning_needs_the_whole_token(client, alice, published, issuer, token):
    add_publisher(alice)
    minted = mint(client, issuer.github_token())[1]["token"]
    forged = minted[:-20] + "0" * 11 + minted[-9:]
    client.http.post("/_/oidc/burn-token", body=json.dumps({"token": forged}).encode(),
                     headers={"content-type": "application/json"})
    client.http.post("/_/oidc/burn-token", body=json.dumps({"token": token}).encode(),
                     headers={"content-type": "application/json"})  # a user's own token is not burned
    assert upload(client, f"token {minted}", d.wheel(version="3.0"), d.wheel_name(version="3.0"),
                  version="3.0")[0] == 200
    assert upload(client, d.basic(token), d.wheel(version="4.0"), d.wheel_name(version="4.0"),
                  version="4.0")[0] == 200


def test_spent_token_ids_outlive_their_token(client, alice, published, issuer):
    add_publisher(alice)
    token = issuer.github_token()
    assert mint(client, token)[0] == 200
    claims = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[1] + "=="))
    spent = OidcState.get(f"jti:{issuer.url}:{claims['jti']}")
    assert spent.expires.timestamp() >= claims["exp"] + 30
