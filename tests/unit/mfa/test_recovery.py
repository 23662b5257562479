"""Recovery codes."""
from __future__ import annotations

from chalicelib.mfa import recovery


def test_codes_are_eight_of_sixteen_hex_with_matching_hashes(settings_env):
    codes, hashes = recovery.generate()
    assert len(codes) == 8 and all(len(c) == 16 and int(c, 16) >= 0 for c in codes)
    assert hashes == {recovery.hash_code(c) for c in codes}
    assert not set(codes) & hashes


def test_match_normalizes_and_refuses_others(settings_env):
    codes, hashes = recovery.generate()
    spaced = f" {codes[2][:8].upper()} {codes[2][8:]} "
    assert recovery.match(spaced, hashes) == recovery.hash_code(codes[2])
    assert recovery.match("0" * 16, hashes) is None
    assert recovery.match(codes[2][:-1], hashes) is None


def test_hashes_depend_on_the_server_key(settings_env, monkeypatch):
    before = recovery.hash_code("0123456789abcdef")
    monkeypatch.setenv("CHEESESHOP_SECRET_KEY", "another")
    assert recovery.hash_code("0123456789abcdef") != before
