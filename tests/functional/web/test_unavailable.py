"""A store that cannot be reached is a 503 page that says so, never a traceback."""
from __future__ import annotations

from botocore.exceptions import EndpointConnectionError


def test_pages_answer_503_when_a_store_is_unreachable(alice, monkeypatch):
    from chalicelib.accounts import summary

    def unreachable(username: str):
        raise EndpointConnectionError(endpoint_url="http://dynamodb.test")
    monkeypatch.setattr(summary, "account", unreachable)
    page = alice.get("/manage/account/")
    assert page.status == 503
    assert page.headers["Retry-After"] == "30"
    assert "temporarily unavailable" in page.text and "Traceback" not in page.text


def test_other_errors_are_not_disguised_as_unavailability(alice, monkeypatch):
    from chalicelib.accounts import summary

    def bug(username: str):
        raise KeyError("a bug")
    monkeypatch.setattr(summary, "account", bug)
    page = alice.get("/manage/account/")
    assert page.status == 500 and "a bug" not in page.text


def test_browsers_get_the_page_and_tools_plain_text(alice, monkeypatch):
    from chalicelib.accounts import summary

    def unreachable(username: str):
        raise EndpointConnectionError(endpoint_url="http://dynamodb.test")
    monkeypatch.setattr(summary, "account", unreachable)
    page = alice.request("GET", "/manage/account/", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status == 503 and page.headers["Content-Type"].startswith("text/html") and "<h1>" in page.text
    tool = alice.get("/manage/account/")
    assert tool.headers["Content-Type"].startswith("text/plain") and "may or may not have been made" in tool.text


def test_a_removed_bucket_is_a_503_for_uploads_and_nothing_is_listed(client, token):
    from chalicelib.core import aws
    from chalicelib.core.config import get_settings
    from chalicelib.packaging.models import File, Project
    from tests import distributions as d
    from tests.functional.forklift.test_upload import upload

    aws.client("s3").delete_bucket(Bucket=get_settings().bucket)
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name())
    assert status == 503 and "temporarily unavailable" in text
    assert File.count() == 0 and Project.count() == 0
    assert client.http.get("/simple/cheese-demo/").status_code == 404
