"""What a user chose for how the site speaks to them: their language, for pages on any
browser they log in with and for every mail sent to them."""
from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.accounts.models import User
from chalicelib.core.db import cancelled
from chalicelib.core.translation import LANGUAGES


def set_language(username: str, language: str) -> None:
    if language not in LANGUAGES:
        return
    try:
        User(username).update(actions=[User.language.set(language)], condition=User.username.exists())
    except UpdateError as exc:
        if not cancelled(exc):  # an account deleted meanwhile keeps no choice
            raise

