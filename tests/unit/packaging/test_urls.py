"""Project links as PEP 753 presents them."""
from __future__ import annotations

import pytest

from chalicelib.packaging.urls import links, normalize_label


@pytest.mark.parametrize("raw, normalized", [("Homepage", "homepage"), ("Home-page", "homepage"),
                                             ("Home page", "homepage"), ("Change_Log", "changelog"),
                                             ("What's New?", "whatsnew"), ("github", "github")])
def test_labels_normalize(raw, normalized):
    assert normalize_label(raw) == normalized


def test_well_known_labels_get_their_titles_and_others_stay():
    assert links([("repository", "https://git.example/x"), ("Bug Tracker", "https://git.example/x/issues"),
                  ("Chat", "https://chat.example")]) == [
        ("Source Code", "https://git.example/x"), ("Issue Tracker", "https://git.example/x/issues"),
        ("Chat", "https://chat.example")]


def test_the_deprecated_fields_fill_in_and_only_web_links_show():
    assert links([("Home-page", "https://a.example")], home_page="https://b.example",
                 download_url="https://c.example/x.tar.gz") == [("Homepage", "https://a.example"),
                                                               ("Download", "https://c.example/x.tar.gz")]
    assert links([("Docs", "javascript:alert(1)")], home_page="ftp://x") == []
