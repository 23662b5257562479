"""Sealing secrets at rest."""
from __future__ import annotations

import pytest

from chalicelib.core import crypto


def test_seal_round_trip_bound_to_owner_and_purpose(settings_env):
    sealed = crypto.seal("JBSWY3DPEHPK3PXP", purpose="totp", owner="alice")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert crypto.unseal(sealed, purpose="totp", owner="alice") == "JBSWY3DPEHPK3PXP"
    assert crypto.seal("JBSWY3DPEHPK3PXP", purpose="totp", owner="alice") != sealed  # fresh nonce
    for purpose, owner, token in (("totp", "bob", sealed), ("other", "alice", sealed),
                                  ("totp", "alice", sealed[:-4] + "AAAA"), ("totp", "alice", "garbage")):
        with pytest.raises(crypto.SealBroken):
            crypto.unseal(token, purpose=purpose, owner=owner)
