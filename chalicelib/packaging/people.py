"""A user's public page: their name, when they joined, and the public projects they hold a role
on (their own, or their teams'), the most recently released first, each with its summary and
latest version. Nothing about a private or quarantined project, and nothing a visitor could not
read on the projects' pages."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from chalicelib.accounts.models import User
from chalicelib.core.db import get_many, get_or_none
from chalicelib.core.errors import NotFound
from chalicelib.core.translation import gettext
from chalicelib.packaging import permissions
from chalicelib.packaging.models import Project
from chalicelib.packaging.permissions import ProjectStatus


class ProjectCard(NamedTuple):
    name: str
    display_name: str
    summary: str
    version: str
    released_at: datetime


class Profile(NamedTuple):
    username: str  # as the user spells it
    full_name: str
    joined: datetime
    projects: list[ProjectCard]


def profile(username: str) -> Profile:
    user = get_or_none(User, username.lower())
    if user is None:
        raise NotFound(gettext("No user named '%(name)s'.", name=username))
    return Profile(user.display_username, user.full_name, user.created_at, _projects(user.username))


def _projects(username: str) -> list[ProjectCard]:
    from chalicelib.packaging import catalog

    names = [held.project for held in permissions.projects_of(username)]  # its own roles and its teams'
    cards = []
    for start in range(0, len(names), 100):  # a BatchGetItem takes 100 keys
        for found in get_many([(Project, name, None) for name in names[start:start + 100]]):
            if found is None or found.private or found.status == ProjectStatus.QUARANTINED:
                continue
            releases = catalog.releases(found.name)
            if releases:
                newest = max(releases, key=lambda r: r.created_at)
                cards.append(ProjectCard(found.name, found.display_name or found.name, releases[0].summary,
                                         releases[0].version, newest.created_at))
    return sorted(cards, key=lambda card: card.released_at, reverse=True)
