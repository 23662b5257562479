"""The roles organizations grant on projects, written where chalicelib.packaging.permissions reads
them beside a user's own role (packaging.models.Grant: one item per project and user, a set of
"<role> <source>"). A team's role is granted to each of its members ("team:<org>/<team>"), and
an organization's Owners are Owners of each of its projects ("org:<org>").

A grant is added in a transaction that checks its sources still stand (the team member, the
team's role; the Owner, the organization's project), and every change that takes a source away
removes that source first and then its grants: so a grant written by a change that read the
source before it went is either refused by its condition or removed after it.
"""
from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.db import transaction
from chalicelib.organizations.models import Member, OrgProject, TeamGrant, TeamMember
from chalicelib.packaging.models import Grant
from chalicelib.packaging.permissions import OrgRoleName, RoleName

BATCH = 45  # grants per transaction: two items each, and the member's check, under DynamoDB's 100


def team_source(team: str) -> str:
    return f"team:{team}"


def org_source(org: str) -> str:
    return f"org:{org}"


def _values(source: str) -> set[str]:
    """Every "<role> <source>" a source may have written (a removal names them all)."""
    return {f"{role.value} {source}" for role in RoleName}


def add_team_member(team: str, username: str, projects: dict[str, str]) -> None:
    """A team member's grants: the team's role on each of these projects (project -> role)."""
    items = list(projects.items())
    for start in range(0, len(items), BATCH):
        with transaction() as t:
            t.condition_check(TeamMember, team, username, condition=TeamMember.username.exists())
            for project, role in items[start:start + BATCH]:
                t.condition_check(TeamGrant, team, project, condition=TeamGrant.role == role)
                t.update(Grant(project, username), actions=[Grant.sources.add({f"{role} {team_source(team)}"})])


def add_team_project(team: str, project: str, role: str, members: Iterable[str]) -> None:
    """The grants of a team's new role on a project, to each of its members."""
    for username in members:
        with transaction() as t:
            t.condition_check(TeamGrant, team, project, condition=TeamGrant.role == role)
            t.condition_check(TeamMember, team, username, condition=TeamMember.username.exists())
            t.update(Grant(project, username), actions=[Grant.sources.add({f"{role} {team_source(team)}"})])


def add_owner(org: str, username: str, projects: Iterable[str]) -> None:
    """An organization Owner's grants: Owner of each of its projects."""
    for project in projects:
        with transaction() as t:
            t.condition_check(Member, org, username, condition=Member.role == OrgRoleName.OWNER.value)
            t.condition_check(OrgProject, org, project, condition=OrgProject.project.exists())
            t.update(Grant(project, username),
                     actions=[Grant.sources.add({f"{RoleName.OWNER.value} {org_source(org)}"})])


def remove(source: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Takes a source's grants away from these (project, user) pairs (its record is gone first)."""
    for project, username in pairs:
        Grant(project, username).update(actions=[Grant.sources.delete(_values(source))])


def remove_from_project(project: str, prefix: str) -> None:
    """Takes away every grant on a project whose source starts with this ("team:<org>/", "org:<org>")."""
    for item in Grant.query(project):
        gone = {str(s) for s in item.sources or () if str(s).split(" ", 1)[-1].startswith(prefix)}
        if gone:
            item.update(actions=[Grant.sources.delete(gone)])
