"""Every kind of security event, in one enum (`account:login:success` style tags, as
Warehouse names them), and what the history page calls each."""
from __future__ import annotations

import enum
from collections.abc import Sequence

from chalicelib.core.translation import N_, gettext


class Tag(enum.StrEnum):
    ACCOUNT_CREATE = "account:create"
    LOGIN_SUCCESS = "account:login:success"
    LOGIN_FAILURE = "account:login:failure"
    LOGIN_LOCKED = "account:login:rate-limited"
    LOGOUT = "account:logout"
    SESSION_END = "account:session:end"
    SESSIONS_END_OTHERS = "account:session:end-others"
    SESSIONS_END_ALL = "account:session:end-all"  # by an administrator
    DEVICE_FORGET = "account:device:forget"
    LOGIN_HELD = "account:login:held"  # a new device: waiting for the mailed link
    RECOVERY_REQUEST = "account:recovery:request"
    RECOVERY_START = "account:recovery:start"
    RECOVERY_CANCEL = "account:recovery:cancel"
    RECOVERY_COMPLETE = "account:recovery:complete"
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
    PASSKEY_ADD = "account:passkey:add"
    PASSKEY_REMOVE = "account:passkey:remove"
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
    PUBLISHER_ADD = "project:publisher:add"
    PUBLISHER_REMOVE = "project:publisher:remove"
    PENDING_PUBLISHER_ADD = "account:pending-publisher:add"
    PENDING_PUBLISHER_REMOVE = "account:pending-publisher:remove"
    PENDING_PUBLISHER_REFUSED = "account:pending-publisher:refused"  # another account holds its claims
    NAME_HELD_REFUSED = "account:project:held-name-refused"  # a deleted project's held name, by another account
    UPLOAD_REFUSED_SUSPENDED = "project:upload:refused-suspended"  # every Owner is suspended
    PROJECT_CREATE_BY_PUBLISHER = "project:create:publisher"
    PROJECT_ARCHIVE = "project:status:archive"
    PROJECT_UNARCHIVE = "project:status:unarchive"
    NAMESPACE_REFUSED = "account:project:namespace-refused"  # a new project in a namespace granted to others
    UPSTREAM_NAME_REFUSED = "account:project:upstream-name-refused"  # a new project under an upstream name
    ORG_CREATE = "organization:create"
    ORG_SETTINGS = "organization:settings"
    ORG_APPROVE = "organization:approve"
    ORG_DECLINE = "organization:decline"
    ORG_PROJECT_CREATE = "project:organization:create"
    ORG_INVITE = "organization:member:invite"
    ORG_INVITE_REVOKE = "organization:member:invite:revoke"
    ORG_INVITE_ACCEPT = "organization:member:invite:accept"
    ORG_INVITE_DECLINE = "organization:member:invite:decline"
    ORG_ROLE_CHANGE = "organization:member:change"
    ORG_MEMBER_REMOVE = "organization:member:remove"
    TEAM_CREATE = "organization:team:create"
    TEAM_MEMBER_ADD = "organization:team:member:add"
    TEAM_MEMBER_REMOVE = "organization:team:member:remove"
    TEAM_GRANT = "organization:team:grant"
    TEAM_REVOKE = "organization:team:revoke"
    PROJECT_TRANSFER_IN = "project:organization:transfer-in"
    PROJECT_TRANSFER_OUT = "project:organization:transfer-out"
    PROJECT_PRIVATE = "project:visibility:private"
    PROJECT_PUBLIC = "project:visibility:public"
    PROJECT_QUARANTINE = "project:status:quarantine"
    QUARANTINE_LIFT = "project:status:release"
    ACCOUNT_SUSPEND = "account:suspend"
    ACCOUNT_RESTORE = "account:restore"
    WEBHOOK_ADD = "project:webhook:add"
    WEBHOOK_REMOVE = "project:webhook:remove"
    WEBHOOK_DISABLE = "project:webhook:disable"  # a delivery failed every retry


DESCRIPTIONS: dict[str, str] = {
    Tag.ACCOUNT_CREATE: N_("Account created"),
    Tag.LOGIN_SUCCESS: N_("Logged in"),
    Tag.LOGIN_FAILURE: N_("Failed login"),
    Tag.LOGIN_LOCKED: N_("Logins paused after too many failures"),
    Tag.LOGOUT: N_("Logged out"),
    Tag.SESSION_END: N_("Session ended"),
    Tag.SESSIONS_END_OTHERS: N_("All other sessions ended"),
    Tag.SESSIONS_END_ALL: N_("All sessions ended by an administrator"),
    Tag.DEVICE_FORGET: N_("Known device forgotten"),
    Tag.LOGIN_HELD: N_("Login from a new device held until confirmed by email"),
    Tag.RECOVERY_REQUEST: N_("Account recovery requested"),
    Tag.RECOVERY_START: N_("Account recovery started by an administrator"),
    Tag.RECOVERY_CANCEL: N_("Account recovery cancelled"),
    Tag.RECOVERY_COMPLETE: N_("Account recovered: new password, every second factor and API token removed"),
    Tag.PASSWORD_CHANGE: N_("Password changed"),
    Tag.PASSWORD_RESET_REQUEST: N_("Password reset requested"),
    Tag.PASSWORD_RESET: N_("Password reset"),
    Tag.EMAIL_ADD: N_("Email address added"),
    Tag.EMAIL_VERIFY: N_("Email address verified"),
    Tag.PASSWORD_CONFIRM_FAILURE: N_("Wrong password when confirming an action"),
    Tag.TWO_FACTOR_FAILURE: N_("Wrong two-factor code"),
    Tag.TOTP_ADD: N_("Authenticator app added"),
    Tag.TOTP_REMOVE: N_("Authenticator app removed"),
    Tag.RECOVERY_CODES_GENERATE: N_("Recovery codes generated"),
    Tag.RECOVERY_CODE_USE: N_("Recovery code used"),
    Tag.WEBAUTHN_ADD: N_("Security key added"),
    Tag.WEBAUTHN_REMOVE: N_("Security key removed"),
    Tag.WEBAUTHN_CLONED: N_("A cloned security key was refused"),
    Tag.PASSKEY_ADD: N_("A passkey was added"),
    Tag.PASSKEY_REMOVE: N_("A passkey was removed"),
    Tag.TOKEN_CREATE: N_("API token created"),
    Tag.TOKEN_REVOKE: N_("API token revoked"),
    Tag.REAUTHENTICATE: N_("Confirmed password and second factor for a sensitive action"),
    Tag.FILE_UPLOAD: N_("File uploaded"),
    Tag.FILE_DELETE: N_("File deleted"),
    Tag.RELEASE_YANK: N_("Release yanked"),
    Tag.RELEASE_UNYANK: N_("Release un-yanked"),
    Tag.RELEASE_DELETE: N_("Release deleted"),
    Tag.PROJECT_DELETE: N_("Project deleted"),
    Tag.ROLE_INVITE: N_("Collaborator invited"),
    Tag.ROLE_INVITE_REVOKE: N_("Invitation revoked"),
    Tag.ROLE_INVITE_ACCEPT: N_("Invitation accepted"),
    Tag.ROLE_INVITE_DECLINE: N_("Invitation declined"),
    Tag.ROLE_CHANGE: N_("Role changed"),
    Tag.ROLE_REMOVE: N_("Collaborator removed"),
    Tag.PUBLISHER_ADD: N_("Trusted publisher added"),
    Tag.PUBLISHER_REMOVE: N_("Trusted publisher removed"),
    Tag.PENDING_PUBLISHER_ADD: N_("Pending trusted publisher added"),
    Tag.PENDING_PUBLISHER_REMOVE: N_("Pending trusted publisher removed"),
    Tag.PENDING_PUBLISHER_REFUSED: N_("Pending trusted publisher refused: another account registered it"),
    Tag.NAME_HELD_REFUSED: N_("Upload refused: the name of a deleted project is held"),
    Tag.UPLOAD_REFUSED_SUSPENDED: N_("Upload refused: every owner is suspended"),
    Tag.PROJECT_CREATE_BY_PUBLISHER: N_("Project created by a pending trusted publisher"),
    Tag.PROJECT_ARCHIVE: N_("Project archived"),
    Tag.PROJECT_UNARCHIVE: N_("Project unarchived"),
    Tag.NAMESPACE_REFUSED: N_("Upload refused: the name is in a namespace granted to others"),
    Tag.UPSTREAM_NAME_REFUSED: N_("Upload refused: the name comes from the upstream index"),
    Tag.ORG_CREATE: N_("Organization created"),
    Tag.ORG_SETTINGS: N_("Organization settings changed"),
    Tag.ORG_APPROVE: N_("Organization approved by an administrator"),
    Tag.ORG_DECLINE: N_("Organization declined by an administrator"),
    Tag.ORG_PROJECT_CREATE: N_("Project created in an organization"),
    Tag.ORG_INVITE: N_("Invited to the organization"),
    Tag.ORG_INVITE_REVOKE: N_("Invitation to the organization revoked"),
    Tag.ORG_INVITE_ACCEPT: N_("Invitation to the organization accepted"),
    Tag.ORG_INVITE_DECLINE: N_("Invitation to the organization declined"),
    Tag.ORG_ROLE_CHANGE: N_("Organization role changed"),
    Tag.ORG_MEMBER_REMOVE: N_("Removed from the organization"),
    Tag.TEAM_CREATE: N_("Team created"),
    Tag.TEAM_MEMBER_ADD: N_("Added to a team"),
    Tag.TEAM_MEMBER_REMOVE: N_("Removed from a team"),
    Tag.TEAM_GRANT: N_("Team granted a role on a project"),
    Tag.TEAM_REVOKE: N_("Team's role on a project revoked"),
    Tag.PROJECT_TRANSFER_IN: N_("Project transferred into an organization"),
    Tag.PROJECT_TRANSFER_OUT: N_("Project transferred out of an organization"),
    Tag.PROJECT_PRIVATE: N_("Project made private"),
    Tag.PROJECT_PUBLIC: N_("Project made public"),
    Tag.PROJECT_QUARANTINE: N_("Project quarantined by an administrator"),
    Tag.QUARANTINE_LIFT: N_("Project released from quarantine by an administrator"),
    Tag.ACCOUNT_SUSPEND: N_("Account suspended by an administrator"),
    Tag.ACCOUNT_RESTORE: N_("Account restored by an administrator"),
    Tag.WEBHOOK_ADD: N_("Webhook added"),
    Tag.WEBHOOK_REMOVE: N_("Webhook removed"),
    Tag.WEBHOOK_DISABLE: N_("Webhook turned off after its receiver failed every retry"),
}


# The events that are also counted as metrics (core.telemetry), by the metric's name.
METRICS: dict[str, str] = {Tag.LOGIN_SUCCESS: "Logins", Tag.LOGIN_FAILURE: "LoginFailures"}

# How a login was proved, as a login event's detail records it.
METHODS: dict[str, str] = {
    "totp": N_("with an authenticator app"),
    "recovery-code": N_("with a recovery code"),
}
SECURITY_KEY_METHOD = "security-key:"  # followed by the key's name
PASSKEY_METHOD = "passkey:"  # followed by the passkey's name
def describe(tag: str) -> str:
    """What the history shows for a stored tag, in the reader's language; a tag no longer in
    the enum shows as recorded."""
    return gettext(DESCRIPTIONS[tag]) if tag in DESCRIPTIONS else tag


def describe_detail(tag: str, detail: str, roles: Sequence[str] = ()) -> str:
    """An event's detail as the history shows it: a login's method in the reader's language
    (events recorded before methods had codes carry the English words), and a role event's
    roles after the user's name ("bob (Maintainer → Owner)"); other details are names the user
    gave (a file, a token, an address) and show as recorded."""
    if roles:
        return f"{detail} ({' → '.join(gettext(role) for role in roles)})"
    if tag not in (Tag.LOGIN_SUCCESS, Tag.LOGIN_FAILURE, Tag.REAUTHENTICATE, Tag.LOGIN_HELD):
        return detail
    if detail in METHODS:
        return gettext(METHODS[detail])
    if detail.startswith(SECURITY_KEY_METHOD):
        return gettext("with security key “%(name)s”", name=detail.removeprefix(SECURITY_KEY_METHOD))
    if detail.startswith(PASSKEY_METHOD):
        return gettext("with passkey “%(name)s”", name=detail.removeprefix(PASSKEY_METHOD))
    return gettext(detail) if detail in METHODS.values() else detail
