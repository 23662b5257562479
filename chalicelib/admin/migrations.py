"""One-off changes to stored data that newer code needs, safe to run again: `make run` runs them
on the saved local state, and a deployment runs scripts/migrate.py once after an upgrade.

- file identities: every file uploaded before they were kept gets its identity
  (chalicelib.packaging.filenames), so none comes back under another spelling;
- name guards: guards and prohibitions keyed under the older, looser folding of names move to
  today's key (chalicelib.packaging.names.ultranormalize folds 1/l/I and 0/o too), merging
  with any guard already there;
- role events: the roles a role event recorded in its detail's English ("bob (Maintainer →
  Owner)") move to its data (chalicelib.events.models.Event.roles), leaving the name.
"""
from __future__ import annotations

import re
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.admin.models import ProhibitedName
from chalicelib.core.db import cancelled, get_or_none
from chalicelib.events.models import Event
from chalicelib.packaging.filenames import canonical
from chalicelib.packaging.models import File, FileIdentity, Project
from chalicelib.packaging.names import fold

GUARD = "ultra:"
KEPT = ("prohibited", "held_by", "held_until", "deleted_at", "deleted_by", "display_name", "listed")


def file_identities() -> int:
    """Records the identity of every file that has none; returns how many were recorded."""
    added = 0
    for item in File.scan():
        try:
            FileIdentity(canonical(item.filename), filename=item.filename,
                         project=item.project or item.deleted_project or "").save(
                condition=FileIdentity.canonical.does_not_exist())
            added += 1
        except PutError as exc:
            if not cancelled(exc):
                raise
    return added


def name_guards() -> int:
    """Moves every guard and prohibition made under the older folding; returns how many moved."""
    moved = 0
    for item in Project.scan(Project.name.startswith(GUARD)):
        key = GUARD + fold(item.name.removeprefix(GUARD))
        if key != item.name:
            _merge(item, key)
            item.delete()
            moved += 1
    for prohibition in ProhibitedName.query("prohibited"):
        name = fold(prohibition.name)
        if name != prohibition.name:
            if get_or_none(ProhibitedName, prohibition.listed, name) is None:
                ProhibitedName(prohibition.listed, name, display_name=prohibition.display_name,
                               reason=prohibition.reason, prohibited_by=prohibition.prohibited_by,
                               created_at=prohibition.created_at).save()
            prohibition.delete()
            moved += 1
    return moved


def _merge(old: Project, key: str) -> None:
    """The old guard's prohibition and hold onto the guard under `key` (made if missing)."""
    values: dict[str, Any] = {name: getattr(old, name) for name in KEPT if getattr(old, name) is not None}
    actions = [getattr(Project, name).set(value) for name, value in values.items()]
    if actions:
        Project(key).update(actions=actions)
    elif get_or_none(Project, key) is None:
        Project(key).save()


ROLES_IN_DETAIL = re.compile(r"^(?P<name>.+) \((?P<roles>[A-Z][a-z]+(?: → [A-Z][a-z]+)?)\)$")


def role_events() -> int:
    """Moves the roles out of every role event's detail into its data; returns how many moved."""
    moved = 0
    for event in Event.scan(Event.tag.startswith("project:role:") & Event.roles.does_not_exist()):
        found = ROLES_IN_DETAIL.match(event.detail or "")
        if found:
            roles: Any = str(found["roles"]).split(" → ")  # pynamodb types a list of text as attributes
            event.update(actions=[Event.detail.set(found["name"]), Event.roles.set(roles)])
            moved += 1
    return moved


def run_all() -> dict[str, int]:
    return {"file identities recorded": file_identities(), "name guards moved": name_guards(),
            "role events moved": role_events()}
