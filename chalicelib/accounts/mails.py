"""Mail to a user: to their primary address, in the language they chose, greeting them by the
name they display. Every mail about a user's own account or projects goes through here."""
from __future__ import annotations

from typing import Any

from chalicelib.accounts.models import User
from chalicelib.core import mail


def to_user(user: User, template: str, *, at: str | None = None, **context: Any) -> None:
    """Mails the user (see core.mail.send) at their primary address, or `at` another of theirs;
    `context` fills the template beside `username`."""
    mail.send(at or user.primary_email, template, language=user.language,
              **{"username": user.display_username, **context})
