"""A project's visibility: its Owners make it private (read only by its collaborators, through
their sessions and their API tokens with the Read permission) and public again. Each change
bumps the serial and rebuilds the project's simple page and the index's (which lists public
projects only), has the CDN forget both, is recorded in the actor's and the project's history,
and is mailed to every Owner; a private project's files are withheld from the file URL
(chalicelib.packaging.exposure). Who may read what is chalicelib.packaging.permissions.sight()'s."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib.core.db import transaction
from chalicelib.core.errors import Conflict
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging import changes, collaborators, exposure, permissions
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.models import Project
from chalicelib.packaging.permissions import Permission


def make_private(actor: str, found: ProjectInfo, origin: Origin) -> None:
    _change(actor, found, True, origin)


def make_public(actor: str, found: ProjectInfo, origin: Origin) -> None:
    _change(actor, found, False, origin)


def _change(actor: str, found: ProjectInfo, private: bool, origin: Origin) -> None:
    """From the visibility the actor saw to the other, on condition that it is still the one
    they saw (a change made meanwhile wins, and this one is refused) and the project is not
    being deleted."""
    permissions.require(actor, Permission.VISIBILITY, found.name, found.status)
    if found.private == private:
        raise Conflict(gettext("The project's visibility changed meanwhile: reload the page and try again."))
    was = Project.private == True if found.private else Project.private.does_not_exist()  # noqa: E712

    def write() -> None:
        try:
            with transaction() as t:
                changes.mark(t, changes.Change(found.name, listing=True),
                             actions=[Project.private.set(True) if private else Project.private.remove()],
                             condition=Project.name.exists() & Project.deleting.does_not_exist() & was)
                record(t, Tag.PROJECT_PRIVATE if private else Tag.PROJECT_PUBLIC, origin, user=actor,
                       project=found.history_key)
        except TransactWriteError as exc:
            raise Conflict(gettext("The project's visibility changed meanwhile: reload the page and try again.")) \
                from exc
    exposure.around(found, exposure.withheld(private, found.status), write)
    changes.announce(changes.Change(found.name, listing=True))
    collaborators.mail_owners(found, "project-visibility", actor=actor, private=private)
