"""The switches that halt new accounts and new projects, the one that makes the whole index
private, and the one that holds new organizations for an administrator's approval (an
administrator sets them; accounts, packaging, readers and organizations obey them), read
through a short cache: a container reads them at most once every CACHE_FOR seconds, so a change
reaches every other container within that time, and the container that made it sees it at once.
Their table, one item ("site"), is defined here."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import NamedTuple

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core import clock
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none

CACHE_FOR = 30  # seconds
KEY = "site"


class Switches(Model):
    class Meta:
        table_name = "switches"

    key = UnicodeAttribute(hash_key=True)
    registrations = BooleanAttribute(default=True)
    projects = BooleanAttribute(default=True)
    private = BooleanAttribute(null=True)  # every read needs a credential
    review_organizations = BooleanAttribute(null=True)  # new organizations wait for an administrator
    changed_at = UTCDateTimeAttribute(null=True)
    changed_by = UnicodeAttribute(null=True)


MODELS: tuple[type[Model], ...] = (Switches,)


class Switch(enum.StrEnum):
    REGISTRATIONS = "registrations"  # "Allow new registrations"
    PROJECTS = "projects"  # "Allow new projects"
    PRIVATE = "private"  # "Private index"
    REVIEW_ORGANIZATIONS = "review_organizations"  # "Approve new organizations"


class State(NamedTuple):
    registrations: bool = True
    projects: bool = True
    private: bool = False
    review_organizations: bool = False
    changed_at: datetime | None = None
    changed_by: str = ""


_cache: dict[str, tuple[float, State]] = {}


def current(fresh: bool = False) -> State:
    """The switches, from this container's cache when it is recent (fresh: from the store)."""
    now = clock.now().timestamp()
    cached = _cache.get(KEY)
    if not fresh and cached is not None and 0 <= now - cached[0] < CACHE_FOR:
        return cached[1]
    item = get_or_none(Switches, KEY)
    state = State() if item is None else State(bool(item.registrations), bool(item.projects), bool(item.private),
                                               bool(item.review_organizations), item.changed_at,
                                               item.changed_by or "")
    _cache[KEY] = (now, state)
    return state


def allowed(switch: Switch) -> bool:
    return bool(getattr(current(), switch.value))


def index_private() -> bool:
    """Whether every read needs a credential: the deployment's setting, or the administrators' switch."""
    return get_settings().private_index or current().private


def save(t: TransactWrite, *, registrations: bool, projects: bool, private: bool, review_organizations: bool,
         by: str) -> State:
    """Adds the new switches to the transaction; remember() them once it committed."""
    state = State(registrations, projects, private, review_organizations, clock.now(), by)
    t.save(Switches(KEY, registrations=registrations, projects=projects, private=private,
                    review_organizations=review_organizations, changed_at=state.changed_at, changed_by=by))
    return state


def remember(state: State) -> None:
    """This container saw the change it made: no waiting for the cache."""
    _cache[KEY] = (clock.now().timestamp(), state)


def forget() -> None:
    _cache.clear()
