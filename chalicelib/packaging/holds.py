"""A deleted project's name is held for its former Owners, so that nobody else revives it and
receives every pinned `pip install name==version` of the old project. The hold lives on the
name's guard item (packaging.models.Project under names.ultra_guard), which stays after the
project goes: it names the former Owners, when and by whom the project was deleted, and until
when it is held (the setting `deleted_name_hold_days`; by default until an administrator
releases it). Held guards are listed under "held" in the projects' `all` index.

`refuses` is the rule as read before a write; `creation_condition` is the same rule as the
condition of the transaction that creates a project, so no concurrent request slips past it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.core.config import get_settings
from chalicelib.packaging.models import Project
from chalicelib.packaging.names import ultra_guard

HELD = "held"  # the `listed` value of a held guard


class Hold(NamedTuple):
    key: str  # the guard's key
    name: str  # the deleted project's name, as it was shown
    owners: list[str]  # its Owners when it was deleted: they may make it again
    deleted_by: str
    deleted_at: datetime
    until: datetime | None  # None: until an administrator releases it


def is_held(guard: Project | None) -> bool:
    return guard is not None and guard.deleted_at is not None


def refuses(guard: Project | None, creator: str, now: datetime) -> bool:
    """Whether a held name refuses this user a new project (former Owners may make it again)."""
    if guard is None or not is_held(guard):
        return False
    lapsed = guard.held_until is not None and guard.held_until <= now
    return not lapsed and creator not in (guard.held_by or [])


def creation_condition(creator: str, now: datetime) -> Any:
    """The condition on a new project's guard: none yet, or a hold (never a prohibition) that
    lets this creator in; refuses() in the transaction's terms."""
    lets_in = Project.held_by.contains(creator) | (Project.held_until.exists() & (Project.held_until <= now))
    return Project.name.does_not_exist() | (Project.deleted_at.exists() & Project.prohibited.does_not_exist()
                                            & lets_in)


def hold(t: TransactWrite, display_name: str, owners: list[str], actor: str, now: datetime,
         prohibited: bool) -> None:
    """Adds to a project's deletion what becomes of its name's guard: held for its Owners, or
    (with no hold set) gone, unless an administrator prohibited the name."""
    key, days = ultra_guard(display_name), get_settings().deleted_name_hold_days
    former: Any = sorted(owners)
    if days == 0:
        if not prohibited:  # a prohibition made meanwhile fails the transaction: trying again keeps it
            t.delete(Project(key), condition=Project.prohibited.does_not_exist())
        return
    until = Project.held_until.set(now + timedelta(days=days)) if days else Project.held_until.remove()
    t.update(Project(key), actions=[
        Project.listed.set(HELD), Project.display_name.set(display_name), Project.held_by.set(former),
        until, Project.deleted_at.set(now), Project.deleted_by.set(actor)])


def held() -> list[Hold]:
    """Every held name, by name."""
    found = [Hold(item.name, item.display_name or item.name, [str(o) for o in item.held_by or []],
                  item.deleted_by or "", item.deleted_at, item.held_until)
             for item in Project.all.query(HELD) if item.deleted_at is not None]
    return sorted(found, key=lambda h: h.name.lower())


def free(t: TransactWrite, guard: Project) -> None:
    """Frees a held name (an administrator's release): the guard goes, or keeps only its prohibition."""
    if guard.prohibited is not None:
        t.update(guard, actions=[Project.listed.remove(), Project.held_by.remove(), Project.held_until.remove(),
                                 Project.deleted_at.remove(), Project.deleted_by.remove()],
                 condition=Project.deleted_at == guard.deleted_at)
    else:
        t.delete(guard, condition=(Project.deleted_at == guard.deleted_at) & Project.prohibited.does_not_exist())
