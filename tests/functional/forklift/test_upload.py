"""POST /legacy/: what twine sends, every refusal, and nothing left behind."""
from __future__ import annotations

import hashlib

import pytest

from chalicelib.core import aws
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none
from chalicelib.events.models import Event
from chalicelib.packaging.models import File, Project, Release, Role
from tests import distributions as d


def upload(client, authorization: str | None, content: bytes, filename: str, **fields):
    body, content_type = d.form(content, filename, **fields)
    headers = {"content-type": content_type}
    if authorization is not None:
        headers["authorization"] = authorization
    response = client.http.post("/legacy/", headers=headers, body=body)
    return response.status_code, response.body.decode()


def upload_wheel(client, token: str, name: str = "cheese-demo", version: str = "1.0"):
    """A wheel of this name and version, with the form fields that say so."""
    return upload(client, d.basic(token), d.wheel(name, version), d.wheel_name(name, version), name=name,
                  version=version)


def objects() -> list[str]:
    listing = aws.client("s3").list_objects_v2(Bucket=get_settings().bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_a_wheel_is_stored_listed_and_owned(client, token):
    content = d.wheel()
    status, text = upload(client, d.basic(token), content, d.wheel_name())
    assert (status, text.strip()) == (200, "OK")
    stored = File.get(d.wheel_name())
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.project == "cheese-demo"
    assert objects() == [stored.path, stored.path + ".metadata"]
    assert Role.get("cheese-demo", "alice").role == "Owner"
    assert Project.get("cheese-demo").display_name == "cheese-demo"
    assert "<em>text</em>" in Release.get("cheese-demo", "1.0").description_html
    assert "project:file:upload" in [e.tag for e in Event.query("alice")]


def test_the_same_file_again_is_harmless_but_other_bytes_are_refused(client, token):
    content = d.wheel()
    assert upload(client, d.basic(token), content, d.wheel_name())[0] == 200
    assert upload(client, d.basic(token), content, d.wheel_name())[0] == 200
    before = objects()
    status, text = upload(client, d.basic(token), d.wheel(extra=b"# changed"), d.wheel_name())
    assert status == 400 and "File already exists" in text
    assert objects() == before and File.count() == 1


@pytest.mark.parametrize("scheme", ["token", "Bearer"])
def test_token_and_bearer_schemes(client, token, scheme):
    assert upload(client, f"{scheme} {token}", d.sdist(), d.sdist_name())[0] == 200


@pytest.mark.parametrize("authorization, status, message", [
    (None, 401, "needs an API token"),
    (d.basic("correct horse battery staple", "alice"), 403, "Username/password uploads are not supported"),
    (d.basic("pypi-nonsense"), 403, "Make a new API token in your account settings"),
    ("Basic !!!", 401, "Malformed"),
])
def test_authentication_refusals(client, token, authorization, status, message):
    got = upload(client, authorization, d.wheel(), d.wheel_name())
    assert got[0] == status and message in got[1]
    assert File.count() == 0 and objects() == []


def test_a_token_with_a_wrong_checksum_is_refused_before_any_lookup(client, token):
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert upload(client, d.basic(tampered), d.wheel(), d.wheel_name())[0] == 403


@pytest.mark.parametrize("fields, message", [
    ({":action": "submit"}, "only file_upload"),
    ({"protocol_version": "2"}, "protocol_version"),
    ({"metadata_version": "9.9"}, "invalid value for Metadata-Version"),
    ({"name": "-bad-", "filename": "bad-1.0-py3-none-any.whl"}, "invalid value for Name"),
    ({"version": "one", "filename": "cheese_demo-one-py3-none-any.whl"}, "invalid value for Version"),
    ({"version": "1.0+local", "filename": "cheese_demo-1.0+local-py3-none-any.whl"}, "local versions"),
    ({"summary": "x" * 513}, "Summary must be a single line"),
    ({"summary": "two\nlines"}, "Summary must be a single line"),
    ({"requires_python": ">=>3"}, "invalid value for Requires-Python"),
    ({"classifiers": ["Not :: A :: Classifier"]}, "not a valid classifier"),
    ({"filename": "cheese_demo-2.0-py3-none-any.whl"}, "does not match"),
    ({"filename": "other_name-1.0-py3-none-any.whl"}, "does not match"),
    ({"filename": "cheese_demo-1.0.exe"}, "Invalid file extension"),
    ({"filename": "cheese_demo-1.0-py3-none.whl"}, "Invalid distribution filename"),
    ({"filetype": "bdist_egg"}, "Unknown filetype"),
    ({"filetype": "sdist"}, "must be uploaded with filetype bdist_wheel"),
    ({"md5_digest": "0" * 32}, "md5 digest supplied does not match"),
    ({"sha256_digest": "0" * 64}, "sha256 digest supplied does not match"),
    ({"blake2_256_digest": "0" * 64}, "blake2_256 digest supplied does not match"),
])
def test_metadata_and_file_refusals_store_nothing(client, token, fields, message):
    filename = fields.pop("filename", d.wheel_name())
    status, text = upload(client, d.basic(token), d.wheel(), filename, **fields)
    assert status == 400 and message in text, text
    assert File.count() == 0 and Project.count() == 0 and objects() == []


@pytest.mark.parametrize("filename", ["../evil-1.0.tar.gz", "a\\b-1.0.tar.gz", "cheese_demo-1.0\x07.tar.gz"])
def test_unsafe_filenames(client, token, filename):
    status, text = upload(client, d.basic(token), d.sdist(), filename)
    assert status == 400 and "may not contain" in text
    assert objects() == []


@pytest.mark.parametrize("content, filename, message", [
    (b"not a zip", d.wheel_name(), "not a zip file"),
    (d.wheel(record=False), d.wheel_name(), "METADATA and RECORD"),
    (d.sdist(pkg_info=False), d.sdist_name(), "PKG-INFO is missing"),
    (b"not a tarball", d.sdist_name(), "cannot be read"),
])
def test_archives_are_opened_and_checked(client, token, content, filename, message):
    status, text = upload(client, d.basic(token), content, filename)
    assert status == 400 and message in text
    assert objects() == []


def test_size_limit_matches_what_lambda_can_receive(client, token):
    big = d.wheel(extra=b"#" * (4 * 1024 * 1024))
    status, text = upload(client, d.basic(token), big, d.wheel_name())
    assert status == 413 and "4 MiB" in text
    assert objects() == []


def test_new_names_that_are_stdlib_modules_or_too_similar(client, token):
    status, text = upload(client, d.basic(token), d.wheel("json"), d.wheel_name("json"), name="json")
    assert status == 400 and "standard library" in text
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    status, text = upload(client, d.basic(token), d.wheel("cheesedemo"), d.wheel_name("cheesedemo"),
                          name="cheesedemo")
    assert status == 400 and "too similar" in text
    assert Project.get("cheese-demo") and File.count() == 1


def test_other_users_projects_and_scoped_tokens(client, token, alice):
    from tests.functional.conftest import make_token

    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    scoped = make_token(alice, "scoped", scope="cheese-demo")
    status, text = upload(client, d.basic(scoped), d.wheel("new-thing"), d.wheel_name("new-thing"), name="new-thing")
    assert status == 403 and "Use a token for all your projects to create a new project" in text
    assert upload(client, d.basic(scoped), d.sdist(), d.sdist_name())[0] == 200
    Project("other-project", display_name="other-project", listed="project", serial=1).save()
    status, text = upload(client, d.basic(scoped), d.wheel("other-project"), d.wheel_name("other-project"),
                          name="other-project")
    assert status == 403 and "not scoped to the project" in text
    status, text = upload(client, d.basic(token), d.wheel("other-project"), d.wheel_name("other-project"),
                          name="other-project")
    assert status == 403 and "isn't allowed to upload" in text


def test_a_lost_race_leaves_exactly_one_file_and_no_orphan(client, token, monkeypatch):
    from chalicelib.forklift import access

    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    winner = objects()
    calls = []

    def raced(existing, sha256):  # the check ran before the other upload's record landed
        calls.append(existing)
        return False if len(calls) == 1 else original(existing, sha256)
    original = access.already_uploaded
    monkeypatch.setattr(access, "already_uploaded", raced)
    status, text = upload(client, d.basic(token), d.wheel(extra=b"# other bytes"), d.wheel_name())
    assert status == 400 and "File already exists" in text
    assert objects() == winner and File.count() == 1


def test_a_failure_while_recording_removes_the_new_objects(client, token, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.forklift import pipeline as uploads

    def unreachable(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="http://dynamodb.test")
    monkeypatch.setattr(uploads, "record", unreachable)
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert status == 503 and "temporarily unavailable" in text
    assert objects() == [] and File.count() == 0


def test_legacy_without_the_trailing_slash(client, token):
    body, content_type = d.form(d.wheel(), d.wheel_name())
    response = client.http.post("/legacy", headers={"content-type": content_type, "authorization": d.basic(token)},
                                body=body)
    assert response.status_code == 200


def test_a_release_keeps_the_metadata_of_its_first_file(client, token):
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name(), summary="First")[0] == 200
    assert upload(client, d.basic(token), d.sdist(), d.sdist_name(), summary="Second")[0] == 200
    assert Release.get("cheese-demo", "1.0").summary == "First"
    assert File.count() == 2


def test_metadata_2_5_inside_the_file_is_accepted_and_wins(client, token):
    inside = d.core_metadata("cheese-demo", "1.0", "2.5", "Summary: From the file\nLicense-Expression: MIT\n")
    status, text = upload(client, d.basic(token), d.wheel(metadata=inside), d.wheel_name(), metadata_version="2.3")
    assert status == 200, text
    release = Release.get("cheese-demo", "1.0")
    assert release.metadata_version == "2.3" and release.summary == "From the file"
    assert release.license_expression == "MIT"


@pytest.mark.parametrize("inside, message", [
    (d.core_metadata("other-name", "1.0"), "its METADATA says 'other-name' '1.0'"),
    (d.core_metadata("cheese-demo", "1.1"), "its METADATA says 'cheese-demo' '1.1'"),
    (d.core_metadata("cheese-demo", "1.0", "9.9"), "'9.9' in the file's METADATA"),
])
def test_the_files_own_metadata_must_agree(client, token, inside, message):
    status, text = upload(client, d.basic(token), d.wheel(metadata=inside), d.wheel_name())
    assert status == 400 and message in text, text
    assert objects() == [] and File.count() == 0


def test_an_sdist_without_pyversion_is_source_as_flit_sends_it(client, token):
    status, text = upload(client, d.basic(token), d.sdist(), d.sdist_name(), pyversion=None)
    assert status == 200, text
    assert File.get(d.sdist_name()).python_version == "source"


def test_a_huge_metadata_member_is_refused_without_inflating_it(client, token):
    huge = d.core_metadata("cheese-demo", "1.0", extra="Summary: x\n\n" + "A" * (2 * 1024 * 1024))
    status, text = upload(client, d.basic(token), d.wheel(metadata=huge), d.wheel_name())
    assert status == 400 and "METADATA is larger than 1024 KiB" in text


@pytest.mark.parametrize("spelling", ["Cheese_Demo-1.0-py3-none-any.whl", "cheese_demo-1.00-py3-none-any.whl",
                                      "cheese_demo-1.0.0-py3-none-any.whl", "cheese_demo-1.0-py3-none-any.whl"])
def test_a_deleted_file_does_not_come_back_under_another_spelling(client, token, alice, spelling):
    from chalicelib.core.origin import Origin
    from chalicelib.packaging import catalog, retraction

    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    retraction.delete_file("alice", catalog.project("cheese-demo"), d.wheel_name(), Origin())
    version = spelling.split("-")[1]  # 1.0 in PEP 440's eyes, however written
    status, text = upload(client, d.basic(token), d.wheel(version=version), spelling, version=version)
    assert status == 400, text
    if spelling != d.wheel_name():
        assert f"{spelling} is the same file spelled otherwise" in text
    assert get_or_none(File, spelling) is None or get_or_none(File, spelling).project is None


def test_a_build_tag_adds_a_file_to_a_release(client, token):
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    built = d.wheel_name().replace("-1.0-", "-1.0-1-")
    assert upload(client, d.basic(token), d.wheel(), built)[0] == 200


def test_files_uploaded_before_identities_were_kept_get_theirs_by_the_backfill(client, token):
    from chalicelib.admin.migrations import file_identities
    from chalicelib.packaging.models import FileIdentity

    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    for identity in FileIdentity.scan():  # as if uploaded by older code
        identity.delete()
    assert file_identities() == 1 and file_identities() == 0
    status, text = upload(client, d.basic(token), d.wheel(), "Cheese_Demo-1.0-py3-none-any.whl")
    assert status == 400 and "spelled otherwise" in text


@pytest.mark.parametrize("look_alike", ["1odash-x", "l0dash-x", "Iodash_x", "L0DASH.X", "10dash-x"])
def test_names_that_pass_for_an_existing_one_are_refused(client, token, look_alike):
    assert upload_wheel(client, token, "lodash-x")[0] == 200
    status, text = upload_wheel(client, token, look_alike)
    assert status == 400 and "too similar" in text
    assert [p.name for p in Project.scan() if not p.name.startswith("ultra:")] == ["lodash-x"]
