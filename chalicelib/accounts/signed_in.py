"""Where an account is signed in, as its account page shows it: the active sessions, which the
user can end one by one or all but the current one, and the known devices, which they can forget.
An administrator can end every session of a user (chalicelib.admin.users)."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import devices, mails, sessions
from chalicelib.accounts.models import User
from chalicelib.core.db import transaction
from chalicelib.core.errors import NotFound
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.events.services import record
from chalicelib.events.tags import Tag


def end_session(username: str, handle: str, current_token: str | None, origin: Origin) -> bool:
    """Ends one of the user's sessions; True when it was the current one (the user logged out).
    Another account's session, or one already ended, is not found (404)."""
    try:
        with transaction() as t:
            sessions.end_one(t, username, handle)
            record(t, Tag.SESSION_END, origin, user=username)
    except TransactWriteError as exc:
        raise NotFound(gettext("No such session: it may have ended already.")) from exc
    return current_token is not None and sessions.handle_of(current_token) == handle


def end_other_sessions(username: str, current_token: str | None, origin: Origin) -> int:
    """Ends every session of the user but this browser's; returns how many ended."""
    ended = sessions.end_all(username, but=current_token)
    record(None, Tag.SESSIONS_END_OTHERS, origin, user=username, detail=str(ended))
    mails.to_user(User.get(username), "sessions-ended", count=ended, ip=origin.ip, by_administrator=False)
    return ended


def forget_device(username: str, device_id: str, origin: Origin) -> None:
    try:
        with transaction() as t:
            devices.forget(t, username, device_id)
            record(t, Tag.DEVICE_FORGET, origin, user=username)
    except TransactWriteError as exc:
        raise NotFound(gettext("No such device: it may have been forgotten already.")) from exc
