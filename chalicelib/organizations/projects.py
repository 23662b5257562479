"""An organization's projects: an Owner of the organization creates one on its page (and is
the project's first Owner, as a first upload makes its uploader), or an Owner of a project who
is also an Owner of an organization transfers the project into it (the organization's Owners
become Owners of it), or out of it (every role the organization granted on it, its teams' and
its Owners', goes at once). Transfers need the user's own Owner role on the project, so the
project always keeps an Owner of its own.
Each transfer is in the project's, the organization's and the actor's history, and is mailed to
the project's Owners."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.accounts import mails
from chalicelib.accounts.models import User
from chalicelib.core import clock, ratelimit
from chalicelib.core.db import Write, deleting, get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import project_subject, record
from chalicelib.events.tags import Tag
from chalicelib.organizations import grants, members
from chalicelib.organizations.models import OrgProject, TeamGrant
from chalicelib.organizations.services import OrgInfo, active, new_project_refusal, organization, require, role_of
from chalicelib.packaging import catalog, changes, collaborators, creation
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.models import Grant, Project
from chalicelib.packaging.names import normalize
from chalicelib.packaging.permissions import OrgPermission, OrgRoleName, RoleName, own_role


def projects(org: str) -> list[OrgProject]:
    return list(OrgProject.query(org))


def removal_writes(project: str) -> list[Write]:
    """What organizations keep of a deleted project, removed in its deletion's transactions: its
    place in an organization, its teams' roles on it and every role granted on it, so a project
    made again under the name inherits none of them."""
    items: list[Model] = [*TeamGrant.by_project.query(project), *Grant.query(project)]
    owner = get_or_none(Project, project)
    if owner is not None and owner.organization:
        items.append(OrgProject(owner.organization, project))
    return [deleting(item) for item in items]


def create(actor: str, org: OrgInfo, name: str, origin: Origin) -> ProjectInfo:
    """A new project of the organization, with no release yet: its first upload fills it. The
    actor, an Owner of the organization, is the project's own Owner; the organization's other
    Owners are Owners of it through the organization."""
    require(actor, org, OrgPermission.SETTINGS)
    name = name.strip()
    if refusal := new_project_refusal(name, actor):
        raise ValidationError({"project": refusal})
    now = clock.now()
    try:
        with transaction() as t:
            creation.create(t, name, actor, now, organization=org.name)
            t.save(OrgProject(org.name, normalize(name), display_name=name, since=now))
            record(t, Tag.ORG_PROJECT_CREATE, origin, user=actor, project=project_subject(normalize(name), now),
                   organization=org.history_key, detail=f"{name} ({org.display_name})")
    except TransactWriteError as exc:
        if (limited := ratelimit.exceeded(ratelimit.NEW_PROJECTS_PER_USER, actor)) is not None:
            raise limited from exc
        raise ValidationError({"project": creation.refusal(name, actor) or gettext(
            "The name was taken at the same time: choose another.")}) from exc
    changes.announce(changes.Change(normalize(name), listing=True))
    owners = members.owners(org.name)
    for owner in owners:
        if owner != actor:
            grants.add_owner(org.name, owner, [normalize(name)])
    for owner in owners:
        if (user := get_or_none(User, owner)) is not None:
            mails.to_user(user, "organization-project-created", project=name, organization=org.display_name,
                          actor=actor)
    return catalog.project(name)


def _require(actor: str, found: ProjectInfo, org: OrgInfo) -> None:
    if own_role(actor, found.name) is not RoleName.OWNER:
        raise NotFound(gettext("Nothing here: you do not manage this project, or it does not exist."))
    if role_of(actor, org.name) is not OrgRoleName.OWNER:
        raise ValidationError({"organization": gettext("Only an Owner of the organization can transfer a project "
                                                       "into it or out of it.")})
    active(org)


def transfer_in(actor: str, found: ProjectInfo, name: str, origin: Origin) -> OrgInfo:
    try:
        org = organization(name.strip())
    except NotFound as exc:
        raise ValidationError({"organization": gettext("No organization has this name.")}) from exc
    _require(actor, found, org)
    if found.organization:
        raise ValidationError({"organization": gettext("Transfer the project out of its organization first.")})
    try:
        with transaction() as t:
            changes.mark(t, changes.Change(found.name), actions=[Project.organization.set(org.name)],
                         condition=Project.name.exists() & Project.organization.does_not_exist()
                         & Project.deleting.does_not_exist())
            t.save(OrgProject(org.name, found.name, display_name=found.display_name, since=clock.now()))
            _events(t, actor, found, org, Tag.PROJECT_TRANSFER_IN, origin)
    except TransactWriteError as exc:
        raise Conflict(gettext("The project changed at the same time: reload the page and try again.")) from exc
    changes.announce(changes.Change(found.name))
    for owner in members.owners(org.name):
        grants.add_owner(org.name, owner, [found.name])
    collaborators.mail_owners(found, "project-transferred", organization=org.display_name, into=True, actor=actor)
    return org


def transfer_out(actor: str, found: ProjectInfo, origin: Origin) -> None:
    if not found.organization:
        raise ValidationError({"organization": gettext("The project belongs to no organization.")})
    org = organization(found.organization)
    _require(actor, found, org)
    teams = [g for g in TeamGrant.by_project.query(found.name) if g.team.startswith(f"{org.name}/")]
    try:
        with transaction() as t:
            changes.mark(t, changes.Change(found.name), actions=[Project.organization.remove()],
                         condition=Project.name.exists() & (Project.organization == org.name))
            t.delete(OrgProject(org.name, found.name))
            for team_grant in teams:
                t.delete(team_grant)
            _events(t, actor, found, org, Tag.PROJECT_TRANSFER_OUT, origin)
    except TransactWriteError as exc:
        raise Conflict(gettext("The project changed at the same time: reload the page and try again.")) from exc
    changes.announce(changes.Change(found.name))
    grants.remove_from_project(found.name, f"team:{org.name}/")
    grants.remove_from_project(found.name, grants.org_source(org.name))
    collaborators.mail_owners(found, "project-transferred", organization=org.display_name, into=False, actor=actor)


def _events(t: TransactWrite, actor: str, found: ProjectInfo, org: OrgInfo, tag: Tag, origin: Origin) -> None:
    record(t, tag, origin, user=actor, project=found.history_key, organization=org.history_key,
           detail=f"{found.display_name} ({org.display_name})")
