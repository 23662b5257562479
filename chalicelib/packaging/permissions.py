"""Who may do what to a project: one table of actions per role, what a project's status holds
back from every role, what an administrator may do to any project, and the functions that answer.

Roles are PyPI's: Maintainers upload; Owners also manage the project. Everything that asks
"may this user ..." of a project asks may() or require(); nothing else reads a role to decide.
Writing roles (an accepted invitation, a change, a removal) is chalicelib.packaging.collaborators'.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, NamedTuple

from chalicelib.accounts.models import User
from chalicelib.core import clock
from chalicelib.core.db import Key, get_many, get_or_none
from chalicelib.core.errors import CheeseshopError, NotFound
from chalicelib.core.translation import N_, gettext
from chalicelib.packaging.models import Grant, Project, Role


class RoleName(enum.StrEnum):
    OWNER = "Owner"
    MAINTAINER = "Maintainer"


class Permission(enum.StrEnum):
    READ = "read"  # a private project's pages, files and metadata (everyone reads a public one)
    UPLOAD = "upload"  # add files to an existing project, or scope a token to it
    VIEW = "view"  # the project's settings page and its security history
    LEAVE = "leave"  # give up one's own role (never the last Owner's)
    YANK = "yank"  # yank and un-yank releases
    DELETE = "delete"  # files, releases, the project
    COLLABORATORS = "collaborators"  # invite, change roles, remove collaborators, revoke invitations
    PUBLISHERS = "publishers"  # trusted publishers
    WEBHOOKS = "webhooks"  # the project's webhooks, which receive its events
    ARCHIVE = "archive"  # archive the project, and undo it
    VISIBILITY = "visibility"  # make the project private, and public again
    TRANSFER = "transfer"  # into an organization and out of it (chalicelib.organizations.projects)
    QUARANTINE = "quarantine"  # quarantine and release (administrators only)


class ProjectStatus(enum.StrEnum):
    """PEP 792's markers, as far as this index sets them (a project without one is active)."""

    ACTIVE = "active"
    ARCHIVED = "archived"  # no new files; still installable
    QUARANTINED = "quarantined"  # nothing offered to installers; kept as evidence


TABLE: dict[RoleName, frozenset[Permission]] = {
    RoleName.OWNER: frozenset(Permission) - {Permission.QUARANTINE},
    RoleName.MAINTAINER: frozenset({Permission.READ, Permission.UPLOAD, Permission.VIEW, Permission.LEAVE}),
}
# What a status holds back from every role: an archived project takes no files; a quarantined one
# is frozen (no files, no yanking, no deleting, no archiving) until an administrator releases it.
FROZEN: dict[ProjectStatus, frozenset[Permission]] = {
    ProjectStatus.ACTIVE: frozenset(),
    ProjectStatus.ARCHIVED: frozenset({Permission.UPLOAD}),
    ProjectStatus.QUARANTINED: frozenset({Permission.UPLOAD, Permission.YANK, Permission.DELETE,
                                          Permission.ARCHIVE, Permission.VISIBILITY, Permission.TRANSFER}),
}
# What an administrator may do to any project, whatever its status and their role on it.
ADMINISTRATOR = frozenset({Permission.QUARANTINE, Permission.DELETE})
FROZEN_MESSAGES = {
    ProjectStatus.ARCHIVED: N_("This project is archived: unarchive it first."),
    ProjectStatus.QUARANTINED: N_("This project is quarantined: nothing can change until an administrator "
                                  "releases it."),
}


class Frozen(CheeseshopError):
    """The role would allow it, but the project's status holds it back."""

    status = 409

    def __init__(self, project_status: ProjectStatus) -> None:
        super().__init__(gettext(FROZEN_MESSAGES[project_status]))
CREATOR = RoleName.OWNER  # the role of whoever's first upload creates a project


class ProjectRole(NamedTuple):
    project: str  # normalized
    name: str  # as first uploaded
    role: str


def role_name(value: str) -> RoleName | None:
    """A role by its name as stored or typed in a form; None for anything else."""
    try:
        return RoleName(value)
    except ValueError:  # a role this code no longer knows grants nothing
        return None


def own_role(username: str, project: str) -> RoleName | None:
    """The role the user holds on the project themselves (a collaborator's), or None."""
    item = get_or_none(Role, project, username)
    return None if item is None else role_name(item.role)


def role_of(username: str, project: str) -> RoleName | None:
    """What the user may do to a project (by normalized name), as one role: the union of their
    own role and the roles their organizations grant them (their teams', an organization
    Owner's), read at once."""
    return role_from(get_many(role_keys(username, project)))


def role_keys(username: str, project: str) -> list[Key]:
    """The items that make a user's role on a project, for a caller that reads them with other
    items (an upload, a read); role_from() or may_as() then decides."""
    return [(Role, project, username), (Grant, project, username)]


def role_from(items: Sequence[Any]) -> RoleName | None:
    """The strongest role among a user's own (a Role item) and the granted ones (a Grant item)."""
    found: list[RoleName | None] = []
    for item in items:
        if isinstance(item, Role):
            found.append(role_name(item.role))
        elif isinstance(item, Grant):
            found.extend(role_name(str(source).split(" ", 1)[0]) for source in item.sources or ())
    return next((role for role in RoleName if role in found), None)  # RoleName lists the strongest first


def status_of(value: str | None) -> ProjectStatus:
    """A project's status as stored (none, or one this code no longer knows: active)."""
    try:
        return ProjectStatus(value or ProjectStatus.ACTIVE)
    except ValueError:
        return ProjectStatus.ACTIVE


def frozen(status: ProjectStatus, permission: Permission) -> bool:
    """Whether the project's status holds this back from every role."""
    return permission in FROZEN[status]


def allows(role: RoleName | None, permission: Permission, status: ProjectStatus = ProjectStatus.ACTIVE) -> bool:
    return role is not None and permission in TABLE[role] and not frozen(status, permission)


def may(username: str, permission: Permission, project: str, status: ProjectStatus = ProjectStatus.ACTIVE) -> bool:
    """Whether this user may do this to the project (by normalized name, in this status)."""
    return allows(role_of(username, project), permission, status)


def may_as(items: Sequence[Any], permission: Permission, status: ProjectStatus = ProjectStatus.ACTIVE) -> bool:
    """may(), for the items read by role_keys()."""
    return allows(role_from(items), permission, status)


def require(username: str, permission: Permission, project: str,
            status: ProjectStatus = ProjectStatus.ACTIVE) -> RoleName:
    """The user's role when it allows this; NotFound otherwise, so a stranger learns nothing
    about a project's settings (the public pages already say that the project exists), and
    Frozen when the role would allow it but the project's status holds it back."""
    role = role_of(username, project)
    if not allows(role, permission):
        raise NotFound(gettext("Nothing here: you do not manage this project, or it does not exist."))
    if frozen(status, permission):
        raise Frozen(status)
    assert role is not None
    return role


def is_administrator(username: str | None) -> bool:
    """Whether this user holds the administrator flag (and is not suspended)."""
    user = get_or_none(User, username) if username else None
    return user is not None and bool(user.administrator) and user.suspended_at is None


def administers(username: str | None, permission: Permission) -> bool:
    """Whether this user may do this to any project as an administrator."""
    return permission in ADMINISTRATOR and is_administrator(username)


def creator_role(username: str, project: str, display_name: str) -> Role:
    """The unsaved role item that a project's first upload grants (written in its transaction)."""
    return Role(project, username, role=CREATOR.value, project_name=display_name, created_at=clock.now())


def projects_of(username: str) -> list[ProjectRole]:
    """The projects a user may act on, each with the strongest of their own role and the roles
    their organizations grant them (a team's member scopes tokens to the team's projects too)."""
    items: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for role in Role.by_user.query(username):
        items.setdefault(role.project, []).append(role)
        names[role.project] = role.project_name
    for grant in Grant.by_user.query(username):
        items.setdefault(grant.project, []).append(grant)
    unnamed = [project for project in items if project not in names]
    for start in range(0, len(unnamed), 100):  # a BatchGetItem takes 100 keys
        for found in get_many([(Project, project, None) for project in unnamed[start:start + 100]]):
            if found is not None:
                names[found.name] = found.display_name or found.name
    return sorted((ProjectRole(project, names.get(project, project), role.value) for project, held in items.items()
                   if (role := role_from(held)) is not None), key=lambda p: p.project)


def has_projects(username: str) -> bool:
    return any(True for _ in Role.by_user.query(username, limit=1))


class Reader(NamedTuple):
    """Who reads, as their credentials say (chalicelib.readers finds out; nobody by default)."""

    username: str | None = None
    reads: bool = False  # the credential may read: a session, or an API token with the Read permission
    projects: tuple[str, ...] | None = None  # a token's chosen projects; None: all its user's
    refused: str = ""  # credentials were given and refused: why (an answer to tools, in English)


class Sight(enum.Enum):
    """What a read gets."""

    SHOWN = "shown"
    ASK = "ask"  # 401: a private index asks for credentials, or those given were refused
    CANNOT_READ = "cannot-read"  # 403: a private index, and a token that only uploads
    HIDDEN = "hidden"  # 404, exactly as for a name the index does not know


def sight(reader: Reader, *, index_private: bool, private: bool = False, role: Sequence[Any] = (),
          project: str = "") -> Sight:
    """Whether this reader sees the index (project ""), or a project given its privacy and the
    reader's role items on it (role_keys()). A public project of a public index is everyone's;
    a private index is every active user's; a private project is its collaborators', through
    a session or a token with the Read permission that covers it."""
    if reader.refused or (index_private and reader.username is None):
        return Sight.ASK
    if index_private and not reader.reads:
        return Sight.CANNOT_READ
    if not private:
        return Sight.SHOWN
    covered = reader.projects is None or project in reader.projects
    return Sight.SHOWN if reader.reads and covered and may_as(role, Permission.READ) else Sight.HIDDEN


class OrgRoleName(enum.StrEnum):
    """Roles in an organization (chalicelib.organizations), as Warehouse names them."""

    OWNER = "Owner"  # everything, Owners included
    MANAGER = "Manager"  # members and teams, never Owners
    MEMBER = "Member"


class OrgPermission(enum.StrEnum):
    VIEW = "view"  # the organization's settings page and its history
    MEMBERS = "members"  # invite, change roles, remove members: never to or from Owner
    OWNERS = "owners"  # make, unmake and remove Owners; grant a team Owner of a project; transfer projects
    TEAMS = "teams"  # make teams, add and remove their members, grant them Maintainer of a project
    LEAVE = "leave"  # give up one's own membership (never the last Owner's)
    SETTINGS = "settings"  # the display name, URL and description; create projects in the organization


ORG_TABLE: dict[OrgRoleName, frozenset[OrgPermission]] = {
    OrgRoleName.OWNER: frozenset(OrgPermission),
    OrgRoleName.MANAGER: frozenset({OrgPermission.VIEW, OrgPermission.MEMBERS, OrgPermission.TEAMS,
                                    OrgPermission.LEAVE}),
    OrgRoleName.MEMBER: frozenset({OrgPermission.VIEW, OrgPermission.LEAVE}),
}


def org_role_name(value: str | None) -> OrgRoleName | None:
    try:
        return OrgRoleName(value or "")
    except ValueError:  # a role this code no longer knows grants nothing
        return None


def org_allows(role: OrgRoleName | None, permission: OrgPermission) -> bool:
    return role is not None and permission in ORG_TABLE[role]


def org_may_change(actor: OrgRoleName | None, before: OrgRoleName | None, after: OrgRoleName | None) -> bool:
    """Whether a member of this role may take someone's membership from `before` to `after`
    (None: not a member): an invitation, a change of role, a removal. Anything to or from Owner
    is an Owner's."""
    needed = OrgPermission.OWNERS if OrgRoleName.OWNER in (before, after) else OrgPermission.MEMBERS
    return org_allows(actor, needed)
