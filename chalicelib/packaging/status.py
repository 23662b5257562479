"""A project's status (PEP 792): its Owners archive it and undo that; an administrator
quarantines it and releases it. Each change bumps the serial (the simple page shows the
status), is recorded in the actor's and the project's history, and is mailed to every Owner.
Who may set which status is chalicelib.packaging.permissions'."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging import changes, collaborators, exposure, permissions
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.models import Project
from chalicelib.packaging.permissions import Permission, ProjectStatus

REASON_MAX = 500
Also = Callable[[TransactWrite], None]  # writes of the caller's, in the same transaction (the admin log)


def archive(actor: str, found: ProjectInfo, origin: Origin) -> None:
    permissions.require(actor, Permission.ARCHIVE, found.name, found.status)
    _change(actor, found, ProjectStatus.ACTIVE, ProjectStatus.ARCHIVED, "", Tag.PROJECT_ARCHIVE, origin)


def unarchive(actor: str, found: ProjectInfo, origin: Origin) -> None:
    permissions.require(actor, Permission.ARCHIVE, found.name, found.status)
    _change(actor, found, ProjectStatus.ARCHIVED, ProjectStatus.ACTIVE, "", Tag.PROJECT_UNARCHIVE, origin)


def quarantine(actor: str, found: ProjectInfo, reason: str, origin: Origin, also: Also | None = None) -> None:
    """Nothing of the project is offered to installers, and nothing of it can change, until released."""
    _require_administrator(actor)
    reason = _reason(reason)
    if found.status is ProjectStatus.QUARANTINED:
        raise ValidationError({"reason": gettext("This project is already quarantined.")})
    before: list[Action] = [Project.status_before.set(found.status.value)] if found.status is not \
        ProjectStatus.ACTIVE else []
    _change(actor, found, found.status, ProjectStatus.QUARANTINED, reason, Tag.PROJECT_QUARANTINE, origin, also,
            before)


def lift_quarantine(actor: str, found: ProjectInfo, origin: Origin, also: Also | None = None) -> None:
    """Back to the status the project had when it was quarantined (archived stays archived)."""
    _require_administrator(actor)
    item = get_or_none(Project, found.name)
    after = permissions.status_of(item.status_before if item is not None else None)
    _change(actor, found, ProjectStatus.QUARANTINED, after, "", Tag.QUARANTINE_LIFT, origin, also,
            [Project.status_before.remove()])


def _require_administrator(actor: str) -> None:
    if not permissions.administers(actor, Permission.QUARANTINE):
        raise NotFound()


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": gettext("Keep the reason under %(max)s characters.", max=REASON_MAX)})
    return reason


def _change(actor: str, found: ProjectInfo, before: ProjectStatus, after: ProjectStatus, reason: str, tag: Tag,
            origin: Origin, also: Also | None = None, more: Sequence[Action] = ()) -> None:
    """From `before` to `after`, on condition that the project is still in `before` (a change
    made meanwhile wins, and this one is refused)."""
    if found.status is not before:
        raise Conflict(gettext("The project's status changed meanwhile: reload the page and try again."))
    stored = Project.status.does_not_exist() if before is ProjectStatus.ACTIVE else Project.status == before.value
    actions: list[Action] = [Project.status.set(after.value) if after is not ProjectStatus.ACTIVE
                             else Project.status.remove(),
                             Project.status_reason.set(reason) if reason else Project.status_reason.remove(),
                             *more]

    def write() -> None:
        try:
            with transaction() as t:
                changes.mark(t, changes.Change(found.name), actions=actions, condition=Project.name.exists() & stored)
                record(t, tag, origin, user=actor, project=found.history_key, detail=reason)
                if also is not None:
                    also(t)
        except TransactWriteError as exc:
            raise Conflict(gettext("The project's status changed meanwhile: reload the page and try again.")) \
                from exc
    exposure.around(found, exposure.withheld(found.private, after), write)
    changes.announce(changes.Change(found.name))
    collaborators.mail_owners(found, "project-status", actor=actor, status=after.value, reason=reason)
