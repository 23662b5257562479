"""POST /_/oidc/mint-token's work: a verified OIDC token that matches registered publishers
becomes an upload token for their projects, valid 15 minutes; one that matches a pending
publisher first creates its project. Each OIDC token is exchanged once: its id is spent in the
same transaction that saves the new token."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts.models import User
from chalicelib.core import clock, ratelimit
from chalicelib.core.db import get_many, get_or_none, transaction
from chalicelib.core.origin import Origin
from chalicelib.events.services import project_subject, record
from chalicelib.events.tags import Tag
from chalicelib.oidc import pending as pending_publishers
from chalicelib.oidc import verify
from chalicelib.oidc.models import OidcState, Publisher
from chalicelib.oidc.publishers import PENDING, describe
from chalicelib.oidc.verify import Refused
from chalicelib.packaging import changes, creation
from chalicelib.packaging.models import Project
from chalicelib.packaging.names import normalize
from chalicelib.tokens import credentials as tokens

LIFETIME = timedelta(minutes=15)
SPENT_FOR = timedelta(seconds=verify.LEEWAY + 60)  # past the token's expiry: it is refused by then anyway


class Minted(NamedTuple):
    token: str
    expires: int  # unix time


def mint(payload: Any, origin: Origin) -> Minted:
    if not isinstance(payload, dict):
        raise Refused("invalid-payload", "the body must be a JSON object with a token")
    verified = verify.verify(payload.get("token"))
    claims = verified.claims
    # Every publisher of the repository, however many: a cap would let rows of an attacker's lock
    # the repository's real publisher out (pending ones are few: their claims are held once).
    candidates = list(Publisher.by_repository.query(verify.repository_of(verified.kind, claims)))
    matched = [p for p in candidates if verify.mismatch(verified.kind, verified.issuer, p, claims) is None]
    active = [p for p in matched if not p.project.startswith(PENDING)]
    if active:
        return _for_projects(verified, active, origin)
    now = clock.now()
    pending = [p for p in matched if p.project.startswith(PENDING) and p.expires is not None and p.expires > now]
    if pending:
        return _for_pending(verified, min(pending, key=lambda p: p.created_at), origin)
    if matched:
        raise Refused("invalid-pending-publisher", "the pending publisher this token matches has expired")
    raise Refused("invalid-publisher", "valid token, but no corresponding publisher (the repository, workflow, "
                                       "environment or owner differs from every publisher registered for it)")


def _spent(verified: verify.Verified) -> OidcState:
    expiry = datetime.fromtimestamp(int(verified.claims["exp"]), UTC)
    return OidcState(f"jti:{verified.issuer}:{verified.claims['jti']}", expires=expiry + SPENT_FOR)


def _pin_owner(t: Any, verified: verify.Verified, publisher: Publisher) -> None:
    """GitHub account names can be reused: the first token pins the owner's numeric id."""
    if verified.kind == "github" and not publisher.owner_id:
        t.update(publisher, actions=[Publisher.owner_id.set(verified.claims["repository_owner_id"])],
                 condition=Publisher.owner_id.does_not_exist())


def _refusal(exc: TransactWriteError, code: str, description: str) -> Refused:
    """A refused transaction whose first write spends the token id: a reused token, or else the
    given refusal (a publisher or a name changed meanwhile)."""
    reasons = exc.cancellation_reasons or []
    if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
        return Refused("invalid-reuse-token", "invalid token: already used")
    return Refused(code, description)


def _for_projects(verified: verify.Verified, active: list[Publisher], origin: Origin) -> Minted:
    """A token for the matched publishers' projects, each bound to its identity; a project whose
    Owners are all suspended is left out (and told in its history), as is one being deleted."""
    names = sorted({p.project for p in active})
    found = {name: item for name, item in zip(names, get_many([(Project, n, None) for n in names]), strict=True)
             if item is not None and item.deleting is None}
    suspended = [item for item in found.values() if item.owners_suspended]
    for item in suspended:
        record(None, Tag.UPLOAD_REFUSED_SUSPENDED, origin, project=project_subject(item.name, item.created_at),
               detail=verify.label_of(verified.kind, verified.claims))
    projects = {name: item.identity for name, item in found.items() if not item.owners_suspended}
    if not projects:
        if suspended:
            raise Refused("invalid-publisher", "every owner of the project this publisher belongs to is suspended: "
                                               "ask the index's administrators")
        raise Refused("invalid-publisher", "the project this publisher belonged to was deleted")
    token, item = tokens.mint(projects, verify.label_of(verified.kind, verified.claims), LIFETIME,
                              verify.attester_of(verified.kind, verified.claims))
    try:
        with transaction() as t:
            t.save(_spent(verified), condition=OidcState.key.does_not_exist())
            t.save(item)
            for publisher in active:
                _pin_owner(t, verified, publisher)
    except TransactWriteError as exc:
        raise _refusal(exc, "invalid-publisher", "the publisher changed meanwhile: try again") from exc
    return Minted(token, int(item.expires_at.timestamp()))


def _for_pending(verified: verify.Verified, pending: Publisher, origin: Origin) -> Minted:
    name = pending.pending_name or ""
    if creation.halted():
        raise Refused("invalid-pending-publisher", "new projects cannot be created on this index right now")
    owner = get_or_none(User, pending.added_by)
    if owner is None or owner.suspended_at is not None:
        raise Refused("invalid-pending-publisher", "the account that registered this pending publisher is suspended")
    if (problem := creation.name_problem(name, pending.added_by)) is creation.NameProblem.HELD:
        raise Refused("invalid-pending-publisher", f"a project '{name}' was deleted and its name is held for its "
                                                   "former owners")
    if problem is not None:
        raise Refused("invalid-pending-publisher", f"the project name '{name}' can no longer be registered")
    now = clock.now()
    project = normalize(name)
    active = Publisher(pending.id + "-" + project, kind=pending.kind, project=project,
                       repository=pending.repository, owner=pending.owner, name=pending.name,
                       workflow=pending.workflow, environment=pending.environment,
                       owner_id=verified.claims.get("repository_owner_id") if verified.kind == "github" else None,
                       added_by=pending.added_by, created_at=now)
    uid = creation.new_uid()
    token, item = tokens.mint({project: uid}, verify.label_of(verified.kind, verified.claims), LIFETIME,
                              verify.attester_of(verified.kind, verified.claims))
    held = pending_publishers.held_items(pending)
    try:
        with transaction() as t:
            t.save(_spent(verified), condition=OidcState.key.does_not_exist())
            creation.create(t, name, pending.added_by, now, uid=uid)
            t.delete(pending, condition=Publisher.id.exists())
            for write in held:  # its claims and its slot are free again
                write(t)
            t.save(active)
            t.save(item)
            record(t, Tag.PROJECT_CREATE_BY_PUBLISHER, origin, user=pending.added_by,
                   project=project_subject(project, now), detail=describe(active))
    except TransactWriteError as exc:
        if (limited := ratelimit.exceeded(ratelimit.NEW_PROJECTS_PER_USER, pending.added_by)) is not None:
            raise Refused("invalid-pending-publisher", limited.message) from exc
        raise _refusal(exc, "invalid-pending-publisher",
                       f"the project '{name}' was created meanwhile, or the pending publisher removed") from exc
    changes.announce(changes.Change(project, listing=True))  # its page and the index's, as an upload's
    return Minted(token, int(item.expires_at.timestamp()))


def burn(payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("token"), str):
        raise Refused("invalid-payload", "the body must be a JSON object with a token")
    tokens.burn(payload["token"])
