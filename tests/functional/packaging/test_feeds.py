"""RSS feeds: valid RSS 2.0, newest first."""
from __future__ import annotations

from xml.etree import ElementTree

from freezegun import freeze_time

from tests import distributions as d
from tests.functional.forklift.test_upload import upload


def feed(client, path: str) -> ElementTree.Element:
    response = client.http.get(path)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def titles(channel: ElementTree.Element) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def test_feeds_list_the_newest_first(client, token):
    with freeze_time("2026-03-01 10:00:00") as frozen:
        for name, version in (("brie", "1.0"), ("comte", "1.0"), ("brie", "1.1")):
            assert upload(client, d.basic(token), d.wheel(name, version), d.wheel_name(name, version),
                          name=name, version=version)[0] == 200
            frozen.tick(60)
    updates = feed(client, "/rss/updates.xml")
    assert titles(updates) == ["brie 1.1", "comte 1.0", "brie 1.0"]
    [newest] = updates.findall("item")[:1]
    assert newest.findtext("link") == "http://cheeseshop.test/project/brie/1.1/"
    assert newest.findtext("pubDate") == "Sun, 01 Mar 2026 10:02:00 +0000"
    assert titles(feed(client, "/rss/packages.xml")) == ["comte added to cheeseshop", "brie added to cheeseshop"]
    assert titles(feed(client, "/rss/project/Brie/releases.xml")) == ["1.1", "1.0"]
    assert client.http.get("/rss/project/nothing/releases.xml").status_code == 404


def test_feeds_hold_at_most_forty_items(client, token):
    for minor in range(42):
        version = f"1.{minor}"
        assert upload(client, d.basic(token), d.wheel(version=version), d.wheel_name(version=version),
                      version=version)[0] == 200
    assert len(titles(feed(client, "/rss/updates.xml"))) == 40
    assert titles(feed(client, "/rss/project/cheese-demo/releases.xml"))[0] == "1.41"


def test_a_control_character_is_refused_at_upload_and_never_breaks_a_feed(client, token):
    bad = d.wheel(metadata=d.core_metadata("cheese-demo", "1.0", extra="Summary: cheese\x01 for all\n"))
    status, text = upload(client, d.basic(token), bad, d.wheel_name())
    assert status == 400 and "Remove the control characters from Summary" in text
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name(), author="Eve\x0b the \x07 bell")
    assert status == 400 and "from Author" in text
    assert upload(client, d.basic(token), d.wheel(), d.wheel_name())[0] == 200

    from chalicelib.packaging.models import Release

    Release.get("cheese-demo", "1.0").update(actions=[Release.summary.set("stored\x1b[31m before")])  # older code
    for path in ("/rss/updates.xml", "/rss/packages.xml", "/rss/project/cheese-demo/releases.xml"):
        channel = feed(client, path)  # well-formed XML
        assert "stored\ufffd[31m before" in [item.findtext("description") for item in channel.findall("item")]


def test_an_oversized_field_is_a_clear_refusal(client, token):
    status, text = upload(client, d.basic(token), d.wheel(), d.wheel_name(), author="A" * 450_000)
    assert status in (400, 413) and ("Shorten Author" in text or "too large" in text.lower()), text
