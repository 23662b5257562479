"""Reading inside archives, bounded: members outside the tree, links that leave it and
compression bombs are refused, at a small cost."""
from __future__ import annotations

import gzip
import io
import tarfile
import time
import zipfile

import pytest

from chalicelib.core.errors import UploadRefused
from chalicelib.forklift import archives

PKG_INFO = b"Metadata-Version: 2.1\nName: p\nVersion: 1.0\n"


def tgz(members=(), links=()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in [("p-1.0/PKG-INFO", PKG_INFO), *members]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target, kind in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            archive.addfile(info)
    return buffer.getvalue()


def wheel(names=(), symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("p-1.0.dist-info/METADATA", "p-1.0.dist-info/RECORD", *names):
            archive.writestr(name, PKG_INFO)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_a_plain_sdist_and_a_link_inside_its_tree_are_read():
    assert archives.sdist_metadata("p-1.0.tar.gz", io.BytesIO(tgz())) == PKG_INFO
    inside = tgz(links=[("p-1.0/docs/latest", "../src", tarfile.SYMTYPE)])
    assert archives.sdist_metadata("p-1.0.tar.gz", io.BytesIO(inside)) == PKG_INFO


@pytest.mark.parametrize("members, links", [
    ([("../evil.py", b"x")], []),
    ([("/etc/cron.d/evil", b"x")], []),
    ([("p-1.0/../../evil", b"x")], []),
    ([], [("p-1.0/link", "../../etc/passwd", tarfile.SYMTYPE)]),
    ([], [("p-1.0/link", "/etc/passwd", tarfile.SYMTYPE)]),
    ([], [("p-1.0/hard", "/etc/passwd", tarfile.LNKTYPE)]),
    ([], [("p-1.0/hard", "../outside", tarfile.LNKTYPE)]),
])
def test_members_and_links_outside_an_sdists_tree_are_refused(members, links):
    with pytest.raises(UploadRefused, match="outside the archive's tree"):
        archives.sdist_metadata("p-1.0.tar.gz", io.BytesIO(tgz(members, links)))


@pytest.mark.parametrize("names, symlink", [(["../evil.py"], None), (["/abs/evil.py"], None), ([], "p/link")])
def test_wheels_with_members_outside_their_tree_or_links_are_refused(names, symlink):
    with pytest.raises(UploadRefused, match="Invalid wheel"):
        archives.wheel_metadata(io.BytesIO(wheel(names, symlink)))


class Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        n = min(len(target), self.left)
        target[:n] = bytes(n)
        self.left -= n
        return n


def test_a_compression_bomb_is_refused_quickly():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        info = tarfile.TarInfo("p-1.0/zeros")
        info.size = 512 * 1024 * 1024
        archive.addfile(info, io.BufferedReader(Zeros(info.size)))
    bomb = gzip.compress(raw.getvalue(), 9)
    assert len(bomb) < 1024 * 1024
    started = time.process_time()
    with pytest.raises(UploadRefused, match="compression bomb"):
        archives.sdist_metadata("p-1.0.tar.gz", io.BytesIO(bomb))
    assert time.process_time() - started < 3  # 12 s of CPU before the bound
