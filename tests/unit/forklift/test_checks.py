"""Filenames as PyPI checks them: names, versions and wheel tags."""
from __future__ import annotations

import pytest

from chalicelib.core.errors import UploadRefused
from chalicelib.forklift.checks import check_filename


@pytest.mark.parametrize("filename", ["p-1.0-py3-none-any.whl", "p-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
                                      "p-1.0-py2.py3-none-any.whl", "p-1.0-1-py3-none-macosx_11_0_arm64.whl"])
def test_real_wheel_tags_pass(filename):
    check_filename(filename, "p", "1.0", "bdist_wheel", "py3")


@pytest.mark.parametrize("filename", ["p-1.0-py3-none-<b>x</b>.whl", "p-1.0-py3-none-a%20b.whl",
                                      "p-1.0-py3-none-any'.whl", "p-1.0-py3-n=ne-any.whl"])
def test_a_tag_that_is_no_compatibility_tag_is_refused(filename):
    with pytest.raises(UploadRefused, match="not a compatibility tag|Invalid"):
        check_filename(filename, "p", "1.0", "bdist_wheel", "py3")


@pytest.mark.parametrize("filename", ["../p-1.0.tar.gz", "p-1.0.exe", "q-1.0.tar.gz", "p-2.0.tar.gz"])
def test_names_paths_extensions_and_versions(filename):
    with pytest.raises(UploadRefused):
        check_filename(filename, "p", "1.0", "sdist", "source")
