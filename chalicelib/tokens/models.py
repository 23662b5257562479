"""API tokens' table: tokens by id (GSI by_user); only an HMAC of each secret is stored."""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class TokensByUser(GlobalSecondaryIndex["Token"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)


class Token(Model):
    """An API token by id. A guard item keyed "name:<user>:<name>" keeps names unique per user."""

    class Meta:
        table_name = "tokens"

    id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute(null=True)
    projects = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]  # None: all
    # What the token may do: "read" (private projects and a private index), "upload", or both.
    # None: upload only, as every token made before tokens could read.
    scopes = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    expires_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    publisher = UnicodeAttribute(null=True)  # minted by trusted publishing for this workflow (no user)
    # A minted token's publisher as PEP 740 names it (JSON): what its uploads' attestations must be signed by
    attester = UnicodeAttribute(null=True)
    # A minted token's projects by identity ("<name> <uid>"): a project deleted and made again is not its
    bound = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[var-annotated]
    # The owner's primary address when it was made (a primary address never changes): an upload
    # then reads its record together with everything else it needs.
    owner_email = UnicodeAttribute(null=True)
    expires = TTLAttribute(null=True)  # minted tokens: removed a day after expires_at (checked on use anyway)
    by_user = TokensByUser()


MODELS: tuple[type[Model], ...] = (Token,)
