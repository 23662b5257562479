"""A refused form comes back with an error summary at the top that takes the focus, each of its
messages linking to the field it is about, and each field tied to its message."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.functional.conftest import enroll_totp
from tests.helpers import Browser


class Elements(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.by_id[str(found["id"])] = {"tag": tag, **found}


def summary_links(text: str) -> dict[str, str]:
    """The summary's links, target id to message, after checking the summary itself."""
    elements = Elements(text)
    summary = elements.by_id["error-summary"]
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and "autofocus" in summary
    block = text[text.index('id="error-summary"'):]
    block = block[:block.index("</div>")]
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block))
    assert links
    for field, message in links.items():
        target = elements.by_id[field]  # the link leads somewhere
        if target["tag"] in ("input", "select", "textarea"):
            assert target["aria-invalid"] == "true"
            described = (target["aria-describedby"] or "").split()
            assert any(message in _text_of(text, ref) for ref in described), (field, described)
    return links


def _text_of(text: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', text)
    return match.group(1) if match else ""


def test_registration_errors(browser: Browser):
    page = browser.get("/account/register/")
    refused = browser.post("/account/register/", {"username": "", "email": "not-an-address", "password": "short",
                                                  "password_confirm": "other"}, csrf=page.csrf())
    assert refused.status == 400
    links = summary_links(refused.text)
    assert {"username", "email", "password"} <= set(links)
    assert refused.text.index('id="error-summary"') < refused.text.index('<form')


def test_token_form_errors(alice):
    enroll_totp(alice)
    page = alice.get("/manage/account/token/")
    refused = alice.post("/manage/account/token/", {"name": "", "scope": ""}, csrf=page.csrf())
    assert refused.status == 400
    assert set(summary_links(refused.text)) == {"name"}


def test_a_page_without_errors_has_no_summary(browser: Browser):
    assert 'id="error-summary"' not in browser.get("/account/register/").text
