"""Who may do what: one table per role, what a project's status holds back, and what an
administrator may do to any project."""
from __future__ import annotations

import pytest

from chalicelib.packaging.permissions import (
    ADMINISTRATOR,
    Permission,
    ProjectStatus,
    RoleName,
    allows,
    role_name,
    status_of,
)


def test_owners_may_do_everything_but_quarantine():
    assert {p for p in Permission if allows(RoleName.OWNER, p)} == set(Permission) - {Permission.QUARANTINE}


def test_only_administrators_quarantine_and_they_may_also_delete_any_project():
    assert not any(allows(role, Permission.QUARANTINE) for role in RoleName)
    assert ADMINISTRATOR == {Permission.QUARANTINE, Permission.DELETE}


def test_an_archived_project_takes_no_files_but_may_be_unarchived_yanked_and_deleted():
    owner = RoleName.OWNER
    held = {p for p in Permission if allows(owner, p) and not allows(owner, p, ProjectStatus.ARCHIVED)}
    assert held == {Permission.UPLOAD}


def test_a_quarantined_project_is_frozen_for_every_role():
    for role in RoleName:
        for permission in (Permission.UPLOAD, Permission.YANK, Permission.DELETE, Permission.ARCHIVE,
                           Permission.VISIBILITY):
            assert not allows(role, permission, ProjectStatus.QUARANTINED)
    assert allows(RoleName.OWNER, Permission.COLLABORATORS, ProjectStatus.QUARANTINED)  # e.g. remove a culprit


def test_a_status_this_code_does_not_know_is_active():
    assert status_of(None) is ProjectStatus.ACTIVE and status_of("deprecated") is ProjectStatus.ACTIVE
    assert status_of("quarantined") is ProjectStatus.QUARANTINED


@pytest.mark.parametrize("permission", [Permission.YANK, Permission.DELETE, Permission.COLLABORATORS,
                                        Permission.PUBLISHERS, Permission.VISIBILITY])
def test_maintainers_do_not_manage(permission):
    assert not allows(RoleName.MAINTAINER, permission)


@pytest.mark.parametrize("permission", [Permission.READ, Permission.UPLOAD, Permission.VIEW, Permission.LEAVE])
def test_maintainers_read_upload_see_the_settings_and_may_leave(permission):
    assert allows(RoleName.MAINTAINER, permission)


def test_no_role_allows_nothing():
    assert not any(allows(None, permission) for permission in Permission)


def test_only_the_roles_this_code_knows_are_roles():
    assert role_name("Owner") is RoleName.OWNER
    assert role_name("owner") is None and role_name("Admin") is None


def _role(name: str):
    from chalicelib.packaging.models import Role

    return Role("cheese-demo", "alice", role=name)


def test_a_public_project_of_a_public_index_is_everyones():
    from chalicelib.packaging.permissions import Reader, Sight, sight

    assert sight(Reader(), index_private=False) is Sight.SHOWN
    assert sight(Reader(), index_private=False, project="cheese-demo") is Sight.SHOWN


def test_a_private_project_is_its_collaborators_through_a_credential_that_reads_and_covers_it():
    from chalicelib.packaging.permissions import Reader, Sight, sight

    def seen(reader, role):
        return sight(reader, index_private=False, private=True, role=[role] if role else [], project="cheese-demo")
    assert seen(Reader("alice", True), _role("Owner")) is Sight.SHOWN
    assert seen(Reader("alice", True), _role("Maintainer")) is Sight.SHOWN
    assert seen(Reader("alice", True, ("cheese-demo",)), _role("Owner")) is Sight.SHOWN
    assert seen(Reader(), None) is Sight.HIDDEN  # anonymous: as for an unknown name
    assert seen(Reader("mallory", True), None) is Sight.HIDDEN  # no role
    assert seen(Reader("alice", False), _role("Owner")) is Sight.HIDDEN  # an upload-only token
    assert seen(Reader("alice", True, ("brie",)), _role("Owner")) is Sight.HIDDEN  # scoped elsewhere
    assert seen(Reader("alice", True), _role("Janitor")) is Sight.HIDDEN  # a role this code does not know


def test_a_private_index_asks_nobody_refuses_upload_tokens_and_opens_to_any_reader():
    from chalicelib.packaging.permissions import Reader, Sight, sight

    assert sight(Reader(), index_private=True) is Sight.ASK
    assert sight(Reader("bob", False), index_private=True) is Sight.CANNOT_READ
    assert sight(Reader("bob", True), index_private=True, project="cheese-demo") is Sight.SHOWN
    assert sight(Reader("bob", True, ("brie",)), index_private=True, project="cheese-demo") is Sight.SHOWN


def test_refused_credentials_are_asked_again_whatever_is_read():
    from chalicelib.packaging.permissions import Reader, Sight, sight

    refused = Reader(refused="This API token has expired.")
    for index_private in (False, True):
        for private in (False, True):
            assert sight(refused, index_private=index_private, private=private, project="x") is Sight.ASK


def test_a_users_role_is_the_strongest_of_their_own_and_what_their_organizations_grant():
    from chalicelib.packaging.models import Grant
    from chalicelib.packaging.permissions import role_from

    granted = Grant("cheese-demo", "alice", sources={"Maintainer team:acme/release-eng"})
    assert role_from([None, granted]) is RoleName.MAINTAINER
    assert role_from([_role("Maintainer"), Grant("cheese-demo", "alice", sources={"Owner org:acme"})]) is RoleName.OWNER
    assert role_from([_role("Owner"), granted]) is RoleName.OWNER
    assert role_from([None, Grant("cheese-demo", "alice", sources=None)]) is None
    assert role_from([None, Grant("cheese-demo", "alice", sources={"Janitor team:acme/x"})]) is None
