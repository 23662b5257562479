"""Ending a publishing session: publishing all its files at once, or canceling it."""
from __future__ import annotations

import zlib

from pynamodb.transactions import TransactWrite

from chalicelib.core.db import cancelled, never_written, transaction
from chalicelib.core.errors import UploadRefused
from chalicelib.core.origin import Origin
from chalicelib.forklift import access, files, pipeline
from chalicelib.forklift.models import HEAD, UploadSession, object_marker
from chalicelib.forklift.upload_sessions import (
    CANCELED,
    COMPLETED,
    PENDING,
    PUBLISHED,
    SessionState,
    free_release,
    head_of,
    items,
    session_state,
)


def cancel(presented: access.Presented, session_id: str) -> None:
    """Ends a pending session: its files' parts and objects are removed, its release freed."""
    head = head_of(presented, session_id)
    if head.status != PENDING:
        raise UploadRefused("This upload session was published: it can no longer be canceled.", status=409)
    for item in items(session_id):
        files.discard(item)
    with transaction() as t:
        t.update(head, actions=[UploadSession.status.set(CANCELED)], condition=UploadSession.status == PENDING)
        free_release(t, head)


def publish(presented: access.Presented, session_id: str, origin: Origin) -> SessionState:
    """Lists every file of the session at once, under /legacy/'s rules, or none of them."""
    head = head_of(presented, session_id)
    if head.status != PENDING:
        raise UploadRefused("This upload session was published already.", status=409)
    staged = items(session_id)
    if not staged:
        raise UploadRefused("Upload at least one file before publishing the session.", status=409)
    if waiting := sorted(item.item for item in staged if item.status != COMPLETED):
        raise UploadRefused(f"Complete the upload of every file before publishing: {', '.join(waiting)} "
                            "not completed yet.", status=409)
    meta = files.metadata_of(head, staged[0])  # every file's was checked as it was completed
    try:
        who, project, existing = access.authorize(presented, meta, [item.item for item in staged])
    except access.Recorded as exc:
        exc.record(origin)
        raise
    for item, record in zip(staged, existing, strict=True):
        if record is not None:  # listed meanwhile (by /legacy/ or another session)
            raise UploadRefused(f"Upload a new version or another file: {item.item} already exists, and a "
                                "filename can be used only once.", status=409)

    def close(t: TransactWrite) -> None:
        t.update(head, actions=[UploadSession.status.set(PUBLISHED)], condition=UploadSession.status == PENDING)
        free_release(t, head)

    created: list[str] = []
    try:
        for item in staged:  # attested files: their provenance beside their bytes, before they are listed
            if item.provenance:
                created += pipeline.store_provenance(item.key, zlib.decompress(item.provenance))
        pipeline.record(presented, who, project, meta, [files.accepted(item) for item in staged], origin,
                        also=close)
    except Exception as exc:
        if isinstance(exc, UploadRefused) or never_written(exc):
            pipeline.remove(created)
        if cancelled(exc):
            raise pipeline.conflict(who, project is None) from exc
        raise
    pipeline.listed(meta.name, project is None)
    for item in staged:  # the File records name the objects now; nothing else needs these
        item.delete()
        UploadSession(object_marker(item.key), HEAD).delete()  # (left behind, it expires with the session)
    return session_state(head, {})._replace(status=PUBLISHED)
