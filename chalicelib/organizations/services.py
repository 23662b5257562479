"""Organizations: any user with two-factor makes one under a name no user and no other
organization has (the namespace of chalicelib.core.namespace), and is its first Owner. While
administrators require approval of new organizations (core.switches), a new one waits: it takes
no members, teams or projects and has no public page until an administrator approves it, or is
gone when one declines it. Who may do what in one is chalicelib.packaging.permissions'
(org_allows, org_may_change); members and invitations are chalicelib.organizations.members'."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import twofactor
from chalicelib.accounts.models import User
from chalicelib.core import clock, namespace, switches
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import CheeseshopError, Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext
from chalicelib.events.services import organization_subject, record
from chalicelib.events.tags import Tag
from chalicelib.organizations.models import Member, Organization
from chalicelib.packaging import creation, namespaces
from chalicelib.packaging.names import NAME_RE, normalize
from chalicelib.packaging.permissions import OrgPermission, OrgRoleName, org_allows, org_role_name
from chalicelib.upstream.services import origin_refusal

NAME_MAX = 50
DISPLAY_MAX = 100
URL_MAX = 400
DESCRIPTION_MAX = 1000


class AwaitingApproval(CheeseshopError):
    status = 403
    message = N_("An administrator has not approved this organization yet: until then it takes no members, "
                 "teams or projects.")


class OrgInfo(NamedTuple):
    name: str  # normalized
    display_name: str
    url: str
    description: str
    created_at: datetime
    pending: bool = False

    @property
    def history_key(self) -> str:
        return organization_subject(self.name)


class Membership(NamedTuple):
    organization: str
    display_name: str
    role: str


def info(item: Organization) -> OrgInfo:
    return OrgInfo(item.name, item.display_name, item.url or "", item.description or "", item.created_at,
                   bool(item.pending))


def organization(name: str) -> OrgInfo:
    found = get_or_none(Organization, normalize(name)) if name else None
    if found is None:
        raise NotFound(gettext("No organization named '%(name)s'.", name=name))
    return info(found)


def role_of(username: str | None, organization: str) -> OrgRoleName | None:
    item = get_or_none(Member, organization, username) if username else None
    return None if item is None else org_role_name(item.role)


def require(username: str, found: OrgInfo, permission: OrgPermission) -> OrgRoleName:
    """The user's role when it allows this; NotFound otherwise (the settings of an organization
    are its members' alone). An organization awaiting approval allows only looking and leaving."""
    role = role_of(username, found.name)
    if not org_allows(role, permission):
        raise NotFound(gettext("Nothing here: you are not a member of this organization, or it does not exist."))
    assert role is not None
    if permission not in (OrgPermission.VIEW, OrgPermission.LEAVE):
        active(found)
    return role


def active(found: OrgInfo) -> None:
    """Refuses every change to an organization that awaits an administrator's approval."""
    if found.pending:
        raise AwaitingApproval()


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
    key, now, pending = normalize(name), clock.now(), switches.current().review_organizations
    taken = ValidationError({"name": gettext("This name is taken: choose another.")})
    if get_or_none(User, key) is not None or get_or_none(User, name.lower()) is not None:
        raise taken
    try:
        with transaction() as t:
            t.save(Organization(key, display_name=display_name or name, created_at=now, created_by=username, owners=1,
                                pending=pending or None),
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



def edit(actor: str, found: OrgInfo, *, display_name: str, url: str, description: str, origin: Origin) -> OrgInfo:
    """An Owner changes what the public page says: display name, URL (http or https) and description."""
    require(actor, found, OrgPermission.SETTINGS)
    display_name, url, description = display_name.strip(), url.strip(), description.strip()
    errors = {}
    if not display_name or len(display_name) > DISPLAY_MAX:
        errors["display_name"] = gettext("Give a display name of at most %(max)s characters.", max=DISPLAY_MAX)
    if url and (len(url) > URL_MAX or not url.startswith(("https://", "http://")) or any(c.isspace() for c in url)):
        errors["url"] = gettext("Give an address that starts with https:// (at most %(max)s characters), or none.",
                                max=URL_MAX)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = gettext("Keep the description under %(max)s characters.", max=DESCRIPTION_MAX)
    if errors:
        raise ValidationError(errors)
    changed = [label for label, before, after in (("display_name", found.display_name, display_name),
                                                  ("url", found.url, url), ("description", found.description,
                                                                            description)) if before != after]
    if not changed:
        return found
    try:
        with transaction() as t:
            t.update(Organization(found.name), actions=[Organization.display_name.set(display_name),
                                                        Organization.url.set(url),
                                                        Organization.description.set(description)],
                     condition=Organization.name.exists())
            record(t, Tag.ORG_SETTINGS, origin, user=actor, organization=found.history_key, detail=", ".join(changed))
    except TransactWriteError as exc:
        raise Conflict(gettext("The organization changed at the same time: reload the page and try again.")) from exc
    return organization(found.name)


def awaiting() -> list[OrgInfo]:
    """The organizations that wait for an administrator's approval, oldest first (an
    administrator's page: few, and read rarely)."""
    return sorted((info(item) for item in Organization.scan(Organization.pending == True)),  # noqa: E712
                  key=lambda found: found.created_at)


def namespace_refusal(name: str, username: str) -> namespaces.Grant | None:
    """The PEP 752 namespace grant that keeps this user from creating a project of this name (a
    closed grant held by others: neither one of its users nor a member of its organization), or
    None."""
    return refused_by(namespaces.covering(name), username)


def refused_by(grant: namespaces.Grant | None, username: str) -> namespaces.Grant | None:
    """namespace_refusal(), for the grant that covers the name, read already."""
    if grant is None or grant.open or username in grant.owners:
        return None
    if grant.organization and role_of(username, grant.organization) is not None:
        return None
    return grant


def new_project_refusal(name: str, username: str) -> str | None:
    """Why a page (a pending publisher's, an organization's) may not make a project of this name
    for this user, in their language: packaging's rules, a namespace of others', a name from the
    upstream; None when it may. An upload says the same in twine's words (forklift.access)."""
    if refusal := creation.refusal(name, username):
        return refusal
    if (grant := namespace_refusal(name, username)) is not None:
        return gettext("This name is in the namespace “%(prefix)s”, reserved for %(holders)s.",
                       prefix=grant.prefix, holders=grant.holders)
    return origin_refusal(name)
