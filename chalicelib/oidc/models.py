"""Trusted publishing's tables.

- publishers: by id; GSI by_project (a project's publishers; a user's pending ones under
  "pending:<username>") and GSI by_repository ("github:owner/repo" or "gitlab:namespace/project",
  lower case: the publishers a token may match).
- oidc-state: the cache of each issuer's signing keys ("jwks:<issuer>"), the identifiers of
  tokens already exchanged ("jti:<issuer>:<jti>"), so none is exchanged twice, the claims each
  pending publisher holds ("claims:<hash>"), so no two accounts hold the same ones, and each
  account's pending-publisher slots ("slot:<username>:<n>").
"""
from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class PublishersByProject(GlobalSecondaryIndex["Publisher"]):
    class Meta:
        index_name = "by_project"
        projection = AllProjection()

    project = UnicodeAttribute(hash_key=True)


class PublishersByRepository(GlobalSecondaryIndex["Publisher"]):
    class Meta:
        index_name = "by_repository"
        projection = AllProjection()

    repository = UnicodeAttribute(hash_key=True)


class PublishersByPendingProject(GlobalSecondaryIndex["Publisher"]):
    class Meta:
        index_name = "by_pending_project"
        projection = AllProjection()

    pending_project = UnicodeAttribute(hash_key=True)


class Publisher(Model):
    """A CI workflow trusted to upload to a project, or (pending) to create one."""

    class Meta:
        table_name = "publishers"

    id = UnicodeAttribute(hash_key=True)  # derived from what it matches: the same one twice is refused
    kind = UnicodeAttribute()  # "github" or "gitlab"
    project = UnicodeAttribute()  # normalized name; "pending:<username>" while pending
    repository = UnicodeAttribute()  # the by_repository key
    pending_name = UnicodeAttribute(null=True)  # the project a pending publisher creates, as typed
    pending_project = UnicodeAttribute(null=True)  # the same, normalized: deleting a project finds them
    owner = UnicodeAttribute()  # GitHub owner, or GitLab namespace
    name = UnicodeAttribute()  # GitHub repository, or GitLab project
    workflow = UnicodeAttribute()  # GitHub workflow file, or GitLab top-level pipeline file path
    environment = UnicodeAttribute(default="")
    owner_id = UnicodeAttribute(null=True)  # GitHub: pinned from the first token that matched
    added_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires = TTLAttribute(null=True)  # pending publishers only; checked on use, TTL only tidies
    by_project = PublishersByProject()
    by_repository = PublishersByRepository()
    by_pending_project = PublishersByPendingProject()


class OidcState(Model):
    class Meta:
        table_name = "oidc-state"

    key = UnicodeAttribute(hash_key=True)
    jwks = UnicodeAttribute(null=True)  # the issuer's JWKS document, as fetched
    fetched_at = UTCDateTimeAttribute(null=True)
    attempted_at = UTCDateTimeAttribute(null=True)  # the last fetch tried, whether or not it worked
    expires = TTLAttribute(null=True)  # used token ids: past their token's expiry and the leeway; claims, slots
    holder = UnicodeAttribute(null=True)  # claims and slots: the pending publisher's id


MODELS: tuple[type[Model], ...] = (Publisher, OidcState)
