"""The pages people read: a project page with its sidebar, "Copy" buttons, "Release history"
and "Download files"; a user's page; the home page's newest releases and totals. A private or
quarantined project shows on none of the listings."""
from __future__ import annotations

import re

from freezegun import freeze_time

from chalicelib.packaging.models import File
from tests import distributions as d
from tests.functional.forklift.test_upload import upload
from tests.functional.packaging.conftest import user

CLASSIFIED = """Summary: Aged cheese
Classifier: Programming Language :: Python :: 3
Classifier: Programming Language :: Python :: 3.12
Classifier: License :: OSI Approved :: MIT License
Requires-Python: >=3.9
"""


def publish(client, token, version: str, name: str = "cheese-demo") -> None:
    meta = d.core_metadata(name, version, "2.1", CLASSIFIED)
    assert upload(client, d.basic(token), d.wheel(name, version, metadata=meta), d.wheel_name(name, version),
                  name=name, version=version)[0] == 200


def make_private(browser, name: str) -> None:
    page = browser.get(f"/manage/project/{name}/")
    assert browser.post(f"/manage/project/{name}/private/", {}, csrf=page.csrf()).status == 303


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_release_history_lists_every_version_newest_first_with_marks(client, token):
    with freeze_time("2026-03-01 10:00:00") as frozen:
        for version in ("1.0", "2.0b1", "2.0"):
            publish(client, token, version)
            frozen.tick(86400)
    yanked = File.get(d.wheel_name(version="2.0"))
    yanked.update(actions=[File.yanked.set(True), File.yanked_reason.set("Broken build")])
    page = client.http.get("/project/cheese-demo/").body.decode()
    history = page[page.index('id="history"'):page.index('id="files"')]
    assert re.findall(r'href="/project/cheese-demo/([^/]+)/"', history) == ["2.0", "2.0b1", "1.0"]
    shown = text_of(history)
    assert "2.0 Mar 3, 2026 yanked: Broken build" in shown
    assert "2.0b1 Mar 2, 2026 pre-release" in shown and "1.0 Mar 1, 2026" in shown
    assert "<h1>cheese-demo 2.0b1</h1>" in page  # the newest not yanked heads the page
    one = client.http.get("/project/cheese-demo/1.0/").body.decode()
    assert 'href="/project/cheese-demo/2.0/"' in one  # the history is the project's on a release page too


def test_the_sidebar_copy_buttons_and_files(client, token, alice):
    publish(client, token, "1.0")
    page = client.http.get("/project/cheese-demo/").body.decode()
    sidebar = page[page.index('<aside class="sidebar"'):page.index("</aside>")]
    assert '<a href="/user/alice/">alice</a>' in sidebar
    assert "<dt>Requires Python</dt><dd><code>&gt;=3.9</code></dd>" in sidebar
    assert "<dt>Programming Language</dt><dd>Python :: 3</dd><dd>Python :: 3.12</dd>" in sidebar
    assert "<dt>License</dt><dd>OSI Approved :: MIT License</dd>" in sidebar
    assert re.search(r'<code id="install-command">pip install --index-url http://cheeseshop.test/simple/ '
                     r'cheese-demo</code>\s*<button type="button" class="copy" data-copy="install-command"', page)
    sha = File.get(d.wheel_name()).sha256
    assert re.search(rf'<code id="(sha-[^"]+)">{sha}</code>\s*<button type="button" class="copy" data-copy="\1"', page)
    files = text_of(page[page.index('id="files"'):])
    assert f"{d.wheel_name()} Wheel · py3 · " in files and "uploaded" in files
    assert '<script src="/static/copy.js" defer></script>' in page
    assert client.http.get("/static/copy.js").status_code == 200
    for anchor in ("#history", "#files"):
        assert f'href="{anchor}"' in page


def test_a_users_page_lists_their_public_projects_only(client, token, alice, mailbox):
    with freeze_time("2026-03-01 10:00:00") as frozen:
        publish(client, token, "1.0")
        frozen.tick(3600)
        publish(client, token, "0.1", name="cheese-later")
        frozen.tick(3600)
        publish(client, token, "0.1", name="cheese-secret")
    make_private(alice, "cheese-secret")
    shown = client.http.get("/user/alice/")
    assert shown.status_code == 200
    body = shown.body.decode()
    assert re.findall(r'href="/project/([^/]+)/"', body) == ["cheese-later", "cheese-demo"]  # newest release first
    assert "cheese-secret" not in body
    assert "Last release 1.0" in text_of(body) and "Aged cheese" in body and "Joined" in body
    assert client.http.get("/user/ALICE/").status_code == 200
    assert client.http.get("/user/nobody-here/").status_code == 404
    stranger = user(client, mailbox, "eve", two_factor=False)
    assert "No public projects." in stranger.get("/user/eve/").text


def test_the_home_page_lists_the_newest_releases_and_the_totals(client, token, alice, monkeypatch):
    from chalicelib.packaging import front

    monkeypatch.setattr(front, "_kept", {})  # a container keeps the totals for ten minutes
    with freeze_time("2026-03-01 10:00:00") as frozen:
        for version in ("1.0", "1.1"):
            publish(client, token, version)
            frozen.tick(60)
        publish(client, token, "0.1", name="cheese-secret")
    make_private(alice, "cheese-secret")
    home = client.http.get("/").body.decode()
    recent = home[home.index('id="recent-heading"'):home.index('id="recent-heading"') + 2000]
    assert re.findall(r'href="/project/([^"]+)/"', recent)[:2] == ["cheese-demo/1.1", "cheese-demo/1.0"]
    assert "cheese-secret" not in home
    totals = text_of(home[home.index('class="inline totals"'):home.index("</ul>", home.index("totals"))])
    assert re.search(r"\d+ projects? \d+ releases? \d+ files? \d+ users?", totals), totals
    assert "3 releases" in totals and "1 user" in totals
