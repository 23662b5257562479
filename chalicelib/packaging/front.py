"""What the home page and the newest-releases feed show of the whole index: the newest releases
a reader may see (never a private or quarantined project's), and the index's totals."""
from __future__ import annotations

import time
from datetime import datetime
from typing import NamedTuple

from chalicelib.accounts.models import User
from chalicelib.core import aws
from chalicelib.core.db import get_many
from chalicelib.packaging.catalog import release_info
from chalicelib.packaging.models import File, Project, Release
from chalicelib.packaging.permissions import ProjectStatus, status_of

TOTALS_FOR = 600.0  # seconds a container keeps the totals (DynamoDB updates its counts every few hours)


class Recent(NamedTuple):
    project: str
    version: str
    summary: str
    author_email: str
    created_at: datetime


class Totals(NamedTuple):
    projects: int
    releases: int
    files: int
    users: int


def hidden(project: Project) -> bool:
    """A private project is in no listing (whoever reads it); a quarantined project's releases are
    in none either (PEP 792: nothing a reader could act on)."""
    return bool(project.private) or status_of(project.status) is ProjectStatus.QUARANTINED


def recent(limit: int) -> list[Recent]:
    """The newest releases of projects anyone may read, newest first."""
    newest = list(Release.by_age.query("release", scan_index_forward=False, limit=limit * 2))
    names = sorted({r.project for r in newest})
    out = {p.name for p in get_many([(Project, n, None) for n in names]) if p is not None and hidden(p)}
    return [Recent(r.project, r.version, info.summary, info.author_email, r.created_at)
            for r in newest if r.project not in out for info in [release_info(r)]][:limit]


_kept: dict[str, tuple[float, Totals]] = {}


def totals() -> Totals:
    """The index's projects, releases, files and users, as DynamoDB counts its tables (refreshed
    every few hours: approximate, and a call per table, not a scan)."""
    now = time.monotonic()
    if "totals" in _kept and now - _kept["totals"][0] < TOTALS_FOR:
        return _kept["totals"][1]
    client = aws.client("dynamodb")
    counts = [int(client.describe_table(TableName=model.Meta.table_name)["Table"].get("ItemCount", 0))
              for model in (Project, Release, File, User)]
    found = Totals(*counts)
    _kept["totals"] = (now, found)
    return found
