"""Simple pages built when their project changes, so that answering one is a single query
whatever the project holds (a project page of 5,000 files was three query pages, 1.6 MB, on
every request).

Every write that changes what a page shows adds one to the page's `wanted` count inside its
own transaction (changed()); once the write has committed, refresh() renders the page and
stores it with `built` set to the count it started from. A read that finds `built` behind
`wanted` (a refresh that failed, or has not finished) builds the page itself and stores it:
a failed render never loses an update and never fails the write.

Bodies are stored zlib-compressed, in chunks under DynamoDB's item size, with the digest of
the page: a read checks it, so a half-written page (a read is not isolated from a
transaction) is never served, only rebuilt.
"""
from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core import cdn, items
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import NotFound
from chalicelib.packaging import catalog, namespaces, simple_api
from chalicelib.packaging.models import SimplePage

log = logging.getLogger(__name__)

INDEX = "/"  # the page of /simple/ (no project's name has a slash)
HEAD = "page"
CHUNK = 350_000  # bytes of compressed body per item (DynamoDB takes 400 KB)
# Chunks sort around the head: "json#…" < "page" < "text#…", so one query reads the head and
# one kind's chunks.
PREFIX = {"json": "json#", "html": "text#"}


class Page(NamedTuple):
    body: str
    digest: str  # of the body: the ETag's root
    private: bool = False  # the project's: read only with access (chalicelib.readers)

    def etag(self, kind: str) -> str:
        return _etag(self.digest, kind)


def _form(kind: str) -> str:
    return "json" if kind == simple_api.JSON else "html"


def _etag(digest: str, kind: str) -> str:
    """Strong, and one per representation: text/html and the PEP 691 HTML carry the same body."""
    suffix = {simple_api.JSON: "json", simple_api.HTML: "html"}.get(kind, "text")
    return f'"{digest}-{suffix}"'


def changed(t: TransactWrite, page: str) -> None:
    """Marks the page stale, in the transaction of the write that changed it."""
    t.update(SimplePage(page, HEAD), actions=[SimplePage.wanted.add(1)])


def get(page: str, kind: str) -> Page | None:
    """The page for this kind, from one query when it is current; built and stored when it is
    missing or stale. None: no such project."""
    return _read(page, kind) or (_build(page) or {}).get(_form(kind))


class Tag(NamedTuple):
    etag: str
    private: bool


def current_etag(page: str, kind: str) -> Tag | None:
    """The stored page's ETag, and whether it is private, while it is current (one read of its
    head, not of its body)."""
    fields = ["wanted", "built", f"{_form(kind)}_etag", "private", "links"]
    raw = items.get(SimplePage, page, HEAD, attributes=fields)
    if raw is None or _stale(head := items.decode(SimplePage, raw, fields)):
        return None
    return Tag(_etag(head[fields[2]], kind), bool(head["private"])) if head[fields[2]] else None


def refresh(page: str, also: Sequence[str] = ()) -> None:
    """After a write: builds and stores the page, and has the CDN (if any) forget it, and `also`
    these paths (in the same invalidation). Never fails the write that called it."""
    try:
        _build(page)
    except Exception:  # noqa: BLE001 - the page stays stale, and the next read builds it
        log.exception("could not refresh the simple page of %s", page)
    cdn.invalidate((["/simple/", "/simple"] if page == INDEX else [f"/simple/{page}/"]) + list(also))


def _stale(head: dict[str, Any]) -> bool:
    """Behind a change, or built with links to another file URL than the one files are served at now."""
    return head["built"] is None or head["built"] < (head["wanted"] or 0) or (head["links"] or "") != \
        get_settings().files_url


def _read(page: str, kind: str) -> Page | None:
    form = _form(kind)
    prefix = PREFIX[form]
    low, high = (prefix, HEAD) if form == "json" else (HEAD, prefix + "~")
    fields = ["part", "body", "wanted", "built", f"{form}_etag", f"{form}_chunks", "private", "links"]
    found = [items.decode(SimplePage, item, fields)
             for item in items.query(SimplePage, page, range_key_condition=SimplePage.part.between(low, high))]
    head = next((item for item in found if item["part"] == HEAD), None)
    chunks = [item["body"] for item in found if item["part"].startswith(prefix)]
    if head is None or _stale(head) or len(chunks) != (head[f"{form}_chunks"] or 0):
        return None
    digest = head[f"{form}_etag"] or ""
    try:
        body = zlib.decompress(b"".join(chunks)).decode()
    except (zlib.error, UnicodeDecodeError):
        return None
    return Page(body, digest, bool(head["private"])) if _digest(body) == digest else None


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def _render(page: str) -> tuple[dict[str, str], bool] | None:
    """Both forms of the page, from the tables, and whether it is private; None when the project is gone."""
    url = get_settings().path_prefix
    if page == INDEX:
        listed = catalog.listed_projects()
        return {"json": simple_api.index(listed, simple_api.JSON, url),
                "html": simple_api.index(listed, simple_api.HTML, url)}, False
    try:
        info = catalog.project(page)
    except NotFound:
        return None
    found = catalog.offered(info)
    return {"json": simple_api.project(found, simple_api.JSON, namespaces.of_project(info.name, info.organization)),
            "html": simple_api.project(found, simple_api.HTML)}, info.private


def _build(page: str) -> dict[str, Page] | None:
    """Renders the page as it is now and stores it (over a damaged one of the same change too),
    unless a build of a later change was stored first. Returns what it rendered; None (and
    nothing stored) when the project is gone."""
    head = get_or_none(SimplePage, page, HEAD)
    wanted = int(head.wanted or 0) if head is not None else 0
    rendered_now = _render(page)
    if rendered_now is None:
        if head is not None:
            _forget(page)
        return None
    bodies, private = rendered_now
    built = {form: Page(body, _digest(body), private) for form, body in bodies.items()}
    try:
        with transaction() as t:
            links = get_settings().files_url
            actions: list[Action] = [SimplePage.built.set(wanted),
                                     SimplePage.private.set(True) if private else SimplePage.private.remove(),
                                     SimplePage.links.set(links) if links else SimplePage.links.remove()]
            for form, rendered in built.items():
                compressed = zlib.compress(rendered.body.encode(), 6)
                chunks = [compressed[i:i + CHUNK] for i in range(0, len(compressed), CHUNK)]
                for number, chunk in enumerate(chunks):
                    t.save(SimplePage(page, f"{PREFIX[form]}{number:03d}", body=chunk))
                before = int(getattr(head, f"{form}_chunks") or 0) if head is not None else 0
                for number in range(len(chunks), before):
                    t.delete(SimplePage(page, f"{PREFIX[form]}{number:03d}"))
                actions += [getattr(SimplePage, f"{form}_etag").set(rendered.digest),
                            getattr(SimplePage, f"{form}_chunks").set(len(chunks))]
            t.update(SimplePage(page, HEAD), actions=actions,
                     condition=SimplePage.built.does_not_exist() | (SimplePage.built <= wanted))
    except TransactWriteError:  # a build of a later change was stored first
        log.info("the simple page of %s was not stored: a later one was", page)
    return built


def _forget(page: str) -> None:
    """A deleted project's page goes with it."""
    with SimplePage.batch_write() as batch:
        for item in SimplePage.query(page):
            batch.delete(item)
