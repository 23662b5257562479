"""The legacy upload API (POST /legacy/) as a pipeline of named steps:
authenticate -> parse -> validate -> authorize -> store -> record.

A file is listed only once its bytes are in S3: objects are written first, then one
DynamoDB transaction records the file (condition: a filename is used once, ever), the
project, its release and the event. A refusal or a lost race deletes only the objects
this request created, so nothing is left behind; a transaction whose answer was lost may
have been written, so its objects stay (forklift.sweeper removes them if nothing lists them).
"""
from __future__ import annotations

import io
import logging
from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action

from chalicelib.accounts import ratelimit
from chalicelib.core import clock, storage
from chalicelib.core.db import cancelled, get_or_none, never_written, transaction
from chalicelib.core.errors import UploadRefused
from chalicelib.events.services import Origin, both, build, project_subject
from chalicelib.events.tags import Tag
from chalicelib.forklift import access, archives, metadata
from chalicelib.forklift import checks as check
from chalicelib.forklift.metadata import Metadata
from chalicelib.packaging import creation, pages, readme
from chalicelib.packaging.models import File, Project, Release
from chalicelib.packaging.names import normalize
from chalicelib.tokens import services as tokens

log = logging.getLogger(__name__)


class Received(NamedTuple):
    fields: dict[str, list[str]]
    filename: str
    content: bytes


class Stored(NamedTuple):
    path: str
    created: list[str]  # object keys this request created (to remove if it fails)
    metadata_sha256: str | None


def parse(content_type: str, body: bytes) -> Received:
    import multipart

    if len(body) > check.MAX_BODY:
        raise UploadRefused("Upload files of at most 4 MiB to this index: Upload too large.", status=413)
    kind, options = multipart.parse_options_header(content_type or "")
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise UploadRefused("The upload must be multipart/form-data.")
    fields: dict[str, list[str]] = {}
    filename, content = "", b""
    try:
        for part in multipart.MultipartParser(io.BytesIO(body), options["boundary"], len(body),
                                              memory_limit=check.MAX_BODY, spool_limit=check.MAX_BODY):
            if part.name == "content":
                filename, content = part.filename or "", part.raw
            else:
                fields.setdefault(part.name, []).append(part.value)
    except multipart.MultipartError as exc:
        raise UploadRefused(f"The multipart body could not be read: {exc}") from exc
    if not filename:
        raise UploadRefused("Upload has no file (the 'content' field is missing).")
    return Received(fields, filename, content)


def validate(received: Received) -> tuple[Metadata, check.Digests, bytes | None]:
    """The upload's metadata (the file's own where it says), digests, and the wheel's METADATA."""
    check.check_action(received.fields)
    form = metadata.from_form(received.fields)
    check.check_filename(received.filename, form.name, form.version, check.first(received.fields, "filetype"),
                         check.python_version(received.fields))
    check.check_size(received.content)
    digests = check.digests(received.content)
    check.check_digests(received.fields, digests)
    if received.filename.endswith(".whl"):
        core = archives.wheel_metadata(received.content)
        return metadata.with_file(form, core, "METADATA"), digests, core
    pkg_info = archives.sdist_metadata(received.filename, received.content)
    return metadata.with_file(form, pkg_info, "PKG-INFO"), digests, None


def store(received: Received, digests: check.Digests, metadata: bytes | None) -> Stored:
    path = f"packages/{digests.sha256[:2]}/{digests.sha256[2:4]}/{digests.sha256[4:]}/{received.filename}"
    created: list[str] = []
    for key, data in ((path, received.content), (path + ".metadata", metadata)):
        if data is None:
            continue
        try:
            storage.put(key, data)
            created.append(key)
        except storage.AlreadyStored:  # the same bytes under their content address: keep them
            pass
    sha = check.digests(metadata).sha256 if metadata is not None else None
    return Stored(path, created, sha)


def record(presented: access.Presented, who: tokens.Authorized, project: Project | None, meta: Metadata,
           received: Received, digests: check.Digests, stored: Stored, origin: Origin) -> None:
    name, now = normalize(meta.name), clock.now()
    with transaction() as t:
        tokens.used(t, presented.token, presented.secret)
        t.save(File(received.filename, project=name, version=meta.version,
                    packagetype=check.first(received.fields, "filetype"),
                    python_version=check.python_version(received.fields), requires_python=meta.requires_python,
                    size=len(received.content), sha256=digests.sha256, md5=digests.md5,
                    blake2_256=digests.blake2_256, path=stored.path, metadata_sha256=stored.metadata_sha256,
                    uploaded_at=now, uploaded_by=who.username or who.publisher),
               condition=File.filename.does_not_exist())
        if project is None:
            creation.create(t, meta.name, who.username, now)
        else:
            t.update(project, actions=[Project.serial.add(1)])
        pages.changed(t, name)
        # A release keeps the metadata of its first file: each value is set only if not there yet.
        t.update(Release(name, meta.version), actions=_release_actions(name, meta, now))
        history = project_subject(name, project.created_at if project is not None else now)
        if who.publisher:  # no user uploaded: the project's history names the workflow
            t.save(build(history, Tag.FILE_UPLOAD, origin, received.filename, actor=who.publisher))
        else:
            both(t, who.username, history, Tag.FILE_UPLOAD, origin, received.filename, via=who.token_name)
        ratelimit.within(t, ratelimit.FILES_PER_USER, _uploader(who))


def _uploader(who: tokens.Authorized) -> str:
    """Whom the flood limits count: the user, or the trusted publisher."""
    return who.username or f"publisher:{who.publisher}"


def _flooded(who: tokens.Authorized, new_project: bool) -> UploadRefused | None:
    """After a refused transaction: the 429 to give when a flood limit's window was full."""
    limited = ratelimit.exceeded(ratelimit.FILES_PER_USER, _uploader(who))
    if limited is None and new_project:
        limited = ratelimit.exceeded(ratelimit.NEW_PROJECTS_PER_USER, who.username)
    if limited is None:
        return None
    return UploadRefused(limited.message, status=429, retry_after=limited.retry_after)


RELEASE_BUDGET = 350_000  # bytes of text on one release item; DynamoDB takes 400 KB an item


def _release_actions(name: str, meta: Metadata, now: datetime) -> list[Action]:
    description = meta.description[:readme.DESCRIPTION_MAX]
    html = readme.render(description, meta.description_content_type)
    if len(description.encode()) + len(html.encode()) > RELEASE_BUDGET:
        raise UploadRefused(f"Shorten the description: with its rendered form it must stay under "
                            f"{RELEASE_BUDGET // 1000} KB on this index.")
    values: list[tuple[Any, Any]] = [
        (Release.summary, meta.summary), (Release.requires_python, meta.requires_python),
        (Release.description_html, html), (Release.description, description),
        (Release.description_content_type, meta.description_content_type),
        (Release.classifiers, meta.classifiers), (Release.author, meta.author),
        (Release.license, meta.license[:1000]), (Release.home_page, meta.home_page),
        (Release.created_at, now), (Release.listed, "release"),
        (Release.metadata_version, meta.metadata_version), (Release.author_email, meta.author_email),
        (Release.maintainer, meta.maintainer), (Release.maintainer_email, meta.maintainer_email),
        (Release.keywords, meta.keywords), (Release.download_url, meta.download_url),
        (Release.license_expression, meta.license_expression), (Release.license_files, meta.license_files),
        (Release.requires_dist, meta.requires_dist), (Release.provides_extra, meta.provides_extra),
        (Release.project_urls, meta.project_urls)]
    return [attribute.set(attribute | value) for attribute, value in values]


def upload(*, authorization: str | None, content_type: str, body: bytes, origin: Origin) -> str:
    """Runs the pipeline; returns the message for a 200, raises UploadRefused otherwise."""
    token = access.token(authorization)
    received = parse(content_type, body)
    meta, digests, metadata = validate(received)
    who, project, existing = access.authorize(token, meta, received.filename)  # one read for all it needs
    if access.already_uploaded(existing, digests):
        return "OK (this file was already uploaded)"
    stored = store(received, digests, metadata)
    try:
        record(token, who, project, meta, received, digests, stored, origin)
    except UploadRefused:  # refused before the transaction was sent
        _remove(stored.created)
        raise
    except Exception as exc:
        if not never_written(exc):
            # The answer was lost: the record may have been written, so its objects stay (if it
            # was not, the hourly sweep removes them). Never a listed file without its bytes.
            raise
        _remove(stored.created)
        if not cancelled(exc):
            raise
        if access.already_uploaded(get_or_none(File, received.filename), digests):  # a concurrent one won
            return "OK (this file was already uploaded)"
        if (flooded := _flooded(who, project is None)) is not None:
            raise flooded from exc
        raise UploadRefused("The upload conflicted with another change to this project; please retry.",
                            status=409) from exc
    pages.refresh(normalize(meta.name))
    if project is None:
        pages.refresh(pages.INDEX)
    return "OK"


def _remove(keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - a leftover object is logged, the refusal still goes out
            log.exception("could not remove %s after a failed upload", key)
