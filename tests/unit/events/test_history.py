"""The security history."""
from __future__ import annotations

from freezegun import freeze_time

from chalicelib.core.origin import Origin
from chalicelib.events import services as events
from chalicelib.events.models import Event
from chalicelib.events.tags import Tag


def test_history_is_newest_first_with_descriptions(stores):
    origin = Origin(ip="192.0.2.7", user_agent="pytest")
    with freeze_time("2026-01-01 00:00:00") as frozen:
        events.record(None, Tag.LOGIN_FAILURE, origin, user="alice")
        frozen.tick(5)
        events.record(None, Tag.LOGIN_SUCCESS, origin, user="alice")
    history = events.history("alice")
    assert [entry.description for entry in history] == ["Logged in", "Failed login"]
    assert history[0].ip == "192.0.2.7" and history[0].user_agent == "pytest"
    assert events.history("bob") == []


def test_a_tag_no_longer_known_shows_as_recorded(stores):
    with freeze_time("2026-01-01 00:00:00") as frozen:
        events.record(None, Tag.LOGIN_SUCCESS, Origin(), user="alice")
        frozen.tick(5)
        events.record(None, Tag.LOGIN_SUCCESS, Origin(), user="alice", detail="old")
    [stale] = [event for event in Event.query("alice") if event.detail == "old"]
    stale.update(actions=[Event.tag.set("account:retired:thing")])
    history = events.history("alice")
    assert [(entry.tag, entry.description) for entry in history] == [
        ("account:retired:thing", "account:retired:thing"), ("account:login:success", "Logged in")]
    assert Event.count("alice") == 2


def test_an_event_of_a_change_is_written_with_it_or_not_at_all(stores):
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import transaction

    project = events.project_subject("cheese", None)
    with transaction() as t:
        events.record(t, Tag.ROLE_INVITE, Origin(ip="192.0.2.9"), user="alice", project=project, detail="bob",
                      roles=["Owner"])
    [mine], [its] = events.history("alice"), events.history(project)
    assert (mine.actor, its.actor, its.detail, its.ip) == ("", "alice", "bob (Owner)", "192.0.2.9")
    try:  # the change is refused (its condition fails): the event it would have reported is not written either
        with transaction() as t:
            t.condition_check(Event, "alice", "no-such-entry", condition=Event.tag.exists())
            events.record(t, Tag.ROLE_REMOVE, Origin(), user="alice", project=project)
    except TransactWriteError:
        pass
    assert len(events.history("alice")) == 1 and len(events.history(project)) == 1


def test_details_are_shown_in_the_reader_language():
    from chalicelib.core import translation
    from chalicelib.events.tags import describe, describe_detail

    with translation.using("fr"):
        assert describe(Tag.LOGIN_SUCCESS) == "Connexion"
        assert describe_detail(Tag.LOGIN_SUCCESS, "totp") == "avec une application d’authentification"
        # Events recorded before login methods had codes carry the English words.
        assert describe_detail(Tag.LOGIN_SUCCESS, "with a recovery code") == "avec un code de récupération"
        assert describe_detail(Tag.LOGIN_SUCCESS, "security-key:Blue") == "avec la clé de sécurité «\u00a0Blue\u00a0»"
        assert describe_detail(Tag.ROLE_CHANGE, "Owner", ["Maintainer", "Owner"]) == "Owner (Mainteneur → Propriétaire)"
        assert describe_detail(Tag.TOKEN_CREATE, "totp") == "totp"  # a name the user gave shows as given
    with translation.using("en"):
        assert describe_detail(Tag.LOGIN_SUCCESS, "security-key:Blue") == "with security key “Blue”"
