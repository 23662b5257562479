"""Upload sessions in the shape of PEP 694 (Upload 2.0): a publishing session for one
release, files uploaded into it, then published together in one transaction.

Files of any size up to the setting `max_file_size` go straight from the uploader to S3 by
the mechanism `vnd-cheeseshop-s3-multipart-presigned` (files.py): the app never carries
their bytes, so Lambda's 6 MB request limit does not apply. The rules are /legacy/'s: the
same token checks, names, versions, and a filename used once.

A session belongs to the token that opened it: every later request must present the same
token (403 otherwise), and an expired session answers 404.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.db import Write, cancelled, get_or_none, transaction
from chalicelib.core.errors import UploadRefused
from chalicelib.forklift import access, metadata
from chalicelib.forklift.metadata import Metadata
from chalicelib.forklift.models import HEAD, OBJECT, TARGET, UploadSession, target_marker
from chalicelib.packaging.names import normalize

LIFETIME = timedelta(days=1)  # the bucket aborts unfinished multipart uploads after a day too
PENDING, PUBLISHED, CANCELED = "pending", "published", "canceled"
FORM_METADATA_VERSION = "2.4"  # any this index accepts: a session's form only names the release
COMPLETED = "completed"  # a file checked and ready to publish


class SessionGone(UploadRefused):
    """No such session, or it expired: 404."""

    def __init__(self) -> None:
        super().__init__("No such upload session: it was never opened, or it expired, was canceled or was "
                         "published. Open a new one.", status=404)


class SessionExists(UploadRefused):
    """A session of this release is open already: 409, pointing at it."""

    def __init__(self, session_id: str) -> None:
        super().__init__("An upload session for this release is open already: continue it, or cancel it to "
                         "open a new one.", status=409)
        self.session_id = session_id


class SessionState(NamedTuple):
    id: str
    name: str
    version: str
    status: str
    expires_at: datetime
    files: dict[str, str]  # filename -> pending or completed


def target(name: str, version: str) -> Metadata:
    """The release a session is for, checked as a form naming it would be (its files' own
    metadata is checked as each file is completed)."""
    return metadata.from_form({"metadata_version": [FORM_METADATA_VERSION], "name": [name], "version": [version]})


def open_session(presented: access.Presented, name: str, version: str) -> SessionState:
    """A new publishing session for name and version, once this token may upload them;
    SessionExists when one is open for the release."""
    meta = target(name, version)
    access.authorize(presented, meta, [])  # the project's rules and the token's, before any bytes move
    project, now = normalize(meta.name), clock.now()
    session_id, expires = secrets.token_urlsafe(24), now + LIFETIME
    release_key = target_marker(project, meta.version)
    try:
        with transaction() as t:
            t.save(UploadSession(release_key, HEAD, session=session_id, expires=expires),
                   condition=UploadSession.id.does_not_exist() | (UploadSession.expires < now))
            t.save(UploadSession(session_id, HEAD, project=project, name=meta.name, version=meta.version,
                                 token_id=presented.token.id, status=PENDING, created_at=now, expires=expires))
    except Exception as exc:
        if not cancelled(exc):
            raise
        existing = get_or_none(UploadSession, release_key, HEAD)
        if existing is None or existing.session is None:
            raise UploadRefused("The upload session conflicted with another; please retry.", status=409) from exc
        head = get_or_none(UploadSession, existing.session, HEAD)
        if head is not None and head.token_id != presented.token.id:
            raise UploadRefused("Another token has an upload session open for this release: use that token, or "
                                "wait until the session expires.", status=403) from exc
        raise SessionExists(existing.session) from exc
    return SessionState(session_id, meta.name, meta.version, PENDING, expires, {})


def head_of(presented: access.Presented, session_id: str) -> UploadSession:
    """The session's head item, for the token that opened it."""
    head = get_or_none(UploadSession, session_id, HEAD) if session_id and not session_id.startswith(
        (TARGET, OBJECT)) else None
    if head is None or head.status == CANCELED or head.expires <= clock.now():
        raise SessionGone()
    if not secrets.compare_digest(head.token_id or "", presented.token.id):
        raise UploadRefused("Use the API token that opened this upload session.", status=403)
    return head


def items(session_id: str) -> list[UploadSession]:
    """The session's file items."""
    return [item for item in UploadSession.query(session_id) if item.item != HEAD]


def state(presented: access.Presented, session_id: str) -> SessionState:
    head = head_of(presented, session_id)
    files = {} if head.status != PENDING else {item.item: item.status or PENDING for item in items(session_id)}
    return session_state(head, files)


def session_state(head: UploadSession, files: dict[str, str]) -> SessionState:
    return SessionState(head.id, head.name or "", head.version or "", head.status or PENDING, head.expires, files)


def removal_writes(project: str) -> list[Write]:
    """Canceling every open upload session of a project being deleted (for its deletion's
    transactions): none publishes into it, or into a project made again under its name. Their
    parts and staged objects go with the bucket's lifecycle and the hourly sweep."""
    now = clock.now()
    heads = [head for head in UploadSession.scan((UploadSession.project == project) & (UploadSession.item == HEAD))
             if head.status == PENDING and head.expires > now]

    def cancel(head: UploadSession) -> Write:
        def write(t: TransactWrite) -> None:
            t.update(head, actions=[UploadSession.status.set(CANCELED)], condition=UploadSession.status == PENDING)
        return write
    return [write for head in heads for write in (cancel(head), lambda t, h=head: free_release(t, h))]


def free_release(t: TransactWrite, head: UploadSession) -> None:
    t.delete(UploadSession(target_marker(head.project or "", head.version or ""), HEAD),
             condition=UploadSession.session == head.id)
