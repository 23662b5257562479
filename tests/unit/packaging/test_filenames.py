"""A file's identity whatever its spelling (chalicelib.packaging.filenames)."""
from __future__ import annotations

import pytest

from chalicelib.packaging.filenames import canonical


@pytest.mark.parametrize("spelling", ["P-1.0-py3-none-any.whl", "p-1.00-py3-none-any.whl",
                                      "p-1.0.0-py3-none-any.whl", "p-1.0-py3-none-any.whl"])
def test_spellings_of_one_wheel_are_one_file(spelling):
    assert canonical(spelling) == canonical("p-1.0-py3-none-any.whl")


@pytest.mark.parametrize("other", ["p-1.0-1-py3-none-any.whl", "p-1.0.1-py3-none-any.whl",
                                   "p-1.0-py2-none-any.whl", "q-1.0-py3-none-any.whl", "p-1.0.tar.gz"])
def test_a_build_tag_another_version_tag_or_kind_is_another_file(other):
    assert canonical(other) != canonical("p-1.0-py3-none-any.whl")


def test_sdists_and_tag_order():
    assert canonical("P-1.00.tar.gz") == canonical("p-1.0.tar.gz") != canonical("p-1.0.zip")
    assert canonical("p-1.0-py3.py2-none-any.whl") == canonical("p-1.0-py2.py3-none-any.whl")
    assert canonical("not a distribution") == "not a distribution"
