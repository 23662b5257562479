"""PyPI's JSON API, for a project and for one release, from what the files' METADATA said."""
from __future__ import annotations

import json

import pytest
from freezegun import freeze_time

from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.forklift.test_upload import upload

RICH = """Requires-Dist: requests>=2
Requires-Dist: rich; extra == "cli"
Provides-Extra: cli
Project-URL: Homepage, https://example.org/cheese
Project-URL: Source, https://example.org/cheese/src
License-Expression: MIT OR Apache-2.0
License-File: LICENSE
Summary: Rich cheese
Description-Content-Type: text/markdown

# Cheese

The *best* cheese.
"""


def wheel_with(version: str) -> bytes:
    return d.wheel(version=version, metadata=d.core_metadata("cheese-demo", version, "2.5", RICH))


@pytest.fixture
def releases(client, token):
    with freeze_time("2026-03-01 10:00:00") as frozen:
        for version in ("1.0", "2.0"):
            assert upload(client, d.basic(token), wheel_with(version), d.wheel_name(version=version),
                          version=version, metadata_version="2.3")[0] == 200
            frozen.tick(60)
    yanked = File.get(d.wheel_name(version="2.0"))
    yanked.update(actions=[File.yanked.set(True), File.yanked_reason.set("Broken build")])
    return client


def get_json(client, path: str):
    response = client.http.get(path)
    return response.status_code, json.loads(response.body)


def test_the_project_json_carries_every_field_pypi_has(releases):
    status, data = get_json(releases, "/pypi/cheese-demo/json")
    assert status == 200
    info = data["info"]
    assert info["version"] == "1.0"  # the newest release that is not yanked
    assert info["requires_dist"] == ['requests>=2', 'rich; extra == "cli"']
    assert info["provides_extra"] == ["cli"]
    assert info["project_urls"] == {"Homepage": "https://example.org/cheese", "Source": "https://example.org/cheese/src"}
    assert info["license_expression"] == "MIT OR Apache-2.0" and info["license_files"] == ["LICENSE"]
    assert info["summary"] == "Rich cheese"  # the file's METADATA wins over the form
    assert info["description"].startswith("# Cheese") and info["description_content_type"] == "text/markdown"
    assert info["yanked"] is False and info["yanked_reason"] is None
    assert info["package_url"] == "http://cheeseshop.test/project/cheese-demo/"
    assert data["vulnerabilities"] == [] and data["last_serial"] == 2
    assert set(data["releases"]) == {"1.0", "2.0"}
    [yanked] = data["releases"]["2.0"]
    assert yanked["yanked"] is True and yanked["yanked_reason"] == "Broken build"
    [url] = data["urls"]
    assert url["url"] == "http://cheeseshop.test/" + File.get(d.wheel_name()).path  # absolute, as on PyPI
    assert url["upload_time_iso_8601"] == "2026-03-01T10:00:00.000000Z"
    assert url["digests"]["sha256"] == File.get(d.wheel_name()).sha256


def test_one_release_json(releases):
    status, data = get_json(releases, "/pypi/cheese-demo/2.0/json")
    assert status == 200 and "releases" not in data
    assert data["info"]["version"] == "2.0"
    assert data["info"]["yanked"] is True and data["info"]["yanked_reason"] == "Broken build"
    assert [u["filename"] for u in data["urls"]] == [d.wheel_name(version="2.0")]
    assert get_json(releases, "/pypi/cheese-demo/2/json")[1]["info"]["version"] == "2.0"  # 2 == 2.0 (PEP 440)
    assert get_json(releases, "/pypi/cheese-demo/3.0/json")[0] == 404
    assert get_json(releases, "/pypi/cheese-demo/not a version/json")[0] == 404
    assert get_json(releases, "/pypi/nothing/1.0/json")[0] == 404


def test_the_project_page_shows_what_the_metadata_says(releases):
    page = releases.http.get("/project/cheese-demo/").body.decode()
    assert "<dt>License</dt><dd>MIT OR Apache-2.0</dd>" in page
    assert '<a href="https://example.org/cheese/src" rel="nofollow">Source Code</a>' in page  # PEP 753's title
    assert "<code>rich; extra == &#34;cli&#34;</code>" in page
    assert "pip install --index-url http://cheeseshop.test/simple/ cheese-demo" in page  # a command one can paste


def test_one_release_has_its_own_page(releases):
    page = releases.http.get("/project/cheese-demo/2.0/").body.decode()
    assert "<h1>cheese-demo 2.0</h1>" in page
    assert "This release is yanked: Broken build." in page
    assert "pip install --index-url http://cheeseshop.test/simple/ cheese-demo==2.0" in page
    assert d.wheel_name(version="2.0") in page and d.wheel_name(version="1.0") not in page
    assert releases.http.get("/project/cheese-demo/2/").status_code == 200
    assert releases.http.get("/project/cheese-demo/9.9/").status_code == 404
    assert "This release is yanked" not in releases.http.get("/project/cheese-demo/1.0/").body.decode()
    assert 'href="/project/cheese-demo/2.0/"' in releases.http.get("/project/cheese-demo/").body.decode()

