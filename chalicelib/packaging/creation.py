"""A new project: whether new projects may be made at all, whether a name may be registered,
and the writes that create one. A first upload (chalicelib.forklift), a pending trusted
publisher's first token (chalicelib.oidc) and an organization's Owner on its page
(chalicelib.organizations) create projects; the pages say why one is refused with refusal(),
an upload in twine's words."""
from __future__ import annotations

import enum
import secrets
import sys
from collections.abc import Callable
from datetime import datetime

from pynamodb.transactions import TransactWrite

from chalicelib.core import clock, ratelimit, switches
from chalicelib.core.db import get_or_none
from chalicelib.core.translation import gettext
from chalicelib.packaging import changes, holds
from chalicelib.packaging.models import Project
from chalicelib.packaging.names import NAME_RE, normalize, ultra_guard
from chalicelib.packaging.permissions import creator_role

NAME_MAX = 200  # names become keys and filenames: DynamoDB keys stay under 2 KB


class NameProblem(enum.StrEnum):
    INVALID = "invalid"  # not a valid project name
    STDLIB = "stdlib"  # a module of the standard library
    TAKEN = "taken"  # a project has this name
    SIMILAR = "similar"  # a project's name differs only by case, separators or confusable letters
    PROHIBITED = "prohibited"  # an administrator prohibited the name (in any spelling)
    HELD = "held"  # a deleted project's name, held for its former Owners (holds.py)


def halted() -> bool:
    """Whether an administrator halted new projects (existing ones still take new releases)."""
    return not switches.allowed(switches.Switch.PROJECTS)


def name_problem(name: str, creator: str) -> NameProblem | None:
    """Why this user may not make a new project of this name, or None."""
    return name_problem_given(name, creator, lambda key: get_or_none(Project, key))


def name_problem_given(name: str, creator: str, read: Callable[[str], Project | None]) -> NameProblem | None:
    """The same, with the project items read by `read` (an upload has them already)."""
    if len(name) > NAME_MAX or not NAME_RE.match(name):
        return NameProblem.INVALID
    if normalize(name).replace("-", "_") in sys.stdlib_module_names:
        return NameProblem.STDLIB
    # Every project keeps a guard under its ultra-normalized name, so one read finds a project
    # of this very name, a look-alike and a prohibition; a second, only then, tells the first two apart.
    guard = read(ultra_guard(name))
    if guard is None:
        return None
    if guard.prohibited is not None:
        return NameProblem.PROHIBITED
    if holds.is_held(guard):
        return NameProblem.HELD if holds.refuses(guard, creator, clock.now()) else None
    return NameProblem.TAKEN if read(normalize(name)) is not None else NameProblem.SIMILAR


MESSAGES: dict[NameProblem, Callable[[], str]] = {
    NameProblem.INVALID: lambda: gettext(
        "Names start and end with a letter or digit and contain only letters, digits, '.', '_' and '-'."),
    NameProblem.STDLIB: lambda: gettext("This name is a module of the Python standard library."),
    NameProblem.TAKEN: lambda: gettext("A project has this name already."),
    NameProblem.SIMILAR: lambda: gettext("This name is too similar to an existing project's."),
    NameProblem.PROHIBITED: lambda: gettext("This name is prohibited on this index."),
    NameProblem.HELD: lambda: gettext(
        "A project of this name was deleted: its name is held for its former owners until an administrator "
        "releases it."),
}


def refusal(name: str, creator: str) -> str | None:
    """Why a page may not make this project now, in the reader's language (an upload says it in
    twine's words instead), or None."""
    if halted():
        return gettext("New projects cannot be created right now. Please try again later.")
    problem = name_problem(name, creator)
    return None if problem is None else MESSAGES[problem]()


def new_uid() -> str:
    """A new project's identity (packaging.models.Project.identity)."""
    return secrets.token_hex(16)


def create(t: TransactWrite, display_name: str, creator: str, now: datetime, uid: str | None = None,
           organization: str | None = None) -> None:
    """Adds the writes of a new project to the transaction: the project, the guard that keeps
    similar names out, and its creator's Owner role. The transaction fails if either exists (a
    prohibited name's guard exists; a held one lets only its former Owners in), or when the
    creator made too many projects this hour (ratelimit.exceeded says so)."""
    name = normalize(display_name)
    t.save(Project(name, display_name=display_name, listed="project", created_at=now, serial=1, owners=1,
                   uid=uid or new_uid(), organization=organization),
           condition=Project.name.does_not_exist())
    t.save(Project(ultra_guard(display_name)), condition=holds.creation_condition(creator, now))
    t.save(creator_role(creator, name, display_name))
    changes.mark(t, changes.Change(name, listing=True), bump=False)  # made with serial 1
    ratelimit.within(t, ratelimit.NEW_PROJECTS_PER_USER, creator)
