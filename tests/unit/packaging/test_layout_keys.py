"""Where a distribution's bytes live (chalicelib.packaging.layout)."""
from __future__ import annotations

from chalicelib.packaging import layout

SHA = "ab" * 32
KEY = layout.object_key(SHA, "p-1.0-py3-none-any.whl")


def test_a_files_object_lies_under_its_content_address():
    assert KEY == f"packages/ab/ab/{SHA[4:]}/p-1.0-py3-none-any.whl"
    assert layout.download_key("ab", "ab", SHA[4:], "p-1.0-py3-none-any.whl") == KEY
    assert not layout.staging_key("s1", "p-1.0-py3-none-any.whl").startswith(layout.PACKAGES)


def test_sidecars_belong_to_their_file():
    assert layout.objects_of(KEY) == [KEY, KEY + ".metadata", KEY + ".provenance"]
    assert layout.filename_of(KEY + ".metadata") == layout.filename_of(KEY) == "p-1.0-py3-none-any.whl"
    assert layout.filename_of(KEY + ".provenance") == "p-1.0-py3-none-any.whl"
    assert layout.file_key(KEY + ".metadata") == layout.file_key(KEY + ".provenance") == KEY


def test_a_record_names_its_object_and_only_the_sidecars_it_has():
    assert layout.names(KEY, KEY, has_metadata=False)
    assert layout.names(KEY + ".metadata", KEY, has_metadata=True)
    assert not layout.names(KEY + ".metadata", KEY, has_metadata=False)
    assert not layout.names(layout.object_key("cd" * 32, "p-1.0-py3-none-any.whl"), KEY, has_metadata=True)
    assert layout.names(KEY + ".provenance", KEY, has_metadata=False, has_provenance=True)
    assert not layout.names(KEY + ".provenance", KEY, has_metadata=True)
