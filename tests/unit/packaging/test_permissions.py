"""Who may do what: one table."""
from __future__ import annotations

from chalicelib.packaging.permissions import Permission, RoleName, allows


def test_owners_may_do_everything():
    assert all(allows(RoleName.OWNER, permission) for permission in Permission)


def test_maintainers_upload_but_do_not_manage():
    assert allows(RoleName.MAINTAINER, Permission.UPLOAD)
    assert not allows(RoleName.MAINTAINER, Permission.MANAGE)


def test_no_role_allows_nothing():
    assert not any(allows(None, permission) for permission in Permission)
