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
        for permission in (Permission.UPLOAD, Permission.YANK, Permission.DELETE, Permission.ARCHIVE):
            assert not allows(role, permission, ProjectStatus.QUARANTINED)
    assert allows(RoleName.OWNER, Permission.COLLABORATORS, ProjectStatus.QUARANTINED)  # e.g. remove a culprit


def test_a_status_this_code_does_not_know_is_active():
    assert status_of(None) is ProjectStatus.ACTIVE and status_of("deprecated") is ProjectStatus.ACTIVE
    assert status_of("quarantined") is ProjectStatus.QUARANTINED


@pytest.mark.parametrize("permission", [Permission.YANK, Permission.DELETE, Permission.COLLABORATORS,
                                        Permission.PUBLISHERS])
def test_maintainers_do_not_manage(permission):
    assert not allows(RoleName.MAINTAINER, permission)


@pytest.mark.parametrize("permission", [Permission.UPLOAD, Permission.VIEW, Permission.LEAVE])
def test_maintainers_upload_see_the_settings_and_may_leave(permission):
    assert allows(RoleName.MAINTAINER, permission)


def test_no_role_allows_nothing():
    assert not any(allows(None, permission) for permission in Permission)


def test_only_the_roles_this_code_knows_are_roles():
    assert role_name("Owner") is RoleName.OWNER
    assert role_name("owner") is None and role_name("Admin") is None
