"""Session ids and CSRF tokens."""
from __future__ import annotations

import pytest

from chalicelib.accounts import sessions
from chalicelib.core.errors import CsrfFailure


def test_csrf_token_is_bound_to_its_cookie(settings_env):
    token = sessions.csrf_token("cookie-a")
    sessions.check_csrf("cookie-a", token)
    for cookie, submitted in (("cookie-b", token), ("cookie-a", None), (None, token), ("cookie-a", token[:-1])):
        with pytest.raises(CsrfFailure):
            sessions.check_csrf(cookie, submitted)


def test_session_ids_are_random_and_long():
    tokens = {sessions.new_token() for _ in range(100)}
    assert len(tokens) == 100 and min(map(len, tokens)) >= 43
