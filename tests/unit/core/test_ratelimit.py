"""Fixed-window rate limits, counted before the attempt is judged."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from freezegun import freeze_time

from chalicelib.core import ratelimit
from chalicelib.core.errors import RateLimited
from chalicelib.core.ratelimit import RateLimitCounter

TRIES = ("Too many tries: wait %(num)d minute.", "Too many tries: wait %(num)d minutes.")
LIMIT = ratelimit.Limit("test", 3, 60, TRIES)
OTHER = ratelimit.Limit("other", 5, 60, TRIES)


def test_counts_up_to_the_limit_then_refuses_until_the_window_ends(stores):
    with freeze_time("2026-01-01 00:00:10") as frozen:
        for expected in (1, 2, 3):
            ratelimit.reserve((LIMIT, "alice"))
            assert ratelimit.count(LIMIT, "alice") == expected
        with pytest.raises(RateLimited) as refused:
            ratelimit.reserve((LIMIT, "alice"))
        assert refused.value.retry_after == 50
        assert refused.value.message == "Too many tries: wait 1 minute."
        ratelimit.reserve((LIMIT, "bob"))  # other subjects are not affected
        frozen.tick(50)
        ratelimit.reserve((LIMIT, "alice"))


def test_subjects_are_case_insensitive(stores):
    with freeze_time("2026-01-01 00:00:10"):
        for subject in ("Alice", "ALICE", "alice"):
            ratelimit.reserve((LIMIT, subject))
        with pytest.raises(RateLimited):
            ratelimit.reserve((LIMIT, "aLiCe"))


def test_a_right_attempt_gives_its_count_back(stores):
    with freeze_time("2026-01-01 00:00:10"):
        for _ in range(10):
            ratelimit.give_back(ratelimit.reserve((LIMIT, "alice"), (OTHER, "192.0.2.1")))
        ratelimit.reserve((LIMIT, "alice"))
        assert ratelimit.count(LIMIT, "alice") == 1


def test_a_refusal_by_one_limit_counts_nothing_against_the_others(stores):
    with freeze_time("2026-01-01 00:00:10"):
        for _ in range(3):
            ratelimit.reserve((LIMIT, "alice"))
        with pytest.raises(RateLimited):
            ratelimit.reserve((OTHER, "192.0.2.1"), (LIMIT, "alice"))
        assert ratelimit.count(OTHER, "192.0.2.1") == 0


def test_concurrent_attempts_never_pass_the_limit(stores, atomic_store_calls):
    with freeze_time("2026-01-01 00:00:10"):
        def attempt(_: int) -> bool:
            try:
                ratelimit.reserve((LIMIT, "alice"))
            except RateLimited:
                return False
            return True
        with ThreadPoolExecutor(max_workers=10) as pool:
            allowed = sum(pool.map(attempt, range(30)))
        assert allowed == LIMIT.most
        [counter] = [c for c in RateLimitCounter.scan() if c.key.startswith("test:alice:")]
        assert counter.hits == LIMIT.most
