"""An organization's teams: its Owners and Managers make them, add and remove their members
(who must be members of the organization) and grant them a role on the organization's projects
(Maintainer; Owner only by an organization Owner). What a team grants reaches its members at
once through chalicelib.organizations.grants. Every change is in the organization's history and
the actor's, a grant's also in the project's; the member is mailed, and so are the project's
Owners for a grant."""
from __future__ import annotations

from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails
from chalicelib.accounts.models import User
from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.organizations import grants
from chalicelib.organizations.models import Member, OrgProject, Team, TeamGrant, TeamMember
from chalicelib.organizations.services import OrgInfo, require
from chalicelib.packaging import catalog, collaborators
from chalicelib.packaging.names import NAME_RE, normalize
from chalicelib.packaging.permissions import OrgPermission, RoleName, org_allows, role_name

NAME_MAX = 50


class TeamInfo(NamedTuple):
    organization: str
    name: str
    display_name: str
    members: list[str]
    projects: dict[str, str]  # project -> the team's role on it

    @property
    def key(self) -> str:
        return key_of(self.organization, self.name)


def key_of(org: str, team: str) -> str:
    return f"{org}/{team}"


def teams(org: str) -> list[Team]:
    return list(Team.query(org))


def team(org: str, name: str) -> TeamInfo:
    item = get_or_none(Team, org, normalize(name)) if name else None
    if item is None:
        raise NotFound(gettext("No such team."))
    key = key_of(org, item.name)
    return TeamInfo(org, item.name, item.display_name, sorted(m.username for m in TeamMember.query(key)),
                    {g.project: g.role for g in TeamGrant.query(key)})


def create(actor: str, found: OrgInfo, name: str, origin: Origin) -> str:
    require(actor, found, OrgPermission.TEAMS)
    name = name.strip()
    if not name or len(name) > NAME_MAX or not NAME_RE.match(name):
        raise ValidationError({"team": gettext("Team names start and end with a letter or digit and contain only "
                                               "letters, digits, '.', '_' and '-'.")})
    try:
        with transaction() as t:
            t.save(Team(found.name, normalize(name), display_name=name, created_at=clock.now()),
                   condition=Team.name.does_not_exist())
            record(t, Tag.TEAM_CREATE, origin, user=actor, organization=found.history_key, detail=name)
    except TransactWriteError as exc:
        raise ValidationError({"team": gettext("The organization has a team of this name already.")}) from exc
    return normalize(name)


def add_member(actor: str, found: OrgInfo, chosen: TeamInfo, username: str, origin: Origin) -> None:
    require(actor, found, OrgPermission.TEAMS)
    username = username.strip().lower()
    if get_or_none(Member, found.name, username) is None:
        raise ValidationError({"username": gettext("Invite them to the organization first: only its members join "
                                                   "its teams.")})
    try:
        with transaction() as t:
            t.condition_check(Member, found.name, username, condition=Member.username.exists())
            t.save(TeamMember(chosen.key, username), condition=TeamMember.username.does_not_exist())
            _events(t, actor, found, Tag.TEAM_MEMBER_ADD, f"{username} ({chosen.display_name})", username, origin)
    except TransactWriteError as exc:
        raise ValidationError({"username": gettext("%(user)s is already in the team, or left the organization "
                                                   "meanwhile.", user=username)}) from exc
    grants.add_team_member(chosen.key, username, chosen.projects)
    _tell(username, found, chosen, "added")


def remove_member(actor: str, found: OrgInfo, chosen: TeamInfo, username: str, origin: Origin) -> None:
    require(actor, found, OrgPermission.TEAMS)
    if username not in chosen.members:
        raise NotFound(gettext("This user is not in the team."))
    with transaction() as t:
        t.delete(TeamMember(chosen.key, username))
        _events(t, actor, found, Tag.TEAM_MEMBER_REMOVE, f"{username} ({chosen.display_name})", username, origin)
    grants.remove(grants.team_source(chosen.key), [(project, username) for project in chosen.projects])
    _tell(username, found, chosen, "removed")


def leave_all(org: str, username: str) -> None:
    """A member who left the organization leaves each of its teams, and loses what they granted
    (their membership is gone first, so no team can take them again meanwhile)."""
    for item in TeamMember.by_user.query(username, TeamMember.team.startswith(f"{org}/")):
        projects = [g.project for g in TeamGrant.query(item.team)]
        item.delete()
        grants.remove(grants.team_source(item.team), [(project, username) for project in projects])


def grant(actor: str, found: OrgInfo, chosen: TeamInfo, project: str, role: str, origin: Origin) -> None:
    """The team's role on one of the organization's projects (Owner: by an organization Owner)."""
    wanted = role_name(role)
    if wanted is None:
        raise ValidationError({"role": gettext("Choose the role Owner or Maintainer.")})
    role = require(actor, found, OrgPermission.TEAMS)
    if wanted is RoleName.OWNER and not org_allows(role, OrgPermission.OWNERS):
        raise ValidationError({"role": gettext("Only an Owner of the organization can make a team Owner of a "
                                               "project.")})
    owned = get_or_none(OrgProject, found.name, normalize(project)) if project.strip() else None
    if owned is None:
        raise ValidationError({"project": gettext("Choose a project of the organization.")})
    info = catalog.project(owned.project)
    try:
        with transaction() as t:
            t.condition_check(OrgProject, found.name, owned.project, condition=OrgProject.project.exists())
            t.save(TeamGrant(chosen.key, owned.project, role=wanted.value), condition=TeamGrant.role.does_not_exist())
            record(t, Tag.TEAM_GRANT, origin, user=actor, organization=found.history_key, project=info.history_key,
                   detail=chosen.display_name, roles=[wanted.value])
    except TransactWriteError as exc:
        raise ValidationError({"project": gettext("The team has a role on this project already (revoke it to "
                                                  "change it), or the project left the organization.")}) from exc
    grants.add_team_project(chosen.key, owned.project, wanted.value, chosen.members)
    collaborators.mail_owners(info, "team-role-changed", team=chosen.display_name, organization=found.display_name,
                              role=wanted.value, granted=True)


def revoke(actor: str, found: OrgInfo, chosen: TeamInfo, project: str, origin: Origin) -> None:
    if project not in chosen.projects:
        raise NotFound(gettext("The team has no role on this project."))
    role = role_name(chosen.projects[project])
    require(actor, found, OrgPermission.OWNERS if role is RoleName.OWNER else OrgPermission.TEAMS)
    info = catalog.project(project)
    with transaction() as t:
        t.delete(TeamGrant(chosen.key, project))
        record(t, Tag.TEAM_REVOKE, origin, user=actor, organization=found.history_key, project=info.history_key,
               detail=chosen.display_name, roles=[chosen.projects[project]])
    grants.remove(grants.team_source(chosen.key), [(project, username) for username in chosen.members])
    collaborators.mail_owners(info, "team-role-changed", team=chosen.display_name, organization=found.display_name,
                              role=chosen.projects[project], granted=False)


def _events(t: TransactWrite, actor: str, found: OrgInfo, tag: Tag, detail: str, username: str,
            origin: Origin) -> None:
    record(t, tag, origin, user=actor, organization=found.history_key, detail=detail)
    if username != actor:
        record(t, tag, origin, user=username, detail=detail)


def _tell(username: str, found: OrgInfo, chosen: TeamInfo, change: str) -> None:
    user = get_or_none(User, username)
    if user is not None:
        mails.to_user(user, "team-membership-changed", organization=found.display_name, team=chosen.display_name,
                      change=change, projects=", ".join(sorted(chosen.projects)))
