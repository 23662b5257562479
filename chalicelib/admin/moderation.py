"""What an administrator does to a project: quarantine it, release it, delete it; each in the
same transaction as its line in the admin log. The project's side of each is chalicelib.packaging's."""
from __future__ import annotations

from collections.abc import Sequence

from chalicelib.admin import log
from chalicelib.core.origin import Origin
from chalicelib.packaging import retraction, status
from chalicelib.packaging.catalog import ProjectInfo


def quarantine(administrator: str, found: ProjectInfo, reason: str, origin: Origin) -> None:
    status.quarantine(administrator, found, reason, origin, also=lambda t: t.save(log.entry(
        log.Action.QUARANTINE, administrator, origin, target=found.display_name, reason=reason.strip())))


def lift_quarantine(administrator: str, found: ProjectInfo, reason: str, origin: Origin) -> None:
    status.lift_quarantine(administrator, found, origin, also=lambda t: t.save(log.entry(
        log.Action.LIFT_QUARANTINE, administrator, origin, target=found.display_name, reason=reason.strip())))


def delete(administrator: str, found: ProjectInfo, typed_name: str, reason: str, origin: Origin, *,
           dependents: Sequence[retraction.Dependents]) -> None:
    retraction.delete_project(administrator, found, typed_name, origin, as_administrator=True,
                          dependents=dependents,
                          also=lambda t: t.save(log.entry(log.Action.DELETE_PROJECT, administrator, origin,
                                                          target=found.display_name, reason=reason.strip())))
