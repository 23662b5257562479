"""Who may do what to a project: one table of actions per role, one function that answers.

Roles are PyPI's: Maintainers upload; Owners also manage the project. Everything that asks
"may this user ..." of a project asks may() or require(); nothing else reads a role to decide.
Writing roles (an accepted invitation, a change, a removal) is chalicelib.packaging.collaborators'.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from chalicelib.core import clock
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import NotFound
from chalicelib.core.translation import gettext
from chalicelib.packaging.models import Role


class RoleName(enum.StrEnum):
    OWNER = "Owner"
    MAINTAINER = "Maintainer"


class Permission(enum.StrEnum):
    UPLOAD = "upload"  # add files to an existing project, or scope a token to it
    VIEW = "view"  # the project's settings page and its security history
    LEAVE = "leave"  # give up one's own role (never the last Owner's)
    YANK = "yank"  # yank and un-yank releases
    DELETE = "delete"  # files, releases, the project
    COLLABORATORS = "collaborators"  # invite, change roles, remove collaborators, revoke invitations
    PUBLISHERS = "publishers"  # trusted publishers


TABLE: dict[RoleName, frozenset[Permission]] = {
    RoleName.OWNER: frozenset(Permission),
    RoleName.MAINTAINER: frozenset({Permission.UPLOAD, Permission.VIEW, Permission.LEAVE}),
}
CREATOR = RoleName.OWNER  # the role of whoever's first upload creates a project


@dataclass(frozen=True)
class ProjectRole:
    project: str  # normalized
    name: str  # as first uploaded
    role: str


def role_name(value: str) -> RoleName | None:
    """A role by its name as stored or typed in a form; None for anything else."""
    try:
        return RoleName(value)
    except ValueError:  # a role this code no longer knows grants nothing
        return None


def role_of(username: str, project: str) -> RoleName | None:
    """This user's role on a project (by normalized name), or None."""
    item = get_or_none(Role, project, username)
    return None if item is None else role_name(item.role)


def allows(role: RoleName | None, permission: Permission) -> bool:
    return role is not None and permission in TABLE[role]


def may(username: str, permission: Permission, project: str) -> bool:
    """Whether this user may do this to the project (by normalized name)."""
    return allows(role_of(username, project), permission)


def require(username: str, permission: Permission, project: str) -> RoleName:
    """The user's role when it allows this; NotFound otherwise, so a stranger learns nothing
    about a project's settings (the public pages already say that the project exists)."""
    role = role_of(username, project)
    if not allows(role, permission):
        raise NotFound(gettext("Nothing here: you do not manage this project, or it does not exist."))
    assert role is not None
    return role


def is_owner(role: RoleName | None) -> bool:
    return role is RoleName.OWNER


def creator_role(username: str, project: str, display_name: str) -> Role:
    """The unsaved role item that a project's first upload grants (written in its transaction)."""
    return Role(project, username, role=CREATOR.value, project_name=display_name, created_at=clock.now())


def projects_of(username: str) -> list[ProjectRole]:
    return [ProjectRole(role.project, role.project_name, role.role) for role in Role.by_user.query(username)]


def has_projects(username: str) -> bool:
    return any(True for _ in Role.by_user.query(username, limit=1))
