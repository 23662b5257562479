"""Organizations' tables: the organization, its members (GSI by_user), the invitations to
become one (GSI by_user), its teams with their members (GSI by_user) and their roles on projects
(GSI by_project), and the projects it owns. An organization's name is claimed in core.namespace, which users and
organizations share."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
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
    pending = BooleanAttribute(null=True)  # made while new organizations need approval, and not yet approved


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


class Team(Model):
    class Meta:
        table_name = "organization-teams"

    organization = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)  # normalized
    display_name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class TeamsByUser(GlobalSecondaryIndex["TeamMember"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    username = UnicodeAttribute(hash_key=True)
    team = UnicodeAttribute(range_key=True)


class TeamMember(Model):
    """A member of a team ("<organization>/<team>"); always a member of its organization."""

    class Meta:
        table_name = "organization-team-members"

    team = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)
    by_user = TeamsByUser()


class TeamGrantsByProject(GlobalSecondaryIndex["TeamGrant"]):
    class Meta:
        index_name = "by_project"
        projection = AllProjection()

    project = UnicodeAttribute(hash_key=True)
    team = UnicodeAttribute(range_key=True)


class TeamGrant(Model):
    """A team's role on one of its organization's projects (a permissions.RoleName)."""

    class Meta:
        table_name = "organization-team-grants"

    team = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    by_project = TeamGrantsByProject()


class OrgProject(Model):
    """A project the organization owns (the project item names it too)."""

    class Meta:
        table_name = "organization-projects"

    organization = UnicodeAttribute(hash_key=True)
    project = UnicodeAttribute(range_key=True)
    display_name = UnicodeAttribute()
    since = UTCDateTimeAttribute()


MODELS: tuple[type[Model], ...] = (Organization, Member, MemberInvitation, Team, TeamMember, TeamGrant, OrgProject)
