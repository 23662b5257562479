"""The legacy upload API (POST /legacy/) as a pipeline of named steps:
authenticate -> parse -> validate -> authorize -> attest -> store -> record.

A file is listed only once its bytes are in S3: objects are written first, then one
DynamoDB transaction records the file (condition: a filename is used once, ever), the
project, its release and the event. A refusal or a lost race deletes only the objects
this request created, so nothing is left behind; a transaction whose answer was lost may
have been written, so its objects stay (forklift.sweeper removes them if nothing lists them).
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock, ratelimit, storage
from chalicelib.core.db import cancelled, get_or_none, never_written, transaction
from chalicelib.core.errors import UploadRefused
from chalicelib.core.origin import Origin
from chalicelib.events import services as events
from chalicelib.events.services import project_subject
from chalicelib.events.tags import Tag
from chalicelib.forklift import access, archives, metadata, sweeper
from chalicelib.forklift import checks as check
from chalicelib.forklift.metadata import Metadata
from chalicelib.packaging import changes, creation, layout, readme
from chalicelib.packaging.filenames import canonical
from chalicelib.packaging.models import RELEASE_FIELDS, File, FileIdentity, Project, Release
from chalicelib.packaging.names import normalize
from chalicelib.tokens import credentials as tokens

if TYPE_CHECKING:
    from chalicelib.provenance.attestations import Checked

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
        raise check.too_large()
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
    except (UnicodeDecodeError, LookupError) as exc:  # a field not in UTF-8, or in a charset Python lacks
        raise UploadRefused("Send every form field as UTF-8 text: one could not be decoded.") from exc
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
        core = archives.wheel_metadata(io.BytesIO(received.content))
        return metadata.with_file(form, core, "METADATA"), digests, core
    pkg_info = archives.sdist_metadata(received.filename, io.BytesIO(received.content))
    return metadata.with_file(form, pkg_info, "PKG-INFO"), digests, None


def attest(raw: str | None, filename: str, sha256: str, who: tokens.Authorized) -> Checked | None:
    """The file's provenance when the upload carries PEP 740 attestations (None when it carries
    none); UploadRefused when they are not its trusted publisher's, for this file."""
    if not raw:
        return None
    from chalicelib.provenance import attestations  # sigstore is large: loaded by attested uploads only

    return attestations.check(raw, filename, sha256, who.attester)


def store(received: Received, digests: check.Digests, metadata: bytes | None,
          provenance: bytes | None = None) -> Stored:
    path = layout.object_key(digests.sha256, received.filename)
    created: list[str] = []
    for key, data in ((path, received.content), (layout.metadata_key(path), metadata)):
        if data is None:
            continue
        try:
            storage.put(key, data)
            created.append(key)
        except storage.AlreadyStored:  # the same bytes under their content address: keep them
            pass
    if provenance is not None:
        try:
            created += store_provenance(path, provenance)
        except UploadRefused:
            remove(created)
            raise
    sha = check.digests(metadata).sha256 if metadata is not None else None
    return Stored(path, created, sha)


def store_provenance(path: str, provenance: bytes) -> list[str]:
    """Puts the provenance object beside the file at `path`: the keys it created (none when the
    same object is there). A provenance is not content-addressed: when another upload's is
    there, UploadRefused (409)."""
    key = layout.provenance_key(path)
    try:
        storage.put(key, provenance)
    except storage.AlreadyStored:
        if storage.get(key) != provenance:
            raise UploadRefused("Another upload of this file with other attestations is in progress or "
                                "failed within the hour: try again later.", status=409) from None
        return []
    return [key]


class Accepted(NamedTuple):
    """A checked file whose bytes are stored, ready to be listed."""
    filename: str
    packagetype: str
    python_version: str
    size: int
    digests: check.Digests
    path: str
    metadata_sha256: str | None
    provenance: str | None = None  # PEP 740: the publisher and log entry (JSON) of its attestations


def record(presented: access.Presented, who: tokens.Authorized, project: Project | None, meta: Metadata,
           files: Sequence[Accepted], origin: Origin, also: Callable[[TransactWrite], None] | None = None) -> None:
    """Lists the files of one release in one transaction (all or none), with `also`'s writes."""
    name, now = normalize(meta.name), clock.now()
    with transaction() as t:
        tokens.used(t, presented.token, presented.secret)
        for file in files:
            t.save(File(file.filename, project=name, version=meta.version, packagetype=file.packagetype,
                        python_version=file.python_version, requires_python=meta.requires_python,
                        size=file.size, sha256=file.digests.sha256, md5=file.digests.md5,
                        blake2_256=file.digests.blake2_256, path=file.path, metadata_sha256=file.metadata_sha256,
                        provenance=file.provenance, uploaded_at=now, uploaded_by=who.username or who.publisher),
                   condition=File.filename.does_not_exist())
            t.save(FileIdentity(canonical(file.filename), filename=file.filename, project=name),
                   condition=FileIdentity.canonical.does_not_exist())
        if project is None:
            creation.create(t, meta.name, who.username, now)  # marks the change, the index's too
        else:
            changes.mark(t, changes.Change(name), condition=project.takes_files())
        # A release keeps the metadata of its first file: each value is set only if not there yet.
        t.update(Release(name, meta.version), actions=_release_actions(name, meta, now))
        history = project_subject(name, project.created_at if project is not None else now)
        for file in files:
            if who.publisher:  # no user uploaded: the project's history names the workflow
                events.record(t, Tag.FILE_UPLOAD, origin, project=history, actor=who.publisher, detail=file.filename)
            else:
                events.record(t, Tag.FILE_UPLOAD, origin, user=who.username, project=history, detail=file.filename,
                              via=who.token_name)
        ratelimit.within(t, ratelimit.FILES_PER_USER, uploader(who), len(files))
        if also is not None:
            also(t)


def listed(name: str, new_project: bool) -> None:
    """After files were listed: their pages are built (and the index's, for a new project)."""
    changes.announce(changes.Change(normalize(name), listing=new_project))


def uploader(who: tokens.Authorized) -> str:
    """Whom the flood limits count: the user, or the trusted publisher."""
    return who.username or f"publisher:{who.publisher}"


def conflict(who: tokens.Authorized, new_project: bool) -> UploadRefused:
    """After a cancelled transaction: a 429 when a flood limit's window was full, else a 409."""
    limited = ratelimit.exceeded(ratelimit.FILES_PER_USER, uploader(who))
    if limited is None and new_project:
        limited = ratelimit.exceeded(ratelimit.NEW_PROJECTS_PER_USER, who.username)
    if limited is not None:
        return UploadRefused(limited.message, status=429, retry_after=limited.retry_after)
    return UploadRefused("The upload conflicted with another change to this project; please retry.", status=409)


def check_release_text(meta: Metadata) -> None:
    """Refuses a description too long to keep with its release (as recording it would)."""
    _release_actions(normalize(meta.name), meta, clock.now())


RELEASE_BUDGET = 350_000  # bytes of text on one release item; DynamoDB takes 400 KB an item


def _release_actions(name: str, meta: Metadata, now: datetime) -> list[Action]:
    description = meta.description[:readme.DESCRIPTION_MAX]
    html = readme.render(description, meta.description_content_type)
    if len(description.encode()) + len(html.encode()) > RELEASE_BUDGET:
        raise UploadRefused(f"Shorten the description: with its rendered form it must stay under "
                            f"{RELEASE_BUDGET // 1000} KB on this index.")
    values: dict[str, Any] = {name: getattr(meta, name) for name in RELEASE_FIELDS}
    values |= {"description": description, "license": meta.license[:1000], "description_html": html,
               "created_at": now, "listed": "release"}
    attributes = Release.get_attributes()
    return [attributes[name].set(attributes[name] | value) for name, value in values.items()]


def upload(*, authorization: str | None, content_type: str, body: bytes, origin: Origin) -> str:
    """Runs the pipeline; returns the message for a 200, raises UploadRefused otherwise."""
    token = access.token(authorization)
    received = parse(content_type, body)
    meta, digests, metadata = validate(received)
    try:
        who, project, (existing,) = access.authorize(token, meta, [received.filename])  # one read for all it needs
    except access.Recorded as exc:
        exc.record(origin)
        raise
    if access.already_uploaded(existing, digests.sha256):
        return "OK (this file was already uploaded)"
    attested = attest(check.first(received.fields, "attestations"), received.filename, digests.sha256, who)
    stored = store(received, digests, metadata, attested.provenance if attested else None)
    accepted = Accepted(received.filename, check.first(received.fields, "filetype"),
                        check.python_version(received.fields), len(received.content), digests, stored.path,
                        stored.metadata_sha256, attested.summary if attested else None)
    try:
        record(token, who, project, meta, [accepted], origin)
    except UploadRefused:  # refused before the transaction was sent
        remove(stored.created)
        raise
    except Exception as exc:
        if not never_written(exc):
            # The answer was lost: the record may have been written, so its objects stay (if it
            # was not, the hourly sweep removes them). Never a listed file without its bytes.
            raise
        remove(stored.created)
        if not cancelled(exc):
            raise
        if access.already_uploaded(get_or_none(File, received.filename), digests.sha256):  # a concurrent one won
            return "OK (this file was already uploaded)"
        raise conflict(who, project is None) from exc
    listed(meta.name, project is None)
    return "OK"


def remove(keys: list[str]) -> None:
    """Removes what this request stored, but never an object a listed file names, whatever the
    store answered: a transaction the SDK sent again after its answer was lost is refused on the
    second attempt, though the first listed the file."""
    for key in keys:
        try:
            if not sweeper.listed(key):
                storage.delete(key)
        except Exception:  # noqa: BLE001 - a leftover object is logged, the refusal still goes out
            log.exception("could not remove %s after a failed upload", key)
