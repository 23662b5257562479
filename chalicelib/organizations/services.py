"""Organizations: any user with two-factor makes one under a name no user and no other
organization has (the namespace of chalicelib.core.namespace), and is its first Owner. Who may
do what in one is chalicelib.packaging.permissions' (org_allows, org_may_change); members and
invitations are chalicelib.organizations.members'."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import twofactor
from chalicelib.accounts.models import User
from chalicelib.core import clock, namespace
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import organization_subject, record
from chalicelib.events.tags import Tag
from chalicelib.organizations.models import Member, Organization
from chalicelib.packaging.names import NAME_RE, normalize
from chalicelib.packaging.permissions import OrgPermission, OrgRoleName, org_allows, org_role_name

NAME_MAX = 50
DISPLAY_MAX = 100


class OrgInfo(NamedTuple):
    name: str  # normalized
    display_name: str
    url: str
    description: str
    created_at: datetime

    @property
    def history_key(self) -> str:
        return organization_subject(self.name)


class Membership(NamedTuple):
    organization: str
    display_name: str
    role: str


def _info(item: Organization) -> OrgInfo:
    return OrgInfo(item.name, item.display_name, item.url or "", item.description or "", item.created_at)


def organization(name: str) -> OrgInfo:
    found = get_or_none(Organization, normalize(name)) if name else None
    if found is None:
        raise NotFound(gettext("No organization named '%(name)s'.", name=name))
    return _info(found)


def role_of(username: str | None, organization: str) -> OrgRoleName | None:
    item = get_or_none(Member, organization, username) if username else None
    return None if item is None else org_role_name(item.role)


def require(username: str, organization: str, permission: OrgPermission) -> OrgRoleName:
    """The user's role when it allows this; NotFound otherwise (the settings of an organization
    are its members' alone)."""
    role = role_of(username, organization)
    if not org_allows(role, permission):
        raise NotFound(gettext("Nothing here: you are not a member of this organization, or it does not exist."))
    assert role is not None
    return role


def organizations_of(username: str) -> list[Membership]:
    return sorted((Membership(m.organization, m.organization_name, m.role) for m in Member.by_user.query(username)),
                  key=lambda m: m.organization)


def create(username: str, *, name: str, display_name: str, origin: Origin) -> OrgInfo:
    """A new organization, its first Owner the user who makes it (who needs two-factor)."""
    twofactor.require_two_factor(username)
    name, display_name = name.strip(), display_name.strip()
    errors = {}
    if not name or len(name) > NAME_MAX or not NAME_RE.match(name):
        errors["name"] = gettext("Names start and end with a letter or digit and contain only letters, digits, "
                                 "'.', '_' and '-'.")
    if len(display_name) > DISPLAY_MAX:
        errors["display_name"] = gettext("Keep the display name under %(max)s characters.", max=DISPLAY_MAX)
    if errors:
        raise ValidationError(errors)
    key, now = normalize(name), clock.now()
    taken = ValidationError({"name": gettext("This name is taken: choose another.")})
    if get_or_none(User, key) is not None or get_or_none(User, name.lower()) is not None:
        raise taken
    try:
        with transaction() as t:
            t.save(Organization(key, display_name=display_name or name, created_at=now, created_by=username, owners=1),
                   condition=Organization.name.does_not_exist())
            namespace.claim(t, key, "organization")
            for spelled in {key, name.lower()}:
                t.condition_check(User, spelled, condition=User.username.does_not_exist())
            t.save(Member(key, username, role=OrgRoleName.OWNER.value, organization_name=display_name or name,
                          created_at=now))
            record(t, Tag.ORG_CREATE, origin, user=username, organization=organization_subject(key), detail=key)
    except TransactWriteError as exc:
        raise taken from exc
    return organization(key)

