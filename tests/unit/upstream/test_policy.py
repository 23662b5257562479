"""The pass-through's rules as plain functions: what a PEP 691 page yields, what a block holds
back, when a file leaves its cooldown, where the index may fetch a file from itself."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.upstream import policy

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SHA = "ab" * 32


def file(filename: str, upload_time: str | None = "2026-05-01T00:00:00Z") -> policy.File:
    return policy.File(filename, f"https://files.example/{filename}", SHA, upload_time=upload_time)


def test_a_page_keeps_only_files_pip_can_check_and_makes_their_urls_absolute():
    page = {"files": [
        {"filename": "a-1.0.tar.gz", "url": "../../files/a-1.0.tar.gz#sha256=x", "hashes": {"sha256": SHA.upper()},
         "upload-time": "2026-01-01T00:00:00.123Z", "core-metadata": {"sha256": SHA}, "yanked": "broken"},
        {"filename": "a-2.0.tar.gz", "url": "/f/a-2.0.tar.gz", "hashes": {"md5": "x"}},  # no sha256
        {"filename": "a-3.0.tar.gz", "url": "javascript:alert(1)", "hashes": {"sha256": SHA}},
        {"filename": "../a-4.0.tar.gz", "url": "/f/x", "hashes": {"sha256": SHA}},
        "not an entry"]}
    files = policy.from_upstream(page, "https://up.example/simple/a/")
    assert files == [policy.File("a-1.0.tar.gz", "https://up.example/files/a-1.0.tar.gz", SHA, None, "broken",
                                 "2026-01-01T00:00:00.123Z", None, SHA)]
    assert policy.decode(policy.encode(files)) == files
    with pytest.raises(ValueError):
        policy.from_upstream({"projects": []}, "https://up.example/simple/a/")


@pytest.mark.parametrize(("requirement", "held"), [
    ("cheddar", {"1.0", "2.0", "2.1rc1", "unreadable"}),
    ("cheddar>=2.0,<2.1", {"2.0", "unreadable"}),
    ("cheddar==2.1rc1", {"2.1rc1", "unreadable"}),
])
def test_a_block_holds_back_the_versions_its_specifier_contains_and_any_unreadable_file(requirement, held):
    blocks = [policy.Block(requirement, "why", "root", NOW.isoformat())]
    names = {"1.0": "cheddar-1.0-py3-none-any.whl", "2.0": "cheddar-2.0.tar.gz",
             "2.1rc1": "cheddar-2.1rc1-py3-none-any.whl", "unreadable": "cheddar.exe"}
    assert {v for v, name in names.items() if policy.blocking(file(name), blocks)} == held


def test_the_cooldown_holds_young_files_and_files_of_unknown_age_unless_exempt():
    cooldown = policy.Cooldown(3, frozenset({"brie"}))
    young = file("gouda-1.0.tar.gz", (NOW - timedelta(days=1)).isoformat())
    assert policy.available_after(young, "gouda", cooldown, NOW) == NOW + timedelta(days=2)
    assert policy.available_after(file("gouda-0.9.tar.gz"), "gouda", cooldown, NOW) is None
    unknown = file("gouda-2.0.tar.gz", None)
    assert "upload time is unknown" in policy.refusal(unknown, "gouda", [], cooldown, NOW)
    assert policy.refusal(file("brie-1.0.tar.gz", None), "Brie", [], cooldown, NOW) is None
    assert policy.visible([young, unknown], "gouda", [], policy.Cooldown(), NOW) == [young, unknown]


@pytest.mark.parametrize(("url", "local", "fetchable"), [
    ("https://files.pythonhosted.org/packages/a.whl", False, True),
    ("http://files.pythonhosted.org/packages/a.whl", False, False),
    ("https://169.254.169.254/latest/meta-data", False, False),
    ("https://10.0.0.5/a.whl", False, False),
    ("https://localhost/a.whl", False, False),
    ("http://127.0.0.1:9000/a.whl", False, False),
    ("http://127.0.0.1:9000/a.whl", True, True),
    ("http://10.0.0.5/a.whl", True, False),
])
def test_the_index_fetches_files_itself_only_from_public_https_hosts(url, local, fetchable):
    assert policy.fetchable(url, local) is fetchable
