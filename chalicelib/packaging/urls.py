"""A release's links as the project page shows them: Project-URL labels that normalize to a
well-known label (PEP 753) get its title, and the deprecated Home-page and Download-URL
fields count as those labels when no Project-URL gives them. Only http(s) links are shown."""
from __future__ import annotations

import string
from collections.abc import Sequence

_REMOVE = str.maketrans("", "", string.punctuation + string.whitespace)
WELL_KNOWN = {
    "homepage": "Homepage",
    "source": "Source Code", "repository": "Source Code", "sourcecode": "Source Code", "github": "Source Code",
    "download": "Download",
    "changelog": "Changelog", "changes": "Changelog", "whatsnew": "Changelog", "history": "Changelog",
    "releasenotes": "Release Notes",
    "documentation": "Documentation", "docs": "Documentation",
    "issues": "Issue Tracker", "bugs": "Issue Tracker", "issue": "Issue Tracker", "tracker": "Issue Tracker",
    "issuetracker": "Issue Tracker", "bugtracker": "Issue Tracker",
    "funding": "Funding", "sponsor": "Funding", "donate": "Funding", "donation": "Funding",
}


def normalize_label(label: str) -> str:
    return label.translate(_REMOVE).lower()


def title(label: str) -> str:
    return WELL_KNOWN.get(normalize_label(label), label)


def links(project_urls: Sequence[tuple[str, str]], home_page: str = "",
          download_url: str = "") -> list[tuple[str, str]]:
    """(title, URL) pairs, in the metadata's order, the deprecated fields last."""
    shown = [(title(label), url) for label, url in project_urls]
    titles = {t for t, _ in shown}
    for name, url in (("Homepage", home_page), ("Download", download_url)):
        if url and name not in titles:
            shown.append((name, url))
    return [(t, url) for t, url in shown if url.startswith(("https://", "http://"))]
