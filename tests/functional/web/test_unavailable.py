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
