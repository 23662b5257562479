"""Who may do what: one table."""
from __future__ import annotations

import pytest

from chalicelib.packaging.permissions import Permission, RoleName, allows, role_name


def test_owners_may_do_everything():
    assert all(allows(RoleName.OWNER, permission) for permission in Permission)


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
