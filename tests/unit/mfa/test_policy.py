"""The two-factor policy's arithmetic: every factor alike."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.accounts.twofactor import Factor, Factors

ADDED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("factors, removing, left", [
    (Factors(ADDED, 0, 8, ADDED), Factor.TOTP, False),
    (Factors(None, 1, 8, ADDED), Factor.SECURITY_KEY, False),
    (Factors(ADDED, 1, 8, ADDED), Factor.TOTP, True),
    (Factors(ADDED, 1, 8, ADDED), Factor.SECURITY_KEY, True),
    (Factors(None, 2, 8, ADDED), Factor.SECURITY_KEY, True),
])
def test_what_remains_after_removing_a_factor(factors, removing, left):
    assert factors.any
    remaining = factors.without(removing)
    assert remaining.any is left
    assert remaining.recovery_codes == 8  # removal clears them only through removal_actions


def test_no_factor_means_no_two_factor():
    assert not Factors(None, 0, 0, None).any
    assert Factors(None, 0, 0, None).without(Factor.SECURITY_KEY).security_keys == 0
