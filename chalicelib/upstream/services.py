"""The pass-through: for a name this index does not hold, the upstream's project page (from
the cache when fresh, revalidated with its ETag when not, stale when the upstream is down) with
the files the rules let through, and their downloads (a redirect to the upstream, or this
index's copy). Local names shadow the upstream entirely: a project of the name (or a look-alike,
a held or prohibited name: the guard of packaging.creation) or a granted namespace means the
upstream is never asked. A page costs one BatchGetItem when its copy is fresh."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from chalicelib.core import clock, storage
from chalicelib.core.config import get_settings
from chalicelib.core.db import Key, get_many, get_or_none
from chalicelib.packaging.models import Project
from chalicelib.packaging.names import normalize, ultra_guard
from chalicelib.packaging.namespaces import Namespace, prefixes
from chalicelib.upstream import client, policy
from chalicelib.upstream.models import COOLDOWN, Rules, UpstreamPage

FRESH_FOR = timedelta(minutes=5)  # a copy younger than this is served without asking the upstream
KEPT_MAX = 350_000  # bytes: a page whose compressed files exceed this is served, not kept (DynamoDB's 400 KB)


class Local(Exception):
    """This index holds a project of the name: its own page answers."""


class Unavailable(Exception):
    """The upstream is down and this index has no copy of the page."""


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Served(NamedTuple):
    name: str
    files: list[policy.File]  # what the rules let through
    stale_for: int | None  # seconds since the upstream last confirmed this copy, when it could not now


class Read(NamedTuple):
    project: bool  # this index holds a project of the name
    local: bool  # the name is this index's (a project, a look-alike's guard, a held or prohibited name), or a
    # namespace's: the upstream is never asked for it
    page: UpstreamPage | None
    blocks: list[policy.Block]
    cooldown: policy.Cooldown


def _read(name: str) -> Read:
    """Everything a pass-through answer needs, in one BatchGetItem."""
    keys: list[Key] = [(Project, name, None), (Project, ultra_guard(name), None), (UpstreamPage, name, None),
                       (Rules, name, None), (Rules, COOLDOWN, None), *((Namespace, p, None) for p in prefixes(name))]
    project, guard, page, rules, cooldown, *namespaces = get_many(keys)
    return Read(project is not None, project is not None or guard is not None or any(namespaces), page,
                blocks_of(rules), cooldown_of(cooldown))


def blocks_of(rules: Rules | None) -> list[policy.Block]:
    return [policy.Block(**entry) for entry in json.loads(rules.blocks)] if rules is not None and rules.blocks else []


def cooldown_of(rules: Rules | None) -> policy.Cooldown:
    """The cooldown its Rules item (COOLDOWN) says; none without one."""
    return policy.Cooldown(int(rules.days or 0), frozenset(rules.exempt or ())) if rules is not None \
        else policy.Cooldown()


def origin_refusal(name: str) -> str | None:
    """Why a page may not make a project of this name: it came from the upstream index, and no
    administrator allowed it here (uploads say so in twine's words); None otherwise."""
    from chalicelib.core.translation import gettext

    found = get_or_none(UpstreamPage, normalize(name)) if name.strip() else None
    if found is None or found.local_allowed:
        return None
    return gettext("This name comes from the upstream index: ask an administrator to allow it here.")


def enabled() -> bool:
    return bool(get_settings().upstream_index)


def page(name: str) -> Served | None:
    """The upstream's page for a name this index does not hold; None: answer 404; Local: this
    index holds a project of the name."""
    name = normalize(name)
    read, now = _read(name), clock.now()
    if read.project:
        raise Local()
    if read.local:
        return None
    cached, stale = read.page, None
    if cached is not None and now - cached.checked_at < FRESH_FOR:
        files = policy.decode(cached.files)
    else:
        try:
            fetched = client.project(name, cached.etag if cached is not None else None)
        except client.UpstreamDown:
            if cached is None:
                raise Unavailable() from None
            files, stale = policy.decode(cached.files), int((now - cached.checked_at).total_seconds())
        else:
            if not fetched.found:
                return None
            files = fetched.files if fetched.files is not None else policy.decode(cached.files)  # type: ignore[union-attr]
            _keep(name, fetched, files, now)
    return Served(name, policy.visible(files, name, read.blocks, read.cooldown, now), stale)


def _keep(name: str, fetched: client.Fetched, files: list[policy.File], now: datetime) -> None:
    """Saves the copy (its first sighting kept): a new one when the upstream sent one, else the
    time it was confirmed."""
    actions: list[Any] = [UpstreamPage.checked_at.set(now), UpstreamPage.first_seen.set(UpstreamPage.first_seen | now)]
    if fetched.files is not None:
        encoded = policy.encode(files)
        if len(encoded) > KEPT_MAX:  # too large to keep: served from the upstream each time, never stale
            encoded, fetched = policy.encode([]), fetched._replace(etag=None)
        actions.append(UpstreamPage.files.set(encoded))
        actions.append(UpstreamPage.etag.set(fetched.etag) if fetched.etag else UpstreamPage.etag.remove())
    UpstreamPage(name).update(actions=actions)


class Download(NamedTuple):
    url: str  # where the bytes are: the upstream's URL, or a short-lived link to this index's copy


def download(name: str, filename: str) -> Download | None:
    """Where an upstream file (or its .metadata) is fetched from; None: 404; Refused: 403 with
    the reason (a blocked or too young file)."""
    name, metadata = normalize(name), filename.endswith(".metadata")
    read, now = _read(name), clock.now()
    if not read.local and read.page is None:  # a link followed before its page was read
        if page(name) is None:
            return None
        read = _read(name)
    if read.local or read.page is None:
        return None
    wanted = filename.removesuffix(".metadata") if metadata else filename
    file = next((f for f in policy.decode(read.page.files) if f.filename == wanted), None)
    if file is None or (metadata and not file.core_metadata):
        return None
    if (refusal := policy.refusal(file, name, read.blocks, read.cooldown, now)) is not None:
        raise Refused(refusal)
    if metadata:
        return Download(file.url + ".metadata")
    if not get_settings().upstream_copy:
        return Download(file.url)
    key = copy_key(file)
    if filename not in (read.page.copied or ()):
        if not policy.fetchable(file.url, get_settings().is_local):
            raise Unavailable()
        try:
            storage.put(key, client.file_bytes(file.url, file.sha256, get_settings().max_file_size))
        except client.UpstreamDown:
            raise Unavailable() from None
        UpstreamPage(name).update(actions=[UpstreamPage.copied.add({filename})])
    return Download(storage.download_url(key))


def copy_key(file: policy.File) -> str:
    """Where this index keeps its copy of an upstream file: by its sha256, which it was checked against."""
    return f"upstream/{file.sha256[:2]}/{file.sha256}/{file.filename}"
