"""The simple API and downloads, as pip and uv read them."""
from __future__ import annotations

import json

import pytest

from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.forklift.test_upload import upload

JSON = "application/vnd.pypi.simple.v1+json"


def get(client, path: str, **headers: str):
    return client.http.get(path, headers=headers)


def test_html_links_carry_hashes_requires_python_and_core_metadata(published):
    response = get(published, "/simple/cheese-demo/")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Vary"] == "Accept"
    page = response.body.decode()
    wheel = File.get(d.wheel_name())
    assert f'href="/{wheel.path}#sha256={wheel.sha256}"' in page
    assert 'data-requires-python="&gt;=3.8"' in page
    assert f'data-core-metadata="sha256={wheel.metadata_sha256}"' in page
    assert f'data-dist-info-metadata="sha256={wheel.metadata_sha256}"' in page
    assert '<meta name="pypi:repository-version" content="1.4">' in page


def test_json_by_accept(published):
    response = get(published, "/simple/cheese-demo/", accept=f"{JSON}, text/html;q=0.1")
    assert response.headers["Content-Type"] == JSON
    data = json.loads(response.body)
    assert data["meta"]["api-version"] == "1.4" and data["name"] == "cheese-demo" and data["versions"] == ["1.0"]
    files = {f["filename"]: f for f in data["files"]}
    assert files[d.sdist_name()]["core-metadata"] is False
    assert files[d.wheel_name()]["hashes"]["sha256"] == File.get(d.wheel_name()).sha256
    assert files[d.wheel_name()]["yanked"] is False and files[d.wheel_name()]["size"] == len(d.wheel())
    index = json.loads(get(published, "/simple/", accept=JSON).body)
    assert index["projects"] == [{"name": "cheese-demo"}]


def test_unknown_projects_and_types(published):
    assert get(published, "/simple/no-such-project/").status_code == 404
    assert get(published, "/simple/cheese-demo/", accept="image/png").status_code == 406


def test_redirect_to_the_normalized_name(published):
    response = get(published, "/simple/Cheese_Demo/")
    assert response.status_code == 301 and response.headers["Location"] == "/simple/cheese-demo/"


def test_etag_and_304_until_the_next_upload(published, token):
    first = get(published, "/simple/cheese-demo/")
    tag = first.headers["ETag"]
    assert get(published, "/simple/cheese-demo/", **{"if-none-match": tag}).status_code == 304
    assert get(published, "/simple/cheese-demo/", accept=JSON).headers["ETag"] != tag
    assert upload(published, d.basic(token), d.wheel(version="1.1"), d.wheel_name(version="1.1"),
                  version="1.1")[0] == 200
    assert get(published, "/simple/cheese-demo/", **{"if-none-match": tag}).status_code == 200


def test_yanked_files_are_marked(published):
    from chalicelib.core.origin import Origin
    from chalicelib.packaging import catalog, retraction

    retraction.yank("alice", catalog.project("cheese-demo"), "1.0", "broken build", Origin())
    assert 'data-yanked="broken build"' in get(published, "/simple/cheese-demo/").body.decode()
    data = json.loads(get(published, "/simple/cheese-demo/", accept=JSON).body)
    assert {f["filename"]: f["yanked"] for f in data["files"]}[d.wheel_name()] == "broken build"


def test_downloads_redirect_to_a_short_lived_url(published):
    wheel = File.get(d.wheel_name())
    response = get(published, "/" + wheel.path)
    assert response.status_code == 302 and "X-Amz-Expires=300" in response.headers["Location"]
    assert get(published, "/" + wheel.path + ".metadata").status_code == 302
    sdist = File.get(d.sdist_name())
    assert get(published, "/" + sdist.path + ".metadata").status_code == 404  # no PEP 658 file for sdists
    assert get(published, "/packages/aa/bb/cc/nothing-1.0.tar.gz").status_code == 404


def test_project_page_and_json_api(published):
    page = get(published, "/project/cheese-demo/").body.decode()
    assert "cheese-demo 1.0" in page and "<em>text</em>" in page and File.get(d.wheel_name()).sha256 in page
    assert get(published, "/project/nothing/").status_code == 404
    data = json.loads(get(published, "/pypi/cheese-demo/json").body)
    assert data["info"]["version"] == "1.0" and data["info"]["summary"] == "A demo"
    assert {f["filename"] for f in data["urls"]} == {d.wheel_name(), d.sdist_name()}
    assert get(published, "/pypi/nothing/json").status_code == 404


def test_description_is_rendered_safely(client, token):
    status, _ = upload(client, d.basic(token), d.wheel(), d.wheel_name(),
                       description="Hi <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert status == 200
    page = get(client, "/project/cheese-demo/").body.decode()
    assert "<script>alert(1)</script>" not in page and "onerror" not in page


def test_home_page_lists_and_searches_projects(published):
    page = get(published, "/").body.decode()
    assert 'href="/project/cheese-demo/"' in page and '<label for="q">Search projects</label>' in page
    assert 'href="/project/cheese-demo/"' in get(published, "/?q=Cheese_Demo").body.decode()
    missing = get(published, "/?q=nothing").body.decode()
    assert "0 projects matching" in missing and 'href="/project/cheese-demo/"' not in missing


@pytest.mark.parametrize("accept, answered", [
    ("application/vnd.pypi.simple.latest+json", JSON),
    ("application/vnd.pypi.simple.latest+html", "application/vnd.pypi.simple.v1+html"),
])
def test_latest_names_the_version_it_answers_with(published, accept, answered):
    for path in ("/simple/", "/simple/cheese-demo/"):
        response = get(published, path, accept=accept)
        assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] == answered


def test_head_on_simple_pages(published):
    for path in ("/simple/", "/simple/cheese-demo/"):
        response = published.http.request("HEAD", path, headers={})
        assert response.status_code == 200 and response.body == b""
        assert response.headers["Content-Type"].startswith("text/html")
