"""Objects nobody lists: an upload writes its objects before the transaction that records
them, so a Lambda that dies in between leaves bytes behind; a deletion removes records
before objects, so a failure there does too. An hourly sweep deletes every object under
packages/ that no live file record names and that is older than an upload can take, and
every object staged by an upload session (staging/) older than a session lives."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.core import clock, storage
from chalicelib.core.db import get_or_none
from chalicelib.forklift.models import HEAD, UploadSession, object_marker
from chalicelib.packaging import layout
from chalicelib.packaging.layout import PACKAGES, STAGING
from chalicelib.packaging.models import File

log = logging.getLogger(__name__)
GRACE = timedelta(hours=1)  # far longer than an upload between its S3 write and its transaction
STAGED_FOR = timedelta(days=1) + GRACE  # an upload session's life: its staged objects are gone by then


def listed(key: str) -> bool:
    """Whether a live file record names this object (a file, or its PEP 658 metadata): read
    strongly consistent, as every cleanup asks it just before it removes an object."""
    item = get_or_none(File, layout.filename_of(key), consistent=True)
    if item is None or item.project is None:
        return False
    return layout.names(key, item.path, item.metadata_sha256 is not None, item.provenance is not None)


def staged(key: str) -> bool:
    """Whether a live upload session holds this object (a file uploaded, not published yet)."""
    marker = get_or_none(UploadSession, object_marker(layout.file_key(key)), HEAD)
    return marker is not None and marker.expires > clock.now()


def sweep(now: datetime | None = None) -> list[str]:
    """Deletes the unlisted objects older than GRACE; returns their keys."""
    cutoff = (now or clock.now()) - GRACE
    removed = []
    for key, written in storage.listing(PACKAGES):
        if written < cutoff and not listed(key) and not staged(key):
            storage.delete(key)
            removed.append(key)
    for key, written in storage.listing(STAGING):  # left by a completion cut short
        if written < cutoff - STAGED_FOR + GRACE:
            storage.delete(key)
            removed.append(key)
    if removed:
        log.warning("removed %d unlisted objects: %s", len(removed), ", ".join(removed[:20]))
    return removed
