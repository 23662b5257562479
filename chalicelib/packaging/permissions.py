"""Who may do what to a project: one table of actions per role, one function that answers.

Roles are PyPI's: Maintainers upload; Owners also manage the project. Everything that asks
"may this user ..." of a project asks may(); nothing else reads a role to decide.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from chalicelib.core import clock
from chalicelib.core.db import get_or_none
from chalicelib.packaging.models import Role


class RoleName(enum.StrEnum):
    OWNER = "Owner"
    MAINTAINER = "Maintainer"


class Permission(enum.StrEnum):
    UPLOAD = "upload"  # add files to an existing project, or scope a token to it
    MANAGE = "manage"  # collaborators, yank, deletion, publishers, settings


TABLE: dict[RoleName, frozenset[Permission]] = {
    RoleName.OWNER: frozenset(Permission),
    RoleName.MAINTAINER: frozenset({Permission.UPLOAD}),
}
CREATOR = RoleName.OWNER  # the role of whoever's first upload creates a project


@dataclass(frozen=True)
class ProjectRole:
    project: str  # normalized
    name: str  # as first uploaded
    role: str


def role_of(username: str, project: str) -> RoleName | None:
    """This user's role on a project (by normalized name), or None."""
    item = get_or_none(Role, project, username)
    if item is None:
        return None
    try:
        return RoleName(item.role)
    except ValueError:  # a role this code no longer knows grants nothing
        return None


def allows(role: RoleName | None, permission: Permission) -> bool:
    return role is not None and permission in TABLE[role]


def may(username: str, permission: Permission, project: str) -> bool:
    """Whether this user may do this to the project (by normalized name)."""
    return allows(role_of(username, project), permission)


def creator_role(username: str, project: str, display_name: str) -> Role:
    """The unsaved role item that a project's first upload grants (written in its transaction)."""
    return Role(project, username, role=CREATOR.value, project_name=display_name, created_at=clock.now())


def projects_of(username: str) -> list[ProjectRole]:
    return [ProjectRole(role.project, role.project_name, role.role) for role in Role.by_user.query(username)]


def has_projects(username: str) -> bool:
    return any(True for _ in Role.by_user.query(username, limit=1))
