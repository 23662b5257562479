from __future__ import annotations

import pytest
from freezegun import freeze_time

from chalicelib import events, ratelimit
from chalicelib.errors import RateLimited

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


def test_history_is_newest_first_with_descriptions(stores):
    origin = events.Origin(ip="192.0.2.7", user_agent="pytest")
    with freeze_time("2026-01-01 00:00:00") as frozen:
        events.record_event("alice", events.Tag.LOGIN_FAILURE, origin)
        frozen.tick(5)
        events.record_event("alice", events.Tag.LOGIN_SUCCESS, origin)
    history = events.history("alice")
    assert [entry.description for entry in history] == ["Logged in", "Failed login"]
    assert history[0].ip == "192.0.2.7" and history[0].user_agent == "pytest"
    assert events.history("bob") == []
