"""PEP 740 attestations through upload sessions: given when a file's upload begins (checked
against the declared sha256, which completing it checks against the bytes), kept until the
session is published, then served as a /legacy/ upload's are. Refused at once otherwise, with
nothing staged."""
from __future__ import annotations

import json

from chalicelib.forklift.models import UploadSession
from chalicelib.packaging.models import File
from tests import attestations as a
from tests.functional.forklift.test_sessions import Uploader, simple_files
from tests.functional.forklift.test_upload import objects


def staged(session: dict) -> list[str]:
    return [item.item for item in UploadSession.query(session["links"]["session"].rstrip("/").rsplit("/", 1)[-1])]


def test_a_session_publishes_an_attested_file_with_its_provenance(client, publishing):
    asset = a.GITLAB
    uploader = Uploader(client, publishing(asset))
    content = a.content(asset)
    status, session, _ = uploader.open(asset.project, asset.version)
    assert status == 201, session
    status, upload, _ = uploader.begin(session, asset.filename, content, attestations=[a.attestation(asset)])
    assert status == 202, upload
    uploader.send(upload, content)
    assert uploader.call("post", upload["links"]["complete"])[0] == 200
    assert uploader.call("post", session["links"]["publish"])[0] == 201

    stored = File.get(asset.filename)
    assert json.loads(stored.provenance)["publisher"]["repository"] == f"{asset.owner}/{asset.repository}"
    assert stored.path + ".provenance" in objects()
    served = client.http.get(f"/integrity/{asset.project}/{asset.version}/{asset.filename}/provenance")
    assert served.status_code == 200

    from pypi_attestations import Distribution, Provenance

    (bundle,) = Provenance.model_validate_json(served.body).attestation_bundles
    assert bundle.attestations[0].verify(bundle.publisher, Distribution.from_file(a.folder() / asset.filename),
                                         offline=True)
    assert asset.filename in simple_files(client, asset.project)


def test_a_session_refuses_another_files_attestation_before_any_byte_moves(client, publishing):
    asset = a.GITHUB
    uploader = Uploader(client, publishing(asset))
    _, session, _ = uploader.open(asset.project, asset.version)
    before = objects()
    status, problem, _ = uploader.begin(session, asset.filename, a.content(asset),
                                        attestations=[a.attestation(a.OTHER)])
    assert status == 400 and "attestation 1 does not verify" in problem["detail"], problem
    assert staged(session) == ["#"] and objects() == before


def test_a_session_opened_with_an_api_token_may_not_carry_attestations(client, token, publishing):
    publishing(a.GITHUB)
    uploader = Uploader(client, token)
    _, session, _ = uploader.open(a.GITHUB.project, a.GITHUB.version)
    for field in ([a.attestation(a.GITHUB)], []):
        status, problem, _ = uploader.begin(session, a.GITHUB.filename, a.content(a.GITHUB), attestations=field)
        assert status == 400, problem
    assert "only from trusted publishers" in problem["detail"]
    assert staged(session) == ["#"]


def test_bytes_other_than_the_attested_ones_are_refused_on_completion(client, publishing):
    """The attestation is checked against the declared digest; the bytes sent must be those."""
    asset = a.GITHUB
    uploader = Uploader(client, publishing(asset))
    _, session, _ = uploader.open(asset.project, asset.version)
    content = a.content(asset)
    status, upload, _ = uploader.begin(session, asset.filename, content, attestations=[a.attestation(asset)])
    assert status == 202, upload
    uploader.send(upload, content[:-1] + bytes([content[-1] ^ 1]))
    status, problem, _ = uploader.call("post", upload["links"]["complete"])
    assert status == 400 and "does not match" in problem["detail"], problem
    assert uploader.call("post", session["links"]["publish"])[0] == 409
    assert File.count() == 1  # the placeholder only
