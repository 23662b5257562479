from __future__ import annotations

import pytest

from chalicelib import crypto, recovery


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


def test_seal_round_trip_bound_to_owner_and_purpose(settings_env):
    sealed = crypto.seal("JBSWY3DPEHPK3PXP", purpose="totp", owner="alice")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert crypto.unseal(sealed, purpose="totp", owner="alice") == "JBSWY3DPEHPK3PXP"
    assert crypto.seal("JBSWY3DPEHPK3PXP", purpose="totp", owner="alice") != sealed  # fresh nonce
    for purpose, owner, token in (("totp", "bob", sealed), ("other", "alice", sealed),
                                  ("totp", "alice", sealed[:-4] + "AAAA"), ("totp", "alice", "garbage")):
        with pytest.raises(crypto.SealBroken):
            crypto.unseal(token, purpose=purpose, owner=owner)
