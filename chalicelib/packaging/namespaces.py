"""PEP 752 namespaces: an administrator grants a prefix ("acme") to an organization or to a set
of users, and the grant covers the name itself and every name that continues it after a hyphen
("acme-tools", in the normalized form). Inside a granted namespace only the grant's holders
create projects, unless the grant is open; and the upstream index is never asked for a name in
one (chalicelib.upstream), so nobody's "acme-newthing" elsewhere reaches an installer.
Whether a user holds an organization's grant is chalicelib.organizations' (allowed()).
The table is defined here."""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.db import get_many
from chalicelib.packaging.names import normalize


class Namespace(Model):
    class Meta:
        table_name = "namespaces"

    prefix = UnicodeAttribute(hash_key=True)  # normalized
    organization = UnicodeAttribute(null=True)  # the holder: an organization,
    owners = UnicodeSetAttribute(null=True)  # or these users
    open = BooleanAttribute(default=False)  # anyone may create projects in it (not as its holder)
    granted_by = UnicodeAttribute()
    granted_at = UTCDateTimeAttribute()


MODELS: tuple[type[Model], ...] = (Namespace,)


class Grant(NamedTuple):
    prefix: str
    organization: str
    owners: frozenset[str]
    open: bool
    granted_by: str = ""
    granted_at: datetime | None = None

    @property
    def holders(self) -> str:
        return self.organization or ", ".join(sorted(self.owners))


def prefixes(name: str) -> list[str]:
    """Every namespace that could cover a name, shortest first: "a-b-c" → a, a-b, a-b-c."""
    parts = normalize(name).split("-")
    return ["-".join(parts[:end]) for end in range(1, len(parts) + 1) if parts[end - 1]]


def info(item: Namespace) -> Grant:
    return Grant(item.prefix, item.organization or "", frozenset(item.owners or ()), bool(item.open),
                 item.granted_by, item.granted_at)


def covering(name: str) -> Grant | None:
    """The grant that covers this name, the longest prefix first (a child grant before its
    parent's), read in one BatchGetItem; None outside every namespace."""
    return longest(get_many(keys(name)))


def keys(name: str) -> list[tuple[type[Namespace], str, None]]:
    """The items covering() reads, for a caller that reads them with others in one batch."""
    return [(Namespace, prefix, None) for prefix in prefixes(name)[:100]]


def longest(items: list[Any]) -> Grant | None:
    """The grant among the items keys() read (None where there is none) that covers the name."""
    found = [item for item in items if item is not None]
    return info(max(found, key=lambda item: len(item.prefix))) if found else None


def all_grants() -> list[Grant]:
    """Every grant, for the administrators' page (few, read rarely)."""
    return sorted((info(item) for item in Namespace.scan()), key=lambda grant: grant.prefix)


def of_project(name: str, organization: str) -> dict[str, Any]:
    """PEP 752's "namespace" key of a project's JSON answers, when a grant covers its name: the
    prefix, whether the grant is open, and whether the project is its holders' (their
    organization's, or one of the users it names is an Owner of it); nothing outside every namespace."""
    from chalicelib.packaging.permissions import RoleName, role_of

    grant = covering(name)
    if grant is None:
        return {}
    authorized = bool(grant.organization) and organization == grant.organization
    if not authorized and grant.owners:
        authorized = any(role_of(owner, name) is RoleName.OWNER for owner in sorted(grant.owners))
    return {"namespace": {"prefix": grant.prefix, "open": grant.open, "authorized": authorized}}


def covered_projects(prefix: str) -> list[str]:
    """The projects a grant of this prefix covers (read when a grant changes: their pages say it)."""
    from chalicelib.packaging.models import Project

    key = normalize(prefix)
    return [p.name for p in Project.all.query("project", Project.name.startswith(key))
            if p.name == key or p.name.startswith(key + "-")]
