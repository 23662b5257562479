"""Every kind of security event, in one enum (`account:login:success` style tags, as
Warehouse names them), and what the history page calls each."""
from __future__ import annotations

import enum


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
    REAUTHENTICATE = "account:reauthenticate:success"
    FILE_UPLOAD = "project:file:upload"
    FILE_DELETE = "project:file:delete"
    RELEASE_YANK = "project:release:yank"
    RELEASE_UNYANK = "project:release:unyank"
    RELEASE_DELETE = "project:release:delete"
    PROJECT_DELETE = "project:delete"
    ROLE_INVITE = "project:role:invite"
    ROLE_INVITE_REVOKE = "project:role:invite:revoke"
    ROLE_INVITE_ACCEPT = "project:role:invite:accept"
    ROLE_INVITE_DECLINE = "project:role:invite:decline"
    ROLE_CHANGE = "project:role:change"
    ROLE_REMOVE = "project:role:remove"


DESCRIPTIONS: dict[str, str] = {
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
    Tag.RECOVERY_CODE_USE: "Recovery code used",
    Tag.WEBAUTHN_ADD: "Security key added",
    Tag.WEBAUTHN_REMOVE: "Security key removed",
    Tag.WEBAUTHN_CLONED: "A cloned security key was refused",
    Tag.TOKEN_CREATE: "API token created",
    Tag.TOKEN_REVOKE: "API token revoked",
    Tag.REAUTHENTICATE: "Confirmed password and second factor for a sensitive action",
    Tag.FILE_UPLOAD: "File uploaded",
    Tag.FILE_DELETE: "File deleted",
    Tag.RELEASE_YANK: "Release yanked",
    Tag.RELEASE_UNYANK: "Release un-yanked",
    Tag.RELEASE_DELETE: "Release deleted",
    Tag.PROJECT_DELETE: "Project deleted",
    Tag.ROLE_INVITE: "Collaborator invited",
    Tag.ROLE_INVITE_REVOKE: "Invitation revoked",
    Tag.ROLE_INVITE_ACCEPT: "Invitation accepted",
    Tag.ROLE_INVITE_DECLINE: "Invitation declined",
    Tag.ROLE_CHANGE: "Role changed",
    Tag.ROLE_REMOVE: "Collaborator removed",
}


def describe(tag: str) -> str:
    """What the history shows for a stored tag; a tag no longer in the enum shows as recorded."""
    return DESCRIPTIONS.get(tag, tag)
