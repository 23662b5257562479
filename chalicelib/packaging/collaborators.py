"""Collaborators: Owners invite users to a role, invitees answer, Owners change and remove
roles, anyone may leave. Decisions are chalicelib.packaging.permissions'; this module writes.

The project item counts its Owners, and every write that could take away the last one
carries the condition that one stays, so two Owners removing each other at once cannot
leave a project with none.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails, twofactor
from chalicelib.accounts.models import User
from chalicelib.core import clock, mail, signing
from chalicelib.core.db import Write, cancelled, deleting, get_many, get_or_none, transaction
from chalicelib.core.errors import Conflict, InvalidLink, NotFound, TwoFactorRequired, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.packaging import catalog, permissions
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.models import Project, Role, RoleInvitation
from chalicelib.packaging.permissions import Permission, RoleName

INVITATION_LIFETIME = timedelta(seconds=signing.MAX_AGE[signing.ROLE_INVITATION])
LAST_OWNER = N_("A project needs an Owner: make another collaborator an Owner first.")


class Collaborator(NamedTuple):
    username: str
    role: str


class Invitation(NamedTuple):
    project: str  # normalized
    project_name: str
    username: str
    role: str
    invited_by: str
    expires: datetime


def collaborators(project: str) -> list[Collaborator]:
    """Owners first, then by name."""
    found = [Collaborator(r.username, r.role) for r in Role.query(project)]
    return sorted(found, key=lambda c: (c.role != RoleName.OWNER, c.username))


def owners(project: str) -> list[str]:
    return [c.username for c in collaborators(project) if c.role == RoleName.OWNER]


def suspension_changed(username: str) -> None:
    """After a user's suspension or restoration: whether each project they own still has an
    Owner who is not suspended (one that has none takes no upload by any route)."""
    for role in Role.by_user.query(username):
        if permissions.role_name(role.role) is RoleName.OWNER:
            _mark_suspended_owners(role.project)


def _mark_suspended_owners(project: str) -> None:
    names = owners(project)
    users = get_many([(User, name, None) for name in names]) if names else []
    none_left = bool(users) and all(u is None or u.suspended_at is not None for u in users)
    action = Project.owners_suspended.set(True) if none_left else Project.owners_suspended.remove()
    try:
        Project(project).update(actions=[action], condition=Project.name.exists())
    except UpdateError as exc:
        if not cancelled(exc):  # deleted meanwhile: nothing to mark
            raise


def _revoke_sent_by(t: TransactWrite, found: ProjectInfo, sender: str, actor: str, origin: Origin) -> None:
    """An Owner who is removed or demoted takes back the invitations they sent (in the same transaction)."""
    for item in RoleInvitation.query(found.name):
        if item.invited_by == sender:
            t.delete(item)
            _events(t, actor, found, Tag.ROLE_INVITE_REVOKE, item.username, [item.role], origin,
                    also=item.username)


def removal_writes(project: str) -> list[Write]:
    """Deleting every role and invitation of a project being deleted (for its transaction)."""
    items: list[Model] = [*Role.query(project), *RoleInvitation.query(project)]
    return [deleting(item) for item in items]


def _info(item: RoleInvitation) -> Invitation:
    return Invitation(item.project, item.project_name, item.username, item.role, item.invited_by, item.expires)


def pending(project: str) -> list[Invitation]:
    return [_info(i) for i in RoleInvitation.query(project) if i.expires > clock.now()]


def invitations_for(username: str) -> list[Invitation]:
    return [_info(i) for i in RoleInvitation.by_user.query(username) if i.expires > clock.now()]


def invite(actor: str, found: ProjectInfo, *, username: str, role: str, origin: Origin) -> None:
    permissions.require(actor, Permission.COLLABORATORS, found.name)
    chosen = permissions.role_name(role)
    invitee = get_or_none(User, username.strip().lower()) if username.strip() else None
    if invitee is None:
        raise ValidationError({"username": gettext("No user has this username.")})
    if chosen is None:
        raise ValidationError({"role": gettext("Choose the role Owner or Maintainer.")})
    if permissions.own_role(invitee.username, found.name) is not None:
        raise ValidationError({"username": gettext(
            "%(user)s is already a collaborator.", user=invitee.display_username)})
    now, nonce = clock.now(), secrets.token_urlsafe(16)
    item = RoleInvitation(found.name, invitee.username, role=chosen.value, project_name=found.display_name,
                          invited_by=actor, nonce=nonce, created_at=now, expires=now + INVITATION_LIFETIME)
    try:
        with transaction() as t:
            t.save(item, condition=RoleInvitation.project.does_not_exist() | (RoleInvitation.expires < now))
            _events(t, actor, found, Tag.ROLE_INVITE, invitee.username, [chosen.value], origin,
                    also=invitee.username)
    except TransactWriteError as exc:
        raise ValidationError({"username": gettext(
            "%(user)s is already invited.", user=invitee.display_username)}) from exc
    link = mail.link("/account/invitation/", token=signing.sign(signing.ROLE_INVITATION, {
        "project": found.name, "user": invitee.username, "nonce": nonce}))
    mails.to_user(invitee, "role-invitation", project=found.display_name,
                  role=chosen.value, inviter=actor, link=link, days=INVITATION_LIFETIME.days)


def revoke(actor: str, found: ProjectInfo, username: str, origin: Origin) -> None:
    permissions.require(actor, Permission.COLLABORATORS, found.name)
    item = get_or_none(RoleInvitation, found.name, username)
    if item is None:
        raise NotFound(gettext("There is no pending invitation for this user."))
    with transaction() as t:
        t.delete(item)
        _events(t, actor, found, Tag.ROLE_INVITE_REVOKE, username, [item.role], origin, also=username)


def invitation(token: str, username: str) -> Invitation:
    """The invitation a mailed link stands for, when it is this user's and still pending."""
    return _info(_from_link(token, username))


def _from_link(token: str, username: str) -> RoleInvitation:
    payload = signing.unsign(signing.ROLE_INVITATION, token)
    if payload.get("user") != username:
        raise InvalidLink(gettext("This invitation is for another account: log in as the user it was sent to."))
    item = get_or_none(RoleInvitation, str(payload.get("project", "")), username)
    if item is None or not hmac.compare_digest(item.nonce, str(payload.get("nonce", ""))):
        raise InvalidLink(gettext("This invitation was answered or revoked."))
    return item


def answer(username: str, *, accept: bool, origin: Origin, token: str = "", project: str = "") -> str:
    """Accepts or declines an invitation, found by its mailed link or (from the user's own
    projects page) by project; returns the project's display name."""
    item = _from_link(token, username) if token else get_or_none(RoleInvitation, project, username)
    if item is None or item.expires <= clock.now():
        raise InvalidLink(gettext("This invitation has expired, was answered or was revoked."))
    found = catalog.project(item.project)
    if not accept:
        with transaction() as t:
            t.delete(item, condition=RoleInvitation.nonce == item.nonce)
            _events(t, username, found, Tag.ROLE_INVITE_DECLINE, username, [item.role], origin)
        return found.display_name
    user = User.get(username)
    if not twofactor.has_two_factor(user):
        raise TwoFactorRequired()
    count = _owner_count(item.project)
    try:
        with transaction() as t:
            t.delete(item, condition=RoleInvitation.nonce == item.nonce)
            t.save(Role(item.project, username, role=item.role, project_name=item.project_name,
                        created_at=clock.now()), condition=Role.username.does_not_exist())
            if item.role == RoleName.OWNER:
                t.update(Project(item.project), actions=[Project.owners.set(count + 1)],
                         condition=Project.owners == count)
            _events(t, username, found, Tag.ROLE_INVITE_ACCEPT, username, [item.role], origin)
    except TransactWriteError as exc:
        raise InvalidLink(gettext(
            "This invitation was answered or revoked, or the project changed: try again.")) from exc
    if item.role == RoleName.OWNER:
        _mark_suspended_owners(item.project)
    _tell(found, "accepted", username, item.role)
    return found.display_name


def change_role(actor: str, found: ProjectInfo, username: str, role: str, origin: Origin) -> None:
    permissions.require(actor, Permission.COLLABORATORS, found.name)
    chosen, current = permissions.role_name(role), permissions.own_role(username, found.name)
    if current is None:
        raise NotFound(gettext("This user is not a collaborator on the project."))
    if chosen is None or chosen is current:
        raise ValidationError({f"role-{username}": "Choose a different role."})

    def change(t: TransactWrite) -> None:
        t.update(Role(found.name, username), actions=[Role.role.set(chosen.value)],
                 condition=Role.role == current.value)
        if current is RoleName.OWNER:
            _revoke_sent_by(t, found, username, actor, origin)
    _write(found, change, _owners_after(found.name, current, chosen, f"role-{username}"), actor=actor,
           user=username, tag=Tag.ROLE_CHANGE, roles=[current.value, chosen.value], origin=origin)
    _tell(found, "changed", username, chosen.value)


def remove(actor: str, found: ProjectInfo, username: str, origin: Origin) -> None:
    """Removes a collaborator; a user removing themselves leaves the project."""
    permissions.require(actor, Permission.LEAVE if actor == username else Permission.COLLABORATORS, found.name)
    current = permissions.own_role(username, found.name)
    if current is None:
        raise NotFound(gettext("This user is not a collaborator on the project."))

    def change(t: TransactWrite) -> None:
        t.delete(Role(found.name, username), condition=Role.role == current.value)
        if current is RoleName.OWNER:
            _revoke_sent_by(t, found, username, actor, origin)
    _write(found, change, _owners_after(found.name, current, None, "remove"), actor=actor, user=username,
           tag=Tag.ROLE_REMOVE, roles=[current.value], origin=origin)
    _tell(found, "left" if actor == username else "removed", username, current.value)


def _owners_after(project: str, current: RoleName, chosen: RoleName | None, field: str) -> tuple[int, int]:
    """The project's Owner count now and after a role goes from current to chosen (None: removed)."""
    count = _owner_count(project)
    after = count - (current is RoleName.OWNER) + (chosen is RoleName.OWNER)
    if after < 1:
        raise ValidationError({field: gettext(LAST_OWNER)})
    return count, after


def _owner_count(project: str) -> int:
    """The Owner count on the project item; counted from the roles once for a project made
    before it was kept."""
    item = get_or_none(Project, project)
    if item is None:
        raise NotFound(gettext("No such project."))
    if item.owners is not None:
        return int(item.owners)
    count = sum(1 for r in Role.query(project) if r.role == RoleName.OWNER)
    try:
        item.update(actions=[Project.owners.set(count)], condition=Project.owners.does_not_exist())
    except UpdateError as exc:
        if not cancelled(exc):
            raise
        return int(Project.get(project).owners)  # counted by a concurrent request first
    return count


def _write(found: ProjectInfo, change: Write, owners: tuple[int, int], *, actor: str,
           user: str, tag: Tag, roles: list[str], origin: Origin) -> None:
    before, after = owners
    try:
        with transaction() as t:
            change(t)
            if after != before:
                t.update(Project(found.name), actions=[Project.owners.set(after)], condition=Project.owners == before)
            _events(t, actor, found, tag, user, roles, origin, also=user if user != actor else None)
    except TransactWriteError as exc:
        raise Conflict(gettext("The collaborators changed at the same time: reload the page and try again.")) from exc
    if after != before:
        _mark_suspended_owners(found.name)


def _events(t: TransactWrite, actor: str, found: ProjectInfo, tag: Tag, user: str, roles: list[str], origin: Origin,
            also: str | None = None) -> None:
    """In the acting user's history, the project's, and that of the user it concerns (`user`, whose
    roles are named)."""
    record(t, tag, origin, user=actor, project=found.history_key, detail=user, roles=roles)
    if also:
        record(t, tag, origin, user=also, detail=user, roles=roles)


def _tell(found: ProjectInfo, change: str, username: str, role: str) -> None:
    """Mails every Owner, and the user whose role changed."""
    mail_owners(found, "role-changed", also=username, change=change, subject_user=username, role=role)


def mail_owners(found: ProjectInfo, template: str, *, owners_then: list[str] | None = None, also: str = "",
                **context: Any) -> None:
    """One mail to each Owner of the project (as they were, for a project being deleted) and
    to the user a change concerns; `yours` tells that user's mail from the others'."""
    recipients = owners(found.name) if owners_then is None else list(owners_then)
    for recipient in dict.fromkeys([*recipients, also] if also else recipients):
        user = get_or_none(User, recipient)
        if user is not None:
            mails.to_user(user, template, project=found.display_name, yours=recipient == also, **context)
