"""What Owners do to what was uploaded: yank and un-yank a release (PEP 592), delete a file,
a release, the project.

Records change first, objects after: nothing is listed without its bytes. A deleted file's
item stays as a tombstone, so its name is never accepted again; a deleted project's name is
held for its former Owners (holds.py), and its roles, invitations and publishers go with it.
A project is marked before anything of it is removed, and uploads require it unmarked, so no
upload lists a file during its deletion. Each change bumps the project's serial (the simple
page's ETag).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock, storage
from chalicelib.core.db import Write, deleting, get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging import catalog, changes, collaborators, exposure, holds, layout, permissions
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.models import File, Project, Release
from chalicelib.packaging.names import normalize, ultra_guard
from chalicelib.packaging.permissions import Permission

log = logging.getLogger(__name__)
Dependents = Callable[[str], list[Write]]  # a project's name -> the writes that remove what names it
REASON_MAX = 500
BATCH = 90  # writes per transaction (DynamoDB takes 100), leaving room for the events and the project


def _files(found: ProjectInfo, version: str | None = None) -> list[catalog.FileInfo]:
    return [f for f in catalog.files(found).files if version is None or f.version == version]


def yank(actor: str, found: ProjectInfo, version: str, reason: str, origin: Origin) -> None:
    permissions.require(actor, Permission.YANK, found.name, found.status)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": gettext("Keep the reason under %(max)s characters.", max=REASON_MAX)})
    _mark(actor, found, catalog.release(found, version).version, True, reason, Tag.RELEASE_YANK, origin)


def unyank(actor: str, found: ProjectInfo, version: str, origin: Origin) -> None:
    permissions.require(actor, Permission.YANK, found.name, found.status)
    _mark(actor, found, catalog.release(found, version).version, False, "", Tag.RELEASE_UNYANK, origin)


def _mark(actor: str, found: ProjectInfo, version: str, yanked: bool, reason: str, tag: Tag, origin: Origin) -> None:
    def marking(filename: str) -> Write:
        return lambda t: t.update(File(filename), actions=[File.yanked.set(yanked), File.yanked_reason.set(reason)],
                                  condition=File.project == found.name)
    writes = [marking(f.filename) for f in _files(found, version)]
    detail = f"{version}: {reason}" if reason else version
    _commit(found, writes, _finish(actor, found, tag, detail, origin))


def delete_file(actor: str, found: ProjectInfo, filename: str, origin: Origin) -> None:
    permissions.require(actor, Permission.DELETE, found.name, found.status)
    chosen = [f for f in _files(found) if f.filename == filename]
    if not chosen:
        raise NotFound(gettext("This project has no file of that name."))
    _commit(found, [_tombstone(found, filename)], _finish(actor, found, Tag.FILE_DELETE, filename, origin))
    _remove_objects(chosen)
    _tell_owners(found, "file", filename, actor)


def delete_release(actor: str, found: ProjectInfo, version: str, origin: Origin) -> None:
    permissions.require(actor, Permission.DELETE, found.name, found.status)
    version = catalog.release(found, version).version
    files = _files(found, version)
    writes = [_tombstone(found, f.filename) for f in files]
    writes.append(lambda t: t.delete(Release(found.name, version), condition=Release.version.exists()))
    _commit(found, writes, _finish(actor, found, Tag.RELEASE_DELETE, version, origin))
    _remove_objects(files)
    _tell_owners(found, "release", version, actor)


def delete_project(actor: str, found: ProjectInfo, typed_name: str, origin: Origin, *,
                   dependents: Sequence[Dependents],
                   as_administrator: bool = False, also: Write | None = None) -> None:
    """Needs the project's name typed; holds the name for its Owners (unless an administrator
    prohibited it), keeps its filenames used. `dependents` name what other domains keep of the
    project, removed with it (DEPENDENTS in its callers: its trusted publishers and open upload
    sessions). An
    administrator may delete any project, quarantined ones too; `also` adds the caller's writes
    (the admin log) to the last transaction."""
    if as_administrator:
        if not permissions.administers(actor, Permission.DELETE):
            raise NotFound()
    else:
        permissions.require(actor, Permission.DELETE, found.name, found.status)
    if normalize(typed_name.strip() or "-") != found.name:
        raise ValidationError({"confirm_name": gettext(
            "Type the project name, %(name)s, to confirm.", name=found.display_name)})
    _mark_deleting(found)  # from here on no upload can list a file: their transactions require no mark
    owners = collaborators.owners(found.name)
    files = _files(found)
    writes: list[Write] = [_tombstone(found, f.filename) for f in files]
    writes += [deleting(r) for r in Release.query(found.name)]
    writes += collaborators.removal_writes(found.name)
    writes += [write for dependent in dependents for write in dependent(found.name)]

    guard = get_or_none(Project, ultra_guard(found.display_name))
    keep_guard = guard is not None and guard.prohibited is not None  # the prohibition outlives the project

    def last(t: TransactWrite) -> None:  # the project goes in the last transaction, with its events
        t.delete(Project(found.name), condition=Project.name.exists())
        holds.hold(t, found.display_name, owners, actor, clock.now(), prohibited=keep_guard)
        _finish(actor, found, Tag.PROJECT_DELETE, found.display_name, origin)(t)
        if also is not None:
            also(t)
    _commit(found, writes, last, gone=True)
    _remove_objects(files + _leftovers(found))
    _tell_owners(found, "project", found.display_name, actor, owners)


def _leftovers(found: ProjectInfo) -> list[catalog.FileInfo]:
    """Verifies that nothing of a deleted project is left: a file listed just before the mark
    that the (eventually consistent) index did not show yet is removed now, with its release."""
    files = _files(found)
    writes = [_tombstone(found, f.filename) for f in files]
    writes += [deleting(r) for r in Release.query(found.name, consistent_read=True)]
    for number in range(0, len(writes), BATCH):
        with transaction() as t:
            for write in writes[number:number + BATCH]:
                write(t)
    return files


def _mark_deleting(found: ProjectInfo) -> None:
    """Marks the project as being deleted (again, after a deletion cut short)."""
    try:
        with transaction() as t:
            t.update(Project(found.name), actions=[Project.deleting.set(clock.now())],
                     condition=Project.name.exists())
    except TransactWriteError as exc:
        raise NotFound(gettext("No such project.")) from exc


def _tombstone(found: ProjectInfo, filename: str) -> Write:
    def write(t: TransactWrite) -> None:
        t.update(File(filename), actions=[File.project.remove(), File.deleted_project.set(found.name),
                                          File.deleted_at.set(clock.now())], condition=File.project == found.name)
    return write


def _finish(actor: str, found: ProjectInfo, tag: Tag, detail: str, origin: Origin) -> Write:
    return lambda t: record(t, tag, origin, user=actor, project=found.history_key, detail=detail)


def _commit(found: ProjectInfo, writes: list[Write], last: Write, gone: bool = False) -> None:
    """The writes in as few transactions as DynamoDB allows (one for all but the largest
    projects), `last` in the final one with the mark of the change (the index's too when the
    project is `gone`: its last transaction deletes it); each earlier one bumps the serial. A
    change that raced another is refused, never half-applied within a transaction."""
    chunks = [writes[i:i + BATCH] for i in range(0, len(writes), BATCH)] or [[]]
    change = changes.Change(found.name, listing=gone)
    for number, chunk in enumerate(chunks):
        final = number == len(chunks) - 1
        try:
            with transaction() as t:
                for write in chunk:
                    write(t)
                if final:
                    changes.mark(t, change, bump=not gone)
                    last(t)
                else:
                    t.update(Project(found.name), actions=[Project.serial.add(1)], condition=Project.name.exists())
        except TransactWriteError as exc:
            raise Conflict(gettext("The project changed at the same time: reload the page and try again.")) from exc
    changes.announce(change)


def _remove_objects(files: list[catalog.FileInfo]) -> None:
    """The deleted files' objects go, and the CDN forgets them."""
    keys = [key for f in files for path in [f.url_path.lstrip("/")] for key in layout.objects_of(path)
            if layout.names(key, path, f.metadata_sha256 is not None, f.provenance is not None)]
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - the record is gone; a leftover object is only logged
            log.exception("could not remove %s after deleting it", key)
    exposure.forget(keys)


def _tell_owners(found: ProjectInfo, what: str, name: str, actor: str, owners: list[str] | None = None) -> None:
    collaborators.mail_owners(found, "project-deleted", owners_then=owners, what=what, name=name, actor=actor)
