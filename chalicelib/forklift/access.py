"""Who may upload what: the token presented, then, once the upload says which project and
file it is, everything the decision needs in one read (the token's owner and their address,
the project, the uploader's role on it, its name's guard, the filename's record). An upload
reads the store twice before it writes."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from chalicelib.admin import log
from chalicelib.core.db import Key, get_many
from chalicelib.core.errors import UploadRefused
from chalicelib.core.origin import Origin
from chalicelib.events import services as events
from chalicelib.events.services import project_subject
from chalicelib.events.tags import Tag
from chalicelib.forklift.metadata import Metadata
from chalicelib.organizations.services import refused_by
from chalicelib.packaging import creation, namespaces
from chalicelib.packaging.filenames import canonical
from chalicelib.packaging.models import File, FileIdentity, Project
from chalicelib.packaging.names import normalize, ultra_guard
from chalicelib.packaging.permissions import Permission, frozen, may_as, role_keys, status_of
from chalicelib.tokens import credentials as tokens
from chalicelib.tokens.models import Token
from chalicelib.upstream.models import UpstreamPage


class Recorded(UploadRefused):
    """A refusal that is also a security event, for the histories it names (the uploader's, the
    project's): someone tried to reach a project they may not."""

    def __init__(self, message: str, *, status: int, tag: Tag, user: str | None, project: str | None = None,
                 detail: str, logged: log.Action | None = None) -> None:
        super().__init__(message, status=status)
        self.tag, self.user, self.project, self.detail, self.logged = tag, user, project, detail, logged

    def record(self, origin: Origin) -> None:
        """In the histories it names, and (logged: a rule of the administrators') the admin log."""
        events.record(None, self.tag, origin, user=self.user, project=self.project, detail=self.detail)
        if self.logged is not None:
            log.entry(self.logged, "", origin, target=self.detail, reason=self.message).save()


class Presented(NamedTuple):
    token: Token
    secret: str


def token(authorization: str | None) -> Presented:
    """The stored token an Authorization header presents (its first read), once it may upload;
    UploadRefused/TokenRefused otherwise."""
    value = tokens.in_authorization(authorization)
    if value is tokens.NoToken.MALFORMED:
        raise UploadRefused("Malformed Authorization header.", status=401)
    if value is tokens.NoToken.PASSWORD:
        raise UploadRefused("Username/password uploads are not supported: make an API token in your account "
                            "settings and upload with the username __token__.", status=403)
    if isinstance(value, tokens.NoToken):
        raise UploadRefused("Upload needs an API token: use the username __token__ and the token as password.",
                            status=401)
    found = Presented(*tokens.presented(value))
    if tokens.Scope.UPLOAD not in tokens.scopes(found.token):
        raise UploadRefused("Use a token with the Upload permission: this token can only read.", status=403)
    return found


def authorize(presented: Presented, meta: Metadata, filenames: Sequence[str]) -> tuple[
        tokens.Authorized, Project | None, list[File | None]]:
    """Who uploads, to which project (None: a new one), and each filename's record if it has
    one, once this token may upload these files: all read at once."""
    name, username = normalize(meta.name), presented.token.username
    owner_keys = tokens.owner_keys(presented.token)
    keys: list[Key] = [*owner_keys, (Project, name, None), (Project, ultra_guard(meta.name), None),
                       (UpstreamPage, name, None), *((File, filename, None) for filename in filenames),
                       *((FileIdentity, canonical(filename), None) for filename in filenames),
                       *namespaces.keys(meta.name)]
    if username and not presented.token.publisher:
        keys.extend(role_keys(username, name))
    found = get_many(keys)
    owner_items, (project, guard, upstream, *rest) = found[:len(owner_keys)], found[len(owner_keys):]
    count, covering = len(filenames), len(namespaces.keys(meta.name))
    existing, identities = rest[:count], rest[count:2 * count]
    grants, roles = rest[2 * count:2 * count + covering], rest[2 * count + covering:]
    who = tokens.authorized(presented.token, presented.secret, owner_items)
    read = {name: project, ultra_guard(meta.name): guard}
    authorized = _authorize(who, meta, project, roles, read)
    if authorized is None:
        _may_create(who, meta, upstream, namespaces.longest(grants))
    spelled: dict[str, str] = {}  # identity -> the first filename of this upload with it
    for filename, identity in zip(filenames, identities, strict=True):
        if (twin := spelled.setdefault(canonical(filename), filename)) != filename:
            raise UploadRefused(f"Publish {twin} or {filename}, not both: they are the same file spelled twice.",
                                status=409)
        if identity is not None and identity.filename != filename:
            raise UploadRefused(f"Upload a new version or another file: {identity.filename} was uploaded before, "
                                f"and {filename} is the same file spelled otherwise (a file can be uploaded once, "
                                "in any spelling; a build tag adds a new file to a release).")
    return who, authorized, existing


def _authorize(who: tokens.Authorized, meta: Metadata, project: Project | None, roles: list[Any],
               read: dict[str, Any]) -> Project | None:
    """The existing project (None: a new one) once this token may upload to it."""
    name = normalize(meta.name)
    if project is not None and project.private and not who.publisher and not may_as(roles, Permission.READ):
        # a stranger learns that the name is taken (it cannot be theirs), never what holds it
        raise UploadRefused(f"Choose another name: the name '{meta.name}' is not available on this index.",
                            status=403)
    if project is not None:
        _takes_files(project, who)
    if who.publisher:  # trusted publishing: the publisher's projects, each made before its token
        if project is None or not who.may_upload_to(name):
            raise UploadRefused(f"Register a trusted publisher for '{meta.name}': this token was minted for "
                                f"the projects {', '.join(who.projects or [])}.", status=403)
        if f"{name} {project.identity}" not in (who.bound or ()):
            raise UploadRefused(f"Mint a new token: this one was minted for a project '{project.display_name}' "
                                "that was deleted since, and this is another project of that name.", status=403)
        return project
    if project is None:
        if who.projects is not None:
            raise UploadRefused("Use a token for all your projects to create a new project: this API token "
                                "is scoped to other projects.", status=403)
        if creation.halted():
            raise UploadRefused("Upload a new release of an existing project, or try again later: new projects "
                                "cannot be created on this index right now.", status=403)
        problem = creation.name_problem_given(meta.name, who.username, read.get)
        if problem is creation.NameProblem.HELD:
            raise Recorded(f"Choose another name: a project '{meta.name}' was deleted, and its name is held for "
                           "its former owners (an administrator can release it).", status=403,
                           tag=Tag.NAME_HELD_REFUSED, user=who.username, detail=meta.name)
        if problem is creation.NameProblem.PROHIBITED:
            raise UploadRefused(f"Choose another name: the name '{meta.name}' is prohibited on this index.")
        if problem is creation.NameProblem.STDLIB:
            raise UploadRefused(f"The name '{meta.name}' is not allowed: it is a module of the Python standard "
                                "library.")
        if problem is creation.NameProblem.SIMILAR:
            raise UploadRefused(f"Choose another name: '{meta.name}' is too similar to an existing project.")
        return None
    if not who.may_upload_to(name):
        raise UploadRefused(f"Use a token for '{project.display_name}': this API token is not scoped to the "
                            f"project '{project.display_name}'.", status=403)
    if not may_as(roles, Permission.UPLOAD):
        raise UploadRefused(f"Ask an owner to invite you, or choose another name: the user '{who.username}' "
                            f"isn't allowed to upload to project '{project.display_name}'.", status=403)
    return project


def _may_create(who: tokens.Authorized, meta: Metadata, upstream: UpstreamPage | None,
                grant: namespaces.Grant | None) -> None:
    """Refuses a new project whose name came from the upstream index (unless an administrator
    allowed it), or lies in a PEP 752 namespace granted to others."""
    if upstream is not None and not upstream.local_allowed:
        raise Recorded(f"Choose another name, or ask an administrator: the name '{meta.name}' comes from the "
                       "upstream index, and no project of it is made here unless an administrator allows it.",
                       status=403, tag=Tag.UPSTREAM_NAME_REFUSED, user=who.username, detail=meta.name,
                       logged=log.Action.UPSTREAM_NAME_REFUSED)
    if (grant := refused_by(grant, who.username)) is not None:
        raise Recorded(f"The name '{meta.name}' is in the namespace '{grant.prefix}', reserved for {grant.holders}: "
                       "only they may create projects in it (PEP 752).", status=409, tag=Tag.NAMESPACE_REFUSED,
                       user=who.username, detail=meta.name, logged=log.Action.NAMESPACE_REFUSED)


def _takes_files(project: Project, who: tokens.Authorized) -> None:
    """Refuses files for a project that is being deleted, whose Owners are all suspended, or
    whose status holds uploads back (the upload's transaction checks the first two again)."""
    if project.deleting is not None:
        raise UploadRefused(f"The project '{project.display_name}' is being deleted: it takes no uploads.",
                            status=409)
    if project.owners_suspended:
        raise Recorded(f"Ask an administrator: every owner of the project '{project.display_name}' is suspended, "
                       "so it takes no uploads by any route until one is restored.", status=403,
                       tag=Tag.UPLOAD_REFUSED_SUSPENDED, detail=who.username or who.publisher,
                       user=who.username, project=project_subject(project.name, project.created_at))
    if frozen(status := status_of(project.status), Permission.UPLOAD):
        raise UploadRefused(f"The project '{project.display_name}' is {status.value}: it takes no new uploads.")


def already_uploaded(existing: File | None, sha256: str, status: int = 400) -> bool:
    """True for the identical file again (harmless); refused for a filename used before (with
    `status`: an upload session's file answers 409, as PEP 694 asks)."""
    if existing is None:
        return False
    if existing.project is None:
        raise UploadRefused("Upload a new version or another file: this filename belonged to a file that was "
                            "deleted, and a filename can be used only once.", status=status)
    if existing.sha256 == sha256:
        return True
    raise UploadRefused("Upload a new version or another file: File already exists, and a filename can be "
                        "used only once, even after the file is deleted.", status=status)

