"""What administrators decide about names and the upstream (the page /admin/upstream/):
namespace grants (packaging.namespaces), blocks and the cooldown (upstream.policy). Each change
is a line of the admin log, written in its transaction."""
from __future__ import annotations

import json
import re

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts.models import User
from chalicelib.admin import log
from chalicelib.core import clock
from chalicelib.core.db import get_or_none, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationError
from chalicelib.core.origin import Origin
from chalicelib.core.translation import gettext
from chalicelib.organizations.models import Organization
from chalicelib.packaging import changes
from chalicelib.packaging.names import NAME_RE, normalize
from chalicelib.packaging.namespaces import Namespace, covered_projects
from chalicelib.upstream import policy
from chalicelib.upstream.models import COOLDOWN, Rules, UpstreamPage
from chalicelib.upstream.services import blocks_of, cooldown_of

REASON_MAX = 500
DAYS_MAX = 365


def grant_namespace(administrator: str, prefix: str, owners: str, open_: bool, origin: Origin) -> None:
    """Grants a prefix to an organization (its name alone in "Owners") or to users (usernames)."""
    prefix, named = prefix.strip(), [n for n in re.split(r"[\s,]+", owners.strip()) if n]
    errors = {}
    if not prefix or len(prefix) > 100 or not NAME_RE.match(prefix):
        errors["prefix"] = gettext("Give a prefix that is a valid project name, such as acme.")
    organization = get_or_none(Organization, normalize(named[0])) if len(named) == 1 else None
    users = [] if organization is not None else [get_or_none(User, n.lower()) for n in named]
    if not named or (organization is None and None in users):
        errors["owners"] = gettext("Name one organization, or users by their usernames.")
    if errors:
        raise ValidationError(errors)
    key = normalize(prefix)
    item = Namespace(key, organization=organization.name if organization is not None else None,
                     owners={u.username for u in users if u is not None} or None, open=open_,
                     granted_by=administrator, granted_at=clock.now())
    holders = organization.name if organization is not None else ", ".join(sorted(item.owners or ()))
    try:
        with transaction() as t:
            t.save(item, condition=Namespace.prefix.does_not_exist())
            t.save(log.entry(log.Action.NAMESPACE_GRANT, administrator, origin, target=key,
                             reason=holders + (" (open)" if open_ else "")))
    except TransactWriteError as exc:
        raise ValidationError({"prefix": gettext("This prefix is granted already: revoke it first.")}) from exc
    _announce(key)


def _announce(prefix: str) -> None:
    """The pages of the projects a grant covers say their namespace (PEP 752): built again."""
    for name in covered_projects(prefix):
        changes.announce(changes.Change(name))


def revoke_namespace(administrator: str, prefix: str, origin: Origin) -> None:
    key = normalize(prefix)
    try:
        with transaction() as t:
            t.delete(Namespace(key), condition=Namespace.prefix.exists())
            t.save(log.entry(log.Action.NAMESPACE_REVOKE, administrator, origin, target=key))
    except TransactWriteError as exc:
        raise NotFound(gettext("No such namespace.")) from exc
    _announce(key)


def block(administrator: str, requirement: str, reason: str, origin: Origin) -> None:
    requirement, reason = requirement.strip(), reason.strip()
    errors = {}
    try:
        name, _ = policy.parse_requirement(requirement)
    except ValueError:
        errors["requirement"] = gettext("Give a project name, or a name with a version specifier such as "
                                        "foo>=2.0,<2.1.")
    if not reason or len(reason) > REASON_MAX:
        errors["reason"] = gettext("Give a reason of at most %(max)s characters: installers show it.",
                                   max=REASON_MAX)
    if errors:
        raise ValidationError(errors)
    _change_blocks(administrator, name, origin, log.Action.BLOCK, requirement, add=policy.Block(
        requirement, reason, administrator, clock.now().isoformat()))


def unblock(administrator: str, requirement: str, origin: Origin) -> None:
    try:
        name, _ = policy.parse_requirement(requirement)
    except ValueError as exc:
        raise NotFound(gettext("No such block.")) from exc
    _change_blocks(administrator, name, origin, log.Action.UNBLOCK, requirement.strip())


def _change_blocks(administrator: str, name: str, origin: Origin, action: log.Action, requirement: str,
                   add: policy.Block | None = None) -> None:
    item = get_or_none(Rules, name)
    before = blocks_of(item)
    after = [b for b in before if b.requirement != requirement] + ([add] if add else [])
    if add is None and len(after) == len(before):
        raise NotFound(gettext("No such block."))
    text = json.dumps([b._asdict() for b in after]) if after else None
    condition = Rules.blocks == item.blocks if item is not None and item.blocks else Rules.blocks.does_not_exist()
    try:
        with transaction() as t:
            t.update(Rules(name), actions=[Rules.blocks.set(text) if text else Rules.blocks.remove()],
                     condition=condition)
            t.save(log.entry(action, administrator, origin, target=requirement,
                             reason=add.reason if add else ""))
    except TransactWriteError as exc:
        raise Conflict(gettext("The blocklist changed at the same time: reload the page and try again.")) from exc


def set_cooldown(administrator: str, days: str, exempt: str, origin: Origin) -> None:
    days = days.strip() or "0"
    if not days.isdigit() or int(days) > DAYS_MAX:
        raise ValidationError({"days": gettext("Give a whole number of days from 0 (no cooldown) to %(max)s.",
                                               max=DAYS_MAX)})
    names = {normalize(n) for n in re.split(r"[\s,]+", exempt.strip()) if n}
    if any(not NAME_RE.match(n) for n in names):
        raise ValidationError({"exempt": gettext("Give project names, separated by spaces or commas.")})
    with transaction() as t:
        t.update(Rules(COOLDOWN), actions=[Rules.days.set(int(days)),
                                           Rules.exempt.set(names) if names else Rules.exempt.remove()])
        t.save(log.entry(log.Action.COOLDOWN, administrator, origin, target=f"{days} days",
                         reason=", ".join(sorted(names))))


def allow_local(administrator: str, name: str, origin: Origin) -> None:
    """Lets a name that came from the upstream be uploaded here (its first upload then makes a
    local project, which shadows the upstream's from then on)."""
    key = normalize(name.strip()) if name.strip() else ""
    try:
        with transaction() as t:
            t.update(UpstreamPage(key), actions=[UpstreamPage.local_allowed.set(administrator)],
                     condition=UpstreamPage.name.exists())
            t.save(log.entry(log.Action.ALLOW_LOCAL, administrator, origin, target=key))
    except TransactWriteError as exc:
        raise ValidationError({"name": gettext("No name of this spelling came from the upstream index.")}) from exc


def record_refusal(target: str, reason: str, origin: Origin) -> None:
    """A download the rules refused, in the admin log (no administrator acted: the rules did)."""
    log.entry(log.Action.UPSTREAM_REFUSED, "", origin, target=target, reason=reason).save()


def cooldown() -> policy.Cooldown:
    return cooldown_of(get_or_none(Rules, COOLDOWN))


def all_blocks() -> list[policy.Block]:
    """Every block, for the administrators' page (few, read rarely)."""
    return sorted((b for item in Rules.scan() if item.name != COOLDOWN for b in blocks_of(item)),
                  key=lambda b: b.requirement.lower())
