"""One file of an upload session, by the mechanism `vnd-cheeseshop-s3-multipart-presigned`:
the index opens an S3 multipart upload at a staging key of the session's own and hands out a
presigned URL per part; the uploader PUTs the parts (in parallel, again after a failure, any
time until the session expires); completing it joins the parts and checks the file where it
lies (forklift.inspection), and only then copies the checked bytes to the file's final,
content-addressed key. Nothing an uploader sends is ever written where a listed file's bytes
are, so no upload changes them. A refused file's staged object is deleted at once.

A file's status is `pending` until it is completed, then `completed`; asking for a pending
file's state lists the parts S3 holds, which is how an interrupted upload resumes.
"""
from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.core import ratelimit, storage
from chalicelib.core.config import get_settings
from chalicelib.core.db import cancelled, get_or_none, transaction
from chalicelib.core.errors import UploadRefused
from chalicelib.forklift import access, checks, inspection, metadata, pipeline, sweeper
from chalicelib.forklift.metadata import Metadata
from chalicelib.forklift.models import HEAD, UploadSession, object_marker
from chalicelib.forklift.upload_sessions import COMPLETED, PENDING, head_of, items, target
from chalicelib.packaging import layout

if TYPE_CHECKING:
    from chalicelib.tokens import credentials as tokens

MECHANISM = "vnd-cheeseshop-s3-multipart-presigned"
PART_SIZE = 8 * 1024 * 1024  # S3 takes parts of 5 MiB and more, but for the last
MAX_FILES = 20  # a session's files are published in one transaction (DynamoDB takes 100 writes)
URL_SECONDS = 3600  # a part URL's life; asking for the file's state gives fresh ones
MAX_CORE_METADATA = 300_000  # compressed, kept on the file's item until it is published
MAX_PROVENANCE = 64_000  # compressed, likewise: with the metadata, within DynamoDB's 400 KB an item
SHA256 = re.compile(r"[0-9a-f]{64}")


class AlreadyUploaded(UploadRefused):
    """The same file (name and bytes) is listed already: harmless, as on /legacy/, but there is
    nothing to send. 409 with a problem type a client can tell apart from a conflict."""

    problem_type = "urn:cheeseshop:upload:already-uploaded"

    def __init__(self, filename: str) -> None:
        super().__init__(f"{filename} is on the index already, with the same bytes: nothing to upload.",
                         status=409)


class FileState(NamedTuple):
    filename: str
    status: str
    sha256: str  # as declared: a client resuming checks it still sends the same file
    size: int
    part_size: int
    uploaded: dict[int, int]  # part number -> bytes S3 holds
    urls: dict[int, str]  # part number -> where to PUT it, for every part not uploaded yet
    expires_at: datetime

    @property
    def part_count(self) -> int:
        return parts_of(self.size, self.part_size)


def parts_of(size: int, part_size: int) -> int:
    """How many parts a file of this size is sent in."""
    return max(1, -(-size // part_size))


def kinds(filename: str) -> tuple[str, str]:
    """The filetype and pyversion a legacy upload of this file would send (twine's values)."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    if filename.endswith(".whl"):
        try:
            tags = parse_wheel_filename(filename)[3]
        except InvalidWheelFilename:
            return "bdist_wheel", ""  # refused by checks.check_filename, which says why
        return "bdist_wheel", ".".join(sorted({tag.interpreter for tag in tags}))
    if filename.endswith((".tar.gz", ".zip")):
        return "sdist", "source"
    return "", ""


def begin(presented: access.Presented, session_id: str, filename: str, size: object, sha256: object,
          mechanism: object, attestations: object = None) -> FileState:
    """Opens the upload of one file into the session (replacing an earlier one of that name),
    with its PEP 740 attestations if it has any: checked against the declared sha256 here, which
    completing the file checks against its bytes."""
    head = head_of(presented, session_id)
    if head.status != PENDING:
        raise UploadRefused("This upload session was published: open a new one to upload more files.", status=409)
    if mechanism != MECHANISM:
        raise UploadRefused(f"Unsupported upload mechanism {mechanism!r}: this index offers {MECHANISM}.",
                            status=422)
    limit = get_settings().max_file_size
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise UploadRefused("Give the file's size in bytes, a whole number above zero.")
    if size > limit:
        raise UploadRefused(f"Upload files of at most {limit // 2**20} MiB to this index: File too large.",
                            status=413)
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise UploadRefused("Give the file's sha256 digest in hashes, as 64 lowercase hexadecimal digits.")
    checks.check_filename(filename, head.name or "", head.version or "", *kinds(filename))
    who, _, (existing,) = access.authorize(presented, target(head.name or "", head.version or ""), [filename])
    if access.already_uploaded(existing, sha256, status=409):
        raise AlreadyUploaded(filename)
    provenance, summary = _attested(attestations, filename, sha256, who)
    staged = {item.item: item for item in items(session_id)}
    earlier = staged.pop(filename, None)  # the same name begun before: replaced
    if len(staged) >= MAX_FILES:
        raise UploadRefused(f"Publish at most {MAX_FILES} files in one upload session.", status=409)
    if earlier is not None:
        discard(earlier)
    key, staging = layout.object_key(sha256, filename), layout.staging_key(session_id, filename)
    item = UploadSession(session_id, filename, expires=head.expires, status=PENDING, size=size, sha256=sha256,
                         key=key, staging=staging, upload_id=storage.start_upload(staging), part_size=PART_SIZE,
                         provenance=provenance, provenance_summary=summary)
    try:
        with transaction() as t:
            t.condition_check(UploadSession, session_id, range_key=HEAD, condition=UploadSession.status == PENDING)
            t.save(item)
            t.save(UploadSession(object_marker(key), HEAD, session=session_id, expires=head.expires))
            ratelimit.within(t, ratelimit.STAGED_FILES_PER_USER, pipeline.uploader(who))
    except Exception as exc:
        storage.abort_upload(staging, item.upload_id)
        if not cancelled(exc):
            raise
        if (limited := ratelimit.exceeded(ratelimit.STAGED_FILES_PER_USER, pipeline.uploader(who))) is not None:
            raise UploadRefused(limited.message, status=429, retry_after=limited.retry_after) from exc
        raise UploadRefused("This upload session was published or canceled meanwhile.", status=409) from exc
    return _state(item, head, PENDING, {})


def _attested(attestations: object, filename: str, sha256: str,
              who: tokens.Authorized) -> tuple[bytes | None, str | None]:
    """The provenance (compressed) and its summary, when the file is begun with attestations."""
    if attestations is None:
        return None, None
    raw = attestations if isinstance(attestations, str) else json.dumps(attestations)
    checked = pipeline.attest(raw or "[]", filename, sha256, who)  # an empty list is refused, not ignored
    kept = zlib.compress(checked.provenance, 9) if checked else b""
    if checked is None or len(kept) > MAX_PROVENANCE:
        raise UploadRefused(f"Send attestations of at most {MAX_PROVENANCE // 1000} KB compressed in an upload "
                            "session, or upload the file to /legacy/.")
    return kept, checked.summary


def _count(item: UploadSession) -> int:
    return parts_of(int(item.size), int(item.part_size))


def _expected(item: UploadSession, number: int) -> int:
    """The size part `number` must have."""
    count, part = _count(item), int(item.part_size)
    return part if number < count else int(item.size) - part * (count - 1)


def _urls(item: UploadSession, uploaded: dict[int, int]) -> dict[int, str]:
    return {n: storage.part_url(_uploaded_to(item), item.upload_id, n, URL_SECONDS, _expected(item, n))
            for n in range(1, _count(item) + 1) if uploaded.get(n) != _expected(item, n)}


def _uploaded_to(item: UploadSession) -> str:
    """Where the file's parts go: its staging key (its final key for files begun before staging)."""
    return item.staging or item.key


def _item(session_id: str, filename: str) -> UploadSession:
    item = get_or_none(UploadSession, session_id, filename)
    if item is None:
        raise UploadRefused(f"This upload session has no file {filename}: start its upload first.", status=404)
    return item


def state(presented: access.Presented, session_id: str, filename: str) -> FileState:
    """The file's progress: for a pending file, the parts S3 holds and URLs for the others."""
    head = head_of(presented, session_id)
    item = _item(session_id, filename)
    if item.status == COMPLETED:
        return _state(item, head, COMPLETED)
    uploaded = {n: size for n, (size, _) in _parts(item).items()}
    return _state(item, head, PENDING, uploaded)


def _state(item: UploadSession, head: UploadSession, status: str, uploaded: dict[int, int] | None = None) -> FileState:
    urls = _urls(item, uploaded) if uploaded is not None else {}
    return FileState(item.item, status, item.sha256 or "", int(item.size), int(item.part_size), uploaded or {}, urls,
                     head.expires)


def _parts(item: UploadSession) -> dict[int, tuple[int, str]]:
    try:
        return storage.uploaded_parts(_uploaded_to(item), item.upload_id)
    except storage.NoSuchUpload as exc:
        raise UploadRefused(f"The upload of {item.item} expired: cancel it and start it again.", status=409) from exc


def complete(presented: access.Presented, session_id: str, filename: str) -> FileState:
    """Joins the parts and checks the file where it lies; a refused file is removed."""
    head = head_of(presented, session_id)
    item = _item(session_id, filename)
    if item.status == COMPLETED:
        return _state(item, head, COMPLETED)
    parts = _parts(item)
    missing = [n for n in range(1, _count(item) + 1) if n not in parts or parts[n][0] != _expected(item, n)]
    if missing or set(parts) - set(range(1, _count(item) + 1)):
        raise UploadRefused(f"Upload every part of {filename} before completing it: parts "
                            f"{', '.join(map(str, missing))} are missing or of the wrong size.", status=409)
    storage.finish_upload(_uploaded_to(item), item.upload_id, {n: etag for n, (_, etag) in parts.items()})
    try:
        checked = _checked(head, item)
    except UploadRefused:
        discard(item, joined=True)
        raise
    if item.staging:  # checked: its sha256 is the one its final key is named by
        storage.copy(item.staging, item.key)
        storage.delete(item.staging)
    try:
        item.update(actions=[UploadSession.status.set(COMPLETED), *checked], condition=UploadSession.status == PENDING)
    except UpdateError as exc:  # completed by a concurrent request, or by this one's first attempt (retried)
        if not cancelled(exc):
            raise
        if _item(session_id, filename).status != COMPLETED:
            raise UploadRefused(f"The upload of {filename} was canceled meanwhile.", status=409) from exc
    return _state(item, head, COMPLETED)


def _checked(head: UploadSession, item: UploadSession) -> list[Action]:
    """What completing the file records on its item, once its bytes pass /legacy/'s checks."""
    found = inspection.inspect(_uploaded_to(item), item.item)
    if found.size != item.size:
        raise UploadRefused(f"The file holds {found.size} bytes, not the {item.size} its upload declared.")
    if found.digests.sha256 != item.sha256:
        raise UploadRefused("The sha256 digest supplied does not match the file.")
    what = "METADATA" if item.item.endswith(".whl") else "PKG-INFO"
    meta = metadata.from_file(head.name or "", head.version or "", found.core_metadata, what)
    pipeline.check_release_text(meta)
    kept = zlib.compress(found.core_metadata, 9)
    if len(kept) > MAX_CORE_METADATA:
        raise UploadRefused(f"Shorten the file's {what}: compressed, it must stay under "
                            f"{MAX_CORE_METADATA // 1000} KB on this index.")
    actions: list[Action] = [UploadSession.md5.set(found.digests.md5), UploadSession.core_metadata.set(kept),
                             UploadSession.blake2_256.set(found.digests.blake2_256)]
    if item.item.endswith(".whl"):  # served by PEP 658, as a legacy upload's is
        try:
            storage.put(layout.metadata_key(item.key), found.core_metadata)
        except storage.AlreadyStored:
            pass
        actions.append(UploadSession.metadata_sha256.set(checks.digests(found.core_metadata).sha256))
    return actions


def discard(item: UploadSession, joined: bool = False) -> None:
    """Removes a file from its session: its parts, its staged object, or the object it was
    copied to (unless a listed file names it, the same bytes under the same name), and its items."""
    if item.status == PENDING and not joined:
        storage.abort_upload(_uploaded_to(item), item.upload_id)
    elif item.status == PENDING and item.staging:  # joined and refused: only the staged copy exists
        storage.delete(item.staging)
    elif not sweeper.listed(item.key):
        for key in layout.objects_of(item.key):
            storage.delete(key)
    item.delete()
    try:  # unless another session staged the same bytes since
        UploadSession(object_marker(item.key), HEAD).delete(condition=UploadSession.session == item.id)
    except DeleteError as exc:
        if not cancelled(exc):
            raise


def cancel(presented: access.Presented, session_id: str, filename: str) -> None:
    head_of(presented, session_id)
    discard(_item(session_id, filename))


def metadata_of(head: UploadSession, item: UploadSession) -> Metadata:
    what = "METADATA" if item.item.endswith(".whl") else "PKG-INFO"
    return metadata.from_file(head.name or "", head.version or "", zlib.decompress(item.core_metadata), what)


def accepted(item: UploadSession) -> pipeline.Accepted:
    return pipeline.Accepted(item.item, *kinds(item.item), int(item.size),
                             checks.Digests(item.md5, item.sha256, item.blake2_256), item.key, item.metadata_sha256,
                             item.provenance_summary)
