"""PEP 740 on upload: real attestations (recorded in Sigstore's public log, signed by GitHub and
GitLab workflows no one here controls) are accepted from that very publisher's minted token,
verified offline, kept beside the file and served by the Integrity API; every other upload
that carries them is refused with 400, and nothing is listed or left in the bucket."""
from __future__ import annotations

import base64
import copy
import json

import pytest

from chalicelib.packaging.models import File
from tests import attestations as a
from tests import distributions as d
from tests.functional.forklift.test_upload import objects
from tests.functional.provenance.conftest import upload_attested

INTEGRITY = "application/vnd.pypi.integrity.v1+json"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def provenance_path(asset: a.Asset) -> str:
    return f"/integrity/{asset.project}/{asset.version}/{asset.filename}/provenance"


@pytest.mark.parametrize("asset", [a.GITHUB, a.GITLAB], ids=["github", "gitlab"])
def test_the_publishers_own_attestation_is_kept_and_served(client, publishing, asset):
    minted = publishing(asset)
    status, text = upload_attested(client, f"token {minted}", asset)
    assert (status, text.strip()) == (200, "OK")
    stored = File.get(asset.filename)
    assert json.loads(stored.provenance)["publisher"]["repository"] == f"{asset.owner}/{asset.repository}"
    assert stored.path + ".provenance" in objects()

    served = client.http.get(provenance_path(asset))
    assert served.status_code == 200 and served.headers["Content-Type"] == INTEGRITY
    from pypi_attestations import Distribution, Provenance

    provenance = Provenance.model_validate_json(served.body)
    (bundle,) = provenance.attestation_bundles
    assert bundle.publisher.repository == f"{asset.owner}/{asset.repository}"
    dist = Distribution.from_file(a.folder() / asset.filename)
    for attestation in bundle.attestations:  # what a consumer does, without trusting the index
        assert attestation.verify(bundle.publisher, dist, offline=True)[0].startswith("https://docs.pypi.org/")

    page = client.http.get(f"/simple/{asset.project}/", headers={"Accept": SIMPLE_JSON})
    entries = {f["filename"]: f for f in json.loads(page.body)["files"]}
    assert entries[asset.filename]["provenance"] == provenance_path(asset)
    assert entries[d.wheel_name(asset.project, "0.0.1")]["provenance"] is None  # uploaded without
    html = client.http.get(f"/simple/{asset.project}/").body.decode()
    assert f'data-provenance="{provenance_path(asset)}"' in html and html.count("data-provenance") == 1

    project_page = client.http.get(f"/project/{asset.project}/").body.decode()
    workflow = {"github": f"https://github.com/{asset.owner}/{asset.repository}/blob/HEAD/.github/workflows/"
                          f"{asset.workflow}",
                "gitlab": f"https://gitlab.com/{asset.owner}/{asset.repository}/-/blob/HEAD/{asset.workflow}"}
    assert f'Published by <a href="{workflow[asset.kind]}">' in project_page
    assert project_page.count("Published by") == 1  # the placeholder wheel came without attestations
    log_index = bundle.attestations[0].verification_material.transparency_entries[0]["logIndex"]
    assert f'<a href="https://search.sigstore.dev/?logIndex={log_index}">Transparency log entry</a>' in project_page


def test_an_api_token_may_not_upload_attestations(client, token, publishing):
    publishing(a.GITHUB)  # the project and its publisher exist: only the token differs
    before = objects()
    status, text = upload_attested(client, d.basic(token), a.GITHUB)
    assert status == 400 and "only from trusted publishers" in text
    assert not _listed(a.GITHUB)
    assert objects() == before
    assert client.http.get(f"/simple/{a.GITHUB.project}/").body.decode().count(".tar.gz") == 0


@pytest.mark.parametrize(("publisher", "why"), [
    ({"repository": "pypi-attestation-models-fork"}, "SourceRepositoryURI does not match"),  # another repository
    ({"workflow": "other.yml"}, "Build Config URI"),  # another workflow of the same repository
    ({"owner": "trailofbits-evil"}, "SourceRepositoryURI does not match"),  # another owner, the same repository name
])
def test_an_attestation_of_another_publisher_is_refused(client, publishing, publisher, why):
    minted = publishing(a.GITHUB, **publisher)
    before = objects()
    status, text = upload_attested(client, f"token {minted}", a.GITHUB)
    assert status == 400, text
    assert "attestation 1 does not verify" in text and why in text
    assert objects() == before and not _listed(a.GITHUB)


def test_an_attestation_of_another_file_is_refused(client, publishing):
    minted = publishing(a.GITHUB)
    status, text = upload_attested(client, f"token {minted}", a.GITHUB, [a.attestation(a.OTHER)])
    assert status == 400 and "attestation 1 does not verify" in text, text
    assert not _listed(a.GITHUB)


def _tampered_statement(attestation: dict) -> dict:
    changed = copy.deepcopy(attestation)
    statement = json.loads(base64.b64decode(changed["envelope"]["statement"]))
    statement["subject"][0]["digest"]["sha256"] = "0" * 64
    changed["envelope"]["statement"] = base64.b64encode(json.dumps(statement).encode()).decode()
    return changed


def _tampered_signature(attestation: dict) -> dict:
    changed = copy.deepcopy(attestation)
    signature = bytearray(base64.b64decode(changed["envelope"]["signature"]))
    signature[-1] ^= 1
    changed["envelope"]["signature"] = base64.b64encode(bytes(signature)).decode()
    return changed


@pytest.mark.parametrize("tamper", [_tampered_statement, _tampered_signature], ids=["statement", "signature"])
def test_a_tampered_attestation_is_refused(client, publishing, tamper):
    minted = publishing(a.GITHUB)
    status, text = upload_attested(client, f"token {minted}", a.GITHUB, [tamper(a.attestation(a.GITHUB))])
    assert status == 400 and "attestation 1 does not verify" in text, text
    assert not _listed(a.GITHUB)


@pytest.mark.parametrize(("field", "message"), [
    ("not json", "must be a JSON list"),
    ("[]", "at least one"),
    ('{"version": 1}', "must be a JSON list"),
    ('[{"version": 1}]', "attestation 1 is not a PEP 740 attestation object"),
])
def test_a_malformed_field_is_refused(client, publishing, field, message):
    minted = publishing(a.GITHUB)
    status, text = upload_attested(client, f"token {minted}", a.GITHUB, field)
    assert status == 400 and message in text, text
    assert not _listed(a.GITHUB)


def test_the_same_predicate_twice_is_refused_and_the_second_is_named(client, publishing):
    minted = publishing(a.GITHUB)
    status, text = upload_attested(client, f"token {minted}", a.GITHUB, [a.attestation(a.GITHUB)] * 2)
    assert status == 400 and "attestation 2 repeats the predicate type" in text, text


def test_the_integrity_api_answers_only_for_an_attested_file_it_offers(client, publishing, alice):
    minted = publishing(a.GITHUB)
    assert upload_attested(client, f"token {minted}", a.GITHUB)[0] == 200
    unattested = f"/integrity/{a.GITHUB.project}/0.0.1/{d.wheel_name(a.GITHUB.project, '0.0.1')}/provenance"
    for path in (unattested, provenance_path(a.GITHUB).replace("0.0.4a2/", "0.0.1/"),
                 f"/integrity/cheese-other/{a.GITHUB.version}/{a.GITHUB.filename}/provenance"):
        missing = client.http.get(path)
        assert missing.status_code == 404 and "No provenance available" in json.loads(missing.body)["message"]


def _listed(asset: a.Asset) -> bool:
    try:
        return File.get(asset.filename).project is not None
    except File.DoesNotExist:
        return False
