"""RSS 2.0 feeds as PyPI serves them: the newest releases, the newest projects, and one
project's releases; 40 items each, newest first."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import NamedTuple
from xml.etree import ElementTree

from chalicelib.core.config import get_settings
from chalicelib.core.text import xml_safe
from chalicelib.packaging import front
from chalicelib.packaging.catalog import ProjectInfo, offered_releases, releases
from chalicelib.packaging.models import Project

LENGTH = 40


class Item(NamedTuple):
    title: str
    path: str
    description: str
    author: str  # an address, as RSS wants; empty when none is known
    published: datetime | None


def updates() -> str:
    items = [Item(f"{r.project} {r.version}", f"/project/{r.project}/{r.version}/", r.summary, r.author_email,
                  r.created_at) for r in front.recent(LENGTH)]
    return _channel("cheeseshop recent updates", "/", "Recent updates to cheeseshop", items)


def packages() -> str:
    items = []
    for p in Project.by_age.query("project", scan_index_forward=False, limit=LENGTH):
        if p.private:
            continue
        newest = [] if front.hidden(p) else releases(p.name)
        summary = newest[0].summary if newest else ""
        items.append(Item(f"{p.display_name or p.name} added to cheeseshop", f"/project/{p.name}/", summary, "",
                          p.created_at))
    return _channel("cheeseshop newest packages", "/", "Newest packages registered at cheeseshop", items)


def project_releases(found: ProjectInfo) -> str:
    items = [Item(r.version, f"/project/{found.name}/{r.version}/", r.summary, r.author_email, r.created_at)
             for r in offered_releases(found)[:LENGTH]]
    return _channel(f"cheeseshop recent updates for {found.display_name}", f"/project/{found.name}/",
                    f"Recent updates to cheeseshop for {found.display_name}", items)


def _channel(title: str, path: str, description: str, items: list[Item]) -> str:
    settings = get_settings()
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    for tag, text in (("title", title), ("link", settings.url(path)), ("description", description),
                      ("language", "en")):
        ElementTree.SubElement(channel, tag).text = text
    for entry in items:
        item = ElementTree.SubElement(channel, "item")
        for tag, text in (("title", entry.title), ("link", settings.url(entry.path)),
                          ("guid", settings.url(entry.path)), ("description", entry.description),
                          ("author", entry.author),
                          ("pubDate", format_datetime(entry.published) if entry.published else "")):
            if text:
                ElementTree.SubElement(item, tag).text = xml_safe(text)  # stored before uploads refused it
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(rss, encoding="unicode") + "\n"
