"""The pass-through's tables: each upstream project page this index served (its files as the
upstream listed them, compressed, with the upstream's ETag and when it was last confirmed), and
the administrators' rules: per name its blocks, and under COOLDOWN the minimum age of upstream
files. A page's item outlives its freshness: it is the stale copy served while the upstream is
down, and the record that the name came from upstream (no project of the name is made here
until an administrator allows it)."""
from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

COOLDOWN = "@cooldown"  # the Rules item of the cooldown (no project name starts with "@")


class UpstreamPage(Model):
    class Meta:
        table_name = "upstream-pages"

    name = UnicodeAttribute(hash_key=True)  # normalized
    files = BinaryAttribute(legacy_encoding=False)  # zlib-compressed JSON: the files as policy.File lists them
    etag = UnicodeAttribute(null=True)  # the upstream's, for If-None-Match
    checked_at = UTCDateTimeAttribute()  # when the upstream last confirmed this copy
    first_seen = UTCDateTimeAttribute()
    copied = UnicodeSetAttribute(null=True)  # filenames whose bytes this index keeps (CHEESESHOP_UPSTREAM_COPY)
    local_allowed = UnicodeAttribute(null=True)  # the administrator who let the name be uploaded here


class Rules(Model):
    """A name's blocks (JSON: [{"requirement", "reason", "by", "at"}]), or under COOLDOWN the
    minimum age in days and the names exempt from it."""

    class Meta:
        table_name = "upstream-rules"

    name = UnicodeAttribute(hash_key=True)
    blocks = UnicodeAttribute(null=True)
    days = NumberAttribute(null=True)
    exempt = UnicodeSetAttribute(null=True)


MODELS: tuple[type[Model], ...] = (UpstreamPage, Rules)
