"""Upload sessions (/upload/, PEP 694's shape): files sent in parts straight to S3, checked
where they lie, listed together on publish under /legacy/'s rules; nothing left behind by a
refusal or a cancellation."""
from __future__ import annotations

import hashlib
import json
import random
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.core import aws
from chalicelib.core.config import get_settings
from chalicelib.events.models import Event
from chalicelib.forklift import files as upload_files
from chalicelib.packaging.models import File, Project, Release
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload_wheel

V2 = "application/vnd.pypi.upload.v2+json"


class Uploader:
    """What an upload client does, through the test client; parts go to S3 as a PUT to
    their presigned URL would put them."""

    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"authorization": d.basic(token), "content-type": V2}

    def call(self, method: str, url: str, body: dict | None = None):
        path = urlsplit(url).path if url.startswith("http") else url
        payload = json.dumps({"meta": {"api-version": "2.0"}, **body}) if body is not None else ""
        response = getattr(self.client.http, method)(path, headers=self.headers, body=payload)
        return response.status_code, (json.loads(response.body) if response.body else {}), response.headers

    def open(self, name: str = "cheese-demo", version: str = "1.0"):
        return self.call("post", "/upload/", {"name": name, "version": version})

    def begin(self, session: dict, filename: str, content: bytes, **overrides):
        body = {"filename": filename, "size": len(content), "hashes": {"sha256": hashlib.sha256(content).hexdigest()},
                "mechanism": upload_files.MECHANISM, **overrides}
        return self.call("post", session["links"]["upload"], body)

    @staticmethod
    def put(part: dict, data: bytes) -> None:
        url = urlsplit(part["url"])
        key = url.path.split("/", 2)[2]
        query = parse_qs(url.query)
        aws.client("s3").upload_part(Bucket=get_settings().bucket, Key=key, UploadId=query["uploadId"][0],
                                     PartNumber=int(query["partNumber"][0]), Body=data)

    def send(self, upload: dict, content: bytes, only: set[int] | None = None) -> None:
        size = upload["mechanism"]["part-size"]
        for part in upload["mechanism"]["parts"]:
            if not part["uploaded"] and (only is None or part["number"] in only):
                self.put(part, content[(part["number"] - 1) * size:part["number"] * size])

    def upload(self, session: dict, filename: str, content: bytes):
        status, upload, _ = self.begin(session, filename, content)
        assert status == 202, upload
        self.send(upload, content)
        return self.call("post", upload["links"]["complete"])


@pytest.fixture
def uploader(client, token) -> Uploader:
    return Uploader(client, token)


def big_wheel(size: int, name: str = "cheese-demo", version: str = "1.0") -> bytes:
    """Incompressible, so the wheel is as large as its payload; its METADATA has a summary."""
    return d.wheel(name, version, extra=random.Random(size).randbytes(size),
                   metadata=d.core_metadata(name, version, extra="Summary: A large cheese\n"))


def simple_files(client, name: str = "cheese-demo") -> list[str]:
    response = client.http.get(f"/simple/{name}/", headers={"accept": "application/vnd.pypi.simple.v1+json"})
    return [f["filename"] for f in json.loads(response.body)["files"]] if response.status_code == 200 else []


def test_a_file_in_three_parts_is_listed_only_once_the_session_is_published(client, uploader):
    content = big_wheel(2 * upload_files.PART_SIZE + 1000)
    status, session, headers = uploader.open()
    assert status == 201 and headers["Location"] == session["links"]["session"]
    assert session["status"] == "pending" and session["mechanisms"] == [upload_files.MECHANISM]
    status, upload, _ = uploader.begin(session, d.wheel_name(), content)
    assert status == 202 and [p["number"] for p in upload["mechanism"]["parts"]] == [1, 2, 3]
    uploader.send(upload, content)
    status, done, _ = uploader.call("post", upload["links"]["complete"])
    assert (status, done["status"]) == (200, "completed")
    assert simple_files(client) == [] and File.count() == 0  # staged, not published
    status, published, _ = uploader.call("post", session["links"]["publish"])
    assert (status, published["status"]) == (201, "published")
    stored = File.get(d.wheel_name())
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.size == len(content)
    assert stored.python_version == "py3" and stored.packagetype == "bdist_wheel"
    assert objects() == [stored.path, stored.path + ".metadata"]
    assert simple_files(client) == [d.wheel_name()]
    assert Release.get("cheese-demo", "1.0").summary == "A large cheese"  # from the file's own METADATA
    assert "project:file:upload" in [e.tag for e in Event.query("alice")]
    status, after, _ = uploader.call("get", session["links"]["session"])
    assert (status, after["status"]) == (200, "published")
    assert uploader.call("post", session["links"]["publish"])[0] == 409


def test_a_wheel_and_an_sdist_publish_together(client, uploader):
    _, session, _ = uploader.open(name="cheese_demo")  # as a client reads it from the filename
    assert uploader.upload(session, d.wheel_name(), d.wheel())[0] == 200
    assert uploader.upload(session, d.sdist_name(), d.sdist())[0] == 200
    status, state, _ = uploader.call("get", session["links"]["session"])
    assert {name: f["status"] for name, f in state["files"].items()} == {
        d.wheel_name(): "completed", d.sdist_name(): "completed"}
    assert uploader.call("post", session["links"]["publish"])[0] == 201
    assert sorted(simple_files(client)) == sorted([d.wheel_name(), d.sdist_name()])
    assert File.get(d.sdist_name()).python_version == "source"
    assert Project.get("cheese-demo").display_name == "cheese-demo"  # as the files' metadata writes it


def test_an_interrupted_upload_resumes_from_the_parts_s3_holds(uploader):
    content = big_wheel(2 * upload_files.PART_SIZE + 10)
    _, session, _ = uploader.open()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content)
    uploader.send(upload, content, only={2})
    status, missing, _ = uploader.call("post", upload["links"]["complete"])
    assert status == 409 and "parts 1, 3 are missing" in missing["detail"]
    _, resumed, _ = uploader.call("get", upload["links"]["file-upload-session"])
    assert [p["uploaded"] for p in resumed["mechanism"]["parts"]] == [False, True, False]
    assert resumed["mechanism"]["parts"][1]["url"] is None
    uploader.send(resumed, content)
    assert uploader.call("post", upload["links"]["complete"])[1]["status"] == "completed"
    assert uploader.call("post", session["links"]["publish"])[0] == 201


@pytest.mark.parametrize("content, filename, message", [
    (b"not a zip at all" * 1000, d.wheel_name(), "Invalid wheel: it is not a zip file."),
    (d.wheel("cheese-demo", "2.0"), d.wheel_name(), "its METADATA says 'cheese-demo' '2.0'"),
    (d.sdist(pkg_info=False), d.sdist_name(), "PKG-INFO is missing"),
])
def test_a_bad_file_is_refused_and_its_object_removed(client, uploader, content, filename, message):
    _, session, _ = uploader.open()
    status, problem, headers = uploader.upload(session, filename, content)
    assert status == 400 and message in problem["detail"]
    assert headers["Content-Type"] == "application/problem+json"
    assert objects() == [] and File.count() == 0
    assert uploader.call("get", session["links"]["session"])[1]["files"] == {}
    assert uploader.call("post", session["links"]["publish"])[0] == 409  # nothing to publish


def test_bytes_that_differ_from_the_declared_digest_are_refused(uploader):
    _, session, _ = uploader.open()
    content = d.wheel()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content, hashes={"sha256": "0" * 64})
    uploader.send(upload, content)
    status, problem, _ = uploader.call("post", upload["links"]["complete"])
    assert status == 400 and "sha256 digest supplied does not match" in problem["detail"]
    assert objects() == []


def test_refusals_before_any_byte_moves(client, token, uploader):
    _, session, _ = uploader.open()
    assert uploader.begin(session, d.wheel_name(), d.wheel(), mechanism="http-post-bytes")[0] == 422
    status, problem, _ = uploader.begin(session, d.wheel_name(), d.wheel(), size=get_settings().max_file_size + 1)
    assert status == 413 and "at most 100 MiB" in problem["detail"]
    status, problem, _ = uploader.begin(session, d.wheel_name("other"), d.wheel("other"))
    assert status == 400 and "does not match the project name" in problem["detail"]
    assert upload_wheel(client, token, version="0.9")[0] == 200
    _, old, _ = uploader.open(version="0.9")
    status, problem, _ = uploader.begin(old, d.wheel_name(version="0.9"), d.wheel(version="0.9", extra=b"# other"))
    assert status == 409 and "File already exists" in problem["detail"] and problem["type"] == "about:blank"
    status, problem, _ = uploader.begin(old, d.wheel_name(version="0.9"), d.wheel(version="0.9"))  # the same bytes
    assert status == 409 and problem["type"] == "urn:cheeseshop:upload:already-uploaded"
    assert uploader.call("post", "/upload/", {"name": "cheese demo!", "version": "1.0"})[0] == 400
    assert uploader.call("post", "/upload/", {"name": "cheese-demo", "version": "1.0+local"})[0] == 400


def test_a_second_session_for_the_release_points_at_the_first(uploader):
    _, first, _ = uploader.open()
    status, problem, headers = uploader.open()
    assert status == 409 and headers["Location"] == first["links"]["session"]
    assert uploader.call("delete", first["links"]["session"])[0] == 204
    assert uploader.open()[0] == 201  # a canceled session frees its release


def test_only_the_token_that_opened_a_session_may_use_it(client, alice, uploader):
    from tests.functional.conftest import make_token

    _, session, _ = uploader.open()
    other = Uploader(client, make_token(alice, name="second"))
    status, problem, _ = other.call("get", session["links"]["session"])
    assert status == 403 and "API token that opened" in problem["detail"]
    assert Uploader(client, "pypi-nonsense").call("get", session["links"]["session"])[0] == 403
    assert uploader.call("get", "/upload/session/nonexistent")[0] == 404


def test_canceling_removes_parts_and_objects(uploader):
    content = d.wheel()
    _, session, _ = uploader.open()
    assert uploader.upload(session, d.wheel_name(), content)[1]["status"] == "completed"
    _, upload, _ = uploader.begin(session, d.sdist_name(), d.sdist())
    uploader.send(upload, d.sdist())
    assert len(objects()) == 2  # the wheel and its metadata; the sdist's part is not an object yet
    assert uploader.call("delete", session["links"]["session"])[0] == 204
    assert objects() == []
    uploads = aws.client("s3").list_multipart_uploads(Bucket=get_settings().bucket).get("Uploads", [])
    assert uploads == []
    assert uploader.call("post", session["links"]["publish"])[0] == 404


def test_publishing_waits_for_every_file(uploader):
    _, session, _ = uploader.open()
    uploader.upload(session, d.wheel_name(), d.wheel())
    uploader.begin(session, d.sdist_name(), d.sdist())
    status, problem, _ = uploader.call("post", session["links"]["publish"])
    assert status == 409 and d.sdist_name() in problem["detail"]


def test_the_hourly_sweep_keeps_a_live_sessions_objects(uploader):
    from datetime import timedelta

    from chalicelib.core import clock
    from chalicelib.forklift import sweeper

    _, session, _ = uploader.open()
    uploader.upload(session, d.wheel_name(), d.wheel())
    assert sweeper.sweep(clock.now() + timedelta(hours=2)) == []
    assert len(objects()) == 2


def test_legacy_refuses_a_large_file_naming_the_upload_client(client, token):
    from tests.functional.forklift.test_upload import upload

    content = big_wheel(5 * 1024 * 1024)
    status, text = upload(client, d.basic(token), content, d.wheel_name())
    assert status == 413 and "cheeseshop-upload" in text


def test_files_begun_in_sessions_are_limited_per_uploader(monkeypatch, uploader):
    from chalicelib.core import ratelimit

    monkeypatch.setattr(ratelimit, "STAGED_FILES_PER_USER", ratelimit.Limit("staged-files", 1, 3600,
                                                                            ratelimit.FILES_UPLOADED))
    _, session, _ = uploader.open()
    assert uploader.begin(session, d.wheel_name(), d.wheel())[0] == 202
    status, problem, headers = uploader.begin(session, d.sdist_name(), d.sdist())
    assert status == 429 and "Too many files uploaded" in problem["detail"] and int(headers["Retry-After"]) > 0
    uploads = aws.client("s3").list_multipart_uploads(Bucket=get_settings().bucket).get("Uploads", [])
    assert [u["Key"].rsplit("/", 1)[1] for u in uploads] == [d.wheel_name()]  # the refused one's was aborted


def test_a_file_canceled_alone_leaves_nothing_and_can_begin_again(uploader):
    content = d.wheel()
    _, session, _ = uploader.open()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content)
    uploader.send(upload, content)
    assert uploader.call("delete", upload["links"]["file-upload-session"])[0] == 204
    assert aws.client("s3").list_multipart_uploads(Bucket=get_settings().bucket).get("Uploads", []) == []
    assert uploader.call("get", session["links"]["session"])[1]["files"] == {}
    assert uploader.upload(session, d.wheel_name(), content)[1]["status"] == "completed"
    assert uploader.call("post", session["links"]["publish"])[0] == 201


def test_an_expired_session_is_gone_and_its_objects_are_swept(uploader):
    from datetime import timedelta

    from freezegun import freeze_time

    from chalicelib.core import clock
    from chalicelib.forklift import sweeper

    _, session, _ = uploader.open()
    uploader.upload(session, d.wheel_name(), d.wheel())
    with freeze_time(clock.now() + timedelta(days=1, hours=2)):
        assert uploader.call("get", session["links"]["session"])[0] == 404
        assert uploader.call("post", session["links"]["publish"])[0] == 404
        assert uploader.open()[0] == 201  # the release is free again
        assert len(sweeper.sweep()) == 2  # the wheel and its metadata, never published
    assert objects() == [] and File.count() == 0


def test_a_session_cannot_change_the_bytes_of_a_file_listed_meanwhile(client, token, uploader):
    """Begin F declaring good bytes G; list F with G by /legacy/; send other bytes; complete."""
    good = d.wheel()
    _, session, _ = uploader.open()
    status, upload, _ = uploader.begin(session, d.wheel_name(), good)
    assert status == 202
    assert upload_wheel(client, token)[0] == 200  # the same filename and bytes, listed by another route
    listed = File.get(d.wheel_name())
    evil = bytearray(good)
    evil[-100] ^= 0xFF  # the same size, other bytes
    uploader.send(upload, bytes(evil))
    status, refused, _ = uploader.call("post", upload["links"]["complete"])
    assert status == 400, refused
    served = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=listed.path)["Body"].read()
    assert hashlib.sha256(served).hexdigest() == listed.sha256 == hashlib.sha256(good).hexdigest()
    assert not [k for k in objects() if k.startswith("staging/")]  # the refused bytes are gone too


def test_parts_are_staged_apart_from_every_listed_key(uploader):
    content = d.wheel()
    _, session, _ = uploader.open()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content)
    assert all("/staging/" in part["url"] for part in upload["mechanism"]["parts"])
    uploader.send(upload, content)
    assert uploader.call("post", upload["links"]["complete"])[0] == 200
    assert [k for k in objects() if k.startswith("staging/")] == []
    assert uploader.call("post", session["links"]["publish"])[0] == 201
    stored = File.get(d.wheel_name())
    assert stored.path.startswith("packages/") and objects() == [stored.path, stored.path + ".metadata"]


def test_each_part_url_signs_the_parts_length(uploader):
    """S3 refuses a PUT whose length differs from a signed Content-Length: no part holds more
    than the file's declared size allows."""
    content = big_wheel(upload_files.PART_SIZE + 1234)
    _, session, _ = uploader.open()
    _, upload, _ = uploader.begin(session, d.wheel_name(), content)
    assert len(upload["mechanism"]["parts"]) == 2
    for part in upload["mechanism"]["parts"]:
        query = parse_qs(urlsplit(part["url"]).query)
        assert "content-length" in query["X-Amz-SignedHeaders"][0].split(";")


def test_one_file_spelled_twice_in_a_session_is_refused_at_publish(uploader):
    _, session, _ = uploader.open()
    assert uploader.upload(session, d.wheel_name(), d.wheel())[0] == 200
    assert uploader.upload(session, "Cheese_Demo-1.0-py3-none-any.whl", d.wheel())[0] == 200
    status, answer, _ = uploader.call("post", session["links"]["publish"])
    assert status == 409 and "the same file spelled twice" in answer["detail"]
    assert File.count() == 0
