"""An administrator's review of the organizations made while new ones need approval
(core.switches): approving one lets it take members, teams and projects and gives it a public
page; declining one removes it, its creator's membership, its history and its claim on the
name. Both are in the admin log and the creator's history, and mailed to the creator."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import mails
from chalicelib.accounts.models import User
from chalicelib.admin import log
from chalicelib.core import namespace
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.models import Event
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.organizations.models import Member, Organization
from chalicelib.organizations.services import OrgInfo, info
from chalicelib.packaging.names import normalize

REASON_MAX = 500


def _awaiting(name: str) -> tuple[OrgInfo, Organization]:
    item = get_or_none(Organization, normalize(name))
    if item is None or not item.pending:
        raise NotFound(gettext("No organization of this name awaits approval."))
    return info(item), item


def approve(administrator: str, name: str, origin: Origin) -> None:
    found, item = _awaiting(name)
    try:
        with transaction() as t:
            t.update(Organization(found.name), actions=[Organization.pending.remove()],
                     condition=Organization.pending == True)  # noqa: E712
            t.save(log.entry(log.Action.APPROVE_ORGANIZATION, administrator, origin, target=found.name))
            record(t, Tag.ORG_APPROVE, origin, user=item.created_by, organization=found.history_key,
                   actor=administrator, detail=found.name)
    except TransactWriteError as exc:
        raise Conflict(gettext("Another administrator reviewed it at the same time: reload the page.")) from exc
    _tell(item.created_by, found, approved=True)


def decline(administrator: str, name: str, reason: str, origin: Origin) -> None:
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": gettext("Give a reason of at most %(max)s characters: the creator is "
                                                 "mailed it.", max=REASON_MAX)})
    found, item = _awaiting(name)
    try:
        with transaction() as t:
            t.delete(Organization(found.name), condition=Organization.pending == True)  # noqa: E712
            for member in Member.query(found.name):  # its creator: nobody else joins before approval
                t.delete(member)
            namespace.release(t, found.name)
            for event in Event.query(found.history_key, limit=50):  # a new organization of the name starts afresh
                t.delete(event)
            t.save(log.entry(log.Action.DECLINE_ORGANIZATION, administrator, origin, target=found.name,
                             reason=reason))
            record(t, Tag.ORG_DECLINE, origin, user=item.created_by, actor=administrator, detail=found.name)
    except TransactWriteError as exc:
        raise Conflict(gettext("Another administrator reviewed it at the same time: reload the page.")) from exc
    _tell(item.created_by, found, approved=False, reason=reason)


def _tell(username: str, found: OrgInfo, *, approved: bool, reason: str = "") -> None:
    if (user := get_or_none(User, username)) is not None:
        mails.to_user(user, "organization-reviewed", organization=found.display_name, approved=approved,
                      reason=reason)
