"""The index's tables: projects, their releases and files, and who holds which role.

- roles: a project's collaborators (by project); GSI by_user for a user's projects.
- role-invitations: pending invitations (by project); GSI by_user for a user's.
- projects (GSI all: every project by name), releases (by project and version),
  files (by filename; GSI by_project for the simple index), file-identities (a file's identity
  whatever its spelling: filenames.canonical).
- simple-pages: each project's simple pages and the index, built when they change (pages.py).
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class RolesByUser(GlobalSecondaryIndex["Role"]):
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
    by_user = RolesByUser()


class InvitationsByUser(GlobalSecondaryIndex["RoleInvitation"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(range_key=True)


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
    by_user = InvitationsByUser()


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


class Release(Model):
    """A version's metadata, from its first uploaded file."""

    class Meta:
        table_name = "releases"

    project = UnicodeAttribute(hash_key=True)
    version = UnicodeAttribute(range_key=True)
    summary = UnicodeAttribute(default="")
    description_html = UnicodeAttribute(default="")
    requires_python = UnicodeAttribute(default="")
    classifiers = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    author = UnicodeAttribute(default="")
    license = UnicodeAttribute(default="")
    home_page = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    listed = UnicodeAttribute(null=True)  # one constant value: every release in by_age
    by_age = ReleasesByAge()  # the newest releases, for the feed
    # From the first file's own METADATA/PKG-INFO (null on releases uploaded before they were kept).
    metadata_version = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    description_content_type = UnicodeAttribute(null=True)
    author_email = UnicodeAttribute(null=True)
    maintainer = UnicodeAttribute(null=True)
    maintainer_email = UnicodeAttribute(null=True)
    keywords = UnicodeAttribute(null=True)
    download_url = UnicodeAttribute(null=True)
    license_expression = UnicodeAttribute(null=True)
    license_files = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    requires_dist = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    provides_extra = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    project_urls = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]  # "Label, URL"


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
    html_etag = UnicodeAttribute(null=True)
    html_chunks = NumberAttribute(null=True)
    body = BinaryAttribute(null=True, legacy_encoding=False)


MODELS: tuple[type[Model], ...] = (Role, RoleInvitation, Project, Release, File, FileIdentity, SimplePage)
