"""Files straight from the file URL (CHEESESHOP_FILES_URL: the CDN, or the local file server):
public files are linked there on the simple pages, the JSON API and the project pages; without
the setting, and for private projects, through the app's /packages/ redirects. A private or
quarantined project's objects are tagged withheld (the CDN may not read them), a deleted file's
objects go, and the CDN forgets each of them."""
from __future__ import annotations

import json

import pytest

from chalicelib.core import storage
from chalicelib.packaging import exposure
from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.admin.conftest import act, root  # noqa: F401 (fixture)
from tests.functional.packaging.conftest import PROJECT

FILES = "http://files.test"
JSON = {"accept": "application/vnd.pypi.simple.v1+json"}


@pytest.fixture
def direct(monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", FILES)


@pytest.fixture
def forgotten(monkeypatch) -> list[str]:
    """The file paths the CDN was told to forget."""
    paths: list[str] = []
    monkeypatch.setattr(exposure.cdn, "invalidate", lambda given: paths.extend(p for p in given if "/files/" in p))
    return paths


def links(client) -> dict[str, list[str]]:
    """Where each surface links the wheel: the simple page in both forms, the JSON API, the project page."""
    wheel = d.wheel_name()
    html = client.http.get("/simple/cheese-demo/").body.decode()
    simple_json = json.loads(client.http.get("/simple/cheese-demo/", headers=JSON).body)
    api = json.loads(client.http.get("/pypi/cheese-demo/json").body)
    page = client.http.get("/project/cheese-demo/").body.decode()

    def hrefs(text: str) -> list[str]:
        return [part.split('"')[0].split("#")[0] for part in text.split('href="')[1:] if wheel in part.split('"')[0]]
    return {"simple": hrefs(html), "simple-json": [f["url"] for f in simple_json["files"] if f["filename"] == wheel],
            "api": [f["url"] for f in api["urls"] if f["filename"] == wheel], "page": hrefs(page)}


def objects_of_the_wheel() -> list[str]:
    path = File.get(d.wheel_name()).path
    return [path, path + ".metadata"]


def tagged() -> list[bool]:
    return [storage.withheld(key) for key in objects_of_the_wheel()]


def test_public_files_are_linked_at_the_file_url_everywhere(client, published, direct):
    path = File.get(d.wheel_name()).path
    assert links(client) == {"simple": [f"{FILES}/{path}"], "simple-json": [f"{FILES}/{path}"],
                             "api": [f"{FILES}/{path}"], "page": [f"{FILES}/{path}"]}
    page = client.http.get("/simple/cheese-demo/").body.decode()
    assert 'data-core-metadata="sha256=' in page  # the installer fetches <link>.metadata, beside it
    assert tagged() == [False, False]


def test_without_the_setting_files_go_through_the_app(client, published):
    path = File.get(d.wheel_name()).path
    assert links(client) == {"simple": [f"/{path}"], "simple-json": [f"/{path}"],
                             "api": [f"http://cheeseshop.test/{path}"], "page": [f"/{path}"]}
    assert client.http.get(f"/{path}").status_code == 302


def test_off_is_the_same_as_no_file_url(client, published, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "off")
    assert links(client)["simple"] == [f"/{File.get(d.wheel_name()).path}"]


def test_a_stored_page_follows_a_changed_file_url(client, published, monkeypatch):
    path = File.get(d.wheel_name()).path
    assert links(client)["simple"] == [f"/{path}"]  # built and stored without the setting
    monkeypatch.setenv("CHEESESHOP_FILES_URL", FILES)
    assert links(client)["simple"] == [f"{FILES}/{path}"]


def test_a_private_projects_files_are_withheld_and_linked_through_the_app(client, alice, published, direct,
                                                                          forgotten, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "/files")  # the CDN's, on the site's host
    assert act(alice, PROJECT, PROJECT + "private/", {}).status == 303
    assert tagged() == [True, True]
    assert set(forgotten) == {f"/files/{key}" for key in objects_of_the_wheel()} | \
        {f"/files/{File.get(d.sdist_name()).path}"}  # an sdist has no metadata file beside it
    path = File.get(d.wheel_name()).path
    assert alice.get("/simple/cheese-demo/").text.count(f'href="/{path}#') == 1  # the authorized redirect
    forgotten.clear()
    assert act(alice, PROJECT, PROJECT + "public/", {}).status == 303
    assert tagged() == [False, False] and forgotten
    assert links(client)["simple"] == [f"/files/{path}"]


def test_a_quarantined_projects_files_are_withheld_until_released(client, root, alice, published, direct,  # noqa: F811
                                                                  forgotten):
    assert act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/quarantine/",
               {"reason": "malware"}).status == 303
    assert tagged() == [True, True]
    assert act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/release/",
               {"reason": "false alarm"}).status == 303
    assert tagged() == [False, False]


def test_a_private_project_stays_withheld_when_its_quarantine_is_lifted(client, root, alice, published,  # noqa: F811
                                                                        direct, forgotten):
    assert act(alice, PROJECT, PROJECT + "private/", {}).status == 303
    assert act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/quarantine/",
               {"reason": "malware"}).status == 303
    assert act(root, "/admin/projects/cheese-demo/", "/admin/projects/cheese-demo/release/",
               {"reason": "false alarm"}).status == 303
    assert tagged() == [True, True]


def test_a_failed_change_leaves_the_tags_as_the_project_stands(client, alice, published, direct, forgotten):
    from chalicelib.core.errors import Conflict
    from chalicelib.core.origin import Origin
    from chalicelib.packaging import catalog, visibility

    stale = catalog.project("cheese-demo")  # public, as a second request read it
    assert act(alice, PROJECT, PROJECT + "private/", {}).status == 303
    with pytest.raises(Conflict):  # its transaction's condition fails: the project is private already
        visibility._change("alice", stale, True, Origin())
    assert tagged() == [True, True]
    fresh = catalog.project("cheese-demo")
    assert act(alice, PROJECT, PROJECT + "public/", {}).status == 303
    with pytest.raises(Conflict):  # made public meanwhile: this stale "make public" fails
        visibility._change("alice", fresh._replace(private=True), False, Origin())
    assert tagged() == [False, False]


def test_a_deleted_files_objects_go_and_the_cdn_forgets_them(client, alice, published, forgotten, monkeypatch):
    monkeypatch.setenv("CHEESESHOP_FILES_URL", "/files")
    keys = objects_of_the_wheel()
    page = alice.get(PROJECT + "releases/")
    deleted = alice.post(PROJECT + "files/delete/", {"filename": d.wheel_name()}, csrf=page.csrf())
    assert deleted.status == 303, deleted.text
    assert [storage.get(key) for key in keys] == [None, None]
    assert set(forgotten) == {f"/files/{key}" for key in keys}


def test_the_json_api_is_kept_by_caches_and_forgotten_by_the_cdn_when_the_project_changes(client, alice, published,
                                                                                      monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(exposure.cdn, "invalidate", lambda given: told.extend(given))
    answer = client.http.get("/pypi/cheese-demo/json")
    assert answer.headers["Cache-Control"] == "max-age=60, public"
    assert "Cache-Control" not in client.http.get("/pypi/gone-nowhere/json").headers  # a 404 is not kept
    page = alice.get(PROJECT + "releases/")
    assert alice.post(PROJECT + "releases/yank/", {"version": "1.0", "reason": "broken"}, csrf=page.csrf()).status \
        == 303
    assert "/pypi/cheese-demo/*" in told and "/simple/cheese-demo/" in told
