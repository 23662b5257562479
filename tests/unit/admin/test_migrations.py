"""Migrations bring data stored by older code up to what this code reads."""
from __future__ import annotations

from chalicelib.admin import migrations
from chalicelib.core import translation
from chalicelib.core.origin import Origin
from chalicelib.events import services as events
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag


def test_roles_written_into_an_older_role_event_become_its_data(stores):
    old = [(Tag.ROLE_CHANGE, "bob (Maintainer → Owner)"), (Tag.ROLE_REMOVE, "carol (Maintainer)"),
           (Tag.TOKEN_CREATE, "ci (Owner)")]  # a token's name that looks like a role stays as its owner named it
    for tag, detail in old:
        events.record(None, tag, Origin(), user="alice", detail=detail)
    assert migrations.role_events() == 2 and migrations.role_events() == 0
    stored = {event.tag: (event.detail, event.roles) for event in Event.query("alice")}
    assert stored == {"project:role:change": ("bob", ["Maintainer", "Owner"]),
                      "project:role:remove": ("carol", ["Maintainer"]),
                      Tag.TOKEN_CREATE.value: ("ci (Owner)", None)}
    with translation.using("fr"):
        shown = {entry.tag: entry.detail for entry in events.history("alice")}
    assert shown[Tag.ROLE_CHANGE] == "bob (Mainteneur → Propriétaire)" and shown[Tag.TOKEN_CREATE] == "ci (Owner)"
