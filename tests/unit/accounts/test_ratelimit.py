"""Fixed-window rate limits."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from chalicelib.accounts import ratelimit
from chalicelib.core.errors import RateLimited

LIMIT = ratelimit.Limit("test", 3, 60, "tries")



def test_counts_up_to_the_limit_then_refuses_until_the_window_ends(stores):
    with freeze_time("2026-01-01 00:00:10") as frozen:
        for expected in (1, 2, 3):
            ratelimit.check((LIMIT, "alice"))
            assert ratelimit.hit((LIMIT, "alice")) == [expected]
        with pytest.raises(RateLimited) as refused:
            ratelimit.check((LIMIT, "alice"))
        assert refused.value.retry_after == 50
        assert "Too many tries" in refused.value.message
        ratelimit.check((LIMIT, "bob"))  # other subjects are not affected
        frozen.tick(50)
        ratelimit.check((LIMIT, "alice"))


def test_subjects_are_case_insensitive(stores):
    with freeze_time("2026-01-01 00:00:10"):
        ratelimit.hit((LIMIT, "Alice"), (LIMIT, "ALICE"), (LIMIT, "alice"))
        with pytest.raises(RateLimited):
            ratelimit.check((LIMIT, "aLiCe"))
