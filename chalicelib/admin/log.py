"""The admin log: every administrator's action, with who, what, why, when and from where,
written in the same transaction as the action itself."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import NamedTuple

from chalicelib.admin.models import AdminAction
from chalicelib.core import clock, journal
from chalicelib.core.origin import Origin
from chalicelib.core.translation import N_, gettext

PARTITION = "log"
LENGTH = 200


class Action(enum.StrEnum):
    GRANT = "admin:grant"
    HALT_REGISTRATIONS = "admin:registrations:halt"
    ALLOW_REGISTRATIONS = "admin:registrations:allow"
    HALT_PROJECTS = "admin:projects:halt"
    ALLOW_PROJECTS = "admin:projects:allow"
    PRIVATE_INDEX = "admin:index:private"
    PUBLIC_INDEX = "admin:index:public"
    REVIEW_ORGANIZATIONS = "admin:organizations:review"
    OPEN_ORGANIZATIONS = "admin:organizations:open"
    APPROVE_ORGANIZATION = "admin:organization:approve"
    DECLINE_ORGANIZATION = "admin:organization:decline"
    SUSPEND = "admin:user:suspend"
    RESTORE = "admin:user:restore"
    END_SESSIONS = "admin:user:end-sessions"
    RECOVERY_START = "admin:recovery:start"
    RECOVERY_CANCEL = "admin:recovery:cancel"
    RECOVERY_COMPLETE = "admin:recovery:complete"
    PROHIBIT = "admin:name:prohibit"
    RELEASE_NAME = "admin:name:release"  # a deleted project's held name
    QUARANTINE = "admin:project:quarantine"
    LIFT_QUARANTINE = "admin:project:release"
    DELETE_PROJECT = "admin:project:delete"
    NAMESPACE_GRANT = "admin:namespace:grant"
    NAMESPACE_REVOKE = "admin:namespace:revoke"
    BLOCK = "admin:upstream:block"
    UNBLOCK = "admin:upstream:unblock"
    COOLDOWN = "admin:upstream:cooldown"
    UPSTREAM_REFUSED = "upstream:download:refused"  # a blocked or too young upstream file (no administrator)
    NAMESPACE_REFUSED = "namespace:upload:refused"  # a new project in a namespace granted to others
    UPSTREAM_NAME_REFUSED = "upstream:upload:refused"  # a new project under a name that came from upstream
    ALLOW_LOCAL = "admin:upstream:allow-local"  # a name from upstream may be uploaded here


DESCRIPTIONS: dict[str, str] = {
    Action.GRANT: N_("Made an administrator"),
    Action.HALT_REGISTRATIONS: N_("Halted new registrations"),
    Action.ALLOW_REGISTRATIONS: N_("Allowed new registrations"),
    Action.HALT_PROJECTS: N_("Halted new projects"),
    Action.ALLOW_PROJECTS: N_("Allowed new projects"),
    Action.PRIVATE_INDEX: N_("Made the index private"),
    Action.PUBLIC_INDEX: N_("Made the index public"),
    Action.REVIEW_ORGANIZATIONS: N_("Required approval of new organizations"),
    Action.OPEN_ORGANIZATIONS: N_("Stopped requiring approval of new organizations"),
    Action.APPROVE_ORGANIZATION: N_("Approved an organization"),
    Action.DECLINE_ORGANIZATION: N_("Declined an organization"),
    Action.SUSPEND: N_("Suspended a user"),
    Action.RESTORE: N_("Restored a user"),
    Action.END_SESSIONS: N_("Ended every session of a user"),
    Action.RECOVERY_START: N_("Started the recovery of an account"),
    Action.RECOVERY_CANCEL: N_("Cancelled the recovery of an account"),
    Action.RECOVERY_COMPLETE: N_("An account recovery was completed by its user"),
    Action.PROHIBIT: N_("Prohibited a project name"),
    Action.RELEASE_NAME: N_("Released the held name of a deleted project"),
    Action.QUARANTINE: N_("Quarantined a project"),
    Action.LIFT_QUARANTINE: N_("Released a project from quarantine"),
    Action.DELETE_PROJECT: N_("Deleted a project"),
    Action.NAMESPACE_GRANT: N_("Granted a namespace"),
    Action.NAMESPACE_REVOKE: N_("Revoked a namespace"),
    Action.BLOCK: N_("Blocked an upstream name or version"),
    Action.UNBLOCK: N_("Unblocked an upstream name or version"),
    Action.COOLDOWN: N_("Set the cooldown of upstream files"),
    Action.UPSTREAM_REFUSED: N_("Refused the download of an upstream file"),
    Action.NAMESPACE_REFUSED: N_("Refused a new project in a granted namespace"),
    Action.UPSTREAM_NAME_REFUSED: N_("Refused a new project under a name from the upstream index"),
    Action.ALLOW_LOCAL: N_("Allowed uploads of a name from the upstream index"),
}


class LogEntry(NamedTuple):
    at: datetime
    action: str
    description: str
    administrator: str
    target: str
    reason: str
    ip: str
    user_agent: str


def entry(action: Action, administrator: str, origin: Origin, *, target: str = "", reason: str = "") -> AdminAction:
    """An unsaved log entry, for the transaction of the action it records."""
    now = clock.now()
    return AdminAction(PARTITION, action=action.value, administrator=administrator, target=target, reason=reason,
                       **journal.entry(now, origin))


def entries(limit: int = LENGTH) -> list[LogEntry]:
    """The newest first."""
    return [LogEntry(item.at, item.action,
                     gettext(DESCRIPTIONS[item.action]) if item.action in DESCRIPTIONS else item.action,
                     item.administrator, item.target, item.reason, item.ip, item.user_agent)
            for item in AdminAction.query(PARTITION, scan_index_forward=False, limit=limit)]
