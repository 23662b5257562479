"""The flood limits: per user, a few new projects and a few hundred files an hour. Each is
counted in the upload's own transaction, so only what was added counts; over a limit the
upload is a 429 with Retry-After, and nothing of it is left behind."""
from __future__ import annotations

from chalicelib.core import ratelimit
from chalicelib.core.ratelimit import Limit
from chalicelib.packaging.models import File, Project
from tests import distributions as d
from tests.functional.forklift.test_upload import objects, upload, upload_wheel


def test_the_limits_are_a_few_projects_and_a_few_hundred_files_an_hour():
    assert (ratelimit.NEW_PROJECTS_PER_USER.most, ratelimit.NEW_PROJECTS_PER_USER.seconds) == (5, 3600)
    assert (ratelimit.FILES_PER_USER.most, ratelimit.FILES_PER_USER.seconds) == (300, 3600)


def test_new_projects_over_the_limit_are_refused_while_new_releases_go_on(frozen, client, token):
    for number in range(ratelimit.NEW_PROJECTS_PER_USER.most):
        assert upload_wheel(client, token, f"p{number}")[0] == 200
    before = objects()
    body, content_type = d.form(d.wheel("p9"), d.wheel_name("p9"), name="p9")
    response = client.http.post("/legacy/", headers={"content-type": content_type, "authorization": d.basic(token)},
                                body=body)
    assert response.status_code == 429 and "Too many new projects" in response.body.decode()
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert objects() == before and Project.count("p9") == 0
    assert upload_wheel(client, token, "p0", "2.0")[0] == 200
    frozen.tick(3600)
    assert upload_wheel(client, token, "p9")[0] == 200


def test_files_over_the_limit_are_refused(client, token, monkeypatch):
    monkeypatch.setattr(ratelimit, "FILES_PER_USER", Limit("files", 3, 3600, ratelimit.FILES_UPLOADED))
    for version in ("1.0", "1.1", "1.2"):
        assert upload_wheel(client, token, version=version)[0] == 200
    before = objects()
    status, text = upload_wheel(client, token, version="1.3")
    assert status == 429 and "Too many files uploaded" in text
    assert objects() == before and File.count() == 3


def test_a_refused_upload_counts_nothing(client, token):
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200
    status, text = upload(client, d.basic(token), d.wheel(extra=b"# other"), d.wheel_name())
    assert status == 400 and "File already exists" in text
    assert ratelimit.count(ratelimit.FILES_PER_USER, "alice") == 1
    assert ratelimit.count(ratelimit.NEW_PROJECTS_PER_USER, "alice") == 1
