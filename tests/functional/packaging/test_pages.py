"""Simple pages built when their project changes: every write path refreshes them, a read is
one query whatever the project holds, a page left stale (its build failed after the write)
is built by the next read, and clients revalidate with the ETag."""
from __future__ import annotations

import json

import pytest

from chalicelib.core.origin import Origin
from chalicelib.packaging import catalog, pages, retraction, status
from chalicelib.packaging.models import SimplePage
from chalicelib.packaging.views_manage import project_dependents
from tests import distributions as d
from tests.functional.conftest import Faults
from tests.functional.forklift.test_upload import upload_wheel
from tests.functional.packaging.test_simple_api import JSON, get

PAGE = "/simple/cheese-demo/"


def html(client, path: str = PAGE) -> str:
    response = get(client, path)
    assert response.status_code == 200, response.body
    return response.body.decode()


def store_calls(monkeypatch, read) -> list[str]:
    faults = Faults(monkeypatch)
    faults.arm(at=0, ambiguous=False)
    read()
    return faults.calls


@pytest.fixture
def stale_after_writes():
    """Every build after a write fails, as if the store refused it once the write had committed;
    calling what this gives ends that."""
    patch = pytest.MonkeyPatch()

    def failing(page: str) -> None:
        raise RuntimeError("the render failed")
    patch.setattr(pages, "_build", failing)
    yield patch.undo
    patch.undo()


def test_a_read_is_one_query_of_the_stored_page(published, monkeypatch):
    assert store_calls(monkeypatch, lambda: get(published, PAGE)) == ["Query"]
    assert store_calls(monkeypatch, lambda: get(published, PAGE, accept=JSON)) == ["Query"]
    assert store_calls(monkeypatch, lambda: get(published, "/simple/")) == ["Query"]
    head = SimplePage.get("cheese-demo", "page")
    assert head.built == head.wanted and head.html_chunks == 1 and head.json_chunks == 1


def test_each_write_path_refreshes_the_page(published, token, monkeypatch):
    found = lambda: catalog.project("cheese-demo")  # noqa: E731 - read afresh after each change
    assert upload_wheel(published, token, version="2.0")[0] == 200

    def pages_read() -> str:
        """The page, once the write itself has stored it: current before anyone reads it."""
        head = SimplePage.get("cheese-demo", "page")
        assert head.built == head.wanted
        return html(published)
    assert d.wheel_name(version="2.0") in pages_read()

    retraction.yank("alice", found(), "2.0", "broken", Origin())
    assert 'data-yanked="broken"' in pages_read()
    retraction.unyank("alice", found(), "2.0", Origin())
    assert "data-yanked" not in pages_read()
    retraction.delete_file("alice", found(), d.wheel_name(version="2.0"), Origin())
    assert d.wheel_name(version="2.0") not in pages_read()
    retraction.delete_release("alice", found(), "1.0", Origin())
    assert d.wheel_name() not in pages_read() and d.sdist_name() not in pages_read()

    status.archive("alice", found(), Origin())
    assert '<meta name="pypi:project-status" content="archived">' in pages_read()
    status.unarchive("alice", found(), Origin())
    assert "pypi:project-status" not in pages_read()

    retraction.delete_project("alice", found(), "cheese-demo", Origin(), dependents=project_dependents())
    index = SimplePage.get(pages.INDEX, "page")
    assert index.built == index.wanted and get(published, PAGE).status_code == 404
    assert "cheese-demo" not in html(published, "/simple/")
    assert list(SimplePage.query("cheese-demo")) == []  # its stored page went with it


def test_a_new_project_joins_the_index(published, token):
    assert "cheese-demo" in html(published, "/simple/")
    assert upload_wheel(published, token, "brie")[0] == 200
    index = SimplePage.get(pages.INDEX, "page")
    assert index.built == index.wanted  # the upload stored it
    assert '/simple/brie/' in html(published, "/simple/")
    assert json.loads(get(published, "/simple/", accept=JSON).body)["projects"] == [
        {"name": "brie"}, {"name": "cheese-demo"}]


def test_a_page_left_stale_is_built_by_the_next_read(published, token, monkeypatch, stale_after_writes):
    assert upload_wheel(published, token, version="2.0")[0] == 200
    head = SimplePage.get("cheese-demo", "page")
    assert head.built < head.wanted  # the write committed, its page did not follow
    stale_after_writes()
    assert d.wheel_name(version="2.0") in html(published)
    assert store_calls(monkeypatch, lambda: html(published)) == ["Query"]  # stored by that read


def test_a_damaged_page_is_never_served(published):
    SimplePage("cheese-demo", "text#000").update(actions=[SimplePage.body.set(b"not what was stored")])
    assert d.wheel_name() in html(published)
    assert SimplePage.get("cheese-demo", "text#000").body != b"not what was stored"


def test_pages_larger_than_an_item_are_kept_in_chunks(published, token, monkeypatch):
    monkeypatch.setattr(pages, "CHUNK", 300)
    assert upload_wheel(published, token, version="2.0")[0] == 200
    head = SimplePage.get("cheese-demo", "page")
    assert head.html_chunks > 1 and head.json_chunks > 1
    assert d.wheel_name(version="2.0") in html(published)
    monkeypatch.setattr(pages, "CHUNK", 100_000)
    retraction.delete_release("alice", catalog.project("cheese-demo"), "2.0", Origin())
    assert [item.part for item in SimplePage.query("cheese-demo")] == ["json#000", "page", "text#000"]
    assert d.wheel_name(version="2.0") not in html(published)


def test_a_matching_etag_is_304_from_the_head_alone(published, monkeypatch):
    first = get(published, PAGE)
    tag = first.headers["ETag"]
    assert tag.startswith('"') and first.headers["Vary"] == "Accept"
    assert get(published, PAGE, accept=JSON).headers["ETag"] != tag  # one per representation
    calls = store_calls(monkeypatch, lambda: get(published, PAGE, **{"if-none-match": tag}))
    assert calls == ["GetItem"]
    again = get(published, PAGE, **{"if-none-match": tag})
    assert again.status_code == 304 and again.body == b"" and again.headers["ETag"] == tag


def test_a_change_gives_a_new_etag(published, token):
    tag = get(published, PAGE).headers["ETag"]
    assert upload_wheel(published, token, version="2.0")[0] == 200
    changed = get(published, PAGE, **{"if-none-match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_a_stale_page_is_never_304(published, token, stale_after_writes):
    tag = get(published, PAGE).headers["ETag"]
    assert upload_wheel(published, token, version="2.0")[0] == 200
    stale_after_writes()
    answer = get(published, PAGE, **{"if-none-match": tag})
    assert answer.status_code == 200 and d.wheel_name(version="2.0") in answer.body.decode()


def test_max_age_comes_from_the_settings(published, monkeypatch):
    assert get(published, PAGE).headers["Cache-Control"] == "max-age=60, public"
    monkeypatch.setenv("CHEESESHOP_SIMPLE_MAX_AGE", "300")
    assert get(published, PAGE).headers["Cache-Control"] == "max-age=300, public"
    assert get(published, "/simple/").headers["Cache-Control"] == "max-age=300, public"


def test_with_a_cdn_each_write_invalidates_its_pages(published, token, monkeypatch):
    from chalicelib.core import aws, cdn

    cloudfront = aws.client("cloudfront")
    distribution = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "cheeseshop", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "api", "DomainName": "api.example.test",
                                               "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                      "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"}})["Distribution"]["Id"]
    aws.client("ssm").put_parameter(Name="/cheeseshop/cdn-distribution", Value=distribution, Type="String")
    monkeypatch.setenv("CHEESESHOP_CDN_PARAMETER", "/cheeseshop/cdn-distribution")
    cdn._distribution.cache_clear()

    def invalidated() -> list[list[str]]:
        listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
        return sorted(cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])["Invalidation"][
            "InvalidationBatch"]["Paths"]["Items"] for item in listed)

    assert upload_wheel(published, token, version="2.0")[0] == 200
    assert invalidated() == [["/simple/cheese-demo/", "/pypi/cheese-demo/*"]]  # its page and its JSON, at once
    assert upload_wheel(published, token, "brie")[0] == 200
    assert invalidated() == [["/simple/", "/simple"], ["/simple/brie/", "/pypi/brie/*"],
                             ["/simple/cheese-demo/", "/pypi/cheese-demo/*"]]


def test_without_a_cdn_nothing_is_invalidated(published, token, monkeypatch):
    from chalicelib.core import aws

    asked, real = [], aws.client

    def spying(service: str):
        asked.append(service)
        return real(service)
    monkeypatch.setattr(aws, "client", spying)
    assert upload_wheel(published, token, version="2.0")[0] == 200
    assert "s3" in asked and "cloudfront" not in asked and "ssm" not in asked
