"""pynamodb models. Table names, endpoint and region come from settings via bind().

Access paths (no scans on request paths):
- users: get by canonical username. Factors (TOTP secret, recovery code hashes) live on
  the user item; security keys, API tokens, projects and files get tables of their own.
- emails: all of a user's addresses (query by username); email_owners: a verified address
  -> its user, which both enforces uniqueness and serves login by email.
- sessions: get by hashed id; GSI by_user to end all of a user's sessions.
- events: a user's security history, newest first (sort key starts with the time).
- webauthn-keys: security keys by credential id (unique across users); GSI by_user.
- challenges: WebAuthn challenges, single-use and expiring.
- roles: a project's maintainers (by project); GSI by_user for a user's projects.
- projects (GSI all: every project by name), releases (by project and version),
  files (by filename; GSI by_project for the simple index), tokens (GSI by_user).
- ratelimits: fixed-window counters, one item per key and window.
Items that expire carry a TTL attribute; code checks expiry too (moto never deletes).
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings


class User(Model):
    class Meta:
        table_name = "users"

    username = UnicodeAttribute(hash_key=True)  # canonical: lower case
    display_username = UnicodeAttribute()
    full_name = UnicodeAttribute(default="")
    primary_email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    password_changed_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    last_login_at = UTCDateTimeAttribute(null=True)
    # Second factors. The TOTP secret is sealed (chalicelib.crypto), recovery codes are keyed hashes.
    totp_secret = UnicodeAttribute(null=True)
    totp_last_step = NumberAttribute(null=True)  # the last accepted time step: no replays
    totp_added_at = UTCDateTimeAttribute(null=True)
    recovery_codes = UnicodeSetAttribute(null=True)
    recovery_generated_at = UTCDateTimeAttribute(null=True)
    webauthn_keys = NumberAttribute(null=True)  # how many security keys: no query on the login path


class Email(Model):
    class Meta:
        table_name = "emails"

    username = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)  # lower case
    address = UnicodeAttribute()  # as typed
    verified = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    verified_at = UTCDateTimeAttribute(null=True)


class EmailOwner(Model):
    class Meta:
        table_name = "email-owners"

    email = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()


class SessionsByUser(GlobalSecondaryIndex["Session"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class Session(Model):
    class Meta:
        table_name = "sessions"

    id = UnicodeAttribute(hash_key=True)  # sha256 of the cookie value
    username = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    authenticated_at = UTCDateTimeAttribute()
    expires = TTLAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    by_user = SessionsByUser()


class Event(Model):
    class Meta:
        table_name = "events"

    username = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)  # ISO time + random suffix: sorts by time
    tag = UnicodeAttribute()
    ip = UnicodeAttribute(default="")
    user_agent = UnicodeAttribute(default="")
    detail = UnicodeAttribute(default="")
    expires = TTLAttribute(null=True)


class KeysByUser(GlobalSecondaryIndex["WebAuthnKey"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class WebAuthnKey(Model):
    """A security key, keyed by its credential id, which is so unique across all users.

    Each key has a guard item keyed "label:<user>:<name>" (no username, so not in by_user),
    written in the same transaction, which keeps names unique per user."""

    class Meta:
        table_name = "webauthn-keys"

    credential_id = UnicodeAttribute(hash_key=True)  # base64url
    username = UnicodeAttribute(null=True)
    label = UnicodeAttribute(null=True)
    public_key = UnicodeAttribute(null=True)  # COSE, base64url
    sign_count = NumberAttribute(null=True)
    transports = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    created_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    by_user = KeysByUser()


class Challenge(Model):
    """A WebAuthn challenge: server-side, single-use (deleted when used) and expiring."""

    class Meta:
        table_name = "challenges"

    id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    purpose = UnicodeAttribute()
    challenge = UnicodeAttribute()  # base64url
    expires = TTLAttribute()


class RolesByUser(GlobalSecondaryIndex["Role"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(range_key=True)


class Role(Model):
    """A user's role on a project (Owner, Maintainer); made when a first upload creates it."""

    class Meta:
        table_name = "roles"

    project = UnicodeAttribute(hash_key=True)  # normalized project name
    username = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute(default="Owner")
    project_name = UnicodeAttribute()  # as first uploaded
    created_at = UTCDateTimeAttribute()
    by_user = RolesByUser()


class AllProjects(GlobalSecondaryIndex["Project"]):
    class Meta:
        index_name = "all"
        projection = AllProjection()

    listed = UnicodeAttribute(hash_key=True)  # one constant value; guard items leave it out
    name = UnicodeAttribute(range_key=True)


class Project(Model):
    """A project by normalized name. A guard item keyed "ultra:<name without ._->" makes
    names that differ only by '.', '_', '-' or case impossible to register twice."""

    class Meta:
        table_name = "projects"

    name = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(null=True)
    listed = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    serial = NumberAttribute(default=0)  # grows with every upload: the simple page's ETag
    all = AllProjects()


class Release(Model):
    """A version's metadata, from its first uploaded file."""

    class Meta:
        table_name = "releases"

    project = UnicodeAttribute(hash_key=True)
    version = UnicodeAttribute(range_key=True)
    summary = UnicodeAttribute(default="")
    description_html = UnicodeAttribute(default="")
    requires_python = UnicodeAttribute(default="")
    classifiers = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    author = UnicodeAttribute(default="")
    license = UnicodeAttribute(default="")
    home_page = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()


class FilesByProject(GlobalSecondaryIndex["File"]):
    class Meta:
        index_name = "by_project"
        projection = AllProjection()

    project = UnicodeAttribute(hash_key=True)
    filename = UnicodeAttribute(range_key=True)


class File(Model):
    """A distribution file by name: a name once used is never used again, even if deleted."""

    class Meta:
        table_name = "files"

    filename = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute()
    version = UnicodeAttribute()
    packagetype = UnicodeAttribute()
    python_version = UnicodeAttribute(default="")
    requires_python = UnicodeAttribute(default="")
    size = NumberAttribute()
    sha256 = UnicodeAttribute()
    md5 = UnicodeAttribute()
    blake2_256 = UnicodeAttribute()
    path = UnicodeAttribute()  # S3 key
    metadata_sha256 = UnicodeAttribute(null=True)  # PEP 658: METADATA stored at path + ".metadata"
    uploaded_at = UTCDateTimeAttribute()
    uploaded_by = UnicodeAttribute()
    yanked = BooleanAttribute(default=False)
    yanked_reason = UnicodeAttribute(default="")
    by_project = FilesByProject()


class TokensByUser(GlobalSecondaryIndex["Token"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class Token(Model):
    """An API token by id; only an HMAC of its secret is stored. A guard item keyed
    "name:<user>:<name>" keeps names unique per user."""

    class Meta:
        table_name = "tokens"

    id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute(null=True)
    projects = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]  # None: all
    expires_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    by_user = TokensByUser()


class RateLimitCounter(Model):
    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    expires = TTLAttribute()


MODELS: tuple[type[Model], ...] = (User, Email, EmailOwner, Session, Event, WebAuthnKey, Challenge, Role,
                                   Project, Release, File, Token, RateLimitCounter)
BASE_NAMES = {model: model.Meta.table_name for model in MODELS}
_bound: list[Settings | None] = [None]


def bind(settings: Settings) -> None:
    """Point every model at the tables, endpoint and region of these settings."""
    if _bound[0] == settings:
        return
    for model, base in BASE_NAMES.items():
        meta: Any = model.Meta
        meta.table_name = settings.table_prefix + base
        meta.host = settings.aws_endpoint
        meta.region = settings.region
        if settings.is_local:
            meta.aws_access_key_id = "testing"
            meta.aws_secret_access_key = "testing"
        model._connection = None
    _bound[0] = settings


def unbind() -> None:
    _bound[0] = None
    for model in MODELS:
        model._connection = None


def transaction() -> TransactWrite:
    """A write transaction on the bound endpoint (every table shares it)."""
    return TransactWrite(connection=User._get_connection().connection)


def get_or_none[M: Model](model: type[M], hash_key: str, range_key: str | None = None) -> M | None:
    try:
        return model.get(hash_key, range_key)
    except DoesNotExist:
        return None
