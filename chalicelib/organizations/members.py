"""An organization's members: invited by mail (a signed link that works once, within 7 days;
revocable), answered by the invitee, their roles changed and removed. What a role may do to
whom is chalicelib.packaging.permissions.org_may_change(): anything to or from Owner is an
Owner's, the rest a Manager's too, and a Member changes nobody.

The organization item counts its Owners, and every write that could take away the last one
carries the condition that one stays, so two Owners removing each other at once cannot leave
an organization with none. Each change is in the actor's, the member's and the organization's
history, and is mailed to the member and to every Owner.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.models import User
from chalicelib.core import clock, mail, signing
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, InvalidLink, NotFound, TwoFactorRequired, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.organizations import grants, teams
from chalicelib.organizations.models import Member, MemberInvitation, Organization, OrgProject
from chalicelib.organizations.services import OrgInfo, active, organization, role_of
from chalicelib.packaging.permissions import OrgPermission, OrgRoleName, org_allows, org_may_change, org_role_name

LIFETIME = timedelta(seconds=signing.MAX_AGE[signing.ORGANIZATION_INVITATION])
LAST_OWNER = N_("An organization needs an Owner: make another member an Owner first.")


class MemberInfo(NamedTuple):
    username: str
    role: str


class Invitation(NamedTuple):
    organization: str
    organization_name: str
    username: str
    role: str
    invited_by: str
    expires: datetime


def members(org: str) -> list[MemberInfo]:
    """Owners first, then Managers, then by name."""
    order = list(OrgRoleName)
    found = [MemberInfo(m.username, m.role) for m in Member.query(org)]
    return sorted(found, key=lambda m: (order.index(r) if (r := org_role_name(m.role)) else len(order), m.username))


def owners(org: str) -> list[str]:
    return [m.username for m in members(org) if m.role == OrgRoleName.OWNER]


def _invitation(item: MemberInvitation) -> Invitation:
    return Invitation(item.organization, item.organization_name, item.username, item.role, item.invited_by,
                      item.expires)


def pending(org: str) -> list[Invitation]:
    return [_invitation(i) for i in MemberInvitation.query(org) if i.expires > clock.now()]


def invitations_for(username: str) -> list[Invitation]:
    return [_invitation(i) for i in MemberInvitation.by_user.query(username) if i.expires > clock.now()]


def _refuse_change(actor: str, found: OrgInfo, before: OrgRoleName | None, after: OrgRoleName | None) -> None:
    """NotFound to a stranger; a refusal that says why to a member whose role may not do this, or
    while the organization awaits approval."""
    role = role_of(actor, found.name)
    if role is None:
        raise NotFound(gettext("Nothing here: you are not a member of this organization, or it does not exist."))
    active(found)
    if not org_may_change(role, before, after):
        raise ValidationError({"role": gettext("Only an Owner can make, change or remove an Owner.")
                               if org_allows(role, OrgPermission.MEMBERS) else
                               gettext("Only Owners and Managers can invite members or change their roles.")})


def invite(actor: str, found: OrgInfo, *, username: str, role: str, origin: Origin) -> None:
    chosen = org_role_name(role)
    if chosen is None:
        raise ValidationError({"role": gettext("Choose the role Owner, Manager or Member.")})
    _refuse_change(actor, found, None, chosen)
    invitee = get_or_none(User, username.strip().lower()) if username.strip() else None
    if invitee is None:
        raise ValidationError({"username": gettext("No user has this username.")})
    if role_of(invitee.username, found.name) is not None:
        raise ValidationError({"username": gettext("%(user)s is already a member.", user=invitee.display_username)})
    now, nonce = clock.now(), secrets.token_urlsafe(16)
    item = MemberInvitation(found.name, invitee.username, role=chosen.value, organization_name=found.display_name,
                            invited_by=actor, nonce=nonce, created_at=now, expires=now + LIFETIME)
    try:
        with transaction() as t:
            t.save(item, condition=MemberInvitation.organization.does_not_exist() | (MemberInvitation.expires < now))
            _events(t, actor, found, Tag.ORG_INVITE, invitee.username, [chosen.value], origin)
    except TransactWriteError as exc:
        raise ValidationError({"username": gettext(
            "%(user)s is already invited.", user=invitee.display_username)}) from exc
    link = mail.link("/account/organization-invitation/", token=signing.sign(signing.ORGANIZATION_INVITATION, {
        "organization": found.name, "user": invitee.username, "nonce": nonce}))
    mails.to_user(invitee, "organization-invitation", organization=found.display_name, role=chosen.value,
                  inviter=actor, link=link, days=LIFETIME.days)


def revoke(actor: str, found: OrgInfo, username: str, origin: Origin) -> None:
    item = get_or_none(MemberInvitation, found.name, username)
    _refuse_change(actor, found, None, org_role_name(item.role) if item else None)
    if item is None:
        raise NotFound(gettext("There is no pending invitation for this user."))
    with transaction() as t:
        t.delete(item)
        _events(t, actor, found, Tag.ORG_INVITE_REVOKE, username, [item.role], origin)


def invitation(token: str, username: str) -> Invitation:
    """The invitation a mailed link stands for, when it is this user's and still pending."""
    return _invitation(_from_link(token, username))


def _from_link(token: str, username: str) -> MemberInvitation:
    payload = signing.unsign(signing.ORGANIZATION_INVITATION, token)
    if payload.get("user") != username:
        raise InvalidLink(gettext("This invitation is for another account: log in as the user it was sent to."))
    item = get_or_none(MemberInvitation, str(payload.get("organization", "")), username)
    if item is None or not hmac.compare_digest(item.nonce, str(payload.get("nonce", ""))):
        raise InvalidLink(gettext("This invitation was answered or revoked."))
    return item


def answer(username: str, *, accept: bool, origin: Origin, token: str = "", org: str = "") -> OrgInfo:
    """Accepts (with two-factor) or declines an invitation, found by its mailed link or, from the
    user's organizations page, by organization."""
    item = _from_link(token, username) if token else get_or_none(MemberInvitation, org, username)
    if item is None or item.expires <= clock.now():
        raise InvalidLink(gettext("This invitation has expired, was answered or was revoked."))
    found = organization(item.organization)
    if not accept:
        with transaction() as t:
            t.delete(item, condition=MemberInvitation.nonce == item.nonce)
            _events(t, username, found, Tag.ORG_INVITE_DECLINE, username, [item.role], origin)
        return found
    if not twofactor.has_two_factor(User.get(username)):
        raise TwoFactorRequired()
    count = _owner_count(found.name)
    try:
        with transaction() as t:
            t.delete(item, condition=MemberInvitation.nonce == item.nonce)
            t.save(Member(found.name, username, role=item.role, organization_name=found.display_name,
                          created_at=clock.now()), condition=Member.username.does_not_exist())
            if item.role == OrgRoleName.OWNER:
                t.update(Organization(found.name), actions=[Organization.owners.set(count + 1)],
                         condition=Organization.owners == count)
            _events(t, username, found, Tag.ORG_INVITE_ACCEPT, username, [item.role], origin)
    except TransactWriteError as exc:
        raise InvalidLink(gettext(
            "This invitation was answered or revoked, or the organization changed: try again.")) from exc
    _owner_grants(found, username, None, org_role_name(item.role))
    _tell(found, "accepted", username, item.role)
    return found


def change_role(actor: str, found: OrgInfo, username: str, role: str, origin: Origin) -> None:
    chosen, current = org_role_name(role), role_of(username, found.name)
    if current is None:
        raise NotFound(gettext("This user is not a member of the organization."))
    if chosen is None or chosen is current:
        raise ValidationError({"role": gettext("Choose a different role.")})
    _refuse_change(actor, found, current, chosen)

    def change(t: TransactWrite) -> None:
        t.update(Member(found.name, username), actions=[Member.role.set(chosen.value)],
                 condition=Member.role == current.value)
    _write(found, change, current, chosen, actor=actor, user=username, tag=Tag.ORG_ROLE_CHANGE,
           roles=[current.value, chosen.value], origin=origin)
    _owner_grants(found, username, current, chosen)
    _tell(found, "changed", username, chosen.value)


def remove(actor: str, found: OrgInfo, username: str, origin: Origin) -> None:
    """Removes a member; a member removing themselves leaves the organization."""
    current = role_of(username, found.name)
    if actor == username and current is not None:
        if not org_allows(current, OrgPermission.LEAVE):
            raise NotFound()
    else:
        if current is None:
            raise NotFound(gettext("This user is not a member of the organization."))
        _refuse_change(actor, found, current, None)
    assert current is not None

    def change(t: TransactWrite) -> None:
        t.delete(Member(found.name, username), condition=Member.role == current.value)
    _write(found, change, current, None, actor=actor, user=username, tag=Tag.ORG_MEMBER_REMOVE,
           roles=[current.value], origin=origin)
    teams.leave_all(found.name, username)  # their membership is gone: so are their teams (PyPI #17957)
    _owner_grants(found, username, current, None)
    _tell(found, "left" if actor == username else "removed", username, current.value)


def _owner_grants(found: OrgInfo, username: str, before: OrgRoleName | None, after: OrgRoleName | None) -> None:
    """An organization Owner is an Owner of each of its projects: from the moment they become one
    until they stop being one (their role is written first)."""
    owned = [p.project for p in OrgProject.query(found.name)]
    if after is OrgRoleName.OWNER and before is not OrgRoleName.OWNER:
        grants.add_owner(found.name, username, owned)
    elif before is OrgRoleName.OWNER and after is not OrgRoleName.OWNER:
        grants.remove(grants.org_source(found.name), [(project, username) for project in owned])


def _owner_count(org: str) -> int:
    item = get_or_none(Organization, org)
    if item is None:
        raise NotFound(gettext("No such organization."))
    return int(item.owners)


def _write(found: OrgInfo, change: Any, current: OrgRoleName, chosen: OrgRoleName | None, *, actor: str, user: str,
           tag: Tag, roles: list[str], origin: Origin) -> None:
    """The change, with the Owner count kept (never below one) when it moves."""
    before = _owner_count(found.name)
    after = before - (current is OrgRoleName.OWNER) + (chosen is OrgRoleName.OWNER)
    if after < 1:
        raise ValidationError({"role": gettext(LAST_OWNER)})
    try:
        with transaction() as t:
            change(t)
            if after != before:
                t.update(Organization(found.name), actions=[Organization.owners.set(after)],
                         condition=Organization.owners == before)
            _events(t, actor, found, tag, user, roles, origin)
    except TransactWriteError as exc:
        raise Conflict(gettext("The members changed at the same time: reload the page and try again.")) from exc


def _events(t: TransactWrite, actor: str, found: OrgInfo, tag: Tag, user: str, roles: list[str],
            origin: Origin) -> None:
    """In the actor's history and the organization's, and in that of the member it concerns."""
    record(t, tag, origin, user=actor, organization=found.history_key, detail=user, roles=roles)
    if user != actor:
        record(t, tag, origin, user=user, detail=f"{user} @ {found.name}", roles=roles)


def _tell(found: OrgInfo, change: str, username: str, role: str) -> None:
    """Mails every Owner, and the member whose membership changed."""
    for recipient in dict.fromkeys([*owners(found.name), username]):
        user = get_or_none(User, recipient)
        if user is not None:
            mails.to_user(user, "organization-role-changed", organization=found.display_name,
                          yours=recipient == username, change=change, subject_user=username, role=role)
