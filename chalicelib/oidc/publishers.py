"""Registering trusted publishers for a project (its Owners, in sudo mode), what each platform's
form must hold, and removing a deleted project's publishers. Pending publishers, for a project
not made yet, are chalicelib.oidc.pending's."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag
from chalicelib.oidc.models import Publisher
from chalicelib.packaging import collaborators
from chalicelib.packaging.catalog import ProjectInfo
from chalicelib.packaging.names import normalize

PENDING = "pending:"
PENDING_LIFETIME = timedelta(days=30)
KINDS = ("github", "gitlab")
# Each platform's fields, as the forms name them: (owner, name, workflow, environment).
FIELDS = {"github": ("github-owner", "github-repository", "github-workflow", "github-environment"),
          "gitlab": ("gitlab-namespace", "gitlab-project", "gitlab-pipeline", "gitlab-environment")}
GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
REPOSITORY = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
WORKFLOW_FILE = re.compile(r"^[A-Za-z0-9._-]+\.ya?ml$")
GITLAB_NAMESPACE = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")
PIPELINE_FILE = re.compile(r"^(?!/)(?!.*\.\.)[A-Za-z0-9._/-]+\.ya?ml$")
TEXT_MAX = 255


class PublisherInfo(NamedTuple):
    id: str
    kind: str
    owner: str
    name: str
    workflow: str
    environment: str
    owner_id: str | None
    pending_name: str | None
    created_at: datetime
    expires: datetime | None


def info(item: Publisher) -> PublisherInfo:
    return PublisherInfo(item.id, item.kind, item.owner, item.name, item.workflow, item.environment or "",
                         item.owner_id, item.pending_name, item.created_at, item.expires)


def describe(item: Publisher | PublisherInfo) -> str:
    """A publisher in one line, for histories and mails."""
    if item.kind == "github":
        where = f"GitHub {item.owner}/{item.name}, .github/workflows/{item.workflow}"
    else:
        where = f"GitLab {item.owner}/{item.name}, {item.workflow}"
    return f"{where}, {item.environment}" if item.environment else where


def problems(kind: str, form: dict[str, str]) -> dict[str, str]:
    owner, name, workflow, environment = (form.get(field, "").strip() for field in FIELDS[kind])
    fields = FIELDS[kind]
    errors: dict[str, str] = {}
    if kind == "github":
        if not GITHUB_OWNER.match(owner):
            errors[fields[0]] = gettext("Give the GitHub user or organization that owns the repository.")
        if not WORKFLOW_FILE.match(workflow.removeprefix(".github/workflows/")):
            errors[fields[2]] = gettext("Give the workflow's file name, such as release.yml.")
    else:
        if len(owner) > TEXT_MAX or not GITLAB_NAMESPACE.match(owner):
            errors[fields[0]] = gettext("Give the GitLab namespace: a user or group, with its subgroups.")
        if len(workflow) > TEXT_MAX or not PIPELINE_FILE.match(workflow):
            errors[fields[2]] = gettext("Give the pipeline file's path in the repository, such as .gitlab-ci.yml.")
    if not REPOSITORY.match(name):
        errors[fields[1]] = gettext("Give the repository's name: letters, digits, '.', '_' and '-'.")
    if len(environment) > TEXT_MAX or any(ord(c) < 32 for c in environment):
        errors[fields[3]] = gettext("Give an environment name of at most %(max)s characters, or none.",
                                    max=TEXT_MAX)
    return errors


def build(kind: str, form: dict[str, str], project: str, username: str, pending_name: str | None = None,
          owner_id: str | None = None) -> Publisher:
    owner, name, workflow, environment = (form.get(field, "").strip() for field in FIELDS[kind])
    if kind == "github" and workflow.startswith(".github/workflows/"):
        workflow = workflow.removeprefix(".github/workflows/")
    identity = "\n".join([kind, project, owner.lower(), name.lower(), workflow.lower(), environment.lower()])
    now = clock.now()
    return Publisher(hashlib.sha256(identity.encode()).hexdigest()[:32], kind=kind, project=project,
                     repository=f"{kind}:{owner}/{name}".lower(), pending_name=pending_name, owner=owner, name=name,
                     workflow=workflow, environment=environment, owner_id=owner_id, added_by=username,
                     created_at=now, expires=now + PENDING_LIFETIME if pending_name else None,
                     pending_project=normalize(pending_name) if pending_name else None)


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound()


def of_project(project: str) -> list[PublisherInfo]:
    return sorted((info(p) for p in Publisher.by_project.query(project)), key=lambda p: p.created_at)


def add(username: str, found: ProjectInfo, kind: str, form: dict[str, str], origin: Origin) -> None:
    """Registers a publisher for the project; mailed to every Owner, recorded for the user and
    the project. The caller has checked the user's permission."""
    check_kind(kind)
    if errors := problems(kind, form):
        raise ValidationError(errors)
    item = build(kind, form, found.name, username)
    try:
        with transaction() as t:
            t.save(item, condition=Publisher.id.does_not_exist())
            record(t, Tag.PUBLISHER_ADD, origin, user=username, project=found.history_key, detail=describe(item))
    except TransactWriteError as exc:
        raise ValidationError({FIELDS[kind][1]: gettext("This publisher is already registered.")}) from exc
    collaborators.mail_owners(found, "publisher-changed", change="added", actor=username, publisher=describe(item))


def remove(username: str, found: ProjectInfo, publisher_id: str, origin: Origin) -> None:
    item = get_or_none(Publisher, publisher_id) if publisher_id else None
    if item is None or item.project != found.name:
        raise NotFound(gettext("That publisher is not registered for this project."))
    with transaction() as t:
        t.delete(item)
        record(t, Tag.PUBLISHER_REMOVE, origin, user=username, project=found.history_key, detail=describe(item))
    collaborators.mail_owners(found, "publisher-changed", change="removed", actor=username,
                              publisher=describe(item))

