"""A project changed: the one way every writer says so. In the transaction of its write,
`mark()` bumps the project's serial (the simple page's ETag; with the writer's condition and
any other action on the project item) and marks its simple page stale, and the index's when its
listing changed (a project came or went, or was made private or public). Once the transaction
committed, `announce()` builds those pages and has the CDN forget them. A page whose build
fails stays stale, and its next read builds it, so no update is lost and no write fails for its
page."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.packaging import pages
from chalicelib.packaging.models import Project


class Change(NamedTuple):
    project: str  # normalized name
    listing: bool = False  # the project was made, deleted, or made private or public: the index page changed too


def mark(t: TransactWrite, change: Change, *, bump: bool = True, condition: Any = None,
         actions: Sequence[Action] = ()) -> None:
    """Adds what a change of this project writes to the writer's transaction. bump=False for a
    writer that saves or deletes the project item itself (made with serial 1, or gone)."""
    if bump:
        t.update(Project(change.project), actions=[Project.serial.add(1), *actions],
                 condition=Project.name.exists() if condition is None else condition)
    pages.changed(t, change.project)
    if change.listing:
        pages.changed(t, pages.INDEX)


def announce(change: Change) -> None:
    """After the write committed: its pages are built, and the CDN forgets them and the
    project's JSON API answers."""
    pages.refresh(change.project, also=[f"/pypi/{change.project}/*"])
    if change.listing:
        pages.refresh(pages.INDEX)
