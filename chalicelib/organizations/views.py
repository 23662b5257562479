"""Organizations' pages: /org/<name>/ for everyone; /manage/organizations/ (yours, and making
one); /manage/organization/<name>/ for its members (members, invitations, history), whose
forms need sudo mode; and the answer to an invitation."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import web
from chalicelib.core.errors import CheeseshopError, NotFound, TwoFactorRequired
from chalicelib.core.lazy import lazy
from chalicelib.events import services as events
from chalicelib.packaging.names import normalize
from chalicelib.packaging.permissions import OrgPermission, OrgRoleName, org_allows
from chalicelib.web import Response

if TYPE_CHECKING:  # loaded by the first request to these pages, not by every cold start
    from chalicelib.organizations import members, projects, services, teams
else:
    members = lazy("chalicelib.organizations.members")
    projects = lazy("chalicelib.organizations.projects")
    services = lazy("chalicelib.organizations.services")
    teams = lazy("chalicelib.organizations.teams")
if TYPE_CHECKING:  # annotations only
    from chalicelib.organizations.services import OrgInfo

routes = web.Routes(__name__)
route = routes.route
FORM = web.FORM
LIST = "manage/organizations.html"
SETTINGS = "manage/organization.html"
BASE = "/manage/organization/{name}"
Run = Callable[[web.WebRequest, str, "OrgInfo"], Response]


def _base(found: OrgInfo) -> str:
    return f"/manage/organization/{found.name}/"


@route("/org/{name}", methods=["GET"])
def public_page(name: str) -> Response:
    req = routes.web_request()
    try:
        found = services.organization(name)
        if found.pending:  # awaiting an administrator's approval: not public yet
            raise NotFound()
    except NotFound:
        return web.page(req, "not-found.html", 404)
    if normalize(name) != name:
        return Response(body="", status_code=301, headers={"Location": web.url(f"/org/{found.name}/")})
    return web.page(req, "organization.html", organization=found, projects=projects.projects(found.name),
                    member=services.role_of(req.username, found.name) is not None)


def _list_context(username: str) -> dict[str, Any]:
    return {"organizations": services.organizations_of(username), "invitations": members.invitations_for(username)}


@route("/manage/organizations", methods=["GET"])
def my_organizations() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    return web.page(req, LIST, **_list_context(req.require_user()))


@route("/manage/organizations", methods=["POST"], content_types=FORM)
def create() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()

    def act() -> Response:
        found = services.create(username, name=req.form.get("name", ""),
                                display_name=req.form.get("display_name", ""), origin=req.origin)
        return web.redirect(req, _base(found), notice="organization-created")
    return web.form_action(req, LIST, act, lazy_context=lambda: _list_context(username))


def _opened(name: str) -> tuple[web.WebRequest, str, OrgInfo] | Response:
    """The request, the member and the organization; a gate or the 404 page otherwise."""
    req = routes.web_request()
    if (gate := web.gate(req, mandate=True)) is not None:
        return gate
    username = req.require_user()
    try:
        found = services.organization(name)
        services.require(username, found, OrgPermission.VIEW)
    except NotFound:
        return web.page(req, "not-found.html", 404)
    return req, username, found


def _settings_context(username: str, found: OrgInfo) -> dict[str, Any]:
    role = services.role_of(username, found.name)
    return {"organization": found, "role": role, "base": _base(found), "members": members.members(found.name),
            "invitations": members.pending(found.name), "history": events.history(found.history_key),
            "teams": teams.teams(found.name), "projects": projects.projects(found.name),
            "roles": [r.value for r in OrgRoleName],
            "allowed": {p.value for p in OrgPermission if org_allows(role, p)}}


@route(BASE, methods=["GET"])
def settings(name: str) -> Response:
    opened = _opened(name)
    if isinstance(opened, Response):
        return opened
    req, username, found = opened
    return web.page(req, SETTINGS, **_settings_context(username, found))


def settings_form(name: str, run: Run) -> Response:
    """A form of the settings page, in sudo mode: `run`, or the page again with why not."""
    opened = _opened(name)
    if isinstance(opened, Response):
        return opened
    req, username, found = opened
    if (gate := web.gate(req, sudo=True, back=_base(found))) is not None:
        return gate
    return web.form_action(req, SETTINGS, lambda: run(req, username, found),
                           lazy_context=lambda: _settings_context(username, found))


@route(BASE + "/settings", methods=["POST"], content_types=FORM)
def edit(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        services.edit(username, found, display_name=req.form.get("display_name", ""), url=req.form.get("url", ""),
                      description=req.form.get("description", ""), origin=req.origin)
        return web.redirect(req, _base(found), notice="organization-saved")
    return settings_form(name, run)


@route(BASE + "/projects", methods=["POST"], content_types=FORM)
def create_project(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        made = projects.create(username, found, req.form.get("project", ""), req.origin)
        return web.redirect(req, f"/manage/project/{made.name}/", notice="organization-project-created")
    return settings_form(name, run)


@route(BASE + "/invite", methods=["POST"], content_types=FORM)
def invite(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        members.invite(username, found, username=req.form.get("username", ""), role=req.form.get("role", ""),
                       origin=req.origin)
        return web.redirect(req, _base(found), notice="member-invited")
    return settings_form(name, run)


@route(BASE + "/revoke", methods=["POST"], content_types=FORM)
def revoke(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        members.revoke(username, found, req.form.get("username", ""), req.origin)
        return web.redirect(req, _base(found), notice="invitation-revoked")
    return settings_form(name, run)


@route(BASE + "/change", methods=["POST"], content_types=FORM)
def change_role(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        members.change_role(username, found, req.form.get("username", ""), req.form.get("role", ""), req.origin)
        return web.redirect(req, _base(found), notice="member-changed")
    return settings_form(name, run)


@route(BASE + "/remove", methods=["POST"], content_types=FORM)
def remove(name: str) -> Response:
    def run(req: web.WebRequest, username: str, found: OrgInfo) -> Response:
        removed = req.form.get("username", "")
        members.remove(username, found, removed, req.origin)
        if removed == username:
            return web.redirect(req, "/manage/organizations/", notice="left-organization")
        return web.redirect(req, _base(found), notice="member-removed")
    return settings_form(name, run)


def _answer(req: web.WebRequest, *, token: str = "", org: str = "") -> Response:
    username = req.require_user()

    def act() -> Response:
        accept = req.form.get("answer") == "accept"
        try:
            found = members.answer(username, accept=accept, origin=req.origin, token=token, org=org)
        except TwoFactorRequired:
            return web.redirect(req, "/manage/account/", notice="organization-needs-two-factor")
        if accept:
            return web.redirect(req, _base(found), notice="organization-joined")
        return web.redirect(req, "/manage/organizations/", notice="invitation-declined")
    return web.form_action(req, "account/link-error.html", act)


@route("/account/organization-invitation", methods=["GET"])
def invitation_page() -> Response:
    req = routes.web_request()
    token = req.query.get("token", "")
    if (gate := web.gate(req, back=f"/account/organization-invitation/?token={token}")) is not None:
        return gate
    try:
        found = members.invitation(token, req.require_user())
    except CheeseshopError as exc:
        return web.page(req, "account/link-error.html", exc.status, error=exc.message)
    return web.page(req, "account/organization-invitation.html", invitation=found, token=token)


@route("/account/organization-invitation", methods=["POST"], content_types=FORM)
def answer_by_link() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req)) is not None:
        return gate
    return _answer(req, token=req.form.get("token", ""))


@route("/manage/organizations/invitation", methods=["POST"], content_types=FORM)
def answer_from_list() -> Response:
    req = routes.web_request()
    if (gate := web.gate(req)) is not None:
        return gate
    return _answer(req, org=req.form.get("organization", ""))
