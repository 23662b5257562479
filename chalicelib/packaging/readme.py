"""Project descriptions rendered to safe HTML by readme-renderer (it sanitizes with nh3)."""
from __future__ import annotations

import html
import re

DESCRIPTION_MAX = 150_000  # a release item must stay well under DynamoDB's 400 KB
EMPTY_SELF_LINK = re.compile(r'<a (?:[a-z]+="[^"<>]*" ?)*href="#user-content-[^"<>]*"(?: [a-z]+="[^"<>]*")*></a>')


def render(text: str, content_type: str) -> str:
    text = text[:DESCRIPTION_MAX]
    if not text.strip():
        return ""
    kind = content_type.split(";")[0].strip().lower()
    rendered = None
    if kind == "text/markdown":
        from readme_renderer.markdown import render as markdown

        rendered = markdown(text)
    elif kind in ("", "text/x-rst"):
        from readme_renderer.rst import render as rst

        rendered = rst(text)
    if rendered is None:  # plain text, or markup that did not render
        rendered = f"<pre>{html.escape(text)}</pre>"
    # Headings come with empty self-links, which screen readers announce as unnamed links;
    # the headings keep their ids, so the anchors still work.
    return EMPTY_SELF_LINK.sub("", rendered)
