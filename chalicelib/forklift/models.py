"""Upload sessions (PEP 694): one table, items told apart by their keys.

- (session id, "#"): a publishing session for one release of one project;
- (session id, filename): a file being uploaded into it (a multipart upload in S3);
- ("release:<project>:<version>", "#"): the one open session of that release, so a second
  one is refused (409) and pointed at it;
- ("object:<key>", "#"): an S3 object a live session staged, which the hourly sweep of
  unlisted objects leaves alone until the session expires.
Every item carries its expiry; correctness checks it, TTL only tidies.
"""
from __future__ import annotations

from pynamodb.attributes import BinaryAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

HEAD = "#"
TARGET, OBJECT = "release:", "object:"  # the hash keys of pointers start so; a session's id never does


def target_marker(project: str, version: str) -> str:
    """The key of the pointer to a release's open session."""
    return f"{TARGET}{project}:{version}"


def object_marker(key: str) -> str:
    """The key of the pointer to the session that staged an object."""
    return f"{OBJECT}{key}"


class UploadSession(Model):
    class Meta:
        table_name = "upload-sessions"

    id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)
    expires = TTLAttribute()
    # the session (head item)
    project = UnicodeAttribute(null=True)  # normalized
    name = UnicodeAttribute(null=True)  # as the uploader wrote it
    version = UnicodeAttribute(null=True)
    token_id = UnicodeAttribute(null=True)  # every later request must come with the same token
    status = UnicodeAttribute(null=True)  # session: pending, published, canceled; file: pending, completed
    created_at = UTCDateTimeAttribute(null=True)
    # a file
    size = NumberAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)  # as declared; checked against the bytes on completion
    key = UnicodeAttribute(null=True)  # the object's key (its final, content-addressed place)
    # Where its parts are joined and checked (packaging.layout.staging_key): only checked bytes go to `key`,
    # so no upload, however it goes, changes the bytes a listed file names. None on files begun
    # before: their parts went to `key` itself.
    staging = UnicodeAttribute(null=True)
    upload_id = UnicodeAttribute(null=True)
    part_size = NumberAttribute(null=True)
    md5 = UnicodeAttribute(null=True)  # once completed
    blake2_256 = UnicodeAttribute(null=True)
    core_metadata = BinaryAttribute(null=True, legacy_encoding=False)  # zlib: the archive's METADATA or PKG-INFO
    metadata_sha256 = UnicodeAttribute(null=True)  # a wheel's, served by PEP 658
    provenance = BinaryAttribute(null=True, legacy_encoding=False)  # zlib: PEP 740's, when begun with attestations
    provenance_summary = UnicodeAttribute(null=True)  # its publisher and log entry (JSON), as File.provenance
    # a release's or an object's pointer
    session = UnicodeAttribute(null=True)


MODELS: tuple[type[Model], ...] = (UploadSession,)
