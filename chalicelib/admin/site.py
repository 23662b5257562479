"""What an administrator changes for the whole index: the switches that halt new accounts and
new projects, make the index private and hold new organizations for approval, the names nobody
may register, and the held names of deleted projects."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.admin import log
from chalicelib.admin.models import ProhibitedName
from chalicelib.core import cdn, clock, switches
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.packaging import holds
from chalicelib.packaging.creation import NAME_MAX
from chalicelib.packaging.models import Project
from chalicelib.packaging.names import NAME_RE, ultra_guard, ultranormalize

REASON_MAX = 500
LIST = "prohibited"


def set_switches(administrator: str, *, registrations: bool, projects: bool, private: bool,
                 review_organizations: bool, origin: Origin) -> None:
    """Saves the switches; each one that changed is a line in the admin log. A change of the
    index's privacy also has the CDN forget what it keeps of the index and its files."""
    before = switches.current(fresh=True)  # the cache may be another container's news late
    changed = [(on, off_action, on_action) for was, on, off_action, on_action in (
        (before.registrations, registrations, log.Action.HALT_REGISTRATIONS, log.Action.ALLOW_REGISTRATIONS),
        (before.projects, projects, log.Action.HALT_PROJECTS, log.Action.ALLOW_PROJECTS),
        (before.private, private, log.Action.PUBLIC_INDEX, log.Action.PRIVATE_INDEX),
        (before.review_organizations, review_organizations, log.Action.OPEN_ORGANIZATIONS,
         log.Action.REVIEW_ORGANIZATIONS)) if was != on]
    if not changed:
        return
    with transaction() as t:
        state = switches.save(t, registrations=registrations, projects=projects, private=private,
                               review_organizations=review_organizations, by=administrator)
        for on, off_action, on_action in changed:
            t.save(log.entry(on_action if on else off_action, administrator, origin))
    switches.remember(state)
    if before.private != private:
        cdn.invalidate(["/simple/*", "/simple", "/packages/*"])


class Prohibition(NamedTuple):
    name: str
    reason: str
    by: str
    at: datetime


def prohibit(administrator: str, name: str, reason: str, origin: Origin) -> None:
    """No project may be made under this name, in any spelling (its ultra-normalized form),
    by upload or by a pending publisher. A project that has the name keeps it."""
    name, reason = name.strip(), reason.strip()
    errors = {}
    if not name or len(name) > NAME_MAX or not NAME_RE.match(name):
        errors["name"] = gettext("Names start and end with a letter or digit and contain only letters, digits, "
                                 "'.', '_' and '-'.")
    if not reason or len(reason) > REASON_MAX:
        errors["reason"] = gettext("Give a reason of at most %(max)s characters.", max=REASON_MAX)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction() as t:
            t.save(ProhibitedName(LIST, ultranormalize(name), display_name=name, reason=reason,
                                  prohibited_by=administrator, created_at=clock.now()),
                   condition=ProhibitedName.name.does_not_exist())
            t.update(Project(ultra_guard(name)), actions=[Project.prohibited.set(reason)])
            t.save(log.entry(log.Action.PROHIBIT, administrator, origin, target=name, reason=reason))
    except TransactWriteError as exc:
        raise ValidationError({"name": gettext("This name is already prohibited, in this or another spelling.")}) \
            from exc


def prohibited() -> list[Prohibition]:
    """Every prohibited name, by name."""
    return [Prohibition(item.display_name, item.reason, item.prohibited_by, item.created_at)
            for item in ProhibitedName.query(LIST)]


def held() -> list[holds.Hold]:
    return holds.held()


def release_name(administrator: str, key: str, reason: str, origin: Origin) -> None:
    """Frees a deleted project's held name for anyone (a prohibition of it stays)."""
    guard = get_or_none(Project, key) if key.startswith(ultra_guard("")) else None
    if guard is None or not holds.is_held(guard):
        raise NotFound(gettext("No held name of that spelling."))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": gettext("Give a reason of at most %(max)s characters.", max=REASON_MAX)})
    try:
        with transaction() as t:
            holds.free(t, guard)
            t.save(log.entry(log.Action.RELEASE_NAME, administrator, origin, target=guard.display_name or key,
                             reason=reason))
    except TransactWriteError as exc:
        raise Conflict(gettext("The name changed at the same time: reload the page and try again.")) from exc
