"""Organizations' tables: the organization, its members (GSI by_user) and the invitations to
become one (GSI by_user). An organization's name is claimed in core.namespace, which users and
organizations share."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class Organization(Model):
    class Meta:
        table_name = "organizations"

    name = UnicodeAttribute(hash_key=True)  # normalized as project names are
    display_name = UnicodeAttribute()
    url = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    owners = NumberAttribute(default=1)  # how many Owners: a condition keeps it above zero


class MembersByUser(GlobalSecondaryIndex["Member"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    organization = UnicodeAttribute(range_key=True)


class Member(Model):
    """A user's membership of an organization, with its role (a permissions.OrgRoleName)."""

    class Meta:
        table_name = "organization-members"

    organization = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    organization_name = UnicodeAttribute()  # its display name, for the member's own list
    created_at = UTCDateTimeAttribute()
    by_user = MembersByUser()


class InvitationsByUser(GlobalSecondaryIndex["MemberInvitation"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    organization = UnicodeAttribute(range_key=True)


class MemberInvitation(Model):
    """An invitation to join an organization, answered once by its mailed link."""

    class Meta:
        table_name = "organization-invitations"

    organization = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    organization_name = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    nonce = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires = TTLAttribute()  # answers check it too: correctness never waits for TTL deletion
    by_user = InvitationsByUser()


MODELS: tuple[type[Model], ...] = (Organization, Member, MemberInvitation)
