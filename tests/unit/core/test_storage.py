from __future__ import annotations

import urllib.parse

import pytest

from chalicelib.core import storage


def test_put_get_delete(stores):
    storage.put("packages/a/a-1.0.tar.gz", b"bytes")
    assert storage.get("packages/a/a-1.0.tar.gz") == b"bytes"
    storage.delete("packages/a/a-1.0.tar.gz")
    assert storage.get("packages/a/a-1.0.tar.gz") is None


def test_an_object_is_never_overwritten(stores):
    storage.put("k", b"first")
    with pytest.raises(storage.AlreadyStored):
        storage.put("k", b"second")
    assert storage.get("k") == b"first"


def test_download_url_is_short_lived(stores):
    url = storage.download_url("packages/x.whl", seconds=120)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["120"]
    assert "/packages/x.whl" in url
