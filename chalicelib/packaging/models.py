"""The index's tables: projects, their releases and files, and who holds which role.

- roles: a project's collaborators (by project); GSI by_user for a user's projects.
- role-invitations: pending invitations (by project); GSI by_user for a user's.
- project-grants: the roles organizations give a user on a project; GSI by_user for a user's.
- projects (GSI all: every project by name), releases (by project and version),
  files (by filename; GSI by_project for the simple index), file-identities (a file's identity
  whatever its spelling: filenames.canonical).
- simple-pages: each project's simple pages and the index, built when they change (pages.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class ByUser(GlobalSecondaryIndex[Any]):
    """A user's items of a table kept by project and user: roles, invitations, grants."""

    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(range_key=True)


class Role(Model):
    """A user's role on a project (a chalicelib.packaging.permissions.RoleName)."""

    class Meta:
        table_name = "roles"

    project = UnicodeAttribute(hash_key=True)  # normalized project name
    username = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    project_name = UnicodeAttribute()  # as first uploaded
    created_at = UTCDateTimeAttribute()
    by_user = ByUser()


class RoleInvitation(Model):
    """An Owner's invitation of a user to a role; the mailed link names its nonce, so a
    revoked or answered invitation's link is dead even before it expires."""

    class Meta:
        table_name = "role-invitations"

    project = UnicodeAttribute(hash_key=True)  # normalized project name
    username = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    project_name = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    nonce = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires = TTLAttribute()  # answers check it too: correctness never waits for TTL deletion
    by_user = ByUser()


class AllProjects(GlobalSecondaryIndex["Project"]):
    class Meta:
        index_name = "all"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)  # "project"; a held name's guard "held"; other guards leave it out
    name = UnicodeAttribute(range_key=True)


class ProjectsByAge(GlobalSecondaryIndex["Project"]):
    class Meta:
        index_name = "by_age"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Project(Model):
    """A project by normalized name. A guard item keyed by names.ultra_guard (the name without
    '.', '_', '-') makes names that differ only by those or case impossible to register twice;
    an administrator's prohibition of a name is kept on its guard, so the same one read refuses it."""

    class Meta:
        table_name = "projects"

    name = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(null=True)
    listed = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    serial = NumberAttribute(default=0)  # grows with every change: the simple page's ETag
    owners = NumberAttribute(null=True)  # how many Owners: a condition keeps it above zero
    status = UnicodeAttribute(null=True)  # PEP 792 (a permissions.ProjectStatus); none: active
    status_reason = UnicodeAttribute(null=True)
    status_before = UnicodeAttribute(null=True)  # while quarantined: the status a release returns it to
    prohibited = UnicodeAttribute(null=True)  # on a guard item: the reason no project may take the name
    # A project's identity: a project deleted and made again under the same name is another one
    # (tokens minted for the first do not reach it). Projects made before it was kept have none.
    uid = UnicodeAttribute(null=True)
    deleting = UTCDateTimeAttribute(null=True)  # set first by a deletion: uploads are refused from then on
    owners_suspended = BooleanAttribute(null=True)  # every Owner is suspended: no upload by any route
    private = BooleanAttribute(null=True)  # read only by its collaborators (chalicelib.packaging.visibility)
    organization = UnicodeAttribute(null=True)  # the organization that owns it (chalicelib.organizations)
    # On a guard item, once its project was deleted: the name is held for its former Owners (holds.py).
    held_by = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    held_until = UTCDateTimeAttribute(null=True)  # none: until an administrator releases it
    deleted_at = UTCDateTimeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)
    all = AllProjects()
    by_age = ProjectsByAge()  # the newest projects, for the feed

    @property
    def identity(self) -> str:
        """This project, told apart from one deleted and made again under its name."""
        return self.uid or f"created:{self.created_at.isoformat() if self.created_at else ''}"

    def takes_files(self) -> Any:
        """The condition under which this very project (not one made again since it was read) may
        list files: it is not being deleted and has an Owner who is not suspended."""
        same = (Project.uid == self.uid) if self.uid else (Project.name.exists() & Project.uid.does_not_exist())
        return same & Project.deleting.does_not_exist() & Project.owners_suspended.does_not_exist()


class ReleasesByAge(GlobalSecondaryIndex["Release"]):
    class Meta:
        index_name = "by_age"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


@dataclass(frozen=True, kw_only=True)
class CoreMetadata:
    """The core metadata a release keeps from its first file: the one list of release fields.
    The upload's metadata (forklift.metadata.Metadata), the Release item's attributes and what
    pages read (projects.ReleaseInfo) all derive from it; a new field is one line here."""

    metadata_version: str = ""
    summary: str = ""
    description: str = ""
    description_content_type: str = ""
    requires_python: str = ""
    classifiers: Sequence[str] = ()
    author: str = ""
    author_email: str = ""
    maintainer: str = ""
    maintainer_email: str = ""
    license: str = ""
    license_expression: str = ""
    license_files: Sequence[str] = ()
    keywords: str = ""
    home_page: str = ""
    download_url: str = ""
    requires_dist: Sequence[str] = ()
    provides_extra: Sequence[str] = ()
    project_urls: Sequence[str] = ()  # "Label, URL", as the field is written


RELEASE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(CoreMetadata))
LIST_FIELDS = frozenset(field.name for field in fields(CoreMetadata) if field.default == ())


class _CoreMetadataAttributes:
    """One attribute per CoreMetadata field (null on releases uploaded before it was kept), which
    the Release model inherits: pynamodb collects attributes from a model's bases too."""


for _name in RELEASE_FIELDS:
    _attribute = ListAttribute(of=UnicodeAttribute, null=True) if _name in LIST_FIELDS else UnicodeAttribute(null=True)
    _attribute.attr_name = _name
    setattr(_CoreMetadataAttributes, _name, _attribute)


class Release(_CoreMetadataAttributes, Model):
    """A version's metadata, from its first uploaded file: the CoreMetadata fields, and these."""

    class Meta:
        table_name = "releases"

    project = UnicodeAttribute(hash_key=True)
    version = UnicodeAttribute(range_key=True)
    description_html = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    listed = UnicodeAttribute(null=True)  # one constant value: every release in by_age
    by_age = ReleasesByAge()  # the newest releases, for the feed

    def core_metadata(self) -> dict[str, Any]:
        """The CoreMetadata fields' values, empty where the item has none."""
        values = {name: getattr(self, name) for name in RELEASE_FIELDS}
        return {name: [str(v) for v in value or ()] if name in LIST_FIELDS else value or ""
                for name, value in values.items()}


class FilesByProject(GlobalSecondaryIndex["File"]):
    class Meta:
        index_name = "by_project"
        projection = AllProjection()

    project = UnicodeAttribute(hash_key=True)
    filename = UnicodeAttribute(range_key=True)


class File(Model):
    """A distribution file by name: a name once used is never used again, even if deleted.
    A deleted file's item stays as a tombstone: without `project` it leaves the by_project
    index, and `deleted_project` says whose it was."""

    class Meta:
        table_name = "files"

    filename = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(null=True)  # None once deleted
    deleted_project = UnicodeAttribute(null=True)
    deleted_at = UTCDateTimeAttribute(null=True)
    version = UnicodeAttribute()
    packagetype = UnicodeAttribute()
    python_version = UnicodeAttribute(default="")
    requires_python = UnicodeAttribute(default="")
    size = NumberAttribute()
    sha256 = UnicodeAttribute()
    md5 = UnicodeAttribute()
    blake2_256 = UnicodeAttribute()
    path = UnicodeAttribute()  # S3 key
    metadata_sha256 = UnicodeAttribute(null=True)  # PEP 658: METADATA stored beside it (layout.metadata_key)
    provenance = UnicodeAttribute(null=True)  # PEP 740: its publisher and log entry (JSON); the object beside it
    uploaded_at = UTCDateTimeAttribute()
    uploaded_by = UnicodeAttribute()
    yanked = BooleanAttribute(default=False)
    yanked_reason = UnicodeAttribute(default="")
    by_project = FilesByProject()


class FileIdentity(Model):
    """A file's identity beyond its spelling (filenames.canonical), written with the file and kept
    after it is deleted, like its tombstone: a file is uploaded once, in any spelling."""

    class Meta:
        table_name = "file-identities"

    canonical = UnicodeAttribute(hash_key=True)
    filename = UnicodeAttribute()  # the spelling it was uploaded under
    project = UnicodeAttribute()


class SimplePage(Model):
    """A project's simple pages (or the index's, under the key "/"), built when it changes.

    One head item ("page") and the zlib-compressed bodies in chunks: "json#000"... sort before
    it and "text#000"... after, so one query reads the head with one kind's chunks. `wanted`
    counts changes (each write's transaction adds one); `built` is the count the stored
    bodies were built from: less than `wanted`, they are stale."""

    class Meta:
        table_name = "simple-pages"

    page = UnicodeAttribute(hash_key=True)
    part = UnicodeAttribute(range_key=True)
    wanted = NumberAttribute(null=True)
    built = NumberAttribute(null=True)
    json_etag = UnicodeAttribute(null=True)
    json_chunks = NumberAttribute(null=True)
    private = BooleanAttribute(null=True)  # the project's, as the bodies were built: read only with access
    links = UnicodeAttribute(null=True)  # the file URL the bodies link to (none: /packages/)
    html_etag = UnicodeAttribute(null=True)
    html_chunks = NumberAttribute(null=True)
    body = BinaryAttribute(null=True, legacy_encoding=False)


class Grant(Model):
    """A user's roles on a project through organizations, each "<role> <source>" (source "team:<org>/<team>"
    or "org:<org>", an organization Owner's); written by chalicelib.organizations, read by permissions."""

    class Meta:
        table_name = "project-grants"

    project = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)
    sources = UnicodeSetAttribute(null=True)
    by_user = ByUser()


MODELS: tuple[type[Model], ...] = (Role, RoleInvitation, Project, Release, File, FileIdentity, SimplePage, Grant)
