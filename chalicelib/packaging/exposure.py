"""What the file URL (the CDN, or the local file server) may serve: the objects of public
projects that are not quarantined. Installers find those files there without waking the app
(chalicelib.packaging.layout.link); the objects of a private or quarantined project are tagged
withheld, which the bucket's policy refuses to the CDN, and reached only through /packages/,
which checks who reads.

A change that withholds a project's files tags them before its write, and one that offers them
clears the tags before its write; after the write, failed or not, the tags are settled as the
project then stands (a failed write, or another change between, puts them back). The CDN then
forgets the files' paths, which it may keep for a year.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from chalicelib.core import cdn, storage
from chalicelib.core.errors import NotFound
from chalicelib.packaging import catalog, layout
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.permissions import ProjectStatus

log = logging.getLogger(__name__)


def withheld(private: bool, status: ProjectStatus) -> bool:
    """Whether a project's files are kept from the file URL."""
    return private or status is ProjectStatus.QUARANTINED


def objects(found: ProjectInfo) -> list[str]:
    """Every object of the project's listed files, with the sidecars each has."""
    return [key for f in catalog.files(found).files for path in [f.url_path.lstrip("/")]
            for key in layout.objects_of(path) if layout.names(key, path, f.metadata_sha256 is not None,
                                                                f.provenance is not None)]


def around(found: ProjectInfo, after: bool, write: Callable[[], None]) -> None:
    """Runs a write after which the project's files are withheld (after=True) or offered."""
    if withheld(found.private, found.status) == after:
        write()
        return
    keys = objects(found)
    storage.withhold(keys, after)
    try:
        write()
    finally:
        _settle(found.name, keys, after)
    forget(keys)


def _settle(name: str, keys: list[str], tagged: bool) -> None:
    """The tags as the project stands now, whatever this write did (it failed, or another
    change of the project came between): never fails the caller."""
    try:
        now = catalog.project(name)
        if withheld(now.private, now.status) != tagged:
            storage.withhold(keys, not tagged)
    except NotFound:  # deleted meanwhile: its objects go with it
        pass
    except Exception:  # noqa: BLE001 - the write's own outcome is the one to tell
        log.exception("could not settle the tags of %s's files", name)


def forget(keys: list[str]) -> None:
    """Has the CDN forget these objects (gone, or withheld now)."""
    cdn.invalidate(layout.cdn_paths(keys))
