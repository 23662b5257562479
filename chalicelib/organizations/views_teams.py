"""/manage/organization/<name>/team/<team>/: a team's members and its roles on the organization's
projects; making a team; and a project's transfer into an organization and out of it (on the
project's settings page). Every form here changes who may publish, so needs sudo mode."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.errors import NotFound
from chalicelib.core.lazy import lazy
from chalicelib.organizations.views import settings_form
from chalicelib.packaging.permissions import OrgPermission, Permission, RoleName, org_allows
from chalicelib.packaging.views_manage import project_form
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.organizations import projects, services, teams
else:
    projects = lazy("chalicelib.organizations.projects")
    services = lazy("chalicelib.organizations.services")
    teams = lazy("chalicelib.organizations.teams")
if TYPE_CHECKING:  # annotations only
    from chalicelib.organizations.services import OrgInfo
    from chalicelib.organizations.teams import TeamInfo
    from chalicelib.packaging.catalog import ProjectInfo

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
TEAM = "manage/team.html"
TEAM_BASE = "/manage/organization/{name}/team/{team}"
Change = Callable[[web.WebRequest, str, "OrgInfo", "TeamInfo"], None]  # a team's change, by the member who makes it


def _team_path(found: OrgInfo, chosen: TeamInfo) -> str:
    return f"/manage/organization/{found.name}/team/{chosen.name}/"


def _opened(name: str, team: str) -> tuple[web.WebRequest, str, OrgInfo, TeamInfo] | Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()
    try:
        found = services.organization(name)
        services.require(username, found, OrgPermission.VIEW)
        chosen = teams.team(found.name, team)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    return req, username, found, chosen


def _context(username: str, found: OrgInfo, chosen: TeamInfo) -> dict[str, Any]:
    role = services.role_of(username, found.name)
    return {"organization": found, "team": chosen, "base": _team_path(found, chosen),
            "projects": projects.projects(found.name), "roles": [r.value for r in RoleName],
            "allowed": {p.value for p in OrgPermission if org_allows(role, p)}}


@route(TEAM_BASE, methods=["GET"])
def team_page(name: str, team: str) -> Response:
    opened = _opened(name, team)
    if isinstance(opened, Response):
        return opened
    req, username, found, chosen = opened
    return web.page(req, TEAM, **_context(username, found, chosen))


def _form(name: str, team: str, run: Change) -> Response:
    opened = _opened(name, team)
    if isinstance(opened, Response):
        return opened
    req, username, found, chosen = opened
    if (gate := web.gate(req, sudo=True, back=_team_path(found, chosen))) is not None:
        return gate

    def act() -> Response:
        run(req, username, found, chosen)
        return web.redirect(req, _team_path(found, chosen), notice="team-changed")
    return web.form_action(req, TEAM, act, lazy_context=lambda: _context(username, found, chosen))


@route(TEAM_BASE + "/add", methods=["POST"], content_types=FORM)
def add_member(name: str, team: str) -> Response:
    return _form(name, team, lambda req, username, found, chosen: teams.add_member(
        username, found, chosen, req.form.get("username", ""), req.origin))


@route(TEAM_BASE + "/remove", methods=["POST"], content_types=FORM)
def remove_member(name: str, team: str) -> Response:
    return _form(name, team, lambda req, username, found, chosen: teams.remove_member(
        username, found, chosen, req.form.get("username", ""), req.origin))


@route(TEAM_BASE + "/grant", methods=["POST"], content_types=FORM)
def grant(name: str, team: str) -> Response:
    return _form(name, team, lambda req, username, found, chosen: teams.grant(
        username, found, chosen, req.form.get("project", ""), req.form.get("role", ""), req.origin))


@route(TEAM_BASE + "/revoke", methods=["POST"], content_types=FORM)
def revoke(name: str, team: str) -> Response:
    return _form(name, team, lambda req, username, found, chosen: teams.revoke(
        username, found, chosen, req.form.get("project", ""), req.origin))


@route("/manage/organization/{name}/teams", methods=["POST"], content_types=FORM)
def create_team(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        made = teams.create(username, found, req.form.get("team", ""), req.origin)
        return web.redirect(req, f"/manage/organization/{found.name}/team/{made}/", notice="team-created")
    return settings_form(name, run)


@route("/manage/project/{name}/transfer", methods=["POST"], content_types=FORM)
def transfer_in(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        projects.transfer_in(username, found, req.form.get("organization", ""), req.origin)
        return web.redirect(req, f"/manage/project/{found.name}/", notice="project-transferred")
    return project_form(name, Permission.TRANSFER, "manage/project.html", run, sudo=True)


@route("/manage/project/{name}/transfer-out", methods=["POST"], content_types=FORM)
def transfer_out(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: ProjectInfo) -> Response:
        projects.transfer_out(username, found, req.origin)
        return web.redirect(req, f"/manage/project/{found.name}/", notice="project-transferred-out")
    return project_form(name, Permission.TRANSFER, "manage/project.html", run, sudo=True)
