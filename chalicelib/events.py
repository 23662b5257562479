"""Security history: one way to record an event, tags from one enum."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.models import Event

KEEP_FOR = timedelta(days=365 * 2)
HISTORY_LENGTH = 50


class Tag(enum.StrEnum):
    ACCOUNT_CREATE = "account:create"
    LOGIN_SUCCESS = "account:login:success"
    LOGIN_FAILURE = "account:login:failure"
    LOGIN_LOCKED = "account:login:rate-limited"
    LOGOUT = "account:logout"
    PASSWORD_CHANGE = "account:password:change"
    PASSWORD_RESET_REQUEST = "account:password:reset:request"
    PASSWORD_RESET = "account:password:reset"
    EMAIL_ADD = "account:email:add"
    EMAIL_VERIFY = "account:email:verified"
    PASSWORD_CONFIRM_FAILURE = "account:reauthenticate:failure"
    TWO_FACTOR_FAILURE = "account:two-factor:failure"
    TOTP_ADD = "account:two-factor:totp:add"
    TOTP_REMOVE = "account:two-factor:totp:remove"
    RECOVERY_CODES_GENERATE = "account:recovery-codes:generate"
    RECOVERY_CODE_USE = "account:recovery-codes:use"
    WEBAUTHN_ADD = "account:two-factor:webauthn:add"
    WEBAUTHN_REMOVE = "account:two-factor:webauthn:remove"
    WEBAUTHN_CLONED = "account:two-factor:webauthn:cloned"
    TOKEN_CREATE = "account:api-token:create"
    TOKEN_REVOKE = "account:api-token:revoke"
    FILE_UPLOAD = "project:file:upload"


DESCRIPTIONS = {
    Tag.ACCOUNT_CREATE: "Account created",
    Tag.LOGIN_SUCCESS: "Logged in",
    Tag.LOGIN_FAILURE: "Failed login",
    Tag.LOGIN_LOCKED: "Logins paused after too many failures",
    Tag.LOGOUT: "Logged out",
    Tag.PASSWORD_CHANGE: "Password changed",
    Tag.PASSWORD_RESET_REQUEST: "Password reset requested",
    Tag.PASSWORD_RESET: "Password reset",
    Tag.EMAIL_ADD: "Email address added",
    Tag.EMAIL_VERIFY: "Email address verified",
    Tag.PASSWORD_CONFIRM_FAILURE: "Wrong password when confirming an action",
    Tag.TWO_FACTOR_FAILURE: "Wrong two-factor code",
    Tag.TOTP_ADD: "Authenticator app added",
    Tag.TOTP_REMOVE: "Authenticator app removed",
    Tag.RECOVERY_CODES_GENERATE: "Recovery codes generated",
    Tag.RECOVERY_CODE_USE: "Logged in with a recovery code",
    Tag.WEBAUTHN_ADD: "Security key added",
    Tag.WEBAUTHN_REMOVE: "Security key removed",
    Tag.WEBAUTHN_CLONED: "A cloned security key was refused",
    Tag.TOKEN_CREATE: "API token created",
    Tag.TOKEN_REVOKE: "API token revoked",
    Tag.FILE_UPLOAD: "File uploaded",
}


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as recorded with each event."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    tag: str
    description: str
    ip: str
    user_agent: str
    detail: str


def build(username: str, tag: Tag, origin: Origin, detail: str = "") -> Event:
    """An unsaved event, for callers that write it inside a transaction."""
    now = clock.now()
    return Event(
        username,
        f"{now.isoformat()}#{secrets.token_hex(4)}",
        tag=tag.value,
        ip=origin.ip,
        user_agent=origin.user_agent[:512],
        detail=detail,
        expires=now + KEEP_FOR,
    )


def record_event(username: str, tag: Tag, origin: Origin, detail: str = "") -> None:
    build(username, tag, origin, detail).save()


def history(username: str, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=datetime.fromisoformat(event.id.split("#")[0]),
            tag=event.tag,
            description=DESCRIPTIONS.get(Tag(event.tag), event.tag),
            ip=event.ip,
            user_agent=event.user_agent,
            detail=event.detail,
        )
        for event in Event.query(username, scan_index_forward=False, limit=limit)
    ]
